"""The widget's script (built once from its JS and CSS files) and the demo platform page."""

from __future__ import annotations

import hashlib
import html
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from api.widget.config import WidgetSettings
from api.widget.schemas import DemoToken, WidgetSession
from api.widget.tokens import UserIdentity, sign_token

__all__ = ["WidgetScript", "demo_page", "demo_token", "session_of", "widget_script"]

STATIC = Path(__file__).resolve().parent / "static"
_CSS_PLACEHOLDER = "__WIDGET_CSS__"


@dataclass(frozen=True, slots=True)
class WidgetScript:
    body: bytes
    etag: str


@lru_cache(maxsize=1)
def widget_script() -> WidgetScript:
    """widget.js with widget.css inlined: one request, and the CSS lives in the shadow root only."""
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    if _CSS_PLACEHOLDER not in script:
        raise RuntimeError(f"widget.js has no {_CSS_PLACEHOLDER} placeholder for its styles")
    body = script.replace(_CSS_PLACEHOLDER, json.dumps(css)).encode("utf-8")
    return WidgetScript(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def session_of(visitor: UserIdentity | None) -> WidgetSession:
    if visitor is None:
        return WidgetSession(signed_in=False)
    return WidgetSession(
        signed_in=True,
        user_id=visitor.user_id,
        display_name=visitor.display_name,
        wallets=list(visitor.wallets),
        expires_at=visitor.expires_at,
    )


def demo_token(key: bytes, settings: WidgetSettings) -> DemoToken:
    """What a platform's backend does for its signed-in user: here the demo user with alice's
    wallet from the sandbox's demo world."""
    from ledger.sandbox.demo import DEMO  # the demo world's addresses, without starting anything

    now = time.time()
    token = sign_token(
        key,
        settings.demo_user_id,
        [DEMO.account("alice").address],
        settings.demo_display_name,
        settings.demo_token_seconds,
        now=now,
    )
    return DemoToken(token=token, expires_at=int(now) + settings.demo_token_seconds)


def demo_page(api_url: str, token: DemoToken, settings: WidgetSettings) -> str:
    """The fake creator platform page, its widget configured by one script tag."""
    page = (STATIC / "demo.html").read_text(encoding="utf-8")
    values = {
        "{{api_url}}": api_url,
        "{{token}}": token.token,
        "{{display_name}}": settings.demo_display_name,
    }
    for placeholder, value in values.items():
        page = page.replace(placeholder, html.escape(value, quote=True))
    return page
