"""LedgerClient and verify_claim against the real local sandbox node, driven through xrpl-py.

The node is started as the ``sandbox`` entry point starts it, on a free port, once for this
module. Transactions are signed and submitted with xrpl-py's async helpers over the client's
own connection, and ``ledger_accept`` closes a ledger, as on a standalone rippled.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from xrpl.asyncio.transaction import autofill_and_sign, submit
from xrpl.core.keypairs import sign
from xrpl.models.requests import ChannelVerify, GenericRequest
from xrpl.models.transactions import Payment, PaymentChannelClaim, PaymentChannelCreate
from xrpl.models.transactions.transaction import Transaction
from xrpl.wallet import Wallet

from devstack.stack import free_port
from ledger import (
    AccountNotFound,
    ChannelNotFound,
    InvalidTransactionHash,
    LedgerClient,
    TransactionNotFound,
    claim_signing_bytes,
    drops_to_xrp_text,
    verify_claim,
)

ROOT = Path(__file__).resolve().parents[2]
GENESIS_SECRET = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"
GENESIS_ADDRESS = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
XRP = 1_000_000

if importlib.util.find_spec("ledger.sandbox.cli") is None:
    pytestmark = pytest.mark.skip(
        reason="the sandbox node (ledger/sandbox/cli.py) is not in this tree yet"
    )


@dataclass(frozen=True)
class Sandbox:
    url: str
    log: Path


@contextlib.contextmanager
def _running_sandbox(tmp_path: Path, *options: str) -> Iterator[Sandbox]:
    """The ``sandbox`` command's main() in a child process on a free port, until exit."""
    port = free_port()
    log = tmp_path / "sandbox.log"
    command = [
        sys.executable,
        "-c",
        "import sys; from ledger.sandbox.cli import main; sys.exit(main())",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the sandbox exited with {process.returncode}:\n{log.read_text()}")
            try:
                reply = httpx.post(url, json={"method": "server_info", "params": [{}]}, timeout=1)
                if reply.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the sandbox did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield Sandbox(url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with _running_sandbox(tmp_path_factory.mktemp("sandbox")) as running:
        yield running


@pytest.fixture(scope="module")
def demo_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with _running_sandbox(tmp_path_factory.mktemp("demo"), "--seed-demo") as running:
        yield running


@pytest.fixture
async def ledger(sandbox: Sandbox) -> AsyncIterator[LedgerClient]:
    async with LedgerClient(sandbox.url, 5.0) as client:
        yield client


async def _apply(ledger: LedgerClient, tx: Transaction, wallet: Wallet) -> str:
    """Sign, submit, close the ledger; the transaction's hash."""
    signed = await autofill_and_sign(tx, ledger.xrpl_client, wallet)
    response = await submit(signed, ledger.xrpl_client)
    assert response.is_successful(), response.result
    await _close_ledger(ledger)
    return str(signed.get_hash())


async def _close_ledger(ledger: LedgerClient) -> None:
    response = await ledger.xrpl_client.request(GenericRequest(method="ledger_accept"))
    assert response.is_successful(), response.result


async def _funded(ledger: LedgerClient, drops: int, algorithm: str = "ed25519") -> Wallet:
    from xrpl.constants import CryptoAlgorithm

    wallet = Wallet.create(CryptoAlgorithm(algorithm))
    genesis = Wallet.from_seed(GENESIS_SECRET)
    await _apply(
        ledger,
        Payment(account=genesis.address, destination=wallet.address, amount=str(drops)),
        genesis,
    )
    return wallet


async def test_genesis_account_overview(ledger: LedgerClient) -> None:
    overview = await ledger.account_overview(GENESIS_ADDRESS)
    assert overview.validated
    assert overview.base_reserve_drops == 1 * XRP
    assert overview.owner_reserve_drops == 200_000
    assert overview.balance_drops > 0
    info = await ledger.server_info()
    assert "validated_ledger" in info


async def test_channel_lifecycle_in_plain_terms(ledger: LedgerClient) -> None:
    payer = await _funded(ledger, 100 * XRP)
    creator = await _funded(ledger, 10 * XRP, "secp256k1")

    fresh = await ledger.account_overview(payer.address)
    assert (fresh.balance_drops, fresh.reserve_drops, fresh.owner_count) == (100 * XRP, XRP, 0)
    assert fresh.spendable_drops == 99 * XRP and fresh.locked_in_channels_drops == 0
    assert drops_to_xrp_text(fresh.balance_drops) == "100 XRP"

    create_hash = await _apply(
        ledger,
        PaymentChannelCreate(
            account=payer.address,
            destination=creator.address,
            amount=str(20 * XRP),
            settle_delay=3600,
            public_key=payer.public_key,
        ),
        payer,
    )
    created = await ledger.transaction(create_hash)
    assert created.succeeded and created.tx_type == "PaymentChannelCreate"
    assert created.counterparty == creator.address and created.amount_drops == 20 * XRP
    assert created.channel_id is not None

    channels = await ledger.channels(payer.address, destination=creator.address)
    assert [c.channel_id for c in channels] == [created.channel_id]
    channel = channels[0]
    assert (channel.amount_drops, channel.balance_drops, channel.remaining_drops) == (
        20 * XRP,
        0,
        20 * XRP,
    )
    assert channel.public_key == payer.public_key and channel.settle_delay_seconds == 3600
    assert not channel.closing

    funded = await ledger.account_overview(payer.address)
    assert funded.owner_count == 1 and funded.reserve_drops == 1_200_000
    assert funded.locked_in_channels_drops == 20 * XRP and funded.channel_count == 1
    assert funded.balance_drops == 100 * XRP - 20 * XRP - created.fee_drops

    # An off-ledger claim for 5 XRP: our verdict and the node's channel_verify agree.
    message = claim_signing_bytes(channel.channel_id, 5 * XRP)
    signature = sign(message, payer.private_key)
    assert verify_claim(channel.channel_id, str(5 * XRP), signature, channel.public_key).valid
    for amount in (str(5 * XRP), str(5 * XRP + 1)):
        node = await ledger.xrpl_client.request(
            ChannelVerify(
                channel_id=channel.channel_id,
                amount=amount,
                signature=signature,
                public_key=channel.public_key,
            )
        )
        ours = verify_claim(channel.channel_id, amount, signature, channel.public_key)
        assert node.result["signature_verified"] is ours.valid

    claim = PaymentChannelClaim(
        account=creator.address,
        channel=channel.channel_id,
        balance=str(5 * XRP),
        amount=str(5 * XRP),
        signature=signature,
        public_key=channel.public_key,
    )
    paid = await ledger.transaction(await _apply(ledger, claim, creator))
    assert paid.succeeded and paid.amount_drops == 5 * XRP
    assert paid.counterparty == creator.address and paid.channel_id == channel.channel_id

    stale = await ledger.transaction(await _apply(ledger, claim, creator))
    assert stale.validated and not stale.succeeded
    assert stale.result_code == "tecUNFUNDED_PAYMENT"
    assert "stale" in stale.result_explained

    after = (await ledger.channels(payer.address))[0]
    assert (after.balance_drops, after.remaining_drops) == (5 * XRP, 15 * XRP)
    overview = await ledger.account_overview(payer.address)
    assert overview.locked_in_channels_drops == 15 * XRP

    history = await ledger.history(creator.address, limit=2)
    assert [t.tx_hash for t in history.transactions] == [stale.tx_hash, paid.tx_hash]
    assert history.marker is not None
    older = await ledger.history(creator.address, limit=2, marker=history.marker)
    assert older.transactions[-1].tx_type == "Payment"  # the genesis account funding it


async def test_payment_too_small_to_create_an_account_is_explained(ledger: LedgerClient) -> None:
    payer = await _funded(ledger, 5 * XRP)
    newcomer = Wallet.create()
    tx_hash = await _apply(
        ledger,
        Payment(account=payer.address, destination=newcomer.address, amount="500000"),
        payer,
    )
    status = await ledger.transaction(tx_hash)
    assert status.result_code == "tecNO_DST_INSUF_XRP"
    assert "1 XRP" in status.result_explained and "Validated" in status.result_explained
    with pytest.raises(AccountNotFound):
        await ledger.account_overview(newcomer.address)


async def test_unknown_transaction(ledger: LedgerClient) -> None:
    with pytest.raises(TransactionNotFound):
        await ledger.transaction("AB" * 32)


async def test_client_works_inside_a_running_loop_with_concurrent_queries(
    ledger: LedgerClient,
) -> None:
    overviews = await asyncio.gather(*(ledger.account_overview(GENESIS_ADDRESS) for _ in range(5)))
    assert len({o.balance_drops for o in overviews}) == 1


# -- the demo world (sandbox --seed-demo), as the assistant will see it ---------------------


@pytest.fixture
async def demo_ledger(demo_sandbox: Sandbox) -> AsyncIterator[LedgerClient]:
    async with LedgerClient(demo_sandbox.url, 5.0) as client:
        yield client


async def test_every_demo_account_has_a_consistent_overview(demo_ledger: LedgerClient) -> None:
    from ledger.sandbox.demo import DEMO

    for account in DEMO.accounts:
        overview = await demo_ledger.account_overview(account.address)
        assert overview.validated and overview.balance_drops > 0, account.name
        assert overview.reserve_drops == (
            overview.base_reserve_drops + overview.owner_count * overview.owner_reserve_drops
        )
        assert overview.spendable_drops == max(0, overview.balance_drops - overview.reserve_drops)
        channels = await demo_ledger.channels(account.address)
        assert overview.channel_count == len(channels)
        assert overview.locked_in_channels_drops == sum(c.remaining_drops for c in channels)


async def test_demo_channels_read_as_their_described_state(demo_ledger: LedgerClient) -> None:
    from ledger.sandbox.demo import DEMO

    now = datetime.now(UTC)
    for demo_channel in DEMO.channels:
        payer = DEMO.account(demo_channel.payer).address
        found = {c.channel_id: c for c in await demo_ledger.channels(payer)}
        channel = found.get(demo_channel.channel_id)
        if demo_channel.state == "closed":
            assert channel is None
            continue
        assert channel is not None, demo_channel.key
        assert channel.destination == DEMO.account(demo_channel.creator).address
        assert channel.remaining_drops == channel.amount_drops - channel.balance_drops
        if demo_channel.state == "healthy":
            assert not channel.closing and channel.remaining_drops > channel.amount_drops // 2
        elif demo_channel.state == "nearly_exhausted":
            assert channel.remaining_drops * 10 <= channel.amount_drops
        elif demo_channel.state == "expired":
            assert channel.closing and channel.expiration is not None
            assert channel.expiration < now
        elif demo_channel.state == "closing":
            assert channel.closing and channel.expiration is not None
            assert channel.expiration > now
        elif demo_channel.state == "past_cancel_after":
            assert channel.cancel_after is not None and channel.cancel_after < now


async def test_a_channel_is_looked_up_by_its_id_alone(demo_ledger: LedgerClient) -> None:
    from ledger.sandbox.demo import DEMO

    demo_channel = DEMO.channel("bruno_theo")
    payer = DEMO.account("bruno").address
    listed = {c.channel_id: c for c in await demo_ledger.channels(payer)}
    by_id = await demo_ledger.channel(demo_channel.channel_id.lower())
    assert by_id == listed[demo_channel.channel_id]
    with pytest.raises(ChannelNotFound, match="no payment channel") as closed:
        await demo_ledger.channel(DEMO.channel("alice_sol").channel_id)
    assert closed.value.channel_id == DEMO.channel("alice_sol").channel_id
    with pytest.raises(ChannelNotFound):  # an account root is not a channel
        await demo_ledger.channel(DEMO.transactions["payment"])
    with pytest.raises(InvalidTransactionHash, match="not a channel id"):
        await demo_ledger.channel("94DA3DE1")


async def test_demo_transactions_are_explained(demo_ledger: LedgerClient) -> None:
    from ledger.sandbox.demo import DEMO

    for name, tx_hash in DEMO.transactions.items():
        status = await demo_ledger.transaction(tx_hash)
        assert status.tx_hash == tx_hash and status.validated, name
        assert status.close_time is not None and status.ledger_index is not None
    stale = await demo_ledger.transaction(DEMO.transactions["stale_claim"])
    assert stale.result_code == "tecUNFUNDED_PAYMENT" and "stale" in stale.result_explained
    too_small = await demo_ledger.transaction(DEMO.transactions["payment_too_small"])
    assert too_small.result_code == "tecNO_DST_INSUF_XRP"
    assert "1 XRP" in too_small.result_explained
    closed = await demo_ledger.transaction(DEMO.transactions["creator_close"])
    assert closed.channel_closed and closed.channel_id == DEMO.channel("alice_sol").channel_id
    assert not (await demo_ledger.transaction(DEMO.transactions["latest_claim"])).channel_closed


async def test_demo_history_pages_cover_the_whole_history(demo_ledger: LedgerClient) -> None:
    from ledger.sandbox.demo import DEMO

    creator = DEMO.account("theo").address
    everything = await demo_ledger.history(creator, limit=400)
    assert everything.marker is None and len(everything.transactions) > 5
    paged: list[str] = []
    marker: object | None = None
    while True:
        page = await demo_ledger.history(creator, limit=5, marker=marker)
        assert len(page.transactions) <= 5
        paged.extend(t.tx_hash for t in page.transactions)
        marker = page.marker
        if marker is None:
            break
    assert paged == [t.tx_hash for t in everything.transactions]
    indexes = [t.ledger_index or 0 for t in everything.transactions]
    assert indexes == sorted(indexes, reverse=True)  # newest first
    week_ago = datetime.now(UTC) - timedelta(days=7)
    recent = await demo_ledger.history(creator, limit=400, since=week_ago)
    assert recent.transactions and all(
        t.close_time is not None and t.close_time >= week_ago for t in recent.transactions
    )
    assert len(recent.transactions) < len(everything.transactions)
