"""Settings of the api process (env prefix ``API_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApiSettings", "get_settings"]

ROOT = Path(__file__).resolve().parent.parent


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'api.sqlite'}"
    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa processes (production): a JSON list; conversations are spread by id and move
    # to the next process when theirs is down (api/chat/rasa_router.py). Empty: rasa_url alone.
    rasa_urls: list[str] = []
    rasa_token: SecretStr | None = None
    rasa_timeout_seconds: float = 10.0
    service_token: SecretStr | None = None
    max_message_chars: int = 2000


@lru_cache
def get_settings() -> ApiSettings:
    return ApiSettings()
