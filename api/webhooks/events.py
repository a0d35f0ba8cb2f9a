"""The event types a subscription can receive, with their payload schemas and examples.

Every delivery body is the Standard Webhooks envelope::

    {"type": "<event type>", "timestamp": "<ISO 8601, UTC>", "data": {...}}

and carries the headers `webhook-id` (the same on every retry of a message: deduplicate on
it), `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>`; during a secret
rotation two signatures separated by a space).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "EVENT_TYPES",
    "EscalationCreated",
    "EventType",
    "FraudAlertCreated",
    "FraudReviewResolved",
    "event_catalog",
]


class ReasonOut(BaseModel):
    code: str
    detail: str


class FraudAlertCreated(BaseModel):
    """A payment event was blocked or sent to review by the fraud service."""

    alert_id: str = Field(description="Identifier of the alert (also the review case for reviews)")
    decision: Literal["block", "review"]
    score: int = Field(ge=0, le=100, description="Risk score, 0-100")
    risk_level: Literal["normal", "elevated", "highest"]
    reasons: list[ReasonOut]
    account: str | None = Field(description="The paying account (classic address)")
    event: dict[str, Any] = Field(description="The scored event: id, type, ts")


class FraudReviewResolved(BaseModel):
    """A human resolved a review case."""

    alert_id: str
    account: str | None
    resolution: Literal["fraud_confirmed", "legitimate"]
    resolved_by: str
    resolved_at: str
    note: str = ""


class EscalationCreated(BaseModel):
    """A conversation was handed to a human agent (a ticket was opened)."""

    ticket_id: str
    conversation_id: str
    source: str
    kind: str
    priority: str
    summary: str
    created_at: str


EventType = Literal["fraud.alert.created", "fraud.review.resolved", "escalation.created"]

_EXAMPLES: dict[str, dict[str, Any]] = {
    "fraud.alert.created": {
        "alert_id": "evt_8f2c1d",
        "decision": "block",
        "score": 97,
        "risk_level": "highest",
        "reasons": [
            {"code": "claim_over_channel", "detail": "The claim exceeds the channel's funds."}
        ],
        "account": "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        "event": {"id": "evt_8f2c1d", "type": "claim", "ts": "2026-03-01T12:00:00Z"},
    },
    "fraud.review.resolved": {
        "alert_id": "evt_41aa09",
        "account": "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        "resolution": "legitimate",
        "resolved_by": "agent:maria",
        "resolved_at": "2026-03-01T13:05:00Z",
        "note": "Known creator, large tip.",
    },
    "escalation.created": {
        "ticket_id": "T-20260301-0007",
        "conversation_id": "web-3b1f",
        "source": "bot",
        "kind": "payment_problem",
        "priority": "high",
        "summary": "Claim rejected twice; user asks for a human.",
        "created_at": "2026-03-01T12:10:00Z",
    },
}

EVENT_TYPES: dict[str, type[BaseModel]] = {
    "fraud.alert.created": FraudAlertCreated,
    "fraud.review.resolved": FraudReviewResolved,
    "escalation.created": EscalationCreated,
}


def event_catalog() -> list[dict[str, Any]]:
    """Each event type with its description, JSON schema of `data` and an example body."""
    return [
        {
            "type": name,
            "description": (model.__doc__ or "").strip(),
            "schema": model.model_json_schema(),
            "example": {
                "type": name,
                "timestamp": "2026-03-01T12:00:00.512000Z",
                "data": model.model_validate(_EXAMPLES[name]).model_dump(mode="json"),
            },
        }
        for name, model in EVENT_TYPES.items()
    ]
