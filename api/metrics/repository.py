"""Every query of the metrics domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from api.chat.models import Message
from api.escalation.models import Ticket

__all__ = ["conversations_with_user_turns", "handed_off_conversations", "ticket_rows"]


def conversations_with_user_turns(session: Session) -> int:
    return (
        session.scalar(
            select(func.count(distinct(Message.conversation_id))).where(Message.sender == "user")
        )
        or 0
    )


def handed_off_conversations(session: Session) -> int:
    """Conversations with a user turn that got a ticket (fraud reviews have no chat)."""
    users = select(Message.conversation_id).where(Message.sender == "user")
    return (
        session.scalar(
            select(func.count(distinct(Ticket.conversation_id))).where(
                Ticket.source != "fraud_service", Ticket.conversation_id.in_(users)
            )
        )
        or 0
    )


def ticket_rows(
    session: Session,
) -> list[
    tuple[str, str, datetime, datetime | None, datetime | None, datetime | None, datetime | None]
]:
    rows = session.execute(
        select(
            Ticket.status,
            Ticket.priority,
            Ticket.created_at,
            Ticket.first_response_at,
            Ticket.resolved_at,
            Ticket.first_response_due,
            Ticket.resolution_due,
        )
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]
