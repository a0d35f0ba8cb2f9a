"""Queries as rippled answers them: account_tx paging, tx, ledgers, server_info, fee, and
the error shapes for unknown methods, malformed parameters and missing objects."""

from __future__ import annotations

from typing import Any

import httpx
from xrpl.models.requests import (
    AccountInfo,
    AccountTx,
    Fee,
    GenericRequest,
    Ledger,
    ServerInfo,
    ServerState,
    Tx,
)
from xrpl.models.transactions import Payment

from ledger.sandbox.testing import XRP, Node


async def _history(node: Node, **params: Any) -> dict[str, Any]:
    response = await node.client.request(AccountTx(**params))
    assert response.is_successful(), response.result
    return dict(response.result)


async def test_account_tx_pages_with_markers_newest_first(node: Node) -> None:
    payer = await node.funded(50 * XRP)
    hashes = []
    for drops in range(1, 6):
        tx = Payment(account=payer.address, destination=node.genesis.address, amount=str(drops))
        hashes.append((await node.apply(tx, payer)).hash)
    # newest first: five payments, then the funding payment
    first = await _history(node, account=payer.address, limit=2)
    assert [t["hash"] for t in first["transactions"]] == hashes[:-3:-1]
    assert first["limit"] == 2 and first["validated"] is True and "marker" in first
    entry = first["transactions"][0]
    assert set(entry) >= {"close_time_iso", "hash", "ledger_hash", "ledger_index", "meta"}
    assert entry["tx_json"]["Account"] == payer.address and "hash" not in entry["tx_json"]
    assert entry["meta"]["TransactionResult"] == "tesSUCCESS" and entry["validated"]

    seen = [t["hash"] for t in first["transactions"]]
    marker = first["marker"]
    while marker is not None:
        page = await _history(node, account=payer.address, limit=2, marker=marker)
        seen += [t["hash"] for t in page["transactions"]]
        marker = page.get("marker")
    assert seen[:5] == hashes[::-1] and len(seen) == 6
    assert (await _history(node, account=payer.address, limit=10))["transactions"][-1]["tx_json"][
        "Account"
    ] == node.genesis.address

    forward = await _history(node, account=payer.address, limit=3, forward=True)
    assert [t["hash"] for t in forward["transactions"]][1:] == hashes[:2]
    rest = await _history(node, account=payer.address, forward=True, marker=forward["marker"])
    assert [t["hash"] for t in rest["transactions"]] == hashes[2:]
    assert "marker" not in rest


async def test_open_ledger_transactions_are_not_validated_yet(node: Node) -> None:
    payer = await node.funded(5 * XRP)
    tx = Payment(account=payer.address, destination=node.genesis.address, amount="7")
    submitted = await node.submit(tx, payer)
    pending = (await node.client.request(Tx(transaction=submitted["tx_json"]["hash"]))).result
    assert pending["validated"] is False and "ledger_hash" not in pending
    history = await _history(node, account=payer.address)
    assert submitted["tx_json"]["hash"] not in [t["hash"] for t in history["transactions"]]
    current = await node.client.request(AccountInfo(account=payer.address))
    validated = await node.client.request(
        AccountInfo(account=payer.address, ledger_index="validated")
    )
    assert int(current.result["account_data"]["Balance"]) < 5 * XRP
    assert validated.result["account_data"]["Balance"] == str(5 * XRP)
    await node.close()
    done = (await node.client.request(Tx(transaction=submitted["tx_json"]["hash"]))).result
    assert (
        done["validated"] is True and done["ledger_index"] == current.result["ledger_current_index"]
    )


