"""The widget's script, who the widget's visitor is, and the demo platform page.

``/widget.js`` and ``/widget/session`` are public (the script is static; the session answers
only with what the caller's own token says). ``/demo`` and ``/demo/token`` exist only when
``API_WIDGET_DEMO`` is on: they sign tokens for a demo user for anyone who asks.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.widget import service
from api.widget.deps import Visitor, WidgetSettingsDep
from api.widget.schemas import DemoToken, WidgetSession
from api.widget.tokens import SignedInChatDisabled

__all__ = ["demo_router", "router"]

router = APIRouter(tags=["widget"])
demo_router = APIRouter(tags=["widget"], include_in_schema=False)


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    """The embeddable chat widget (plain JavaScript, styles inside its shadow root)."""
    script = service.widget_script()
    headers = {"ETag": script.etag, "Cache-Control": "public, max-age=300"}
    if request.headers.get("if-none-match") == script.etag:
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/widget/session", response_model=WidgetSession)
def widget_session(visitor: Visitor) -> WidgetSession:
    """Who the widget's user token says the visitor is (anonymous without one); 401 if invalid."""
    return service.session_of(visitor)


def _demo_key(request: Request) -> bytes:
    key: bytes | None = request.app.state.widget_key
    if key is None:
        raise SignedInChatDisabled(
            "the demo page needs a widget secret to sign its demo user in: set API_WIDGET_SECRET"
        )
    return key


@demo_router.get("/demo", response_class=HTMLResponse)
def demo(request: Request, settings: WidgetSettingsDep) -> HTMLResponse:
    """A fake creator platform page with the widget, signed in as the demo user."""
    token = service.demo_token(_demo_key(request), settings)
    api_url = str(request.base_url).rstrip("/")
    return HTMLResponse(
        service.demo_page(api_url, token, settings), headers={"Cache-Control": "no-store"}
    )


@demo_router.get("/demo/token", response_model=DemoToken)
def demo_token(request: Request, settings: WidgetSettingsDep) -> DemoToken:
    """A fresh token for the demo user, as a platform's backend would issue on page load."""
    return service.demo_token(_demo_key(request), settings)
