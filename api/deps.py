"""Resources built in lifespan(), reached by type through Annotated aliases."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from api.config import ApiSettings
from api.db import session_scope
from api.errors import NotAuthenticated, UpstreamUnavailable

__all__ = [
    "RasaDep",
    "ServiceCaller",
    "SessionDep",
    "SessionFactoryDep",
    "SettingsDep",
    "require_service",
]


def _settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def _session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def _session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.session_factory)


def _rasa(request: Request) -> httpx.Client:
    client: httpx.Client = request.app.state.rasa
    return client


_bearer = HTTPBearer(auto_error=False)


def require_service(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Internal endpoints accept only the service credential (action server, fraud service)."""
    expected = _settings(request).service_token
    if expected is None:
        raise UpstreamUnavailable(
            "internal endpoints are disabled: API_SERVICE_TOKEN is not set on the api"
        )
    if credentials is None or not hmac.compare_digest(
        credentials.credentials.encode(), expected.get_secret_value().encode()
    ):
        raise NotAuthenticated("a valid service token is required for internal endpoints")
    return "service"


SettingsDep = Annotated[ApiSettings, Depends(_settings)]
# scope="function": commit before the response is sent, so a client that acts on the answer
# (a login, then a call with its token) never races the commit, and a failed commit is a 500.
SessionDep = Annotated[Session, Depends(_session, scope="function")]
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(_session_factory)]
RasaDep = Annotated[httpx.Client, Depends(_rasa)]
ServiceCaller = Annotated[str, Depends(require_service)]
