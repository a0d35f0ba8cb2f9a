"""What the actions know about the conversation: who the user is, what was looked up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

__all__ = [
    "entity_values",
    "linked_wallets",
    "message_metadata",
    "remember",
    "transcript",
    "user_info",
]

_MAX_REMEMBERED = 10


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def linked_wallets(tracker: Tracker) -> list[str]:
    """The wallets the api says the signed-in user linked (latest message first, then slots)."""
    wallets = message_metadata(tracker).get("wallets")
    if not isinstance(wallets, list):
        wallets = tracker.get_slot("linked_wallets") or []
    return [str(w) for w in wallets if isinstance(w, str) and w.strip()]


def user_info(tracker: Tracker) -> dict[str, Any]:
    metadata = message_metadata(tracker)
    return {
        "user_id": metadata.get("user_id") or tracker.get_slot("user_id"),
        "display_name": metadata.get("display_name") or tracker.get_slot("display_name"),
        "wallets": linked_wallets(tracker),
    }


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of ``entity`` in the latest message, in order."""
    return [
        str(e["value"])
        for e in (tracker.latest_message or {}).get("entities", [])
        if e.get("entity") == entity and e.get("value") is not None
    ]


def remember(tracker: Tracker, **values: Any) -> list[EventType]:
    """Add lookup results to the ``diagnostics`` slot that a hand-off will carry.

    ``transactions``, ``errors`` and ``claim_checks`` accumulate (the last ten);
    ``account_overview``, ``channels`` and ``troubleshooting`` keep the latest.
    """
    diagnostics = dict(tracker.get_slot("diagnostics") or {})
    for key, value in values.items():
        if key in {"transactions", "errors", "claim_checks"}:
            items = list(diagnostics.get(key) or [])
            items.extend(value if isinstance(value, list) else [value])
            diagnostics[key] = items[-_MAX_REMEMBERED:]
        else:
            diagnostics[key] = value
    return [SlotSet("diagnostics", diagnostics)]


def transcript(tracker: Tracker, turns: int) -> list[dict[str, Any]]:
    """The last ``turns`` user and bot messages, as ``TranscriptTurn`` dicts."""
    result: list[dict[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind not in {"user", "bot"} or not event.get("text"):
            continue
        stamp = event.get("timestamp")
        result.append(
            {
                "sender": kind,
                "text": str(event["text"])[:4000],
                "ts": datetime.fromtimestamp(stamp, UTC).isoformat() if stamp else None,
            }
        )
    return result[-turns:]
