from __future__ import annotations

import random

from fraud.events import format_ts, parse_event
from fraud.features import FEATURES, FeatureEngine
from fraud.store import InMemoryStore
from fraud.wallets import Wallet

T0 = 1_772_323_200.0
RNG = random.Random(11)
FUNDER = Wallet(RNG).address


def _at(seconds: float) -> str:
    return format_ts(T0 + seconds)


def _funded(engine: FeatureEngine, event_id: str, account: str, seconds: float):
    return engine.observe(
        parse_event(
            {
                "id": event_id,
                "type": "account.funded",
                "ts": _at(seconds),
                "account": account,
                "funder": FUNDER,
                "amount": "20000000",
            }
        )
    )


def test_funder_fan_out_counts_only_earlier_accounts() -> None:
    engine = FeatureEngine(InMemoryStore())
    index = FEATURES.index("funder_fanout_total")
    fanouts = [
        _funded(engine, f"f{i}", Wallet(RNG).address, i * 60.0).features[index] for i in range(4)
    ]
    assert fanouts[0] != fanouts[0]  # NaN: the funder was never seen before
    assert fanouts[1:] == [1.0, 2.0, 3.0]


def test_an_outcome_counts_only_from_its_own_time_on() -> None:
    engine = FeatureEngine(InMemoryStore())
    index = FEATURES.index("funder_fraud_outcomes")
    _funded(engine, "f0", Wallet(RNG).address, 0.0)
    before = _funded(engine, "f1", Wallet(RNG).address, 60.0).features[index]
    engine.observe(
        parse_event(
            {"id": "o1", "type": "outcome", "ts": _at(120), "event_id": "f0", "fraud": True}
        )
    )
    after = _funded(engine, "f2", Wallet(RNG).address, 180.0).features[index]
    assert (before, after) == (0.0, 1.0)


def test_regular_claims_have_low_interarrival_variation() -> None:
    engine = FeatureEngine(InMemoryStore())
    wallet = Wallet(RNG)
    channel = "AA" * 32
    engine.observe(
        parse_event(
            {
                "id": "ch",
                "type": "channel.created",
                "ts": _at(0),
                "channel_id": channel,
                "account": wallet.address,
                "destination": Wallet(RNG).address,
                "amount": "1000000",
                "settle_delay": 3600,
                "public_key": wallet.public_key,
            }
        )
    )
    obs = None
    for i in range(1, 12):
        amount = i * 10
        obs = engine.observe(
            parse_event(
                {
                    "id": f"c{i}",
                    "type": "claim",
                    "ts": _at(i * 5.0),
                    "channel_id": channel,
                    "amount": str(amount),
                    "signature": wallet.sign_claim(channel, amount),
                }
            )
        )
        assert obs is not None and obs.check_reasons == []
    assert obs is not None
    assert obs.features[FEATURES.index("interarrival_cv")] < 0.05
    assert obs.features[FEATURES.index("channel_claims")] == 10.0
