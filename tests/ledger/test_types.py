"""Typed results: exact XRP text, ledger times, channel and transaction parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger.types import (
    ChannelState,
    TransactionStatus,
    drops_to_xrp_text,
    ripple_time_to_datetime,
)


@pytest.mark.parametrize(
    ("drops", "text"),
    [
        (0, "0 XRP"),
        (1, "0.000001 XRP"),
        (12_500_000, "12.5 XRP"),
        (1_000_000, "1 XRP"),
        (100_000_000_000_000_000, "100000000000 XRP"),
        (99_999_999_999_999_999, "99999999999.999999 XRP"),
        (-200_000, "-0.2 XRP"),
    ],
)
def test_drops_to_xrp_text_is_exact(drops: int, text: str) -> None:
    assert drops_to_xrp_text(drops) == text


def test_ripple_time_is_seconds_since_2000() -> None:
    assert ripple_time_to_datetime(0) == datetime(2000, 1, 1, tzinfo=UTC)
    assert ripple_time_to_datetime(None) is None


def test_channel_from_account_channels_entry() -> None:
    channel = ChannelState.from_rpc(
        {
            "channel_id": "AB" * 32,
            "account": "rA",
            "destination_account": "rB",
            "amount": "1000",
            "balance": "400",
            "settle_delay": 60,
            "public_key": "aB44YfzW24VDEJQ2UuLPV2PvqcPCSoLnL7y5M1EzhdW4LnK5xMS3",
            "public_key_hex": "ED" + "11" * 32,
            "cancel_after": 86400,
            "source_tag": 7,
        }
    )
    assert channel.remaining_drops == 600
    assert channel.public_key == "ED" + "11" * 32
    assert channel.cancel_after == datetime(2000, 1, 2, tzinfo=UTC)
    assert not channel.closing and channel.source_tag == 7 and channel.destination_tag is None


def _claim_meta(previous_balance: str, final_balance: str, kind: str = "ModifiedNode") -> dict:
    return {
        "TransactionResult": "tesSUCCESS",
        "AffectedNodes": [
            {
                kind: {
                    "LedgerEntryType": "PayChannel",
                    "LedgerIndex": "CD" * 32,
                    "FinalFields": {"Destination": "rCreator", "Balance": final_balance},
                    "PreviousFields": {"Balance": previous_balance},
                }
            }
        ],
    }


def test_claim_amount_is_what_it_paid_not_the_cumulative_balance() -> None:
    status = TransactionStatus.from_rpc(
        {
            "tx_json": {
                "TransactionType": "PaymentChannelClaim",
                "Account": "rCreator",
                "Channel": "CD" * 32,
                "Balance": "900000",
                "Fee": "10",
            },
            "meta": _claim_meta("600000", "900000"),
            "hash": "EF" * 32,
            "validated": True,
            "ledger_index": 55,
            "close_time_iso": "2025-01-02T03:04:05Z",
        }
    )
    assert status.amount_drops == 300_000
    assert status.succeeded and status.counterparty == "rCreator"
    assert status.close_time == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert status.ledger_index == 55 and status.fee_drops == 10


def test_channel_create_takes_the_new_channel_id_from_meta() -> None:
    status = TransactionStatus.from_rpc(
        {
            "tx_json": {
                "TransactionType": "PaymentChannelCreate",
                "Account": "rPayer",
                "Destination": "rCreator",
                "Amount": "5000000",
                "Fee": "10",
            },
            "meta": {
                "TransactionResult": "tesSUCCESS",
                "AffectedNodes": [
                    {
                        "CreatedNode": {
                            "LedgerEntryType": "PayChannel",
                            "LedgerIndex": "AA" * 32,
                            "NewFields": {"Destination": "rCreator", "Amount": "5000000"},
                        }
                    }
                ],
            },
            "hash": "01" * 32,
            "validated": True,
        }
    )
    assert status.channel_id == "AA" * 32
    assert status.amount_drops == 5_000_000


def test_failed_payment_reports_what_it_tried_to_send_v1_shape() -> None:
    status = TransactionStatus.from_rpc(
        {
            "tx": {
                "TransactionType": "Payment",
                "Account": "rPayer",
                "Destination": "rNew",
                "Amount": "500000",
                "Fee": "10",
                "hash": "02" * 32,
                "date": 0,
            },
            "meta": {"TransactionResult": "tecNO_DST_INSUF_XRP"},
            "validated": True,
        }
    )
    assert status.tx_hash == "02" * 32
    assert status.amount_drops == 500_000 and not status.succeeded
    assert "1 XRP" in status.result_explained
    assert status.close_time == datetime(2000, 1, 1, tzinfo=UTC)
