"""Settings of agent accounts (env prefix ``API_AGENTS_``).

The first admin comes from ``bootstrap_admin_username`` + ``bootstrap_admin_password`` (created
at start-up when no agent exists yet) or from ``python -m api.agents create --role admin``.
``demo_agent`` (off by default; ``make run`` turns it on) creates the agent ``demo`` whose
password is generated once into ``demo_password_file`` (under var/, never in code).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.config import ROOT

__all__ = ["AgentSettings"]


class AgentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_AGENTS_", env_file=".env", extra="ignore")

    session_hours: float = Field(12.0, gt=0)
    bootstrap_admin_username: str | None = None
    bootstrap_admin_password: SecretStr | None = None
    demo_agent: bool = False
    demo_password_file: Path = ROOT / "var" / "secrets" / "demo-agent-password"
    # scrypt cost; lower it only in tests.
    scrypt_n: int = Field(2**14, ge=2**10)
