"""/metrics for Prometheus (service token or an agent session) and the dashboard's JSON."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.agents.auth import CurrentAgent, MetricsReader
from api.deps import SessionDep
from api.metrics import service
from api.metrics.schemas import SupportStats

__all__ = ["router"]

router = APIRouter(tags=["metrics"])


@router.get("/metrics", response_class=Response)
def prometheus(session: SessionDep, _: MetricsReader) -> Response:
    """Support metrics in the Prometheus text format."""
    stats = service.support_stats(session)
    return Response(service.prometheus_text(stats), media_type=CONTENT_TYPE_LATEST)


@router.get("/metrics/summary", response_model=SupportStats)
def summary(session: SessionDep, _: CurrentAgent) -> SupportStats:
    """The same figures as JSON, for the console dashboard."""
    return service.support_stats(session)
