"""Pydantic shapes of the fraud endpoints (the output follows payment-events.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = ["AccountStatus", "DecisionOut", "EventsResponse", "ReasonOut"]


class ReasonOut(BaseModel):
    code: str
    detail: str


class DecisionOut(BaseModel):
    event_id: str
    type: str
    score: int
    probability: float
    risk_level: Literal["normal", "elevated", "highest"]
    decision: Literal["allow", "review", "block"]
    reasons: list[ReasonOut]
    model_version: str


class EventsResponse(BaseModel):
    decisions: list[DecisionOut]
    received: int


class AccountStatus(BaseModel):
    account: str
    under_review: bool
    open_reviews: int
    blocked_payments: int
    message: str
