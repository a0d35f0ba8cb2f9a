"""Ledger results in words. Amounts always go through ``drops_to_xrp_text`` (exact XRP)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.knowledge import help_url, more_in_help_centre
from ledger import AccountOverview, ChannelState, TransactionStatus, drops_to_xrp_text

__all__ = [
    "RESERVES_ARTICLE",
    "as_json",
    "channel_text",
    "duration_text",
    "history_line",
    "overview_text",
    "reserve_text",
    "running_low",
    "short",
    "spending_rate_per_day",
    "transaction_text",
]

_TX_WORDS = {
    "Payment": "payment",
    "PaymentChannelCreate": "channel opened",
    "PaymentChannelFund": "channel top-up",
    "PaymentChannelClaim": "channel claim",
}


def short(address: str) -> str:
    """``rHb9CJ...wdtyTh``: enough to recognise an address in a sentence."""
    return address if len(address) <= 14 else f"{address[:6]}...{address[-6:]}"


def as_json(value: Any) -> Any:
    """A dataclass result as JSON-ready data (datetimes as ISO strings)."""
    data = asdict(value) if hasattr(value, "__dataclass_fields__") else value
    if isinstance(data, dict):
        return {key: as_json(item) for key, item in data.items()}
    if isinstance(data, list):
        return [as_json(item) for item in data]
    if isinstance(data, datetime):
        return data.isoformat()
    return data


def overview_text(overview: AccountOverview) -> str:
    lines = [
        f"Account {overview.address}:",
        f"- total balance: {drops_to_xrp_text(overview.balance_drops)}",
        f"- reserve (held by the ledger): {drops_to_xrp_text(overview.reserve_drops)}",
        f"- spendable: {drops_to_xrp_text(overview.spendable_drops)}",
    ]
    if overview.locked_in_channels_drops or overview.channel_count:
        lines.append(
            f"- locked in your payment channels (not yet paid out): "
            f"{drops_to_xrp_text(overview.locked_in_channels_drops)}"
        )
    if not overview.validated:
        lines.append("(from the latest ledger, which is not validated yet)")
    return "\n".join(lines)


RESERVES_ARTICLE = (
    "Reserves - why some XRP in your account is locked",
    help_url("reserves-explained"),
)
"""Title and link of the help article on reserves."""


def reserve_text(overview: AccountOverview | None) -> str:
    general = (
        "The XRP Ledger requires every account to keep a minimum amount of XRP, the reserve, "
        "which can't be sent. It is not a fee and nobody receives it: it stays in your account "
        "and keeps the ledger free of spam accounts."
    )
    if overview is None:
        return (
            general + " It is a base reserve per account plus an owner reserve for each object "
            "the account owns (such as a payment channel). Closing a channel lowers it again.\n"
            + more_in_help_centre(*RESERVES_ARTICLE)
        )
    return (
        f"{general} For your account it is {drops_to_xrp_text(overview.reserve_drops)}: "
        f"the base reserve of {drops_to_xrp_text(overview.base_reserve_drops)} plus "
        f"{overview.owner_count} owned object(s) (such as payment channels) at "
        f"{drops_to_xrp_text(overview.owner_reserve_drops)} each. "
        f"So of your {drops_to_xrp_text(overview.balance_drops)} you can spend "
        f"{drops_to_xrp_text(overview.spendable_drops)}. Closing a channel releases its owner "
        "reserve.\n" + more_in_help_centre(*RESERVES_ARTICLE)
    )


_WHAT_IT_MEANS = {
    ("tecUNFUNDED_PAYMENT", "PaymentChannelClaim"): (
        "For you this means the claim moved nothing: no XRP left the channel because of it, and "
        "the latest valid claim still counts."
    ),
    ("tecUNFUNDED_PAYMENT", "Payment"): (
        "Nothing was sent apart from the small fee; add XRP above your reserve and try again."
    ),
    ("tecNO_DST_INSUF_XRP", "Payment"): (
        "Your XRP was not sent (only the fee was spent). Send at least 1 XRP to create that "
        "account, or check that the address is the right one."
    ),
    ("tecINSUFFICIENT_RESERVE", "PaymentChannelCreate"): (
        "Opening a channel raises your reserve by 0.2 XRP; add a little XRP and try again."
    ),
}


def transaction_text(tx: TransactionStatus) -> str:
    kind = _TX_WORDS.get(tx.tx_type, tx.tx_type or "transaction")
    name = f"Transaction {short(tx.tx_hash)} ({kind})"
    if tx.succeeded:
        head = f"{name} succeeded and is validated, so it is final."
    else:
        state = "failed" if tx.validated else "is not final yet"
        head = f"{name} {state}. {tx.result_explained.rstrip('.')}."
        if meaning := _WHAT_IT_MEANS.get((tx.result_code, tx.tx_type)):
            head += f" {meaning}"
    details = [f"Sent by {tx.account}"]
    if tx.counterparty and tx.counterparty != tx.account:
        details.append(f"to {tx.counterparty}")
    if tx.channel_id:
        details.append(f"channel {short(tx.channel_id)}")
    if tx.claim_total_drops is not None:
        details.append(f"claim for a cumulative total of {drops_to_xrp_text(tx.claim_total_drops)}")
    if tx.amount_drops is not None:
        moved = "paid out by it" if tx.claim_total_drops is not None else "amount"
        details.append(f"{moved} {drops_to_xrp_text(tx.amount_drops)}")
    details.append(f"fee {drops_to_xrp_text(tx.fee_drops)}")
    if tx.close_time is not None:
        details.append(f"on {tx.close_time:%Y-%m-%d %H:%M} UTC")
    return head + " " + ", ".join(details) + "."


def history_line(tx: TransactionStatus, me: str) -> str:
    """One line of ``me``'s history, said from ``me``'s side ("mira redeemed 3 XRP from your
    channel", not "channel claim 3 XRP from mira")."""
    when = f"{tx.close_time:%Y-%m-%d %H:%M}" if tx.close_time else "pending"
    amount = drops_to_xrp_text(tx.amount_drops) if tx.amount_drops is not None else "-"
    if tx.succeeded:
        outcome = "ok"
    elif tx.validated and tx.result_code:
        outcome = f"failed: {tx.result_code}"
    else:
        outcome = tx.result_code or "pending"
    if tx.tx_type == "PaymentChannelClaim":
        if tx.account != me:
            what = (
                f"{tx.account} redeemed {amount} from your channel"
                if tx.amount_drops
                else f"{tx.account} closed or claimed on your channel; no XRP moved"
            )
        elif tx.counterparty in (None, me):
            what = f"you redeemed {amount} from a channel that pays you"
        else:
            what = f"claim on your channel to {tx.counterparty}: {amount} paid out"
            if not tx.amount_drops:
                what = f"you closed or claimed on your channel to {tx.counterparty}"
        return f"- {when}: {what} ({outcome})"
    kind = _TX_WORDS.get(tx.tx_type, tx.tx_type)
    if tx.account == me:
        party = f" to {tx.counterparty}" if tx.counterparty else ""
    else:
        party = f" from {tx.account}"
    return f"- {when}: {kind} {amount}{party} ({outcome})"


def duration_text(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        count, unit = round(hours), "hour"
    else:
        count, unit = round(hours / 24), "day"
    return f"about {count} {unit}{'' if count == 1 else 's'}"


def spending_rate_per_day(
    channel: ChannelState, claims: list[TransactionStatus], window_days: int, now: datetime
) -> int | None:
    """Drops per day paid out of ``channel`` by the claims of the last ``window_days``."""
    since = now - timedelta(days=window_days)
    recent = [
        c
        for c in claims
        if c.channel_id == channel.channel_id
        and c.succeeded
        and c.close_time is not None
        and c.close_time >= since
        and c.amount_drops
    ]
    if not recent:
        return None
    paid = sum(c.amount_drops or 0 for c in recent)
    return paid // window_days or None


def running_low(channel: ChannelState, low_fraction: float) -> bool:
    """Less than ``low_fraction`` of what the channel was funded with is left."""
    return (
        bool(channel.amount_drops) and channel.remaining_drops < channel.amount_drops * low_fraction
    )


def channel_text(
    channel: ChannelState,
    rate_per_day: int | None,
    low_fraction: float,
    now: datetime | None = None,
    *,
    for_creator: bool = False,
) -> str:
    """A channel's state, said to its payer, or (``for_creator``) to the creator it pays."""
    now = now or datetime.now(UTC)
    funded = drops_to_xrp_text(channel.amount_drops)
    paid = drops_to_xrp_text(channel.balance_drops)
    left = drops_to_xrp_text(channel.remaining_drops)
    delay = duration_text(timedelta(seconds=channel.settle_delay_seconds))
    if for_creator:
        text = (
            f"Channel {short(channel.channel_id)} from {channel.account} pays you: funded "
            f"{funded}, paid out to you {paid}, remaining {left} still to claim; settle delay "
            f"{delay}."
        )
    else:
        text = (
            f"Channel {short(channel.channel_id)} to {channel.destination}: funded {funded}, "
            f"paid out {paid}, remaining {left}; settle delay {delay}."
        )
    ended = [t for t in (channel.expiration, channel.cancel_after) if t is not None and t <= now]
    if ended and for_creator:
        text += (
            f" It expired at {min(ended):%Y-%m-%d %H:%M} UTC: no new claims can be redeemed "
            "from it, and what is left goes back to the fan when it is closed."
        )
    elif ended:
        # Expired channels stay on the ledger until a transaction touches them.
        text += (
            f" It expired at {min(ended):%Y-%m-%d %H:%M} UTC: nothing more can be paid from it, "
            f"and the {left} left comes back to you when the channel is closed. The ledger closes "
            "an expired channel at the next transaction on it: choose 'Close channel' in your "
            "wallet to get your XRP back now."
        )
    elif channel.expiration is not None:
        text += f" It is closing: it closes at {channel.expiration:%Y-%m-%d %H:%M} UTC."
        if for_creator:
            text += " Redeem the latest claim before then."
    elif channel.cancel_after is not None:
        text += f" It expires at {channel.cancel_after:%Y-%m-%d %H:%M} UTC."
    if running_low(channel, low_fraction):
        text += " Warning: it is almost used up"
        if rate_per_day:
            days = channel.remaining_drops / rate_per_day
            whose = "the fan's" if for_creator else "your"
            text += (
                f"; at {whose} recent spending of {drops_to_xrp_text(rate_per_day)} a day it "
                f"lasts {duration_text(timedelta(days=days))}"
            )
        text += (
            ". The fan has to add funds for their tips to keep coming."
            if for_creator
            else ". Add funds to keep paying this creator without interruption."
        )
    return text
