"""Who is chatting: the verified user behind the ``X-User-Token`` header, or nobody.

A dedicated header rather than ``Authorization``: the chat endpoints also serve callers holding
the service credential or an agent session, and a user token must never be mistaken for either.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from api.widget.config import WidgetSettings
from api.widget.tokens import SignedInChatDisabled, UserIdentity, verify_token

__all__ = ["TOKEN_HEADER", "Visitor", "WidgetSettingsDep", "current_visitor"]

TOKEN_HEADER = "X-User-Token"


def _widget_settings(request: Request) -> WidgetSettings:
    settings: WidgetSettings = request.app.state.widget_settings
    return settings


def current_visitor(
    request: Request,
    x_user_token: Annotated[
        str | None,
        Header(description="A user token signed by the platform; omit to chat anonymously"),
    ] = None,
) -> UserIdentity | None:
    """The signed-in user, or None for an anonymous visitor; a bad token is a 401."""
    if x_user_token is None or not x_user_token.strip():
        return None
    key: bytes | None = request.app.state.widget_key
    if key is None:
        raise SignedInChatDisabled(
            "signed-in chat is turned off on this server (no widget secret is configured: "
            "set API_WIDGET_SECRET); chat without a user token to continue anonymously"
        )
    settings = _widget_settings(request)
    return verify_token(
        key,
        x_user_token,
        leeway_seconds=settings.token_leeway_seconds,
        max_lifetime_seconds=settings.token_max_lifetime_seconds,
    )


Visitor = Annotated[UserIdentity | None, Depends(current_visitor)]
WidgetSettingsDep = Annotated[WidgetSettings, Depends(_widget_settings)]
