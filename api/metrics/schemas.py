"""Pydantic schemas of the metrics API."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["DurationStats", "SupportStats"]


class DurationStats(BaseModel):
    count: int
    total_seconds: float
    mean_seconds: float | None
    p50_seconds: float | None
    p90_seconds: float | None


class SupportStats(BaseModel):
    conversations: int = Field(description="Conversations where a user wrote at least once")
    handed_off: int = Field(description="Of those, conversations that reached a human")
    resolved_without_human_share: float | None
    handoff_rate: float | None
    first_agent_response: DurationStats
    resolution: DurationStats
    open_tickets_by_priority: dict[str, int]
    tickets_by_status: dict[str, int]
    first_response_breaches: int = Field(description="Active tickets past their first-response due")
    resolution_breaches: int = Field(description="Active tickets past their resolution due")
