"""Typed ledger results in plain terms: amounts are int drops, times are aware datetimes.

Each type that comes from a rippled response has a ``from_rpc`` constructor that reads both
API v2 shapes (``tx_json``) and the older v1 shapes (``tx`` or fields at the top level).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ledger.results import describe_outcome

__all__ = [
    "RIPPLE_EPOCH_OFFSET",
    "AccountOverview",
    "ChannelState",
    "TransactionPage",
    "TransactionStatus",
    "drops_to_xrp_text",
    "ripple_time_to_datetime",
]

RIPPLE_EPOCH_OFFSET = 946_684_800
"""Seconds from the Unix epoch to the XRP Ledger's epoch, 2000-01-01T00:00:00Z."""

_DROPS_PER_XRP = 1_000_000


def drops_to_xrp_text(drops: int) -> str:
    """Exact XRP for an amount of drops: ``12_500_000 -> "12.5 XRP"``, ``1 -> "0.000001 XRP"``."""
    sign = "-" if drops < 0 else ""
    whole, fraction = divmod(abs(drops), _DROPS_PER_XRP)
    decimals = f"{fraction:06d}".rstrip("0")
    return f"{sign}{whole}{'.' + decimals if decimals else ''} XRP"


def ripple_time_to_datetime(seconds: int | None) -> datetime | None:
    """A ledger time (seconds since 2000-01-01 UTC) as an aware datetime; None stays None."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(int(seconds) + RIPPLE_EPOCH_OFFSET, tz=UTC)


@dataclass(frozen=True, slots=True)
class AccountOverview:
    """An account's XRP: what it holds, what the reserve locks, what it can spend."""

    address: str
    balance_drops: int
    reserve_drops: int
    """Base reserve plus owner_count times the owner reserve."""
    base_reserve_drops: int
    owner_reserve_drops: int
    owner_count: int
    spendable_drops: int
    """max(0, balance - reserve): what the account can send or put into channels."""
    locked_in_channels_drops: int
    """XRP in channels this account funds and that has not been paid out yet."""
    channel_count: int
    sequence: int
    ledger_index: int
    validated: bool


@dataclass(frozen=True, slots=True)
class ChannelState:
    """One payment channel, from the payer's account_channels listing."""

    channel_id: str
    account: str
    """The payer, who funded the channel."""
    destination: str
    amount_drops: int
    """Total XRP put into the channel."""
    balance_drops: int
    """XRP already paid out to the destination."""
    remaining_drops: int
    settle_delay_seconds: int
    public_key: str
    """Hex key that signs claims (what ``verify_claim`` takes)."""
    expiration: datetime | None
    cancel_after: datetime | None
    source_tag: int | None
    destination_tag: int | None

    @property
    def closing(self) -> bool:
        """The payer asked to close it: it closes at ``expiration``."""
        return self.expiration is not None

    @classmethod
    def from_rpc(cls, channel: dict[str, Any]) -> ChannelState:
        amount = int(channel["amount"])
        balance = int(channel.get("balance", 0))
        return cls(
            channel_id=channel["channel_id"],
            account=channel["account"],
            destination=channel["destination_account"],
            amount_drops=amount,
            balance_drops=balance,
            remaining_drops=amount - balance,
            settle_delay_seconds=int(channel["settle_delay"]),
            public_key=str(channel.get("public_key_hex") or channel.get("public_key", "")),
            expiration=ripple_time_to_datetime(channel.get("expiration")),
            cancel_after=ripple_time_to_datetime(channel.get("cancel_after")),
            source_tag=_optional_int(channel.get("source_tag")),
            destination_tag=_optional_int(channel.get("destination_tag")),
        )

    @classmethod
    def from_ledger_entry(cls, node: dict[str, Any]) -> ChannelState:
        """From a ``PayChannel`` ledger entry (``ledger_entry``'s ``node``)."""
        return cls.from_rpc(
            {
                "channel_id": node["index"],
                "account": node["Account"],
                "destination_account": node["Destination"],
                "amount": node["Amount"],
                "balance": node.get("Balance", 0),
                "settle_delay": node["SettleDelay"],
                "public_key_hex": node.get("PublicKey", ""),
                "expiration": node.get("Expiration"),
                "cancel_after": node.get("CancelAfter"),
                "source_tag": node.get("SourceTag"),
                "destination_tag": node.get("DestinationTag"),
            }
        )


