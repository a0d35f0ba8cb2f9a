"""Standard Webhooks signing (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,...`)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook

__all__ = ["new_secret", "signed_headers"]

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh 32-byte signing secret in the `whsec_<base64>` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(
    message_id: str, body: str, secrets_: Sequence[str], now: datetime | None = None
) -> dict[str, str]:
    """Headers for one attempt; every secret in `secrets_` signs (rotation overlap)."""
    timestamp = now or datetime.now(UTC)
    signatures = " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets_)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }
