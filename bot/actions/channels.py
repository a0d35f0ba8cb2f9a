"""Payment channels: funded, paid out, remaining, settle delay, expiry, and running-low warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.identifiers import answer_identifier
from bot.actions.knowledge import knowledge_aside
from bot.config import get_settings
from bot.context import entity_values, remember
from bot.entities import check_hash
from bot.formatting import as_json, channel_text, spending_rate_per_day
from bot.ledger_access import lookup
from bot.replies import answer_failure, resolve_address
from ledger import LedgerError, TransactionStatus

__all__ = ["ActionChannelStatus", "answer_channels"]

_MAX_SHOWN = 5


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
        claims: list[TransactionStatus] = []
        if channels:
            page = await lookup(lambda ledger: ledger.history(address, limit=100, since=since))
            claims = [t for t in page.transactions if t.tx_type == "PaymentChannelClaim"]
    except LedgerError as error:
        return events + answer_failure(dispatcher, tracker, error, f"channels of {address}")
    if wanted is not None:
        channels = [c for c in channels if c.channel_id == wanted]
        if not channels:
            dispatcher.utter_message(
                text=f"None of the channels paid from {address} has the id {wanted}. Check the id, "
                "or send the address that funds that channel."
            )
            return events
    if not channels:
        dispatcher.utter_message(
            text=f"{address} has no open payment channels. A channel is opened the first time "
            "you start paying a creator."
        )
        return events + remember(tracker, channels=[])
    lines = [
        channel_text(
            channel,
            spending_rate_per_day(channel, claims, settings.spending_window_days, now),
            settings.channel_low_fraction,
        )
        for channel in channels[:_MAX_SHOWN]
    ]
    if len(channels) > _MAX_SHOWN:
        lines.append(f"...and {len(channels) - _MAX_SHOWN} more channels.")
    dispatcher.utter_message(text="\n".join(lines))
    return events + remember(tracker, channels=[as_json(c) for c in channels[:10]])


class ActionChannelStatus(Action):
    def name(self) -> str:
        return "action_channel_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_channels(dispatcher, tracker)
