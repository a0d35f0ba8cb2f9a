"""Live hand-off between the bot and a human: agent replies, hand back, user writes again.

Hand back commits first (conversation owner "bot", ticket resolved) and then tells Rasa,
through its tracker API, the summary as the ``handback_summary`` slot; a failure to reach
Rasa is written to the audit trail and reported in the response, never rolled back into the
ticket (the human part is done either way).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.agents.schemas import AgentOut
from api.chat import repository as chat_repository
from api.chat.models import Conversation
from api.escalation import priority, repository
from api.escalation.config import EscalationSettings
from api.escalation.errors import InvalidTransition
from api.escalation.models import Ticket
from api.escalation.schemas import HandbackResponse, TicketSummary
from api.escalation.service import aware, get_owned_ticket, to_summary, utcnow

__all__ = [
    "BACK_WITH_ASSISTANT",
    "NEW_REQUEST",
    "REOPENED",
    "hand_back",
    "on_user_message",
    "reply",
]

BACK_WITH_ASSISTANT = "You're back with the assistant. Our agent left it a short summary."
REOPENED = "We've reopened your request; an agent will reply here."
NEW_REQUEST = "We've opened a new request with our support team; an agent will reply here."


def reply(
    session: Session,
    settings: EscalationSettings,
    agent: AgentOut,
    ticket_id: str,
    text: str,
    wait_for_user: bool,
) -> TicketSummary:
    """The agent's message goes into the user's chat (sender "agent")."""
    now = utcnow()
    ticket = get_owned_ticket(session, agent, ticket_id)
    if ticket.status not in ("assigned", "waiting_on_user"):
        raise InvalidTransition(f"ticket {ticket_id} is {ticket.status}; claim it to reply")
    conversation = session.get(Conversation, ticket.conversation_id)
    if conversation is None:
        raise InvalidTransition(f"ticket {ticket_id} has no chat conversation to reply in")
    chat_repository.add_message(
        session, ticket.conversation_id, "agent", text, {"agent": agent.display_name}
    )
    conversation.updated_at = now
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    new_status = "waiting_on_user" if wait_for_user else "assigned"
    repository.add_event(
        session,
        ticket.id,
        agent.id,
        "replied",
        now,
        {"status": new_status} if new_status != ticket.status else {},
    )
    ticket.status, ticket.updated_at = new_status, now
    return to_summary(ticket, settings, now)


def _tell_bot(rasa: httpx.Client, conversation_id: str, slot: str, summary: str) -> str | None:
    """Set the slot on the conversation's tracker; an error in words, or None."""
    try:
        response = rasa.post(
            f"/conversations/{conversation_id}/tracker/events",
            json=[{"event": "slot", "name": slot, "value": summary}],
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return f"Rasa tracker update failed: {type(exc).__name__}"
    return None


def hand_back(
    factory: sessionmaker[Session],
    rasa: httpx.Client,
    settings: EscalationSettings,
    agent: AgentOut,
    ticket_id: str,
    summary: str,
    resolution_code: str,
) -> HandbackResponse:
    now = utcnow()
    with factory.begin() as session:
        ticket = get_owned_ticket(session, agent, ticket_id)
        if ticket.status not in ("assigned", "waiting_on_user"):
            raise InvalidTransition(f"ticket {ticket_id} is {ticket.status}; claim it to hand back")
        conversation = session.get(Conversation, ticket.conversation_id)
        if conversation is None:
            raise InvalidTransition(f"ticket {ticket_id} has no chat conversation to hand back")
        conversation.owner, conversation.updated_at = "bot", now
        chat_repository.add_message(session, ticket.conversation_id, "system", BACK_WITH_ASSISTANT)
        repository.add_event(
            session,
            ticket.id,
            agent.id,
            "handed_back",
            now,
            {"summary": summary, "resolution_code": resolution_code},
        )
        ticket.status, ticket.resolution_code = "resolved", resolution_code
        ticket.resolved_at = ticket.updated_at = now
        result = to_summary(ticket, settings, now)
        conversation_id = ticket.conversation_id
    error = _tell_bot(rasa, conversation_id, settings.handback_slot, summary)
    if error is not None:
        with factory.begin() as session:
            repository.add_event(
                session, ticket_id, "system", "bot_not_informed", utcnow(), {"error": error}
            )
    return HandbackResponse(ticket=result, bot_informed=error is None)


def on_user_message(
    session: Session, settings: EscalationSettings, conversation: Conversation
) -> str | None:
    """A user wrote while a human owns the conversation: the note to show them, if any.

    Waiting on the user -> assigned again; resolved within the reopen window -> reopened;
    resolved earlier, or closed -> closed, and a new ticket carries the conversation on.
    """
    now = utcnow()
    ticket = (
        repository.get_ticket(session, conversation.ticket_id) if conversation.ticket_id else None
    )
    if ticket is None:
        return None
    if ticket.status == "waiting_on_user":
        repository.add_event(session, ticket.id, "user", "user_replied", now)
        ticket.status, ticket.updated_at = "assigned", now
        return None
    if ticket.status not in ("resolved", "closed"):
        return None
    resolved_at = aware(ticket.resolved_at) or now
    if ticket.status == "resolved" and now - resolved_at <= timedelta(
        hours=settings.reopen_window_hours
    ):
        repository.add_event(session, ticket.id, "user", "reopened", now)
        ticket.status = "assigned" if ticket.assignee_id else "open"
        ticket.reopen_count += 1
        ticket.resolved_at, ticket.resolution_code, ticket.updated_at = None, None, now
        return REOPENED
    if ticket.status == "resolved":
        repository.add_event(
            session,
            ticket.id,
            "system",
            "closed",
            now,
            {"why": "user wrote after the reopen window"},
        )
        ticket.status, ticket.closed_at, ticket.updated_at = "closed", now, now
    successor = _follow_up(ticket, settings, now)
    repository.add_ticket(session, successor)
    repository.add_event(session, successor.id, "user", "opened", now, {"follows": ticket.id})
    conversation.ticket_id, conversation.updated_at = successor.id, now
    return NEW_REQUEST


def _follow_up(previous: Ticket, settings: EscalationSettings, now: datetime) -> Ticket:
    base = priority.base_priority(previous.kind, "normal", previous.diagnostics or {})
    label = priority.label_for(base.score)
    return Ticket(
        id="t_" + secrets.token_hex(8),
        conversation_id=previous.conversation_id,
        source=previous.source,
        kind=previous.kind,
        priority=label,
        status="open",
        summary=f"The user wrote again after ticket {previous.id} was closed. "
        f"Previous summary: {previous.summary}",
        user_words="",
        user=previous.user,
        diagnostics=previous.diagnostics,
        transcript=[],
        created_at=now,
        updated_at=now,
        priority_score=base.score,
        priority_reasons=[*base.reasons, f"follows {previous.id}"],
        rank_at=priority.rank_at(now, base.score, settings.aging_minutes_per_point),
        first_response_due=now + timedelta(minutes=settings.first_response_minutes[label]),
        resolution_due=now + timedelta(minutes=settings.resolution_minutes[label]),
        reopen_count=0,
    )
