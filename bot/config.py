"""Settings of the action server (env prefix ``BOT_``, ``.env`` supported)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BotSettings", "get_settings"]


class BotSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")

    api_url: str = "http://127.0.0.1:8000"
    """The api, for ``POST /internal/escalations``."""
    service_token: SecretStr | None = None
    """Bearer credential for the api's internal endpoints (the api's ``API_SERVICE_TOKEN``)."""
    escalation_timeout_seconds: float = Field(3.0, gt=0)
    ledger_url: str | None = None
    """None: ``LEDGER_URL`` (the local sandbox node by default)."""
    ledger_timeout_seconds: float = Field(2.0, gt=0)
    """Per request to the node; a lookup gives up and says so after ``answer_deadline_seconds``."""
    answer_deadline_seconds: float = Field(2.5, gt=0)
    support_email: str = "support@channeldesk.example"
    history_limit: int = Field(5, ge=1, le=50)
    history_max_days: int = Field(90, ge=1)
    channel_low_fraction: float = Field(0.2, gt=0, lt=1)
    """Warn when a channel has less than this share of its funds left."""
    spending_window_days: int = Field(7, ge=1)
    """Recent claims over this many days give the spending rate of a channel."""
    kb_enabled: bool = True
    kb_wait_seconds: float = Field(0.5, ge=0)
    """How long a question waits for the knowledge base to finish loading (first use only)."""
    transcript_turns: int = Field(30, ge=1)


@lru_cache
def get_settings() -> BotSettings:
    return BotSettings()