async def test_not_found_and_malformed(node: Node) -> None:
    missing_tx = await node.client.request(Tx(transaction="AB" * 32))
    assert missing_tx.result["error"] == "txnNotFound"
    assert missing_tx.result["error_code"] == 29
    assert missing_tx.result["error_message"] == "Transaction not found."

    unknown = "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY"
    missing_account = await node.client.request(AccountInfo(account=unknown))
    assert missing_account.result["error"] == "actNotFound"
    assert missing_account.result["request"]["account"] == unknown
    assert (await node.call("account_tx", account=unknown))["error"] == "actNotFound"

    malformed = await node.call("account_info", account="rNotAnAddress")
    assert (malformed["error"], malformed["error_code"]) == ("actMalformed", 35)
    assert malformed["error_message"] == "Account malformed."
    no_account = await node.call("account_info")
    assert (no_account["error"], no_account["error_message"]) == (
        "invalidParams",
        "Missing field 'account'.",
    )
    unknown_method = await node.call("make_me_rich")
    assert unknown_method["error"] == "unknownCmd" and unknown_method["error_code"] == 32
    assert unknown_method["request"]["command"] == "make_me_rich"
    old = await node.client.request(Ledger(ledger_index=1_000_000))
    assert old.result["error"] == "lgrNotFound"
    no_entry = await node.call("ledger_entry", payment_channel="CD" * 32)
    assert (no_entry["error"], no_entry["error_code"]) == ("entryNotFound", 98)
    bad_id = await node.call("ledger_entry", payment_channel="not hex")
    assert (bad_id["error"], bad_id["error_message"]) == (
        "invalidParams",
        "Invalid field 'payment_channel'.",
    )


async def test_ledger_and_server_methods(node: Node) -> None:
    info = (await node.client.request(ServerInfo())).result["info"]
    validated = info["validated_ledger"]
    assert (validated["reserve_base_xrp"], validated["reserve_inc_xrp"]) == (1, 0.2)
    assert validated["base_fee_xrp"] == 0.00001 and info["server_state"] == "full"
    state = (await node.client.request(ServerState())).result["state"]["validated_ledger"]
    assert (state["reserve_base"], state["reserve_inc"], state["base_fee"]) == (
        1_000_000,
        200_000,
        10,
    )
    fee = (await node.client.request(Fee())).result
    assert fee["drops"]["open_ledger_fee"] == "10" and fee["drops"]["minimum_fee"] == "10"

    payer = await node.funded(5 * XRP)
    closed = (await node.client.request(Ledger(ledger_index="validated", transactions=True))).result
    assert closed["validated"] is True and closed["ledger"]["closed"] is True
    assert (
        closed["ledger_index"] == validated["seq"] + 1 or closed["ledger_index"] > validated["seq"]
    )
    assert len(closed["ledger"]["transactions"]) == 1
    current = (await node.client.request(Ledger(ledger_index="current"))).result
    assert current["ledger"]["closed"] is False
    assert current["ledger_current_index"] == closed["ledger_index"] + 1
    assert (await node.call("ledger_closed"))["ledger_hash"] == closed["ledger_hash"]
    assert (await node.call("ledger_current"))["ledger_current_index"] == current[
        "ledger_current_index"
    ]
    expanded = (
        await node.client.request(Ledger(ledger_index="validated", transactions=True, expand=True))
    ).result["ledger"]["transactions"][0]
    assert expanded["tx_json"]["Destination"] == payer.address


async def test_clock_control(node: Node) -> None:
    before = await node.call("sandbox_clock")
    moved = await node.call("sandbox_clock", advance_seconds=3600)
    assert moved["now_ripple"] >= before["now_ripple"] + 3600
    assert moved["ledger_close_time"] == before["ledger_close_time"]  # until a ledger closes
    await node.close()
    after = await node.call("sandbox_clock")
    assert after["ledger_close_time"] >= before["now_ripple"] + 3600
    bad = await node.call("sandbox_clock", set="yesterday")
    assert bad["error"] == "invalidParams" and "set" in bad["error_message"]
    assert (await node.call("sandbox_clock", advance_seconds="soon"))["error"] == "invalidParams"


async def test_http_layer(sandbox_url: str) -> None:
    async with httpx.AsyncClient() as http:
        garbage = await http.post(sandbox_url, content=b"{not json")
        assert garbage.status_code == 400 and "Unable to parse request" in garbage.text
        reply = await http.post(sandbox_url, json={"method": "ledger_current"})
        assert reply.json()["result"]["status"] == "success"
        bad_params = await http.post(sandbox_url, json={"method": "fee", "params": "x"})
        assert bad_params.json()["result"]["error"] == "invalidParams"


async def test_generic_requests_are_answered_like_rippled(node: Node) -> None:
    response = await node.client.request(GenericRequest(method="ledger_current"))
    assert response.is_successful() and response.result["ledger_current_index"] > 2
