"""Payment channels: funded, paid out, remaining, settle delay, expiry, and running-low warnings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.identifiers import answer_identifier, channel_help
from bot.actions.knowledge import knowledge_aside
from bot.config import get_settings
from bot.context import entity_values, remember
from bot.entities import check_hash
from bot.formatting import as_json, channel_text, short, spending_rate_per_day
from bot.ledger_access import lookup
from bot.replies import answer_failure, resolve_address
from ledger import ChannelNotFound, ChannelState, LedgerError, TransactionStatus

__all__ = ["ActionChannelStatus", "answer_channels"]

_MAX_SHOWN = 5
_ALSO_BALANCE = re.compile(r"\b(my )?balance\b", re.IGNORECASE)


async def answer_channels(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    wanted: str | None = None
    typed = entity_values(tracker, "hash")
    if typed:
        checked = check_hash(typed[0], "channel id")
        if checked.value is None:
            dispatcher.utter_message(text=checked.correction)
            return []
        wanted = checked.value
        if not entity_values(tracker, "address"):
            # an id is enough: the channel itself names its payer
            return await answer_identifier(dispatcher, tracker, wanted, "channel")
    address, events = resolve_address(dispatcher, tracker, "channels")
    if address is None:
        await knowledge_aside(dispatcher, tracker)
        return events
    settings = get_settings()
    now = datetime.now(UTC)
    since = now - timedelta(days=settings.spending_window_days)
    try:
        channels = await lookup(lambda ledger: ledger.channels(address))
        page = await lookup(lambda ledger: ledger.history(address, limit=100, since=since))
        claims = [t for t in page.transactions if t.tx_type == "PaymentChannelClaim"]
        incoming = await _paying_this_account(address, claims, wanted)
    except LedgerError as error:
        return events + answer_failure(dispatcher, tracker, error, f"channels of {address}")
    if wanted is not None:
        channels = [c for c in channels if c.channel_id == wanted]
        if not channels and not incoming:
            dispatcher.utter_message(
                text=f"None of the channels paid from {address} has the id {wanted}. Check the id, "
                "or send the address that funds that channel."
            )
            return events
    closed = _closed_lately(claims, address, {c.channel_id for c in channels})
    if not channels and not incoming:
        dispatcher.utter_message(
            text="\n".join(
                [
                    f"{address} has no open payment channels. A channel is opened the first "
                    "time you start paying a creator.",
                    *closed,
                    *channel_help([], closed=bool(closed)),
                ]
            )
        )
        return events + remember(tracker, channels=[])
    shown = (channels + incoming)[:_MAX_SHOWN]
    lines = [
        channel_text(
            channel,
            spending_rate_per_day(channel, claims, settings.spending_window_days, now),
            settings.channel_low_fraction,
            for_creator=channel.destination == address,
        )
        for channel in shown
    ]
    if len(channels) + len(incoming) > _MAX_SHOWN:
        lines.append(f"...and {len(channels) + len(incoming) - _MAX_SHOWN} more channels.")
    lines += closed + channel_help(shown, closed=bool(closed))
    if _ALSO_BALANCE.search(str((tracker.latest_message or {}).get("text") or "")):
        # "what's my balance, and how much is left in my channel?": both, balance first
        from bot.actions.balance import answer_balance

        events += await answer_balance(dispatcher, tracker)
    dispatcher.utter_message(text="\n".join(lines))
    return events + remember(tracker, channels=[as_json(c) for c in shown])


async def _channel_by_id(channel_id: str) -> ChannelState:
    return await lookup(lambda ledger: ledger.channel(channel_id))


async def _paying_this_account(
    address: str, claims: list[TransactionStatus], wanted: str | None
) -> list[ChannelState]:
    """Open channels that pay ``address`` (a creator), found through the claims it redeemed:
    the ledger lists channels by their payer only."""
    ids = [wanted] if wanted else []
    ids += [c.channel_id for c in claims if c.counterparty == address and c.channel_id]
    found: list[ChannelState] = []
    for channel_id in dict.fromkeys(ids):
        if len(found) == _MAX_SHOWN:
            break
        try:
            channel = await _channel_by_id(channel_id)
        except ChannelNotFound:
            continue
        if channel.destination == address:
            found.append(channel)
    return found


def _closed_lately(history: list[TransactionStatus], payer: str, still_open: set[str]) -> list[str]:
    """Lines for the payer's channels that closed in the history looked at ("my channel to
    sol vanished?"): who closed it, when, and that the unspent XRP came back."""
    lines = []
    for tx in history:
        if not tx.channel_closed or not tx.succeeded or tx.channel_id in still_open:
            continue
        if tx.counterparty in (None, payer):  # a channel that paid this account, not its own
            continue
        when = f" on {tx.close_time:%Y-%m-%d}" if tx.close_time else ""
        who = "you" if tx.account == payer else f"the creator ({tx.account})"
        lines.append(
            f"Your channel {short(tx.channel_id or '?')} to {tx.counterparty} was closed{when} by "
            f"{who}; it is no longer on the ledger, and the XRP it had not paid out came back to "
            "your account when it closed."
        )
    return lines


class ActionChannelStatus(Action):
    def name(self) -> str:
        return "action_channel_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_channels(dispatcher, tracker)
