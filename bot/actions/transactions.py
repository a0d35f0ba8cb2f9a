"""Transactions: status by hash, recent history, and "did my payment to <creator> go through"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.identifiers import answer_identifier
from bot.actions.knowledge import knowledge_aside
from bot.config import get_settings
from bot.context import entity_values, linked_wallets, remember
from bot.entities import check_address
from bot.formatting import as_json, history_line, short
from bot.ledger_access import lookup
from bot.replies import answer_failure, latest_hash, resolve_address
from ledger import LedgerError, TransactionStatus, drops_to_xrp_text

__all__ = [
    "ActionPaymentCheck",
    "ActionTransactionHistory",
    "ActionTransactionStatus",
    "answer_history",
    "answer_transaction",
    "period_of",
]

_LAST_N = re.compile(r"\blast\s+(\d{1,2})\b")
_DAYS = re.compile(r"\b(\d{1,2})\s+days?\b")
_TWO_WEEKS = re.compile(r"\b(two|2)\s+weeks?\b|\bfortnight\b|\blast\s+week\b")
_LATELY = re.compile(r"\b(lately|recently|recent|these days)\b")


def period_of(text: str, now: datetime) -> tuple[datetime | None, int | None, str]:
    """(since, count, words) from phrases like "yesterday", "this week", "last 5"."""
    lowered = text.lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if "today" in lowered:
        return midnight, None, "today"
    if "yesterday" in lowered:
        return midnight - timedelta(days=1), None, "since yesterday"
    if "month" in lowered or "30 days" in lowered:
        return now - timedelta(days=30), None, "over the last 30 days"
    if match := _DAYS.search(lowered):
        days = max(1, min(int(match.group(1)), 90))
        return now - timedelta(days=days), None, f"over the last {days} days"
    if _TWO_WEEKS.search(lowered):
        # "last week" is the week before this one: up to 14 days back
        return now - timedelta(days=14), None, "over the last 14 days"
    if "week" in lowered:
        return now - timedelta(days=7), None, "over the last 7 days"
    if match := _LAST_N.search(lowered):
        return None, max(1, min(int(match.group(1)), 20)), ""
    if _LATELY.search(lowered):
        return now - timedelta(days=14), None, "over the last 14 days"
    return None, None, ""


async def answer_transaction(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    tx_hash, events = latest_hash(dispatcher, tracker, "transaction hash", "transaction")
    if tx_hash is None:
        await knowledge_aside(dispatcher, tracker)
        return events
    return events + await answer_identifier(dispatcher, tracker, tx_hash, "transaction")


# "I sent some XRP to my friend at r..., did it arrive?": the typed address is the recipient
_I_SENT = re.compile(
    r"\b(i|we|i've|ive|i have)\b[^.?!]{0,15}\b(sent|send|paid|pay|tipped|transferred)\b",
    re.IGNORECASE,
)
# "did I receive anything from r...?", "he says he paid me back": payments to the user
_FROM_THEM = re.compile(
    r"\b(receive|received|get|got|come in|came in|arrive|arrived)\b[^.?!]{0,30}\bfrom\b"
    r"|\b(sent|paid|send|pay|tipped|transferred|owes?)\s+me\b",
    re.IGNORECASE,
)
# "did any of my payments fail lately?": the answer says how many did
_ASKS_IF_FAILED = re.compile(
    r"\b(fail|fails|failed|failing|bounce|bounced|rejected|went wrong|didn'?t go through|"
    r"did not go through)\b",
    re.IGNORECASE,
)


async def answer_history(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    typed = entity_values(tracker, "address")
    wallets = linked_wallets(tracker)
    text = str((tracker.latest_message or {}).get("text") or "")
    if typed and wallets and typed[-1] not in wallets and _I_SENT.search(text):
        # the user's own payments to that address, not the recipient's history
        return await answer_payment_check(dispatcher, tracker)
    if entity_values(tracker, "hash") and not typed:
        # "one of my redemptions looks off, hash is <hash>": that one transaction
        return await answer_transaction(dispatcher, tracker)
    address, events = resolve_address(dispatcher, tracker, "history")
    if address is None:
        await knowledge_aside(dispatcher, tracker)
        return events
    settings = get_settings()
    now = datetime.now(UTC)
    since, count, words = period_of((tracker.latest_message or {}).get("text") or "", now)
    limit = count or (50 if since else settings.history_limit)
    try:
        page = await lookup(lambda ledger: ledger.history(address, limit=limit, since=since))
    except LedgerError as error:
        return events + answer_failure(dispatcher, tracker, error, f"history of {address}")
    shown = _worth_showing(page.transactions, 10) if since else page.transactions[: max(limit, 1)]
    if not shown:
        when = f" {words}" if words else ""
        dispatcher.utter_message(text=f"I found no transactions for {address}{when}.")
        return events
    head = f"{'Transactions' if since else 'The last ' + str(len(shown)) + ' transactions'}"
    head += f" of {address}{' ' + words if words else ''}:"
    lines = [history_line(tx, address) for tx in shown]
    if since and len(page.transactions) > len(shown):
        lines.append(f"...and {len(page.transactions) - len(shown)} more.")
    if _ASKS_IF_FAILED.search(text):
        failed = sum(1 for tx in shown if tx.validated and not tx.succeeded)
        lines.append(
            f"{failed} of these failed; a failed transaction moved no XRP but its small fee "
            "was charged."
            if failed
            else "None of these failed."
        )
    dispatcher.utter_message(text="\n".join([head, *lines]))
    return events + remember(tracker, transactions=[as_json(tx) for tx in shown[:5]])


def _worth_showing(transactions: list[TransactionStatus], room: int) -> list[TransactionStatus]:
    """Up to ``room`` of a period's transactions, newest first, keeping every one that is not a
    channel claim: a payment nine days back is what "what came in lately?" is after, not the
    tenth daily redemption."""
    others = [tx for tx in transactions if tx.tx_type != "PaymentChannelClaim"][:room]
    claims = [tx for tx in transactions if tx.tx_type == "PaymentChannelClaim"]
    kept = {id(tx) for tx in others + claims[: room - len(others)]}
    return [tx for tx in transactions if id(tx) in kept]


async def answer_payment_check(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """The creator is the address in this message; the payer is the user's wallet (the other
    way round when the user asks what came in from that address)."""
    if entity_values(tracker, "hash") and not entity_values(tracker, "address"):
        return await answer_transaction(dispatcher, tracker)  # "did <hash> go through?"
    typed = entity_values(tracker, "address")
    wallets = linked_wallets(tracker)
    text = str((tracker.latest_message or {}).get("text") or "")
    payer = wallets[0] if wallets else None
    creator: str | None = None
    if typed:
        checked = check_address(typed[-1])
        if checked.value is None:
            dispatcher.utter_message(text=checked.correction)
            return []
        creator = checked.value
    if payer is None:
        earlier = tracker.get_slot("address")
        payer = check_address(str(earlier)).value if earlier else None
        if payer == creator:
            payer = None
    if payer is None and creator is not None and not _I_SENT.search(text):
        # "check this address, did my deposit arrive?": the address is the visitor's own
        from bot.actions.balance import answer_balance

        events = await answer_balance(dispatcher, tracker)
        return events + await answer_history(dispatcher, tracker)
    if payer is not None and creator is not None and _FROM_THEM.search(text):
        # "did I receive anything from r...?": the payments go the other way
        return await _answer_incoming(dispatcher, tracker, creator, payer)
    if payer is None:
        dispatcher.utter_message(
            text="To check your payments I need your own wallet: sign in, or send me the address "
            "you pay from, then ask again."
        )
        return []
    try:
        channels = await lookup(lambda ledger: ledger.channels(payer, creator))
        page = await lookup(lambda ledger: ledger.history(payer, limit=20))
    except LedgerError as error:
        return answer_failure(dispatcher, tracker, error, f"payments of {payer}")
    direct = [
        tx
        for tx in page.transactions
        if tx.account == payer
        and tx.tx_type in {"Payment", "PaymentChannelClaim"}
        and (creator is None or tx.counterparty == creator)
    ][:3]
    lines: list[str] = []
    if creator is None and (channels or direct):
        lines.append(
            "Here are your channels and recent payments to every creator (send a creator's "
            "address to check just theirs):"
        )
    for channel in channels[:3]:
        lines.append(
            f"Your channel to {short(channel.destination)} has paid out "
            f"{drops_to_xrp_text(channel.balance_drops)} of "
            f"{drops_to_xrp_text(channel.amount_drops)} to the creator; "
            f"{drops_to_xrp_text(channel.remaining_drops)} is left. Tips by claim reach the "
            "creator when they redeem the claim, so a claim not redeemed yet is safe in the "
            "channel."
        )
    for tx in direct:
        state = "went through" if tx.succeeded else f"failed ({tx.result_explained})"
        amount = drops_to_xrp_text(tx.amount_drops) if tx.amount_drops is not None else "a payment"
        lines.append(f"Your {amount} to {short(tx.counterparty or '?')} {state}.")
    if not lines:
        target = f"to {creator}" if creator else "to creators"
        lines.append(
            f"I found no channel and no recent payment from {payer} {target}. If you paid from "
            "another wallet, send me that address; if you just paid, wait a few seconds and ask "
            "again."
        )
    dispatcher.utter_message(text="\n".join(lines))
    # Without a creator's address the answer covered every creator; an address sent next
    # narrows it down to that creator.
    awaiting = [SlotSet("awaiting", "payment" if creator is None else None)]
    return awaiting + remember(
        tracker,
        channels=[as_json(c) for c in channels[:5]],
        transactions=[as_json(tx) for tx in direct],
    )


async def _answer_incoming(
    dispatcher: CollectingDispatcher, tracker: Tracker, sender: str, me: str
) -> list[EventType]:
    try:
        channels = await lookup(lambda ledger: ledger.channels(sender, me))
        page = await lookup(lambda ledger: ledger.history(me, limit=50))
    except LedgerError as error:
        return answer_failure(dispatcher, tracker, error, f"payments from {sender}")
    received = [
        tx
        for tx in page.transactions
        if tx.account == sender and tx.tx_type == "Payment" and tx.counterparty == me
    ][:3]
    lines = [
        f"{sender}'s channel to you has paid out {drops_to_xrp_text(c.balance_drops)} of "
        f"{drops_to_xrp_text(c.amount_drops)}; {drops_to_xrp_text(c.remaining_drops)} is left."
        for c in channels[:3]
    ]
    for tx in received:
        when = f" on {tx.close_time:%Y-%m-%d}" if tx.close_time else ""
        state = "arrived" if tx.succeeded else f"failed ({tx.result_explained})"
        amount = drops_to_xrp_text(tx.amount_drops) if tx.amount_drops is not None else "A payment"
        lines.append(f"{amount} from {sender}{when} {state}.")
    if not lines:
        lines.append(
            f"I found no channel and no recent payment from {sender} to {me}. If they paid from "
            "another wallet, ask them for that address or the transaction's hash."
        )
    dispatcher.utter_message(text="\n".join(lines))
    return remember(
        tracker,
        channels=[as_json(c) for c in channels[:5]],
        transactions=[as_json(tx) for tx in received],
    )


class ActionTransactionStatus(Action):
    def name(self) -> str:
        return "action_transaction_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_transaction(dispatcher, tracker)


class ActionTransactionHistory(Action):
    def name(self) -> str:
        return "action_transaction_history"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_history(dispatcher, tracker)


class ActionPaymentCheck(Action):
    def name(self) -> str:
        return "action_payment_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_payment_check(dispatcher, tracker)
