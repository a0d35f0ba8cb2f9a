"""Routes of the fraud service: thin, each calls one service method."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from api.fraud.schemas import AccountStatus, DecisionOut, EventsResponse
from api.fraud.service import FraudService

__all__ = ["FraudServiceDep", "router"]

router = APIRouter(prefix="/fraud", tags=["fraud"])


def _service(request: Request) -> FraudService:
    """The app's fraud service, created on first use (the pipeline loads then, not at import)."""
    service: FraudService | None = getattr(request.app.state, "fraud_service", None)
    if service is None:
        service = FraudService()
        request.app.state.fraud_service = service
    return service


FraudServiceDep = Annotated[FraudService, Depends(_service)]


@router.post("/events", response_model=EventsResponse)
def post_events(service: FraudServiceDep, payload: Annotated[Any, Body()]) -> EventsResponse:
    """Score one payment event or a list of them; one decision per scored event."""
    decisions = service.score(payload)
    return EventsResponse(
        decisions=[DecisionOut.model_validate(d.as_dict()) for d in decisions],
        received=len(payload) if isinstance(payload, list) else 1,
    )


@router.get("/accounts/{account}", response_model=AccountStatus)
def get_account(service: FraudServiceDep, account: str) -> AccountStatus:
    """Whether an account is under fraud review, in words fit for its owner."""
    return AccountStatus.model_validate(service.account_status(account))
