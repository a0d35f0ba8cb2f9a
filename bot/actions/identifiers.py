"""A 64-hex value is a transaction hash or a channel id, and users mix the two up.

"check tx <id>, is my channel open?" gives a channel id as a transaction; "how much can I still
claim from <hash>?" may give the hash of the transaction that opened the channel. The question
says which one the user meant to look up first; when the ledger has no such thing, the other
reading is tried before saying "not found".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.config import get_settings
from bot.context import remember
from bot.formatting import (
    as_json,
    channel_text,
    running_low,
    spending_rate_per_day,
    transaction_text,
)
from bot.knowledge import help_url, more_in_help_centre
from bot.ledger_access import lookup, problem_text
from bot.replies import answer_failure
from ledger import ChannelNotFound, ChannelState, LedgerError, TransactionNotFound

__all__ = ["answer_identifier", "channel_help", "channel_reply"]

_TOP_UP = ("funding-a-channel", "Adding XRP to an open channel (top up)")
_CLOSING = ("closing-a-channel", "Closing a channel and getting your unspent XRP back")


async def channel_reply(channel: ChannelState) -> str:
    """A channel's state, with the running-low estimate from its payer's recent claims."""
    settings = get_settings()
    now = datetime.now(UTC)
    since = now - timedelta(days=settings.spending_window_days)
    page = await lookup(lambda ledger: ledger.history(channel.account, limit=100, since=since))
    claims = [t for t in page.transactions if t.tx_type == "PaymentChannelClaim"]
    rate = spending_rate_per_day(channel, claims, settings.spending_window_days, now)
    return channel_text(channel, rate, settings.channel_low_fraction)


def channel_help(channels: list[ChannelState], *, closed: bool = False) -> list[str]:
    """The help-centre line (if any) for what a channel answer warned about: how to top up a
    channel that is almost used up, or how closing works when one is closing, expired or
    ``closed``."""
    low = get_settings().channel_low_fraction
    if any(running_low(c, low) for c in channels):
        article_id, title = _TOP_UP
    elif closed or any(c.expiration is not None or c.cancel_after is not None for c in channels):
        article_id, title = _CLOSING
    else:
        return []
    return [more_in_help_centre(title, help_url(article_id))]


_ON_A_CHANNEL = {"PaymentChannelClaim", "PaymentChannelFund"}


async def _channel_now(channel_id: str) -> tuple[str, ChannelState | None]:
    """What the channel a transaction acted on looks like now, in a sentence or two."""
    try:
        channel = await lookup(lambda ledger: ledger.channel(channel_id))
        return f"The channel now: {await channel_reply(channel)}", channel
    except ChannelNotFound:
        return "That channel is closed now: its unspent XRP went back to the payer.", None
    except LedgerError:
        return "", None  # the transaction is answered; the channel's state can wait


async def answer_identifier(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    value: str,
    first: Literal["transaction", "channel"],
) -> list[EventType]:
    """Answer about ``value`` (64 hex digits, checked): as ``first`` if the ledger has one,
    else as the other kind; when neither exists, ``first``'s not-found answer."""
    order = ("transaction", "channel") if first == "transaction" else ("channel", "transaction")
    not_found: LedgerError | None = None
    for kind in order:
        try:
            if kind == "transaction":
                tx = await lookup(lambda ledger: ledger.transaction(value))
                text = transaction_text(tx)
                found: dict[str, Any] = {"transactions": as_json(tx)}
                if tx.channel_id and tx.tx_type in _ON_A_CHANNEL:
                    # "I pressed close (<hash>): how much comes back, and when?"
                    now_text, channel = await _channel_now(tx.channel_id)
                    text += f"\n{now_text}" if now_text else ""
                    if channel is not None:
                        found["channels"] = [as_json(channel)]
                dispatcher.utter_message(text=text)
                return remember(tracker, **found)
            channel = await lookup(lambda ledger: ledger.channel(value))
            text = f"{await channel_reply(channel)} It is funded by {channel.account}."
            dispatcher.utter_message(text="\n".join([text, *channel_help([channel])]))
            return remember(tracker, channels=[as_json(channel)])
        except (TransactionNotFound, ChannelNotFound) as error:
            not_found = not_found or error
        except LedgerError as error:
            return answer_failure(dispatcher, tracker, error, f"{kind} {value}")
    assert not_found is not None
    other = "a payment channel id" if first == "transaction" else "a transaction hash"
    dispatcher.utter_message(text=f"{problem_text(not_found)} It isn't {other} either.")
    return remember(tracker, errors=f"{first} {value}: {not_found.message}")
