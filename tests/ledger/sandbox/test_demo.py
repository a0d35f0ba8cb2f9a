"""The demo world: deterministic, in every state it promises, seeded in under 5 seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from xrpl.models.requests import AccountChannels, AccountInfo, AccountTx, Tx

from ledger.sandbox import RIPPLE_EPOCH, SandboxNode, run_sandbox
from ledger.sandbox.demo import DEMO, demo_wallet, seed_demo_world
from ledger.sandbox.testing import Node


def test_demo_is_importable_data_with_stable_addresses() -> None:
    assert len(DEMO.users) == 5 and len(DEMO.creators) == 3
    for account in DEMO.accounts:
        assert demo_wallet(account.name).address == account.address
    states = {c.state for c in DEMO.channels}
    assert states == {
        "healthy",
        "nearly_exhausted",
        "expired",
        "closing",
        "past_cancel_after",
        "closed",
    }


def test_seeding_builds_exactly_the_described_world_quickly() -> None:
    node = SandboxNode()
    started = time.perf_counter()
    hashes = seed_demo_world(node)
    assert time.perf_counter() - started < 5
    assert hashes == DEMO.transactions
    state = node.state
    assert abs(state.clock_offset) < 1 and abs(state.parent_close_time() - state.now()) < 5
    results = {name: state.txs[h].meta["TransactionResult"] for name, h in hashes.items()}
    assert results["stale_claim"] == "tecUNFUNDED_PAYMENT"
    assert results["payment_too_small"] == "tecNO_DST_INSUF_XRP"
    assert {r for n, r in results.items() if n not in ("stale_claim", "payment_too_small")} == {
        "tesSUCCESS"
    }


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with run_sandbox(seed_demo=True) as running:
        yield running.url


async def test_demo_channels_are_in_their_states(demo_url: str) -> None:
    node = Node(demo_url)
    try:
        now = int(datetime.now(UTC).timestamp()) - RIPPLE_EPOCH
        for channel in DEMO.channels:
            payer = DEMO.account(channel.payer).address
            listed = await node.client.request(
                AccountChannels(account=payer, ledger_index="validated")
            )
            found = [c for c in listed.result["channels"] if c["channel_id"] == channel.channel_id]
            if channel.state == "closed":
                assert found == []
                continue
            [entry] = found
            assert entry["destination_account"] == DEMO.account(channel.creator).address
            paid = int(entry["balance"]) / int(entry["amount"])
            if channel.state == "healthy":
                assert paid < 0.5 and "expiration" not in entry
            elif channel.state == "nearly_exhausted":
                assert paid >= 0.9
            elif channel.state == "expired":
                assert entry["expiration"] < now
            elif channel.state == "closing":
                assert now < entry["expiration"] <= now + entry["settle_delay"]
            elif channel.state == "past_cancel_after":
                assert entry["cancel_after"] < now
        creator = DEMO.account("mira").address
        history = await node.client.request(AccountTx(account=creator, limit=400))
        claims = [
            t
            for t in history.result["transactions"]
            if t["tx_json"]["TransactionType"] == "PaymentChannelClaim"
        ]
        days = {t["close_time_iso"][:10] for t in claims}
        assert len(claims) >= 12 and len(days) >= 10  # redemptions spread over past days
        stale = await node.client.request(Tx(transaction=DEMO.transactions["stale_claim"]))
        assert stale.result["meta"]["TransactionResult"] == "tecUNFUNDED_PAYMENT"
        info = await node.client.request(AccountInfo(account=DEMO.account("alice").address))
        assert info.result["account_data"]["OwnerCount"] == 1
    finally:
        await node.aclose()
