"""The transaction rules: Payment (XRP) and the three payment-channel transactions.

Each transaction type has a ``preflight`` (checks of the transaction alone, ``tem`` codes)
and an ``apply`` that reads and writes a :class:`View` and returns a result token. A
``tec`` result makes the caller discard the view and charge only the fee, as rippled does.
Comments cite rippled's Payment.cpp and PayChan.cpp where the order of checks matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.claims import verify_claim
from ledger.sandbox.state import (
    OWNER_RESERVE_DROPS,
    RESERVE_BASE_DROPS,
    LedgerState,
    account_index,
    channel_index,
)
from ledger.sandbox.view import View

__all__ = ["TRANSACTORS", "Context", "Transactor", "reserve"]

TF_FULLY_CANONICAL_SIG = 0x80000000
TF_NO_RIPPLE_DIRECT = 0x00010000
TF_PARTIAL_PAYMENT = 0x00020000
TF_LIMIT_QUALITY = 0x00040000
TF_RENEW = 0x00010000
TF_CLOSE = 0x00020000


def reserve(owner_count: int) -> int:
    """Drops an account must keep: base reserve plus one increment per owned object."""
    return RESERVE_BASE_DROPS + owner_count * OWNER_RESERVE_DROPS


@dataclass(slots=True)
class Context:
    tx: dict[str, Any]
    view: View
    state: LedgerState
    prior_balance: int
    """The sender's balance before the fee was taken (rippled's mPriorBalance)."""

    @property
    def account(self) -> str:
        return str(self.tx["Account"])

    @property
    def close_time(self) -> int:
        """The parent ledger's close time, which every time rule reads."""
        return self.state.parent_close_time()


