"""A bare address, hash, amount, wallet or browser: used for the question that asked for it."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.balance import answer_balance
from bot.actions.channels import answer_channels
from bot.actions.transactions import answer_history, answer_payment_check, answer_transaction
from bot.context import entity_values
from bot.entities import check_amount
from bot.knowledge import help_url, more_in_help_centre
from ledger import drops_to_xrp_text

__all__ = ["ActionHandleInform", "answer_inform", "is_bare_identifier"]


def is_bare_identifier(tracker: Tracker) -> bool:
    """The message is little more than an address or a hash."""
    text = str((tracker.latest_message or {}).get("text") or "")
    has_identifier = bool(entity_values(tracker, "address") or entity_values(tracker, "hash"))
    return has_identifier and len(text.split()) <= 6  # "her address is r..." included


class ActionHandleInform(Action):
    def name(self) -> str:
        return "action_handle_inform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_inform(dispatcher, tracker)


async def answer_inform(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Use the value for the question that asked for it, else the obvious question."""
    awaiting = tracker.get_slot("awaiting")
    if entity_values(tracker, "hash"):
        if awaiting == "channels":
            return await answer_channels(dispatcher, tracker)
        return await answer_transaction(dispatcher, tracker)
    if entity_values(tracker, "address"):
        if awaiting == "history":
            return await answer_history(dispatcher, tracker)
        if awaiting == "channels":
            return await answer_channels(dispatcher, tracker)
        if awaiting == "payment":
            return await answer_payment_check(dispatcher, tracker)
        return await answer_balance(dispatcher, tracker, explain_reserve=awaiting == "reserve")
    if amounts := entity_values(tracker, "amount"):
        checked = check_amount(amounts[0])
        if checked.drops is None:
            dispatcher.utter_message(text=checked.correction)
        else:
            dispatcher.utter_message(
                text=f"{checked.drops:,} drops is {drops_to_xrp_text(checked.drops)}: a drop is "
                "a millionth of an XRP, the smallest amount the ledger counts in, and wallets "
                "sometimes show drops. "
                + more_in_help_centre("XRP and drops - reading amounts", help_url("xrp-and-drops"))
                + ". What would you like to do with it: check a payment, or add funds to a "
                "channel?"
            )
        return []
    wallet = entity_values(tracker, "wallet") or entity_values(tracker, "browser")
    text = str((tracker.latest_message or {}).get("text") or "")
    named = " ".join(entity_values(tracker, "wallet") + entity_values(tracker, "browser"))
    if wallet and len(text.split()) > len(named.split()) + 1:
        # "gemwallet not detected in firefox": a problem described, not a bare answer
        form = "wallet_form" if entity_values(tracker, "wallet") else "browser_form"
        return [FollowupAction(form)]
    if wallet:
        dispatcher.utter_message(
            text=f"Thanks, noted {wallet[0]}. What's the problem: does it fail to connect, "
            "or does the site not work?"
        )
        return []
    dispatcher.utter_message(
        text="Thanks. What would you like me to do with that? I can check a balance, a "
        "transaction or your channels."
    )
    return []
