"""Balance: total, reserve, spendable and XRP locked in channels; the reserve explained."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.knowledge import knowledge_aside
from bot.actions.transactions import answer_transaction
from bot.context import entity_values, linked_wallets, remember
from bot.formatting import RESERVES_ARTICLE, as_json, overview_text, reserve_text
from bot.ledger_access import lookup
from bot.replies import answer_failure, resolve_address
from ledger import LedgerError

__all__ = ["ActionCheckBalance", "ActionExplainReserve", "answer_balance"]


async def answer_balance(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, explain_reserve: bool = False
) -> list[EventType]:
    address, events = resolve_address(dispatcher, tracker, "balance")
    if address is None:
        await knowledge_aside(dispatcher, tracker)
        return events
    try:
        overview = await lookup(lambda ledger: ledger.account_overview(address))
    except LedgerError as error:
        return events + answer_failure(dispatcher, tracker, error, "account overview")
    events += remember(tracker, account_overview=as_json(overview))
    if explain_reserve:
        dispatcher.utter_message(text=reserve_text(overview))
        return events
    text = overview_text(overview)
    wallets = linked_wallets(tracker)
    if len(wallets) > 1 and address == wallets[0]:
        text += f"\nYou have {len(wallets)} linked wallets; send another address to check it."
    if overview.reserve_drops:
        title, url = RESERVES_ARTICLE
        text += (
            '\nAsk "why is the reserve held?" if the reserve surprises you, or read '
            f'"{title}": {url}'
        )
    dispatcher.utter_message(text=text)
    return events


class ActionCheckBalance(Action):
    def name(self) -> str:
        return "action_check_balance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if entity_values(tracker, "hash") and not entity_values(tracker, "address"):
            # "check <hash>": a transaction, not an account
            return await answer_transaction(dispatcher, tracker)
        return await answer_balance(dispatcher, tracker)


class ActionExplainReserve(Action):
    """The reserve in general, and in figures when the user's account is known."""

    def name(self) -> str:
        return "action_explain_reserve"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not linked_wallets(tracker) and not tracker.get_slot("address"):
            dispatcher.utter_message(text=reserve_text(None))
            return []
        return await answer_balance(dispatcher, tracker, explain_reserve=True)
