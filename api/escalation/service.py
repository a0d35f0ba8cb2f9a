"""Ticket intake and lifecycle: open, list, claim, release, transfer, resolve, notes.

Statuses: ``open`` -> ``assigned`` (claim) -> ``waiting_on_user`` (agent asked the user)
-> ``resolved`` -> ``closed``; ``assigned`` -> ``open`` (release); a user writing again moves
``waiting_on_user`` back to ``assigned`` and reopens a ``resolved`` ticket (see handoff.py).
Every change writes a row to the audit trail in the same transaction. Services never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from api.agents import repository as agents_repository
from api.agents.schemas import AgentOut
from api.chat import repository as chat_repository
from api.chat.models import Conversation
from api.escalation import priority, repository
from api.escalation.config import EscalationSettings
from api.escalation.errors import (
    InvalidTransition,
    NotYourTicket,
    QueueEmpty,
    TicketAlreadyClaimed,
    TicketNotFound,
)
from api.escalation.models import Ticket
from api.escalation.schemas import (
    EscalationRequest,
    EscalationResponse,
    NoteOut,
    TicketDetail,
    TicketEventOut,
    TicketSummary,
)
from api.webhooks import service as webhooks
from api.webhooks.events import EscalationCreated, FraudReviewResolved

_REVIEW_VERDICTS: dict[str, Literal["fraud_confirmed", "legitimate"]] = {
    "fraud_confirmed": "fraud_confirmed",
    "fraud_cleared": "legitimate",
}

__all__ = [
    "AGENT_JOINED",
    "add_note",
    "aware",
    "claim",
    "claim_next",
    "close",
    "get_owned_ticket",
    "list_queue",
    "open_ticket",
    "priority_for",
    "release",
    "resolve",
    "ticket_detail",
    "to_summary",
    "transfer",
    "utcnow",
]

AGENT_JOINED = "An agent has joined the conversation."
ACTIVE = ("open", "assigned", "waiting_on_user")


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def priority_for(request: EscalationRequest) -> str:
    """The label of the ticket's base priority (without time waiting)."""
    base = priority.base_priority(
        request.kind, request.priority_hint, request.diagnostics.model_dump(mode="json")
    )
    return priority.label_for(base.score)


def open_ticket(
    session: Session,
    request: EscalationRequest,
    settings: EscalationSettings,
    actor: str = "service",
    now: datetime | None = None,
) -> EscalationResponse:
    now = now or utcnow()
    diagnostics = request.diagnostics.model_dump(mode="json")
    base = priority.base_priority(request.kind, request.priority_hint, diagnostics)
    label = priority.label_for(base.score)
    conversation: Conversation | None = None
    # Fraud reviews concern a payment, not a chat: they carry no conversation to route.
    if request.source != "fraud_service":
        conversation = chat_repository.get_or_create_conversation(
            session, request.conversation_id, request.user.user_id
        )
    transcript = [turn.model_dump(mode="json") for turn in request.transcript]
    if not transcript and conversation is not None:
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
            priority=label,
            status="open",
            summary=request.summary,
            user_words=request.user_words,
            user=request.user.model_dump(mode="json"),
            diagnostics=diagnostics,
            transcript=transcript,
            created_at=now,
            updated_at=now,
            priority_score=base.score,
            priority_reasons=base.reasons,
            rank_at=priority.rank_at(now, base.score, settings.aging_minutes_per_point),
            first_response_due=now + timedelta(minutes=settings.first_response_minutes[label]),
            resolution_due=now + timedelta(minutes=settings.resolution_minutes[label]),
            reopen_count=0,
        ),
    )
    repository.add_event(
        session, ticket.id, actor, "opened", now, {"source": request.source, "kind": request.kind}
    )
    if conversation is not None:
        conversation.owner = "human"
        conversation.ticket_id = ticket.id
        conversation.updated_at = now
    # Subscribers hear of it from the outbox, in this same transaction.
    webhooks.publish(
        session,
        "escalation.created",
        EscalationCreated(
            ticket_id=ticket.id,
            conversation_id=ticket.conversation_id,
            source=ticket.source,
            kind=ticket.kind,
            priority=label,
            summary=ticket.summary,
            created_at=now.isoformat(),
        ).model_dump(),
    )
    return EscalationResponse(
        ticket_id=ticket.id, status="open", priority=label, created_at=ticket.created_at
    )


