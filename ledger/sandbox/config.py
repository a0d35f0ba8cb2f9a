"""Settings of the sandbox node (env prefix ``SANDBOX_``, ``.env`` supported)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["SandboxSettings"]


class SandboxSettings(BaseSettings):
    """Where the sandbox node listens, how it closes ledgers and where it keeps its state."""

    model_config = SettingsConfigDict(env_prefix="SANDBOX_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=51234, ge=0, le=65535)
    auto_close_seconds: float = Field(default=0.0, ge=0)
    """Close a ledger this often (0: only on ``ledger_accept``, as a standalone rippled)."""
    state_file: Path | None = None
    """JSON file the node loads at start and saves after every ledger close (None: memory only)."""
    seed_demo: bool = False
    """Load the demo world at start (ignored when a state file already holds a ledger)."""
    log_level: str = "warning"
