"""Signed user tokens: how the host platform tells the api who is chatting.

Format (``v1``), three dot-separated parts::

    v1.<base64url(JSON payload)>.<base64url(HMAC-SHA256(secret, "v1." + base64url(payload)))>

Payload: ``sub`` (the platform's user id), ``wallets`` (linked XRPL addresses), ``name``
(display name, optional) and ``exp`` (expiry, Unix seconds). Base64url without padding.
A compact HMAC format rather than a JWT: one algorithm, nothing to negotiate (no ``alg``
header to downgrade), and a platform signs it with its standard library in five lines.

Verification checks the signature (constant-time) before reading the payload, then expiry with
a small leeway, then that the token does not live longer than the configured maximum.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.errors import NotAuthenticated

__all__ = [
    "MAX_WALLETS",
    "VERSION",
    "SignedInChatDisabled",
    "TokenExpired",
    "TokenInvalid",
    "UserIdentity",
    "sign_token",
    "verify_token",
]

VERSION = "v1"
MAX_WALLETS = 20
_MAX_TOKEN_CHARS = 4096
_MAX_USER_ID_CHARS = 128  # conversations.user_id is String(128)
_MAX_WALLET_CHARS = 64
_MAX_NAME_CHARS = 100


class TokenInvalid(NotAuthenticated):
    """The token is malformed, forged, or its payload breaks the format."""


class TokenExpired(NotAuthenticated):
    """The token was genuine but its time is up; the platform issues a new one."""


class SignedInChatDisabled(NotAuthenticated):
    """A token was sent to an api that has no widget secret configured."""


@dataclass(frozen=True, slots=True)
class UserIdentity:
    """A platform user, as vouched for by a verified token."""

    user_id: str
    wallets: tuple[str, ...]
    display_name: str | None
    expires_at: int

    def metadata(self) -> dict[str, Any]:
        """What Rasa receives with each of this user's messages (read by bot.context)."""
        return {
            "user_id": self.user_id,
            "wallets": list(self.wallets),
            "display_name": self.display_name,
        }


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str, part: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid(f"the user token's {part} is not base64url") from exc


def _signature(key: bytes, signed_part: str) -> bytes:
    return hmac.new(key, signed_part.encode("ascii"), hashlib.sha256).digest()


def sign_token(
    key: bytes,
    user_id: str,
    wallets: list[str],
    display_name: str | None,
    lifetime_seconds: int,
    now: float | None = None,
) -> str:
    """A token for ``user_id``, as the platform's backend makes it (the api does for /demo)."""
    now = time.time() if now is None else now
    payload: dict[str, Any] = {
        "sub": user_id,
        "wallets": wallets,
        "exp": int(now) + lifetime_seconds,
    }
    if display_name is not None:
        payload["name"] = display_name
    body = f"{VERSION}.{_b64encode(json.dumps(payload, separators=(',', ':')).encode())}"
    return f"{body}.{_b64encode(_signature(key, body))}"


def verify_token(
    key: bytes,
    token: str,
    leeway_seconds: int,
    max_lifetime_seconds: int,
    now: float | None = None,
) -> UserIdentity:
    """The user the token vouches for; raises TokenInvalid or TokenExpired saying why not."""
    now = time.time() if now is None else now
    token = token.strip()
    if len(token) > _MAX_TOKEN_CHARS:
        raise TokenInvalid(f"the user token is longer than {_MAX_TOKEN_CHARS} characters")
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenInvalid("the user token is malformed: expected three parts separated by dots")
    version, encoded_payload, encoded_signature = parts
    if version != VERSION:
        raise TokenInvalid(f"the user token's version {version[:8]!r} is not supported (use v1)")
    signature = _b64decode(encoded_signature, "signature")
    expected = _signature(key, f"{version}.{encoded_payload}")
    if not hmac.compare_digest(signature, expected):
        raise TokenInvalid(
            "the user token's signature does not match: it was not signed with this "
            "server's widget secret, or it was altered"
        )
    identity = _parse_payload(_b64decode(encoded_payload, "payload"))
    if identity.expires_at + leeway_seconds < now:
        ago = int(now - identity.expires_at)
        expired_at = datetime.fromtimestamp(identity.expires_at, UTC).isoformat()
        raise TokenExpired(
            f"the user token expired at {expired_at} ({ago} s ago); "
            "reload the page to get a new one"
        )
    remaining = identity.expires_at - now
    if remaining > max_lifetime_seconds + leeway_seconds:
        raise TokenInvalid(
            f"the user token is valid for {int(remaining)} s; tokens may live at most "
            f"{max_lifetime_seconds} s"
        )
    return identity


def _parse_payload(raw: bytes) -> UserIdentity:
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise TokenInvalid("the user token's payload is not JSON") from exc
    if not isinstance(payload, dict):
        raise TokenInvalid("the user token's payload is not a JSON object")
    user_id = payload.get("sub")
    if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > _MAX_USER_ID_CHARS:
        raise TokenInvalid(
            f"the user token's 'sub' must be a non-empty string of at most "
            f"{_MAX_USER_ID_CHARS} characters"
        )
    expires_at = payload.get("exp")
    if not isinstance(expires_at, int) or isinstance(expires_at, bool):
        raise TokenInvalid("the user token's 'exp' must be an integer (Unix seconds)")
    wallets = payload.get("wallets", [])
    if (
        not isinstance(wallets, list)
        or len(wallets) > MAX_WALLETS
        or not all(isinstance(w, str) and 0 < len(w) <= _MAX_WALLET_CHARS for w in wallets)
    ):
        raise TokenInvalid(
            f"the user token's 'wallets' must be a list of at most {MAX_WALLETS} addresses"
        )
    name = payload.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > _MAX_NAME_CHARS):
        raise TokenInvalid(
            f"the user token's 'name' must be a string of at most {_MAX_NAME_CHARS} characters"
        )
    return UserIdentity(
        user_id=user_id, wallets=tuple(wallets), display_name=name, expires_at=expires_at
    )