def to_summary(ticket: Ticket, settings: EscalationSettings, now: datetime) -> TicketSummary:
    created_at = aware(ticket.created_at)
    assert created_at is not None
    active = ticket.status in ACTIVE
    if active:
        score, label, reasons = priority.live_priority(
            ticket.priority_score,
            list(ticket.priority_reasons or []),
            created_at,
            now,
            settings.aging_minutes_per_point,
        )
    else:
        score, label, reasons = (
            float(ticket.priority_score),
            ticket.priority,
            list(ticket.priority_reasons or []),
        )
    first_response_at = aware(ticket.first_response_at)
    first_due = aware(ticket.first_response_due)
    resolved_at = aware(ticket.resolved_at)
    resolution_due = aware(ticket.resolution_due)
    return TicketSummary(
        ticket_id=ticket.id,
        conversation_id=ticket.conversation_id,
        source=ticket.source,
        kind=ticket.kind,
        status=ticket.status,
        summary=ticket.summary,
        priority=label,
        priority_score=score,
        priority_reasons=reasons,
        assignee_id=ticket.assignee_id,
        created_at=created_at,
        claimed_at=aware(ticket.claimed_at),
        first_response_at=first_response_at,
        first_response_due=first_due,
        resolution_due=resolution_due,
        first_response_breached=first_due is not None and (first_response_at or now) > first_due,
        resolution_breached=resolution_due is not None and (resolved_at or now) > resolution_due,
        resolved_at=resolved_at,
        resolution_code=ticket.resolution_code,
        reopen_count=ticket.reopen_count,
    )


def list_queue(
    session: Session,
    settings: EscalationSettings,
    statuses: Sequence[str] | None = None,
    kind: str | None = None,
    assignee_id: str | None = None,
    priority_label: str | None = None,
    limit: int = 200,
) -> list[TicketSummary]:
    now = utcnow()
    rows = [
        to_summary(ticket, settings, now)
        for ticket in repository.list_tickets(session, statuses, kind, assignee_id, limit)
    ]
    if priority_label:
        rows = [row for row in rows if row.priority == priority_label]
    return sorted(rows, key=lambda row: -row.priority_score) if rows else rows


def _load(session: Session, ticket_id: str) -> Ticket:
    ticket = repository.get_ticket(session, ticket_id)
    if ticket is None:
        raise TicketNotFound(f"no ticket with id {ticket_id!r}")
    return ticket


def get_owned_ticket(session: Session, agent: AgentOut, ticket_id: str) -> Ticket:
    """The ticket, if ``agent`` holds it (admins may act on any)."""
    ticket = _load(session, ticket_id)
    if ticket.assignee_id != agent.id and agent.role != "admin":
        raise NotYourTicket(f"ticket {ticket_id} is assigned to someone else; claim it first")
    return ticket


def _after_claim(
    session: Session, ticket_id: str, agent: AgentOut, now: datetime, how: str
) -> Ticket:
    ticket = _load(session, ticket_id)
    repository.add_event(session, ticket.id, agent.id, "claimed", now, {"how": how})
    conversation = session.get(Conversation, ticket.conversation_id)
    if conversation is not None:
        conversation.owner = "human"
        conversation.ticket_id = ticket.id
        conversation.updated_at = now
        chat_repository.add_message(session, ticket.conversation_id, "system", AGENT_JOINED)
    return ticket


def claim_next(session: Session, settings: EscalationSettings, agent: AgentOut) -> TicketSummary:
    now = utcnow()
    ticket_id = repository.claim_next(session, agent.id, now)
    if ticket_id is None:
        raise QueueEmpty("no open ticket is waiting in the queue")
    return to_summary(_after_claim(session, ticket_id, agent, now, "next"), settings, now)


def claim(
    session: Session, settings: EscalationSettings, agent: AgentOut, ticket_id: str
) -> TicketSummary:
    now = utcnow()
    if not repository.claim_one(session, ticket_id, agent.id, now):
        ticket = _load(session, ticket_id)
        raise TicketAlreadyClaimed(
            f"ticket {ticket_id} is {ticket.status.replace('_', ' ')}"
            + (f" (assigned to {ticket.assignee_id})" if ticket.assignee_id else "")
            + "; only open tickets can be claimed"
        )
    return to_summary(_after_claim(session, ticket_id, agent, now, "chosen"), settings, now)


def release(
    session: Session, settings: EscalationSettings, agent: AgentOut, ticket_id: str
) -> TicketSummary:
    now = utcnow()
    ticket = get_owned_ticket(session, agent, ticket_id)
    if ticket.status not in ("assigned", "waiting_on_user"):
        raise InvalidTransition(
            f"ticket {ticket_id} is {ticket.status}; only held tickets can be released"
        )
    repository.add_event(
        session, ticket.id, agent.id, "released", now, {"from": ticket.assignee_id}
    )
    ticket.status, ticket.assignee_id, ticket.updated_at = "open", None, now
    return to_summary(ticket, settings, now)


