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
    "HandbackRequest",
    "HandbackResponse",
    "NoteOut",
    "NoteRequest",
    "ReplyRequest",
    "ResolutionCode",
    "ResolveRequest",
    "TicketDetail",
    "TicketEventOut",
    "TicketStatus",
    "TicketSummary",
    "TranscriptTurn",
    "TransferRequest",
    "UserInfo",
]

TicketStatus = Literal["open", "assigned", "waiting_on_user", "resolved", "closed"]
Priority = Literal["urgent", "high", "normal", "low"]
ResolutionCode = Literal[
    "answered",
    "fixed",
    "refunded",
    "fraud_confirmed",
    "fraud_cleared",
    "duplicate",
    "no_response",
    "handed_back",
    "other",
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


class TicketSummary(BaseModel):
    """One row of the queue."""

    ticket_id: str
    conversation_id: str
    source: str
    kind: str
    status: TicketStatus
    summary: str
    priority: Priority
    priority_score: float
    priority_reasons: list[str]
    assignee_id: str | None
    created_at: datetime
    claimed_at: datetime | None
    first_response_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_response_breached: bool
    resolution_breached: bool
    resolved_at: datetime | None
    resolution_code: str | None
    reopen_count: int


class TicketEventOut(BaseModel):
    actor: str
    action: str
    detail: dict[str, Any]
    created_at: datetime


class NoteOut(BaseModel):
    author_id: str
    text: str
    created_at: datetime


class TicketDetail(TicketSummary):
    user_words: str
    user: dict[str, Any]
    diagnostics: dict[str, Any]
    transcript: list[dict[str, Any]]
    conversation_owner: Literal["bot", "human"] | None
    notes: list[NoteOut]
    events: list[TicketEventOut]


class TransferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_id: str = Field(min_length=1, max_length=64)


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution_code: ResolutionCode
    comment: str = Field("", max_length=2000)


class ReplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)
    wait_for_user: bool = Field(False, description="Set the ticket to waiting_on_user")


class NoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class HandbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(min_length=1, max_length=1000, description="What the bot should know")
    resolution_code: ResolutionCode = "handed_back"


class HandbackResponse(BaseModel):
    ticket: TicketSummary
    bot_informed: bool
