"""The embedded chat widget: its script, signed user tokens, and the demo platform page.

The token format and its verification live in ``tokens``; the ``X-User-Token`` dependency in
``deps``; the script, the session probe and the demo page in ``endpoints``; cross-origin access
for the widget's calls in ``cors``. This package root stays light (settings and tokens only), as
``api.chat`` imports it on every request path.
"""

from api.widget.config import WidgetSettings
from api.widget.tokens import (
    SignedInChatDisabled,
    TokenExpired,
    TokenInvalid,
    UserIdentity,
    sign_token,
    verify_token,
)

__all__ = [
    "SignedInChatDisabled",
    "TokenExpired",
    "TokenInvalid",
    "UserIdentity",
    "WidgetSettings",
    "sign_token",
    "verify_token",
]
