"""Accounts and XRP payments through xrpl-py: funding from genesis, reserves, fees, sequence
numbers and signatures, with the result fields rippled returns."""

from __future__ import annotations

import asyncio

from xrpl.asyncio.account import get_balance, get_next_valid_seq_number
from xrpl.asyncio.clients import AsyncJsonRpcClient
from xrpl.asyncio.transaction import autofill, submit, submit_and_wait
from xrpl.clients import JsonRpcClient
from xrpl.core.binarycodec import decode, encode
from xrpl.models.requests import AccountInfo, SubmitOnly, Tx
from xrpl.models.transactions import Payment
from xrpl.transaction import sign
from xrpl.wallet import Wallet

from ledger.sandbox import GENESIS_ADDRESS, GENESIS_SECRET, run_sandbox
from ledger.sandbox.testing import XRP, Node


async def test_genesis_account_as_in_standalone_rippled(node: Node) -> None:
    response = await node.client.request(AccountInfo(account=GENESIS_ADDRESS))
    assert response.is_successful()
    result = response.result
    data = result["account_data"]
    assert data["Account"] == GENESIS_ADDRESS and data["LedgerEntryType"] == "AccountRoot"
    assert int(data["Balance"]) <= 100_000_000_000 * XRP
    assert data["index"] == "2B6AC232AA4C4BE41BF49D2459FA4A0347E1B543A4C92FCEE0821C0201E2E9A8"
    assert result["validated"] is False and "ledger_current_index" in result


async def test_funding_a_new_account_from_genesis(node: Node) -> None:
    wallet = Wallet.create()
    before = await node.balance(GENESIS_ADDRESS)
    current = (await node.call("ledger_current"))["ledger_current_index"]
    payment = Payment(
        account=node.genesis.address, destination=wallet.address, amount=str(25 * XRP)
    )
    applied = await node.apply(payment, node.genesis)

    submitted = applied.submitted
    assert (submitted["engine_result"], submitted["engine_result_code"]) == ("tesSUCCESS", 0)
    assert submitted["accepted"] and submitted["applied"] and not submitted["queued"]
    assert submitted["tx_json"]["hash"] == applied.hash
    assert applied.tx["meta"]["delivered_amount"] == str(25 * XRP)
    assert applied.tx["tx_json"]["Destination"] == wallet.address
    assert applied.tx["ledger_index"] == current and "close_time_iso" in applied.tx

    account = await node.account(wallet.address)
    assert account["Balance"] == str(25 * XRP) and account["OwnerCount"] == 0
    assert account["Sequence"] == current  # DeletableAccounts: the ledger it was created in
    fee = int(applied.tx["tx_json"]["Fee"])
    assert await node.balance(GENESIS_ADDRESS) == before - 25 * XRP - fee
    created = [n["CreatedNode"] for n in applied.tx["meta"]["AffectedNodes"] if "CreatedNode" in n]
    assert created[0]["LedgerEntryType"] == "AccountRoot"
    assert created[0]["NewFields"]["Account"] == wallet.address


async def test_creating_an_account_below_the_reserve_fails_and_costs_the_fee(node: Node) -> None:
    payer = await node.funded(5 * XRP)
    newcomer = Wallet.create()
    payment = Payment(account=payer.address, destination=newcomer.address, amount="999999")
    applied = await node.apply(payment, payer)
    assert applied.result == "tecNO_DST_INSUF_XRP"
    assert applied.submitted["engine_result_code"] == 125
    assert "Too little XRP" in applied.submitted["engine_result_message"]
    assert "delivered_amount" not in applied.tx["meta"]
    assert await node.balance(payer.address) == 5 * XRP - int(applied.tx["tx_json"]["Fee"])
    missing = await node.client.request(AccountInfo(account=newcomer.address))
    assert not missing.is_successful()
    assert missing.result["error"] == "actNotFound"
    assert missing.result["error_code"] == 19
    assert missing.result["error_message"] == "Account not found."


async def test_exactly_the_base_reserve_creates_the_account(node: Node) -> None:
    payer = await node.funded(5 * XRP)
    newcomer = Wallet.create()
    payment = Payment(account=payer.address, destination=newcomer.address, amount=str(XRP))
    assert (await node.apply(payment, payer)).result == "tesSUCCESS"
    assert await node.balance(newcomer.address) == XRP


async def test_paying_into_the_reserve_is_unfunded(node: Node) -> None:
    payer = await node.funded(10 * XRP)
    other = await node.funded(10 * XRP)
    # rippled compares the balance before the fee with amount + max(reserve, fee):
    # 10 XRP covers 9 XRP + the 1 XRP reserve (the fee may dip into the reserve) ...
    one_drop_too_many = Payment(
        account=payer.address, destination=other.address, amount=str(9 * XRP + 1)
    )
    applied = await node.apply(one_drop_too_many, payer)
    assert applied.result == "tecUNFUNDED_PAYMENT"
    assert applied.submitted["engine_result_message"] == "Insufficient XRP balance to send."
    assert await node.balance(other.address) == 10 * XRP
    fee = int(applied.tx["tx_json"]["Fee"])
    # ... so 9 XRP less what the failed attempt cost goes through, leaving the reserve less a fee.
    exact = Payment(account=payer.address, destination=other.address, amount=str(9 * XRP - fee))
    applied = await node.apply(exact, payer)
    assert applied.result == "tesSUCCESS"
    assert await node.balance(payer.address) == XRP - int(applied.tx["tx_json"]["Fee"])


