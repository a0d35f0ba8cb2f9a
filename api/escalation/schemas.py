"""Pydantic schemas of the escalation API.

`EscalationRequest` is the body the assistant's actions (and later the fraud service) send to
``POST /internal/escalations``. It carries everything a human agent needs to pick the case up
without asking the user again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Diagnostics",
    "EscalationKind",
    "EscalationRequest",
    "EscalationResponse",
    "TranscriptTurn",
    "UserInfo",
]

EscalationKind = Literal[
    "human_request",
    "complaint",
    "fraud_report",
    "dispute",
    "fallback",
    "wallet_connection",
    "browser",
    "ledger_unavailable",
    "account_security",
    "fraud_review",
    "other",
]


class TranscriptTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Literal["user", "bot", "agent", "system"]
    text: str
    ts: datetime | None = None


class UserInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(None, description="Platform user id, None for anonymous visitors")
    display_name: str | None = None
    wallets: list[str] = Field(default_factory=list, description="Linked classic addresses")


class Diagnostics(BaseModel):
    """Structured facts gathered before the hand-off; every part is optional."""

    model_config = ConfigDict(extra="allow")

    account_overview: dict[str, Any] | None = None
    channels: list[dict[str, Any]] = Field(default_factory=list)
    transactions: list[dict[str, Any]] = Field(default_factory=list)
    claim_checks: list[dict[str, Any]] = Field(default_factory=list)
    troubleshooting: dict[str, Any] = Field(
        default_factory=dict, description="Slots collected by troubleshooting: wallet, browser, ..."
    )
    fraud: dict[str, Any] | None = Field(None, description="Score, risk level and reasons")
    errors: list[str] = Field(default_factory=list, description="Lookups that failed, in words")


class EscalationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=128)
    source: Literal["assistant", "fraud_service", "report"] = "assistant"
    kind: EscalationKind
    priority_hint: Literal["urgent", "high", "normal", "low"] = "normal"
    summary: str = Field(min_length=1, max_length=2000, description="One paragraph for the agent")
    user_words: str = Field("", max_length=4000, description="What the user said, verbatim")
    user: UserInfo = Field(default_factory=UserInfo)
    diagnostics: Diagnostics = Field(default_factory=Diagnostics)
    transcript: list[TranscriptTurn] = Field(default_factory=list)


class EscalationResponse(BaseModel):
    ticket_id: str
    status: Literal["open", "assigned", "waiting_on_user", "resolved", "closed"]
    priority: Literal["urgent", "high", "normal", "low"]
    created_at: datetime
