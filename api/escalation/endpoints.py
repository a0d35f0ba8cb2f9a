"""Escalation endpoints: the internal intake (service credential) and the agents' queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.agents.auth import CurrentAgent
from api.deps import RasaDep, ServiceCaller, SessionDep, SessionFactoryDep
from api.escalation import handoff, service
from api.escalation.deps import EscalationSettingsDep
from api.escalation.schemas import (
    EscalationRequest,
    EscalationResponse,
    HandbackRequest,
    HandbackResponse,
    NoteOut,
    NoteRequest,
    ReplyRequest,
    ResolveRequest,
    TicketDetail,
    TicketStatus,
    TicketSummary,
    TransferRequest,
)

__all__ = ["internal_router", "router"]

internal_router = APIRouter(prefix="/internal", tags=["internal"])
router = APIRouter(prefix="/tickets", tags=["tickets"])


@internal_router.post("/escalations", response_model=EscalationResponse, status_code=201)
def create_escalation(
    body: EscalationRequest,
    session: SessionDep,
    settings: EscalationSettingsDep,
    _: ServiceCaller,
) -> EscalationResponse:
    """Open a ticket with diagnostics and hand the conversation to a human."""
    return service.open_ticket(session, body, settings)


@router.get("", response_model=list[TicketSummary])
def list_tickets(
    session: SessionDep,
    settings: EscalationSettingsDep,
    _: CurrentAgent,
    status: Annotated[list[TicketStatus] | None, Query()] = None,
    kind: str | None = None,
    assignee: str | None = None,
    priority: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[TicketSummary]:
    """The queue, most urgent first; filter by status, kind, assignee and priority."""
    return service.list_queue(session, settings, status, kind, assignee, priority, limit)


@router.post("/claim-next", response_model=TicketSummary)
def claim_next(
    session: SessionDep, settings: EscalationSettingsDep, agent: CurrentAgent
) -> TicketSummary:
    """Claim the most urgent open ticket (atomically; 404 when the queue is empty)."""
    return service.claim_next(session, settings, agent)


@router.get("/{ticket_id}", response_model=TicketDetail)
def get_ticket(
    ticket_id: str, session: SessionDep, settings: EscalationSettingsDep, _: CurrentAgent
) -> TicketDetail:
    """A ticket with diagnostics, live transcript, notes and audit trail."""
    return service.ticket_detail(session, settings, ticket_id)


@router.post("/{ticket_id}/claim", response_model=TicketSummary)
def claim(
    ticket_id: str, session: SessionDep, settings: EscalationSettingsDep, agent: CurrentAgent
) -> TicketSummary:
    """Claim this ticket if it is still open (409 otherwise)."""
    return service.claim(session, settings, agent, ticket_id)


@router.post("/{ticket_id}/release", response_model=TicketSummary)
def release(
    ticket_id: str, session: SessionDep, settings: EscalationSettingsDep, agent: CurrentAgent
) -> TicketSummary:
    """Put the ticket back in the queue."""
    return service.release(session, settings, agent, ticket_id)


@router.post("/{ticket_id}/transfer", response_model=TicketSummary)
def transfer(
    ticket_id: str,
    body: TransferRequest,
    session: SessionDep,
    settings: EscalationSettingsDep,
    agent: CurrentAgent,
) -> TicketSummary:
    """Give the ticket to another agent."""
    return service.transfer(session, settings, agent, ticket_id, body.agent_id)


@router.post("/{ticket_id}/resolve", response_model=TicketSummary)
def resolve(
    ticket_id: str,
    body: ResolveRequest,
    session: SessionDep,
    settings: EscalationSettingsDep,
    agent: CurrentAgent,
) -> TicketSummary:
    """Resolve with a resolution code (the conversation stays with a human)."""
    return service.resolve(session, settings, agent, ticket_id, body.resolution_code, body.comment)


@router.post("/{ticket_id}/close", response_model=TicketSummary)
def close(
    ticket_id: str, session: SessionDep, settings: EscalationSettingsDep, agent: CurrentAgent
) -> TicketSummary:
    """Close a resolved ticket (a later user message opens a new one)."""
    return service.close(session, settings, agent, ticket_id)


@router.post("/{ticket_id}/reply", response_model=TicketSummary)
def reply(
    ticket_id: str,
    body: ReplyRequest,
    session: SessionDep,
    settings: EscalationSettingsDep,
    agent: CurrentAgent,
) -> TicketSummary:
    """Send a message to the user's chat."""
    return handoff.reply(session, settings, agent, ticket_id, body.text, body.wait_for_user)


@router.post("/{ticket_id}/notes", response_model=NoteOut, status_code=201)
def add_note(
    ticket_id: str, body: NoteRequest, session: SessionDep, agent: CurrentAgent
) -> NoteOut:
    """Add a private note (never shown to the user)."""
    return service.add_note(session, agent, ticket_id, body.text)


@router.post("/{ticket_id}/handback", response_model=HandbackResponse)
async def hand_back(
    ticket_id: str,
    body: HandbackRequest,
    factory: SessionFactoryDep,
    rasa: RasaDep,
    settings: EscalationSettingsDep,
    agent: CurrentAgent,
) -> HandbackResponse:
    """Resolve and give the conversation back to the bot with a summary it will know."""
    return await run_in_threadpool(
        handoff.hand_back,
        factory,
        rasa,
        settings,
        agent,
        ticket_id,
        body.summary,
        body.resolution_code,
    )
