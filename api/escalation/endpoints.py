"""Internal escalation endpoint, called by the action server with the service credential."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceCaller, SessionDep
from api.escalation import service
from api.escalation.schemas import EscalationRequest, EscalationResponse

__all__ = ["internal_router"]

internal_router = APIRouter(prefix="/internal", tags=["internal"])


@internal_router.post("/escalations", response_model=EscalationResponse, status_code=201)
def create_escalation(
    body: EscalationRequest, session: SessionDep, _: ServiceCaller
) -> EscalationResponse:
    """Open a ticket with diagnostics and hand the conversation to a human."""
    return service.open_ticket(session, body)
