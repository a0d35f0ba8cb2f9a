"""Who may manage webhooks: admin agents, or automation holding the service credential."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from api.agents import service as agents
from api.agents.auth import BearerToken
from api.deps import SessionDep
from api.errors import Forbidden

__all__ = ["WebhookAdmin", "require_webhook_admin"]


def require_webhook_admin(request: Request, session: SessionDep, token: BearerToken) -> str:
    """An admin agent's session token (its id is returned), or the service token ("service")."""
    expected = request.app.state.settings.service_token
    if expected is not None and hmac.compare_digest(
        token.encode(), expected.get_secret_value().encode()
    ):
        return "service"
    agent = agents.authenticate(session, token)
    if agent.role != "admin":
        raise Forbidden("managing webhooks needs the admin role")
    return agent.id


WebhookAdmin = Annotated[str, Depends(require_webhook_admin)]