def transfer(
    session: Session,
    settings: EscalationSettings,
    agent: AgentOut,
    ticket_id: str,
    target_agent_id: str,
) -> TicketSummary:
    now = utcnow()
    ticket = get_owned_ticket(session, agent, ticket_id)
    if ticket.status not in ACTIVE:
        raise InvalidTransition(f"ticket {ticket_id} is {ticket.status}; it cannot be transferred")
    target = agents_repository.get_agent(session, target_agent_id)
    if target is None or not target.active:
        raise InvalidTransition(f"no active agent with id {target_agent_id!r} to transfer to")
    repository.add_event(
        session,
        ticket.id,
        agent.id,
        "transferred",
        now,
        {"from": ticket.assignee_id, "to": target.id},
    )
    ticket.assignee_id, ticket.updated_at = target.id, now
    if ticket.status == "open":
        ticket.status, ticket.claimed_at = "assigned", now
    return to_summary(ticket, settings, now)


def resolve(
    session: Session,
    settings: EscalationSettings,
    agent: AgentOut,
    ticket_id: str,
    resolution_code: str,
    comment: str = "",
) -> TicketSummary:
    now = utcnow()
    ticket = get_owned_ticket(session, agent, ticket_id)
    if ticket.status not in ("assigned", "waiting_on_user"):
        raise InvalidTransition(f"ticket {ticket_id} is {ticket.status}; claim it before resolving")
    repository.add_event(
        session,
        ticket.id,
        agent.id,
        "resolved",
        now,
        {"resolution_code": resolution_code, "comment": comment},
    )
    ticket.status, ticket.resolution_code = "resolved", resolution_code
    ticket.resolved_at = ticket.updated_at = now
    if ticket.kind == "fraud_review" and resolution_code in _REVIEW_VERDICTS:
        event = ((ticket.diagnostics or {}).get("fraud") or {}).get("event") or {}
        wallets = (ticket.user or {}).get("wallets") or []
        webhooks.publish(
            session,
            "fraud.review.resolved",
            FraudReviewResolved(
                alert_id=str(event.get("id") or ticket.id),
                account=wallets[0] if wallets else None,
                resolution=_REVIEW_VERDICTS[resolution_code],
                resolved_by=agent.username,
                resolved_at=now.isoformat(),
                note=comment,
            ).model_dump(),
        )
    return to_summary(ticket, settings, now)


def close(
    session: Session, settings: EscalationSettings, agent: AgentOut, ticket_id: str
) -> TicketSummary:
    """Close a resolved ticket: a user writing again then starts a new ticket, not a reopen."""
    now = utcnow()
    ticket = get_owned_ticket(session, agent, ticket_id)
    if ticket.status != "resolved":
        raise InvalidTransition(
            f"ticket {ticket_id} is {ticket.status}; only resolved tickets close"
        )
    repository.add_event(session, ticket.id, agent.id, "closed", now)
    ticket.status, ticket.closed_at, ticket.updated_at = "closed", now, now
    return to_summary(ticket, settings, now)


def add_note(session: Session, agent: AgentOut, ticket_id: str, text: str) -> NoteOut:
    now = utcnow()
    ticket = _load(session, ticket_id)
    note = repository.add_note(session, ticket.id, agent.id, text, now)
    repository.add_event(session, ticket.id, agent.id, "note_added", now)
    return NoteOut(author_id=note.author_id, text=note.text, created_at=now)


def ticket_detail(session: Session, settings: EscalationSettings, ticket_id: str) -> TicketDetail:
    now = utcnow()
    ticket = _load(session, ticket_id)
    conversation = session.get(Conversation, ticket.conversation_id)
    if conversation is not None:
        transcript = [
            {"sender": m.sender, "text": m.text, "ts": aware(m.created_at).isoformat()}  # type: ignore[union-attr]
            for m in chat_repository.transcript(session, ticket.conversation_id)
        ]
    else:
        transcript = list(ticket.transcript or [])
    summary = to_summary(ticket, settings, now)
    return TicketDetail(
        **summary.model_dump(),
        user_words=ticket.user_words,
        user=ticket.user,
        diagnostics=ticket.diagnostics,
        transcript=transcript,
        conversation_owner=conversation.owner if conversation else None,
        notes=[
            NoteOut(author_id=n.author_id, text=n.text, created_at=aware(n.created_at))
            for n in repository.notes_for(session, ticket.id)
        ],
        events=[
            TicketEventOut(
                actor=e.actor,
                action=e.action,
                detail=e.detail,
                created_at=aware(e.created_at),
            )
            for e in repository.events_for(session, ticket.id)
        ],
    )
