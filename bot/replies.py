"""Steps the actions share: finding which address to look at, and answering a failed lookup."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.context import entity_values, linked_wallets, remember
from bot.entities import check_address, check_hash
from bot.ledger_access import is_outage, problem_text
from ledger import LedgerError

__all__ = [
    "HUMAN_BUTTON",
    "answer_failure",
    "latest_hash",
    "resolve_address",
]

HUMAN_BUTTON: dict[str, Any] = {"title": "Connect me with a person", "payload": "/human_request"}


def answer_failure(
    dispatcher: CollectingDispatcher, tracker: Tracker, error: LedgerError, what: str
) -> list[EventType]:
    """Say what went wrong in words; offer a person when the node itself failed."""
    events = remember(tracker, errors=f"{what}: {error.message}")
    if is_outage(error):
        dispatcher.utter_message(text=problem_text(error), buttons=[HUMAN_BUTTON])
        events.append(SlotSet("escalation_kind", "ledger_unavailable"))
    else:
        dispatcher.utter_message(text=problem_text(error))
    return events


def resolve_address(
    dispatcher: CollectingDispatcher, tracker: Tracker, awaiting: str, *, prefer_slot: bool = False
) -> tuple[str | None, list[EventType]]:
    """The address to look at: one typed in this message, else the linked wallet, else one
    given earlier. When there is none, or the typed one is invalid, the user is told and
    ``awaiting`` remembers the question so a bare address sent next answers it."""
    typed = entity_values(tracker, "address")
    if typed:
        checked = check_address(typed[0])
        if checked.value is None:
            dispatcher.utter_message(text=checked.correction)
            return None, [SlotSet("address", None), SlotSet("awaiting", awaiting)]
        return checked.value, [SlotSet("awaiting", None)]
    wallets = linked_wallets(tracker)
    earlier = tracker.get_slot("address")
    if prefer_slot and earlier:
        checked = check_address(str(earlier))
        if checked.value:
            return checked.value, []
    if wallets:
        return wallets[0], [SlotSet("awaiting", None)]
    if earlier:
        checked = check_address(str(earlier))
        if checked.value:
            return checked.value, [SlotSet("awaiting", None)]
    dispatcher.utter_message(
        text="Which XRP Ledger address should I look at? Paste the address (it starts with "
        "'r'), or sign in so I can use your linked wallet."
    )
    return None, [SlotSet("awaiting", awaiting)]


def latest_hash(
    dispatcher: CollectingDispatcher, tracker: Tracker, what: str, awaiting: str
) -> tuple[str | None, list[EventType]]:
    """A validated hash from this message (or the slot); asks or corrects otherwise."""
    typed = entity_values(tracker, "hash")
    raw = typed[0] if typed else None
    if raw is None:
        dispatcher.utter_message(
            text=f"Please paste the {what} (64 characters, 0-9 and A-F); your wallet or an XRP "
            "Ledger explorer shows it."
        )
        return None, [SlotSet("awaiting", awaiting)]
    checked = check_hash(raw, what)
    if checked.value is None:
        dispatcher.utter_message(text=checked.correction)
        return None, [SlotSet("hash", None), SlotSet("awaiting", awaiting)]
    return checked.value, [SlotSet("awaiting", None)]