@dataclass(frozen=True, slots=True)
class TransactionStatus:
    """A transaction and its outcome, with the result code explained."""

    tx_hash: str
    tx_type: str
    account: str
    counterparty: str | None
    """The Destination, or for channel transactions the channel's destination."""
    amount_drops: int | None
    """XRP moved: delivered by a Payment, put into a channel, or paid out by a claim."""
    fee_drops: int
    validated: bool
    result_code: str
    result_explained: str
    succeeded: bool
    """Validated and tesSUCCESS: nothing short of both is a final success."""
    ledger_index: int | None
    close_time: datetime | None
    channel_id: str | None
    claim_total_drops: int | None = None
    """A channel claim's Balance: the cumulative total the claim authorises, of which only the
    part above what the channel already paid out moves (``amount_drops``)."""
    channel_closed: bool = False
    """The transaction removed its payment channel from the ledger (unspent XRP went back to
    the payer)."""

    @classmethod
    def from_rpc(cls, entry: dict[str, Any]) -> TransactionStatus:
        """From a ``tx`` result or one ``account_tx`` entry."""
        tx = entry.get("tx_json") or entry.get("tx") or entry
        raw_meta = entry.get("meta") or entry.get("metaData")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        tx_type = str(tx.get("TransactionType", ""))
        validated = bool(entry.get("validated", False))
        result_code = str(meta.get("TransactionResult") or entry.get("engine_result") or "")
        channel_node = _channel_node(meta)
        channel_id = tx.get("Channel") or (channel_node or {}).get("LedgerIndex")
        return cls(
            tx_hash=str(entry.get("hash") or tx.get("hash", "")),
            tx_type=tx_type,
            account=str(tx.get("Account", "")),
            counterparty=_counterparty(tx, channel_node),
            amount_drops=_amount_moved(tx, meta, channel_node, validated),
            fee_drops=int(tx.get("Fee", 0)),
            validated=validated,
            result_code=result_code,
            result_explained=describe_outcome(result_code, tx_type, validated),
            succeeded=validated and result_code == "tesSUCCESS",
            ledger_index=_optional_int(entry.get("ledger_index") or tx.get("ledger_index")),
            close_time=_close_time(entry, tx),
            channel_id=str(channel_id) if channel_id else None,
            claim_total_drops=(
                _xrp_drops(tx.get("Balance")) if tx_type == "PaymentChannelClaim" else None
            ),
            channel_closed=(channel_node or {}).get("_kind") == "DeletedNode",
        )


@dataclass(frozen=True, slots=True)
class TransactionPage:
    """One page of an account's history, newest first; pass ``marker`` back for the next."""

    account: str
    transactions: list[TransactionStatus]
    marker: object | None


def _optional_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _xrp_drops(amount: object) -> int | None:
    """Drops when the amount is XRP (a digit string); None for tokens."""
    if isinstance(amount, str) and amount.isdigit():
        return int(amount)
    return None


def _channel_node(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The PayChannel entry the transaction touched, flattened with its previous fields."""
    for wrapper in meta.get("AffectedNodes", []):
        for kind, node in wrapper.items():
            if node.get("LedgerEntryType") != "PayChannel":
                continue
            fields = node.get("FinalFields") or node.get("NewFields") or {}
            return {
                **fields,
                "LedgerIndex": node.get("LedgerIndex"),
                "_kind": kind,
                "_previous": node.get("PreviousFields") or {},
            }
    return None


def _counterparty(tx: dict[str, Any], channel_node: dict[str, Any] | None) -> str | None:
    if destination := tx.get("Destination"):
        return str(destination)
    if channel_node and channel_node.get("Destination"):
        return str(channel_node["Destination"])
    return None


def _amount_moved(
    tx: dict[str, Any],
    meta: dict[str, Any],
    channel_node: dict[str, Any] | None,
    validated: bool,
) -> int | None:
    """What moved when it succeeded; what it tried to move otherwise; None for tokens."""
    tx_type = tx.get("TransactionType")
    succeeded = validated and meta.get("TransactionResult") == "tesSUCCESS"
    if tx_type == "PaymentChannelClaim":
        # Claims carry the cumulative balance; what one paid is the change it made.
        previous = channel_node["_previous"] if channel_node is not None else {}
        if channel_node is not None and "Balance" in previous:
            paid_after = _xrp_drops(channel_node.get("Balance")) or 0
            return paid_after - (_xrp_drops(previous["Balance"]) or 0)
        return 0 if succeeded else None
    if tx_type == "Payment" and succeeded:
        delivered = _xrp_drops(meta.get("delivered_amount"))
        if delivered is not None:
            return delivered
    return _xrp_drops(tx.get("DeliverMax", tx.get("Amount")))


def _close_time(entry: dict[str, Any], tx: dict[str, Any]) -> datetime | None:
    iso = entry.get("close_time_iso")
    if isinstance(iso, str) and iso:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return ripple_time_to_datetime(tx.get("date", entry.get("date")))
