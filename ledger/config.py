"""Settings of ledger access (env prefix ``LEDGER_``, ``.env`` supported)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["LedgerSettings"]


class LedgerSettings(BaseSettings):
    """Where the XRP Ledger node is and how long to wait for it.

    The default is the local sandbox node's JSON-RPC; a public node such as
    ``https://s.altnet.rippletest.net:51234`` (testnet) works unchanged.
    """

    model_config = SettingsConfigDict(env_prefix="LEDGER_", env_file=".env", extra="ignore")

    url: str = "http://127.0.0.1:51234"
    timeout_seconds: float = Field(default=2.0, gt=0)
    reserve_cache_seconds: float = Field(default=60.0, ge=0)
    """How long reserve figures from server_info are reused before asking again."""
    channel_page_limit: int = Field(default=200, ge=10, le=400)
    """Channels asked for per account_channels page (rippled allows 10..400)."""
    max_channel_pages: int = Field(default=50, ge=1)
    """Safety stop when following account_channels markers."""