async def test_sequence_fee_and_ledger_window_are_checked(node: Node) -> None:
    payer = await node.funded(10 * XRP)
    to = node.genesis.address
    sequence = await get_next_valid_seq_number(payer.address, node.client)
    cheap = Payment(account=payer.address, destination=to, amount="1", fee="9", sequence=sequence)
    result = await node.submit(cheap, payer)
    assert result["engine_result"] == "telINSUF_FEE_P" and not result["applied"]

    ahead = Payment(account=payer.address, destination=to, amount="1", sequence=sequence + 1)
    assert (await node.submit(ahead, payer))["engine_result"] == "terPRE_SEQ"

    late = Payment(account=payer.address, destination=to, amount="1", last_ledger_sequence=3)
    assert (await node.submit(late, payer))["engine_result"] == "tefMAX_LEDGER"

    first = Payment(account=payer.address, destination=to, amount="1", sequence=sequence)
    assert (await node.submit(first, payer))["engine_result"] == "tesSUCCESS"
    again = Payment(account=payer.address, destination=to, amount="2", sequence=sequence)
    result = await node.submit(again, payer)
    assert (result["engine_result"], result["engine_result_code"]) == ("tefPAST_SEQ", -190)
    await node.close()
    assert (await node.account(payer.address))["Sequence"] == sequence + 1


async def test_bad_signatures_are_refused_before_the_engine(node: Node) -> None:
    payer = await node.funded(10 * XRP)
    signed = await node.sign(
        Payment(account=payer.address, destination=node.genesis.address, amount="100"), payer
    )
    tampered = decode(signed.blob())
    tampered["Amount"] = "1000000"
    response = await node.client.request(SubmitOnly(tx_blob=encode(tampered)))
    assert not response.is_successful()
    assert response.result["error"] == "invalidTransaction"
    assert response.result["error_exception"] == "fails local checks: Invalid signature."

    stranger = Wallet.create()
    foreign = sign(
        await autofill(
            Payment(account=payer.address, destination=node.genesis.address, amount="100"),
            node.client,
        ),
        stranger,
    )
    result = (await submit(foreign, node.client)).result
    assert result["engine_result"] == "tefBAD_AUTH"
    await node.close()
    assert await node.balance(payer.address) == 10 * XRP


async def test_garbage_blob_and_missing_blob(node: Node) -> None:
    result = await node.call("submit", tx_blob="DEADBEEF")
    assert result["error"] == "invalidTransaction"
    result = await node.call("submit")
    assert result["error"] == "invalidParams" and result["error_code"] == 31


async def test_xrpl_py_submit_and_wait_and_get_balance_work_unchanged() -> None:
    with run_sandbox(auto_close_seconds=0.2) as running:
        client = AsyncJsonRpcClient(running.url)
        genesis = Wallet.from_seed(GENESIS_SECRET)
        wallet = Wallet.create()
        payment = Payment(account=genesis.address, destination=wallet.address, amount="20000000")
        response = await submit_and_wait(payment, client, genesis)
        assert response.result["validated"] is True
        assert response.result["meta"]["TransactionResult"] == "tesSUCCESS"
        assert await get_balance(wallet.address, client) == 20 * XRP
        found = await client.request(Tx(transaction=response.result["hash"]))
        assert found.result["tx_json"]["Account"] == genesis.address


def test_xrpl_py_sync_client_works_unchanged() -> None:
    from xrpl.account import get_balance as sync_get_balance
    from xrpl.transaction import submit_and_wait as sync_submit_and_wait

    with run_sandbox(auto_close_seconds=0.2) as running:
        client = JsonRpcClient(running.url)
        genesis = Wallet.from_seed(GENESIS_SECRET)
        wallet = Wallet.create()
        payment = Payment(account=genesis.address, destination=wallet.address, amount="3000000")
        response = sync_submit_and_wait(payment, client, genesis)
        assert response.is_successful() and response.result["validated"]
        assert sync_get_balance(wallet.address, client) == 3 * XRP


async def test_concurrent_submissions_from_one_account_keep_sequence_order(node: Node) -> None:
    payer = await node.funded(50 * XRP)
    first = await get_next_valid_seq_number(payer.address, node.client)
    txs = [
        Payment(
            account=payer.address, destination=node.genesis.address, amount="1", sequence=first + i
        )
        for i in range(5)
    ]
    signed = [await node.sign(tx, payer) for tx in txs]
    results = [(await submit(tx, node.client)).result["engine_result"] for tx in signed]
    assert results == ["tesSUCCESS"] * 5
    await asyncio.sleep(0)
    await node.close()
    assert (await node.account(payer.address))["Sequence"] == first + 5
