"""One error root that knows its HTTP status.

    AppError (500)
    ├── NotAuthenticated (401)
    ├── Forbidden (403)
    ├── NotFound (404)
    │   └── ConversationNotFound
    ├── Conflict (409)
    ├── BadRequest (400)
    └── UpstreamUnavailable (503)
        └── AssistantUnavailable

422 stays for malformed payloads (FastAPI's validation errors).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

__all__ = [
    "AppError",
    "AssistantUnavailable",
    "BadRequest",
    "Conflict",
    "ConversationNotFound",
    "Forbidden",
    "NotAuthenticated",
    "NotFound",
    "UpstreamUnavailable",
    "install_error_handler",
]


class AppError(Exception):
    status_code = 500

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class NotAuthenticated(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class ConversationNotFound(NotFound):
    pass


class Conflict(AppError):
    status_code = 409


class BadRequest(AppError):
    status_code = 400


class UpstreamUnavailable(AppError):
    status_code = 503


class AssistantUnavailable(UpstreamUnavailable):
    pass


async def _render(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(
        {"error": type(exc).__name__, "detail": exc.message},
        status_code=exc.status_code,
        headers=headers,
    )


def install_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _render)
