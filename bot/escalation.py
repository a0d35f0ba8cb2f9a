"""Hand-offs to a human: the ``EscalationRequest`` body and its delivery to the api.

The body follows ``api/escalation/schemas.py:EscalationRequest`` (JSON); the api answers
``201 {"ticket_id", "status", "priority", "created_at"}`` and routes the conversation to a
human from then on, so the assistant stays silent while an agent owns it.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.config import BotSettings, get_settings
from bot.errors import EscalationFailed

__all__ = ["PRIORITY_HINTS", "build_request", "send_escalation"]

PRIORITY_HINTS: dict[str, str] = {
    "fraud_report": "high",
    "dispute": "high",
    "account_security": "urgent",
    "complaint": "high",
}


def build_request(
    *,
    conversation_id: str,
    kind: str,
    summary: str,
    user_words: str,
    user: dict[str, Any],
    diagnostics: dict[str, Any],
    transcript: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id[:128],
        "source": "assistant",
        "kind": kind,
        "priority_hint": PRIORITY_HINTS.get(kind, "normal"),
        "summary": summary[:2000],
        "user_words": user_words[:4000],
        "user": {
            "user_id": user.get("user_id"),
            "display_name": user.get("display_name"),
            "wallets": list(user.get("wallets") or []),
        },
        "diagnostics": diagnostics,
        "transcript": transcript,
    }


async def send_escalation(
    body: dict[str, Any],
    settings: BotSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """POST the hand-off; the api's answer, or ``EscalationFailed`` saying why."""
    settings = settings or get_settings()
    headers = {}
    if settings.service_token is not None:
        headers["Authorization"] = f"Bearer {settings.service_token.get_secret_value()}"
    try:
        async with httpx.AsyncClient(
            base_url=settings.api_url,
            timeout=settings.escalation_timeout_seconds,
            transport=transport,
        ) as client:
            response = await client.post("/internal/escalations", json=body, headers=headers)
    except httpx.TimeoutException:
        raise EscalationFailed("the support queue did not answer in time") from None
    except httpx.HTTPError as error:
        raise EscalationFailed(
            f"the support queue is unreachable ({type(error).__name__})"
        ) from None
    if response.status_code != 201:
        raise EscalationFailed(
            f"the support queue refused the hand-off (HTTP {response.status_code})"
        )
    answer = response.json()
    if not isinstance(answer, dict) or "ticket_id" not in answer:
        raise EscalationFailed("the support queue gave an unexpected answer")
    return answer
