from __future__ import annotations

import random

import pytest

from fraud.checks import check_claim
from fraud.events import parse_event
from fraud.store import ChannelRecord
from fraud.wallets import Wallet, high_s, malleate_ed25519

CHANNEL = "C0FFEE" + "00" * 29
TS = "2026-03-01T10:00:00Z"


def _claim(amount: int, signature: str, ts: str = TS, public_key: str | None = None):
    data = {
        "id": "c",
        "type": "claim",
        "ts": ts,
        "channel_id": CHANNEL,
        "amount": str(amount),
        "signature": signature,
    }
    if public_key:
        data["public_key"] = public_key
    return parse_event(data)


@pytest.fixture(params=["ed25519", "secp256k1"])
def wallet(request: pytest.FixtureRequest) -> Wallet:
    return Wallet(random.Random(5), request.param)


def _channel(wallet: Wallet, funded: int = 1_000_000, last: int = 0) -> ChannelRecord:
    channel = ChannelRecord("rPayer", "rCreator", wallet.public_key, funded, 0.0)
    channel.last_claim = last
    return channel


def codes(reasons: list) -> list[str]:
    return [reason.code for reason in reasons]


def test_a_good_claim_passes(wallet: Wallet) -> None:
    event = _claim(5000, wallet.sign_claim(CHANNEL, 5000))
    assert check_claim(event, _channel(wallet, last=4000)) == []


def test_unknown_and_closed_channels(wallet: Wallet) -> None:
    event = _claim(5000, wallet.sign_claim(CHANNEL, 5000))
    assert codes(check_claim(event, None)) == ["channel_unknown"]
    channel = _channel(wallet)
    channel.closed = True
    assert codes(check_claim(event, channel)) == ["channel_closed"]


def test_expiration_and_cancel_after(wallet: Wallet) -> None:
    event = _claim(5000, wallet.sign_claim(CHANNEL, 5000))
    channel = _channel(wallet)
    channel.cancel_after = event.ts
    assert codes(check_claim(event, channel)) == ["channel_expired"]
    channel.cancel_after = None
    channel.expiration = event.ts - 1
    assert codes(check_claim(event, channel)) == ["channel_expired"]


def test_forged_signature_is_invalid(wallet: Wallet) -> None:
    forger = Wallet(random.Random(6), wallet.algorithm)
    event = _claim(5000, forger.sign_claim(CHANNEL, 5000))
    assert codes(check_claim(event, _channel(wallet))) == ["claim_signature_invalid"]


def test_signature_for_another_amount_is_invalid(wallet: Wallet) -> None:
    event = _claim(9000, wallet.sign_claim(CHANNEL, 5000))
    assert codes(check_claim(event, _channel(wallet))) == ["claim_signature_invalid"]


def test_malleated_signature_is_non_canonical(wallet: Wallet) -> None:
    good = wallet.sign_claim(CHANNEL, 5000)
    bad = malleate_ed25519(good) if wallet.algorithm == "ed25519" else high_s(good)
    assert codes(check_claim(_claim(5000, bad), _channel(wallet))) == [
        "claim_signature_non_canonical"
    ]


def test_replay_is_stale_and_overdraft_is_above_funded(wallet: Wallet) -> None:
    replay = _claim(5000, wallet.sign_claim(CHANNEL, 5000))
    assert codes(check_claim(replay, _channel(wallet, last=5000))) == ["claim_amount_stale"]
    big = _claim(2_000_000, wallet.sign_claim(CHANNEL, 2_000_000))
    reasons = check_claim(big, _channel(wallet))
    assert codes(reasons) == ["claim_amount_above_funded"]
    assert "2,000,000 drops" in reasons[0].detail


def test_key_mismatch_and_malformed_signature(wallet: Wallet) -> None:
    other = Wallet(random.Random(9), wallet.algorithm)
    event = _claim(5000, other.sign_claim(CHANNEL, 5000), public_key=other.public_key)
    assert codes(check_claim(event, _channel(wallet))) == ["claim_public_key_mismatch"]
    assert codes(check_claim(_claim(5000, "zz"), _channel(wallet))) == ["claim_signature_malformed"]
