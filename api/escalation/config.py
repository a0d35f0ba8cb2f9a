"""Settings of the escalation queue (env prefix ``API_ESCALATION_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["EscalationSettings"]


class EscalationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_ESCALATION_", env_file=".env", extra="ignore")

    # SLA targets per priority label, in minutes: first agent response and resolution.
    first_response_minutes: dict[str, int] = Field(
        default_factory=lambda: {"urgent": 15, "high": 60, "normal": 240, "low": 1440}
    )
    resolution_minutes: dict[str, int] = Field(
        default_factory=lambda: {"urgent": 240, "high": 1440, "normal": 4320, "low": 10080}
    )
    # One priority point per this many minutes a ticket waits in the queue.
    aging_minutes_per_point: float = Field(6.0, gt=0)
    # A user writing within this many hours of resolution reopens the ticket; later, a new one.
    reopen_window_hours: float = Field(72.0, ge=0)
    handback_slot: str = "handback_summary"