def _xrp(value: object) -> int | None:
    """Drops of an XRP amount; None when it is a token amount or not a number."""
    if not isinstance(value, str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _flags(tx: dict[str, Any]) -> int:
    return int(tx.get("Flags", 0)) & ~TF_FULLY_CANONICAL_SIG


def _valid_public_key(key: object) -> bool:
    if not isinstance(key, str) or len(key) != 66:
        return False
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        return False
    return raw[0] in (0xED, 0x02, 0x03)


# -- Payment -------------------------------------------------------------------------------


def _payment_preflight(tx: dict[str, Any]) -> str | None:
    flags = _flags(tx)
    if flags & ~(TF_NO_RIPPLE_DIRECT | TF_PARTIAL_PAYMENT | TF_LIMIT_QUALITY):
        return "temINVALID_FLAG"
    if "Destination" not in tx:
        return "temDST_NEEDED"
    amount = tx.get("Amount")
    if not isinstance(amount, str):
        return "temDISABLED"  # token payments: the sandbox moves XRP only
    drops = _xrp(amount)
    if drops is None or drops <= 0:
        return "temBAD_AMOUNT"
    if "SendMax" in tx:
        return "temBAD_SEND_XRP_MAX"
    if "Paths" in tx:
        return "temBAD_SEND_XRP_PATHS"
    if flags & TF_PARTIAL_PAYMENT:
        return "temBAD_SEND_XRP_PARTIAL"
    if flags & TF_LIMIT_QUALITY:
        return "temBAD_SEND_XRP_LIMIT"
    if flags & TF_NO_RIPPLE_DIRECT:
        return "temBAD_SEND_XRP_NO_DIRECT"
    if tx["Destination"] == tx["Account"]:
        return "temREDUNDANT"
    return None


def _payment_apply(ctx: Context) -> str:
    amount = int(ctx.tx["Amount"])
    destination = str(ctx.tx["Destination"])
    dst = ctx.view.peek_account(destination)
    if dst is None:
        if amount < RESERVE_BASE_DROPS:
            return "tecNO_DST_INSUF_XRP"
        dst = {
            "Account": destination,
            "Balance": "0",
            "Flags": 0,
            "LedgerEntryType": "AccountRoot",
            "OwnerCount": 0,
            # DeletableAccounts: a new account's first sequence is the ledger's index.
            "Sequence": ctx.state.current_index,
        }
        ctx.view.insert(account_index(destination), dst)
    src = ctx.view.peek_account(ctx.account)
    assert src is not None
    required = max(reserve(int(src["OwnerCount"])), int(ctx.tx["Fee"]))
    if ctx.prior_balance < amount + required:
        return "tecUNFUNDED_PAYMENT"
    src["Balance"] = str(int(src["Balance"]) - amount)
    dst["Balance"] = str(int(dst["Balance"]) + amount)
    return "tesSUCCESS"


# -- PaymentChannelCreate ------------------------------------------------------------------


def _create_preflight(tx: dict[str, Any]) -> str | None:
    if _flags(tx):
        return "temINVALID_FLAG"
    drops = _xrp(tx.get("Amount"))
    if drops is None or drops <= 0:
        return "temBAD_AMOUNT"
    if "Destination" not in tx:
        return "temDST_NEEDED"
    if tx["Destination"] == tx["Account"]:
        return "temDST_IS_SRC"
    if "SettleDelay" not in tx or not _valid_public_key(tx.get("PublicKey")):
        return "temMALFORMED"
    return None


def _create_apply(ctx: Context) -> str:
    tx = ctx.tx
    amount = int(tx["Amount"])
    src = ctx.view.peek_account(ctx.account)
    assert src is not None
    # preclaim reads the balance before the fee
    if ctx.prior_balance < reserve(int(src["OwnerCount"]) + 1):
        return "tecINSUFFICIENT_RESERVE"
    if ctx.prior_balance < reserve(int(src["OwnerCount"]) + 1) + amount:
        return "tecUNFUNDED"
    destination = str(tx["Destination"])
    if ctx.view.read(account_index(destination)) is None:
        return "tecNO_DST"
    if "CancelAfter" in tx and ctx.close_time >= int(tx["CancelAfter"]):
        return "tecEXPIRED"  # fixPayChanCancelAfter
    channel: dict[str, Any] = {
        "Account": ctx.account,
        "Amount": str(amount),
        "Balance": "0",
        "Destination": destination,
        "DestinationNode": "0",
        "Flags": 0,
        "LedgerEntryType": "PayChannel",
        "OwnerNode": "0",
        "PublicKey": str(tx["PublicKey"]).upper(),
        "SettleDelay": int(tx["SettleDelay"]),
    }
    for optional in ("CancelAfter", "SourceTag", "DestinationTag"):
        if optional in tx:
            channel[optional] = int(tx[optional])
    ctx.view.insert(channel_index(ctx.account, destination, int(tx["Sequence"])), channel)
    src["Balance"] = str(int(src["Balance"]) - amount)
    src["OwnerCount"] = int(src["OwnerCount"]) + 1
    return "tesSUCCESS"


# -- closing a channel ---------------------------------------------------------------------


def _close_channel(ctx: Context, index: str, channel: dict[str, Any]) -> str:
    """Delete the channel; what is left in it goes back to the source (PayChan.cpp)."""
    src = ctx.view.peek_account(str(channel["Account"]))
    assert src is not None
    src["Balance"] = str(int(src["Balance"]) + int(channel["Amount"]) - int(channel["Balance"]))
    src["OwnerCount"] = int(src["OwnerCount"]) - 1
    ctx.view.erase(index)
    return "tesSUCCESS"


def _expired(ctx: Context, channel: dict[str, Any]) -> bool:
    cancel_after = channel.get("CancelAfter")
    expiration = channel.get("Expiration")
    return (cancel_after is not None and ctx.close_time >= int(cancel_after)) or (
        expiration is not None and ctx.close_time >= int(expiration)
    )


# -- PaymentChannelFund --------------------------------------------------------------------


def _fund_preflight(tx: dict[str, Any]) -> str | None:
    if _flags(tx):
        return "temINVALID_FLAG"
    drops = _xrp(tx.get("Amount"))
    if drops is None or drops <= 0:
        return "temBAD_AMOUNT"
    if "Channel" not in tx:
        return "temMALFORMED"
    return None


def _fund_apply(ctx: Context) -> str:
    index = str(ctx.tx["Channel"]).upper()
    channel = ctx.view.peek(index)
    if channel is None or channel.get("LedgerEntryType") != "PayChannel":
        return "tecNO_ENTRY"
    if _expired(ctx, channel):
        return _close_channel(ctx, index, channel)
    if channel["Account"] != ctx.account:
        return "tecNO_PERMISSION"
    if "Expiration" in ctx.tx:
        extend = int(ctx.tx["Expiration"])
        minimum = ctx.close_time + int(channel["SettleDelay"])
        current = channel.get("Expiration")
        if current is not None and int(current) < minimum:
            minimum = int(current)
        if extend < minimum:
            return "temBAD_EXPIRATION"
        channel["Expiration"] = extend
    src = ctx.view.peek_account(ctx.account)
    assert src is not None
    amount = int(ctx.tx["Amount"])
    balance = int(src["Balance"])  # after the fee, as doApply sees it
    needed = reserve(int(src["OwnerCount"]))
    if balance < needed:
        return "tecINSUFFICIENT_RESERVE"
    if balance < needed + amount:
        return "tecUNFUNDED"
    if ctx.view.read(account_index(str(channel["Destination"]))) is None:
        return "tecNO_DST"
    channel["Amount"] = str(int(channel["Amount"]) + amount)
    src["Balance"] = str(balance - amount)
    return "tesSUCCESS"


# -- PaymentChannelClaim -------------------------------------------------------------------


def _claim_preflight(tx: dict[str, Any]) -> str | None:
    balance = _xrp(tx["Balance"]) if "Balance" in tx else None
    amount = _xrp(tx["Amount"]) if "Amount" in tx else None
    if "Balance" in tx and (balance is None or balance <= 0):
        return "temBAD_AMOUNT"
    if "Amount" in tx and (amount is None or amount <= 0):
        return "temBAD_AMOUNT"
    if balance is not None and amount is not None and balance > amount:
        return "temBAD_AMOUNT"
    flags = _flags(tx)
    if flags & ~(TF_RENEW | TF_CLOSE):
        return "temINVALID_FLAG"
    if flags & TF_RENEW and flags & TF_CLOSE:
        return "temMALFORMED"
    if "Channel" not in tx:
        return "temMALFORMED"
    if "Signature" in tx:
        if "PublicKey" not in tx or balance is None:
            return "temMALFORMED"
        authorized = amount if amount is not None else balance
        if not _valid_public_key(tx["PublicKey"]):
            return "temMALFORMED"
        check = verify_claim(
            str(tx["Channel"]), str(authorized), str(tx["Signature"]), str(tx["PublicKey"])
        )
        if not check.valid:
            return "temBAD_SIGNATURE"
    return None


def _claim_apply(ctx: Context) -> str:
    tx = ctx.tx
    index = str(tx["Channel"]).upper()
    channel = ctx.view.peek(index)
    if channel is None or channel.get("LedgerEntryType") != "PayChannel":
        return "tecNO_TARGET"
    source, destination = str(channel["Account"]), str(channel["Destination"])
    current_expiration = channel.get("Expiration")
    if _expired(ctx, channel):
        return _close_channel(ctx, index, channel)
    if ctx.account not in (source, destination):
        return "tecNO_PERMISSION"
    if "Balance" in tx:
        paid = int(channel["Balance"])
        funded = int(channel["Amount"])
        requested = int(tx["Balance"])
        if ctx.account == destination and "Signature" not in tx:
            return "temBAD_SIGNATURE"
        if "Signature" in tx and str(tx["PublicKey"]).upper() != channel["PublicKey"]:
            return "temBAD_SIGNER"
        if requested > funded:
            return "tecUNFUNDED_PAYMENT"
        if requested <= paid:
            return "tecUNFUNDED_PAYMENT"  # nothing new is requested: a stale claim
        dst = ctx.view.peek_account(destination)
        if dst is None:
            return "tecNO_DST"
        channel["Balance"] = str(requested)
        dst["Balance"] = str(int(dst["Balance"]) + requested - paid)
    flags = _flags(tx)
    if flags & TF_RENEW:
        if ctx.account != source:
            return "tecNO_PERMISSION"
        channel.pop("Expiration", None)
    if flags & TF_CLOSE:
        if ctx.account == destination or channel["Balance"] == channel["Amount"]:
            return _close_channel(ctx, index, channel)
        settle = ctx.close_time + int(channel["SettleDelay"])
        if current_expiration is None or int(current_expiration) > settle:
            channel["Expiration"] = settle
    return "tesSUCCESS"


@dataclass(frozen=True, slots=True)
class Transactor:
    preflight: Callable[[dict[str, Any]], str | None]
    apply: Callable[[Context], str]


TRANSACTORS: dict[str, Transactor] = {
    "Payment": Transactor(_payment_preflight, _payment_apply),
    "PaymentChannelCreate": Transactor(_create_preflight, _create_apply),
    "PaymentChannelFund": Transactor(_fund_preflight, _fund_apply),
    "PaymentChannelClaim": Transactor(_claim_preflight, _claim_apply),
}
