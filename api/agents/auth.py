"""Who is calling: agent bearer sessions, roles, and the readers of /metrics."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.agents import service
from api.agents.config import AgentSettings
from api.agents.schemas import AgentOut
from api.deps import SessionDep
from api.errors import Forbidden, NotAuthenticated

__all__ = [
    "AdminAgent",
    "AgentSettingsDep",
    "BearerToken",
    "CurrentAgent",
    "MetricsReader",
    "require_admin",
    "require_agent",
]

_bearer = HTTPBearer(auto_error=False)


def _agent_settings(request: Request) -> AgentSettings:
    settings: AgentSettings = request.app.state.agent_settings
    return settings


def _token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None:
        raise NotAuthenticated("sign in as an agent: a bearer session token is required")
    return credentials.credentials


BearerToken = Annotated[str, Depends(_token)]


def require_agent(session: SessionDep, token: BearerToken) -> AgentOut:
    return service.authenticate(session, token)


CurrentAgent = Annotated[AgentOut, Depends(require_agent)]


def require_admin(agent: CurrentAgent) -> AgentOut:
    if agent.role != "admin":
        raise Forbidden("this needs the admin role")
    return agent


AdminAgent = Annotated[AgentOut, Depends(require_admin)]


def require_metrics_reader(request: Request, session: SessionDep, token: BearerToken) -> str:
    """Prometheus scrapes with the service token; signed-in agents may read too."""
    expected = request.app.state.settings.service_token
    if expected is not None and hmac.compare_digest(
        token.encode(), expected.get_secret_value().encode()
    ):
        return "service"
    return service.authenticate(session, token).id


MetricsReader = Annotated[str, Depends(require_metrics_reader)]
AgentSettingsDep = Annotated[AgentSettings, Depends(_agent_settings)]
