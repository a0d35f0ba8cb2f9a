"""History lines are said from the user's side of each transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.formatting import history_line
from ledger import TransactionStatus

FAN = "rD6tJAVyNK8bhuPCKbDEjvqxQgn3SfkJZz"
CREATOR = "rHHfbdeBMB6mgrfBLRzxiDLVCUTcyMaeDi"


def _tx(
    tx_type: str, account: str, counterparty: str | None, drops: int | None
) -> TransactionStatus:
    return TransactionStatus(
        tx_hash="AB" * 32,
        tx_type=tx_type,
        account=account,
        counterparty=counterparty,
        amount_drops=drops,
        fee_drops=12,
        validated=True,
        result_code="tesSUCCESS",
        result_explained="it succeeded",
        succeeded=True,
        ledger_index=7,
        close_time=datetime(2026, 11, 24, 3, 23, tzinfo=UTC),
        channel_id="94" * 32,
    )


def test_a_creator_redeeming_from_the_fans_channel() -> None:
    line = history_line(_tx("PaymentChannelClaim", CREATOR, FAN, 3_000_000), FAN)
    assert (
        line
        == "- 2026-11-24 03:23: rHHfbdeBMB6mgrfBLRzxiDLVCUTcyMaeDi redeemed 3 XRP from your channel (ok)"
    )


def test_a_claim_that_moved_nothing_is_called_a_close_or_claim() -> None:
    line = history_line(_tx("PaymentChannelClaim", CREATOR, FAN, 0), FAN)
    assert "closed or claimed on your channel; no XRP moved" in line


def test_the_creators_own_redemption() -> None:
    line = history_line(_tx("PaymentChannelClaim", CREATOR, CREATOR, 3_000_000), CREATOR)
    assert "you redeemed 3 XRP from a channel that pays you" in line


def test_payments_both_ways() -> None:
    sent = history_line(_tx("Payment", FAN, CREATOR, 10_000_000), FAN)
    received = history_line(_tx("Payment", CREATOR, FAN, 10_000_000), FAN)
    assert sent == "- 2026-11-24 03:23: payment 10 XRP to rHHfbdeBMB6mgrfBLRzxiDLVCUTcyMaeDi (ok)"
    assert (
        received
        == "- 2026-11-24 03:23: payment 10 XRP from rHHfbdeBMB6mgrfBLRzxiDLVCUTcyMaeDi (ok)"
    )
