"""Every query of the escalation domain.

Claiming is one conditional ``UPDATE ... WHERE id = (SELECT ...) AND status = 'open'
RETURNING id``. On PostgreSQL the inner select takes the row with ``FOR UPDATE SKIP LOCKED``,
so concurrent claimers each lock a different row instead of queueing on the same one. On
SQLite the transaction is started with ``BEGIN IMMEDIATE`` (one writer at a time, waiting on
the busy timeout), so the select and the update see the same committed state. On both, the
``status = 'open'`` condition re-checked by the update makes a double claim impossible.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from api.escalation.models import Ticket, TicketEvent, TicketNote

__all__ = [
    "add_event",
    "add_note",
    "add_ticket",
    "claim_next",
    "claim_one",
    "events_for",
    "get_ticket",
    "latest_ticket_for_conversation",
    "list_tickets",
    "notes_for",
]


def add_ticket(session: Session, ticket: Ticket) -> Ticket:
    session.add(ticket)
    session.flush()
    return ticket


def get_ticket(session: Session, ticket_id: str) -> Ticket | None:
    return session.get(Ticket, ticket_id, populate_existing=True)


def latest_ticket_for_conversation(session: Session, conversation_id: str) -> Ticket | None:
    return session.scalars(
        select(Ticket)
        .where(Ticket.conversation_id == conversation_id)
        .order_by(Ticket.created_at.desc())
        .limit(1)
    ).first()


def list_tickets(
    session: Session,
    statuses: Sequence[str] | None = None,
    kind: str | None = None,
    assignee_id: str | None = None,
    limit: int = 200,
) -> list[Ticket]:
    query: Select[Ticket] = select(Ticket)
    if statuses:
        query = query.where(Ticket.status.in_(list(statuses)))
    if kind:
        query = query.where(Ticket.kind == kind)
    if assignee_id:
        query = query.where(Ticket.assignee_id == assignee_id)
    return list(session.scalars(query.order_by(Ticket.rank_at, Ticket.id).limit(limit)).all())


def _begin_immediate_on_sqlite(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _claim_values(agent_id: str, now: datetime) -> dict[str, Any]:
    return {"status": "assigned", "assignee_id": agent_id, "claimed_at": now, "updated_at": now}


def claim_next(session: Session, agent_id: str, now: datetime) -> str | None:
    """Assign the most urgent open ticket to ``agent_id``; its id, or None if none is open."""
    _begin_immediate_on_sqlite(session)
    next_open = (
        select(Ticket.id)
        .where(Ticket.status == "open")
        .order_by(Ticket.rank_at, Ticket.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = session.execute(
        update(Ticket)
        .where(Ticket.id == next_open, Ticket.status == "open")
        .values(**_claim_values(agent_id, now))
        .returning(Ticket.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return claimed


def claim_one(session: Session, ticket_id: str, agent_id: str, now: datetime) -> bool:
    """Assign ``ticket_id`` to ``agent_id`` if it is still open."""
    _begin_immediate_on_sqlite(session)
    claimed = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == "open")
        .values(**_claim_values(agent_id, now))
        .returning(Ticket.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return claimed is not None


def add_event(
    session: Session,
    ticket_id: str,
    actor: str,
    action: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket_id, actor=actor, action=action, detail=detail or {}, created_at=now
    )
    session.add(event)
    return event


def events_for(session: Session, ticket_id: str) -> list[TicketEvent]:
    return list(
        session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        ).all()
    )


def add_note(
    session: Session, ticket_id: str, author_id: str, text: str, now: datetime
) -> TicketNote:
    note = TicketNote(ticket_id=ticket_id, author_id=author_id, text=text, created_at=now)
    session.add(note)
    return note


def notes_for(session: Session, ticket_id: str) -> list[TicketNote]:
    return list(
        session.scalars(
            select(TicketNote).where(TicketNote.ticket_id == ticket_id).order_by(TicketNote.id)
        ).all()
    )
