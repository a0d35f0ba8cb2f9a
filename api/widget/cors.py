"""Cross-origin access for the widget's calls, and for nothing else.

The widget runs on the platform's pages, another origin than the api, and sends a custom header
(``X-User-Token``), so browsers ask first (CORS preflight). Only the chat and widget paths answer
those; the console and admin endpoints stay same-origin.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.widget.deps import TOKEN_HEADER

__all__ = ["WIDGET_PATHS", "WidgetCors"]

WIDGET_PATHS = ("/chat/", "/widget")


class WidgetCors:
    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Last-Event-ID", TOKEN_HEADER],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(WIDGET_PATHS):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
