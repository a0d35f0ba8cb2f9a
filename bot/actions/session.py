"""Session start: who the user is comes from the metadata the api attaches to each message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.knowledge import start_loading

__all__ = ["ActionSessionStart"]


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        start_loading()  # the knowledge base loads in the background while the user types
        metadata: dict[str, Any] = tracker.get_slot("session_started_metadata") or {}
        wallets = metadata.get("wallets")
        events: list[EventType] = [SessionStarted()]
        events.append(SlotSet("user_id", metadata.get("user_id")))
        events.append(SlotSet("display_name", metadata.get("display_name")))
        events.append(
            SlotSet(
                "linked_wallets", [str(w) for w in wallets] if isinstance(wallets, list) else []
            )
        )
        events.append(ActionExecuted("action_listen"))
        return events
