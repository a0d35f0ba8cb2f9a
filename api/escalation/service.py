"""Opening tickets from hand-offs, and routing their conversation to a human."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from api.chat import repository as chat_repository
from api.escalation import repository
from api.escalation.models import Ticket
from api.escalation.schemas import EscalationRequest, EscalationResponse

__all__ = ["open_ticket", "priority_for"]

_HIGH_KINDS = {"fraud_report", "dispute", "account_security", "fraud_review", "complaint"}
_ORDER = ["low", "normal", "high", "urgent"]


def priority_for(request: EscalationRequest) -> str:
    """The hint, raised to high for kinds where money or an account is at risk."""
    priority = request.priority_hint
    if request.kind in _HIGH_KINDS and _ORDER.index(priority) < _ORDER.index("high"):
        priority = "high"
    return priority


def open_ticket(session: Session, request: EscalationRequest) -> EscalationResponse:
    conversation = chat_repository.get_or_create_conversation(
        session, request.conversation_id, request.user.user_id
    )
    transcript = [turn.model_dump(mode="json") for turn in request.transcript]
    if not transcript:
        transcript = [
            {"sender": m.sender, "text": m.text, "ts": m.created_at.isoformat()}
            for m in chat_repository.transcript(session, request.conversation_id)
        ]
    ticket = repository.add_ticket(
        session,
        Ticket(
            id="t_" + secrets.token_hex(8),
            conversation_id=request.conversation_id,
            source=request.source,
            kind=request.kind,
            priority=priority_for(request),
            status="open",
            summary=request.summary,
            user_words=request.user_words,
            user=request.user.model_dump(mode="json"),
            diagnostics=request.diagnostics.model_dump(mode="json"),
            transcript=transcript,
            created_at=datetime.now(UTC),
        ),
    )
    conversation.owner = "human"
    conversation.ticket_id = ticket.id
    conversation.updated_at = datetime.now(UTC)
    return EscalationResponse(
        ticket_id=ticket.id,
        status="open",
        priority=ticket.priority,
        created_at=ticket.created_at,
    )
