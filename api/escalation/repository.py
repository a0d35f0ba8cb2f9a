"""Every query of the escalation domain."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.escalation.models import Ticket

__all__ = ["add_ticket", "get_ticket"]


def add_ticket(session: Session, ticket: Ticket) -> Ticket:
    session.add(ticket)
    session.flush()
    return ticket


def get_ticket(session: Session, ticket_id: str) -> Ticket | None:
    return session.get(Ticket, ticket_id)
