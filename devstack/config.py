"""Settings of the local stack (env prefix ``STACK_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ROOT", "StackSettings"]

ROOT = Path(__file__).resolve().parent.parent


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STACK_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    sandbox_port: int = 51234
    rasa_port: int = 5005
    actions_port: int = 5055
    api_port: int = 8000
    # Close a sandbox ledger this often, so submitted transactions validate as on a live network.
    sandbox_auto_close_seconds: float = 1.0
    log_dir: Path = ROOT / "var" / "log"
    secrets_dir: Path = ROOT / "var" / "secrets"
    rasa_model: Path = ROOT / "var" / "rasa" / "current.tar.gz"
    startup_timeout_seconds: float = 240.0
    stop_timeout_seconds: float = 15.0

    # "embedded": one process of each kind on SQLite and in-memory state (the default).
    # "production": `workers` Rasa servers (each with its action server), `workers` api
    # processes, `workers` fraud workers, on PostgreSQL, Redis and RabbitMQ below.
    profile: Literal["embedded", "production"] = "embedded"
    workers: int = Field(2, ge=1, le=16)
    # The embedded api's database; None keeps the api's own default (var/api.sqlite).
    api_database_url: str | None = None
    # Production services. A managed service is the same URL with its host and credentials.
    postgres_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/channeldesk"
    rasa_postgres_database: str = "channeldesk_rasa"
    redis_url: str = "redis://127.0.0.1:6379"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
