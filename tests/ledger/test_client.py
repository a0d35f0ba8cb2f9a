"""LedgerClient against a scripted rippled (httpx.MockTransport): shapes, errors, paging."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from xrpl.core.addresscodec import classic_address_to_xaddress
from xrpl.models.requests import GenericRequest

from ledger import (
    AccountNotFound,
    InvalidAddress,
    InvalidTransactionHash,
    LedgerClient,
    LedgerRequestFailed,
    LedgerTimeout,
    LedgerUnreachable,
    TransactionNotFound,
    classic_address,
)

PAYER = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
CREATOR = "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY"
OTHER = "rf1BiGeXwwQoi8Z2ueFYTEXSwuJYfV2Jpn"
CHANNEL_A = "5DB01B7FFED6B67E6B0414DED11E051D2EE2B7619CE0EAA6286D67A3A4D5BDB3"
CHANNEL_B = "43904CBFCDCEC530B4037871F86EE90BF799DF8D2E0EA564BC8A3F332E4F5FB1"
TX_HASH = "C53ECF838647FA5A4C780377025FEC7999AB4182590510CA461444B207AB2C4B"
KEY = "023693F15967AE357D0327974AD46FE3C127113B1110D6044FD41E723689F81CC6"

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]


class FakeRippled:
    """Answers JSON-RPC by method name and records what it was asked."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        method, params = body["method"], body["params"][0]
        self.calls.append((method, params))
        handler = self.handlers.get(method)
        if handler is None:
            result = {"error": "unknownCmd", "error_message": "Unknown method.", "status": "error"}
        else:
            result = handler(method, params)
            result.setdefault("status", "success")
        return httpx.Response(200, json={"result": result})

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": code, "error_message": message, "status": "error"}


def _server_info(*_: Any) -> dict[str, Any]:
    return {
        "info": {
            "build_version": "2.3.0",
            "validated_ledger": {
                "seq": 120,
                "base_fee_xrp": 0.00001,
                "reserve_base_xrp": 1,
                "reserve_inc_xrp": 0.2,
            },
        }
    }


def _account_info(method: str, params: dict[str, Any]) -> dict[str, Any]:
    if params["account"] != PAYER:
        return _error("actNotFound", "Account not found.")
    return {
        "account_data": {
            "Account": PAYER,
            "Balance": "25000000",
            "OwnerCount": 2,
            "Sequence": 7,
        },
        "ledger_index": 120,
        "validated": True,
    }


def _channel(channel_id: str, amount: str, balance: str, **extra: Any) -> dict[str, Any]:
    return {
        "channel_id": channel_id,
        "account": PAYER,
        "destination_account": CREATOR,
        "amount": amount,
        "balance": balance,
        "settle_delay": 86400,
        "public_key": "aB44YfzW24VDEJQ2UuLPV2PvqcPCSoLnL7y5M1EzhdW4LnK5xMS3",
        "public_key_hex": KEY,
        **extra,
    }


def _account_channels(method: str, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("marker") is None:
        return {
            "account": PAYER,
            "channels": [_channel(CHANNEL_A, "10000000", "2500000")],
            "marker": "page-2",
            "validated": True,
        }
    return {
        "account": PAYER,
        "channels": [_channel(CHANNEL_B, "5000000", "0", expiration=800000000, destination_tag=42)],
        "validated": True,
    }


@pytest.fixture
def rippled() -> FakeRippled:
    return FakeRippled(
        {
            "server_info": _server_info,
            "account_info": _account_info,
            "account_channels": _account_channels,
        }
    )


@pytest.fixture
async def client(rippled: FakeRippled) -> Any:
    async with LedgerClient("http://ledger.test", 1.0, transport=rippled.transport()) as ledger:
        yield ledger


# -- account overview and channels -------------------------------------------------------


async def test_account_overview_in_plain_terms(client: LedgerClient, rippled: FakeRippled) -> None:
    overview = await client.account_overview(PAYER)
    assert overview.balance_drops == 25_000_000
    assert overview.base_reserve_drops == 1_000_000
    assert overview.owner_reserve_drops == 200_000
    assert overview.reserve_drops == 1_400_000  # 1 XRP + 2 objects x 0.2 XRP
    assert overview.spendable_drops == 23_600_000
    assert overview.locked_in_channels_drops == 7_500_000 + 5_000_000
    assert overview.channel_count == 2
    assert (overview.sequence, overview.ledger_index, overview.validated) == (7, 120, True)
    assert ("account_info", {"account": PAYER, "ledger_index": "validated"}) in [
        (m, {k: p[k] for k in ("account", "ledger_index") if k in p}) for m, p in rippled.calls
    ]


async def test_reserves_are_cached_between_calls(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    await client.account_overview(PAYER)
    await client.account_overview(PAYER)
    assert rippled.methods().count("server_info") == 1
    assert rippled.methods().count("account_info") == 2


async def test_account_only_in_the_open_ledger_is_reported_not_validated(
    rippled: FakeRippled,
) -> None:
    def info(method: str, params: dict[str, Any]) -> dict[str, Any]:
        if params["ledger_index"] == "validated":
            return _error("actNotFound", "Account not found.")
        result = _account_info(method, params)
        del result["ledger_index"]
        return result | {"ledger_current_index": 121, "validated": False}

    rippled.handlers["account_info"] = info
    async with LedgerClient("http://ledger.test", 1.0, transport=rippled.transport()) as ledger:
        overview = await ledger.account_overview(PAYER)
    assert (overview.validated, overview.ledger_index) == (False, 121)


async def test_unknown_account_has_its_own_error(client: LedgerClient) -> None:
    with pytest.raises(AccountNotFound) as caught:
        await client.account_overview(OTHER)
    assert caught.value.address == OTHER
    assert "does not exist on the ledger" in caught.value.message


async def test_channels_follow_markers_and_convert_times(client: LedgerClient) -> None:
    channels = await client.channels(PAYER)
    assert [c.channel_id for c in channels] == [CHANNEL_A, CHANNEL_B]
    first, second = channels
    assert (first.amount_drops, first.balance_drops, first.remaining_drops) == (
        10_000_000,
        2_500_000,
        7_500_000,
    )
    assert first.public_key == KEY and first.settle_delay_seconds == 86400
    assert not first.closing and first.expiration is None
    assert second.closing
    assert second.expiration == datetime(2025, 5, 8, 6, 13, 20, tzinfo=UTC)
    assert second.destination_tag == 42 and second.source_tag is None


async def test_channels_to_one_destination_are_asked_for_by_address(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    await client.channels(PAYER, destination=classic_address_to_xaddress(CREATOR, None, False))
    _, params = rippled.calls[0]
    assert params["destination_account"] == CREATOR


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("", "none was given"),
        ("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj", "checksum does not match"),
        ("rHb0CJAWyB4rj91VRWn96DkukG4bwdtyTh", "contains '0'"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "contains"),
        ("rHb9", "4 characters long"),
        ("sHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "start with 'r'"),
        ("X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqY", "looks like an X-address"),
    ],
)
async def test_invalid_addresses_are_refused_before_any_request(
    client: LedgerClient, rippled: FakeRippled, address: str, says: str
) -> None:
    with pytest.raises(InvalidAddress) as caught:
        await client.account_overview(address)
    assert says in caught.value.message
    assert rippled.calls == []


async def test_x_address_is_accepted_and_converted(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    x_address = classic_address_to_xaddress(PAYER, 12345, False)
    overview = await client.account_overview(f"  {x_address} ")
    assert overview.address == PAYER
    assert classic_address(x_address) == PAYER


# -- transactions and history ------------------------------------------------------------


def _claim_entry(result: str, validated: bool = True) -> dict[str, Any]:
    return {
        "tx_json": {
            "TransactionType": "PaymentChannelClaim",
            "Account": CREATOR,
            "Channel": CHANNEL_A,
            "Balance": "2500000",
            "Fee": "12",
            "date": 800000000,
        },
        "meta": {
            "TransactionResult": result,
            "AffectedNodes": [
                {
                    "ModifiedNode": {
                        "LedgerEntryType": "PayChannel",
                        "LedgerIndex": CHANNEL_A,
                        "FinalFields": {"Account": PAYER, "Destination": CREATOR},
                    }
                }
            ],
        },
        "hash": TX_HASH,
        "ledger_index": 118,
        "validated": validated,
    }


def _payment_entry(tx_hash: str, close_time_iso: str) -> dict[str, Any]:
    return {
        "tx_json": {
            "TransactionType": "Payment",
            "Account": PAYER,
            "Destination": CREATOR,
            "DeliverMax": "3000000",
            "Fee": "10",
        },
        "meta": {"TransactionResult": "tesSUCCESS", "delivered_amount": "3000000"},
        "hash": tx_hash,
        "ledger_index": 117,
        "close_time_iso": close_time_iso,
        "validated": True,
    }


async def test_stale_claim_is_explained(client: LedgerClient, rippled: FakeRippled) -> None:
    rippled.handlers["tx"] = lambda method, params: _claim_entry("tecUNFUNDED_PAYMENT")
    status = await client.transaction(TX_HASH.lower())
    assert status.result_code == "tecUNFUNDED_PAYMENT"
    assert not status.succeeded and status.validated
    assert "stale" in status.result_explained and "lacks the funds" in status.result_explained
    assert "Validated: this is final" in status.result_explained
    assert status.counterparty == CREATOR and status.channel_id == CHANNEL_A
    assert status.amount_drops is None  # nothing was paid and the claim's share is unknown
    assert status.close_time == datetime(2025, 5, 8, 6, 13, 20, tzinfo=UTC)
    assert rippled.calls[0][1]["transaction"] == TX_HASH


async def test_unvalidated_success_is_not_called_a_success(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    rippled.handlers["tx"] = lambda method, params: _claim_entry("tesSUCCESS", validated=False)
    status = await client.transaction(TX_HASH)
    assert not status.succeeded
    assert "Not validated yet" in status.result_explained


async def test_unknown_transaction_has_its_own_error(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    rippled.handlers["tx"] = lambda method, params: _error("txnNotFound", "Transaction not found.")
    with pytest.raises(TransactionNotFound) as caught:
        await client.transaction(TX_HASH)
    assert caught.value.tx_hash == TX_HASH
    assert "was not found" in caught.value.message


@pytest.mark.parametrize("bad_hash", ["", "ABC", TX_HASH + "0", "G" * 64])
async def test_malformed_hash_is_refused_before_any_request(
    client: LedgerClient, rippled: FakeRippled, bad_hash: str
) -> None:
    with pytest.raises(InvalidTransactionHash, match="64 hexadecimal"):
        await client.transaction(bad_hash)
    assert rippled.calls == []


async def test_history_pages_with_the_nodes_marker(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    def account_tx(method: str, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("marker") is None:
            entries = [
                _payment_entry("A" * 64, "2025-05-07T14:13:20Z"),
                _payment_entry("B" * 64, "2025-05-06T10:00:00Z"),
            ]
            return {"account": PAYER, "transactions": entries, "marker": {"ledger": 9, "seq": 1}}
        return {
            "account": PAYER,
            "transactions": [_payment_entry("C" * 64, "2025-05-01T00:00:00Z")],
        }

    rippled.handlers["account_tx"] = account_tx
    first = await client.history(PAYER, limit=2)
    assert [t.tx_hash for t in first.transactions] == ["A" * 64, "B" * 64]
    assert first.transactions[0].amount_drops == 3_000_000
    assert first.transactions[0].succeeded
    assert first.marker == {"ledger": 9, "seq": 1}
    second = await client.history(PAYER, limit=2, marker=first.marker)
    assert [t.tx_hash for t in second.transactions] == ["C" * 64]
    assert second.marker is None
    assert rippled.calls[1][1]["marker"] == {"ledger": 9, "seq": 1}
    assert rippled.calls[0][1]["limit"] == 2 and rippled.calls[0][1]["forward"] is False

    since = await client.history(PAYER, limit=2, since=datetime(2025, 5, 7, tzinfo=UTC))
    assert [t.tx_hash for t in since.transactions] == ["A" * 64]
    assert since.marker is None


async def test_history_refuses_bad_arguments(client: LedgerClient) -> None:
    with pytest.raises(ValueError, match="limit"):
        await client.history(PAYER, limit=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.history(PAYER, since=datetime(2025, 1, 1))


# -- transport and node errors -----------------------------------------------------------


async def test_slow_node_gives_a_timeout() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json={"result": {"status": "success", "info": {}}})

    async with LedgerClient(
        "http://ledger.test", 0.2, transport=httpx.MockTransport(slow)
    ) as ledger:
        with pytest.raises(
            LedgerTimeout, match=r"did not answer the server_info request within 0.2 s"
        ):
            await ledger.server_info()


async def test_timeout_raised_by_httpx_is_a_timeout_too() -> None:
    def read_timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with LedgerClient(
        "http://ledger.test", 1.0, transport=httpx.MockTransport(read_timeout)
    ) as ledger:
        with pytest.raises(LedgerTimeout):
            await ledger.server_info()


async def test_nothing_listening_gives_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with LedgerClient(f"http://127.0.0.1:{port}", 1.0) as ledger:
        with pytest.raises(LedgerUnreachable) as caught:
            await ledger.account_overview(PAYER)
    assert "connection refused" in caught.value.message
    assert f"127.0.0.1:{port}" in caught.value.message


async def test_unknown_host_gives_unreachable() -> None:
    def no_such_host(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    async with LedgerClient(
        "http://no-such-node.test:51234", 1.0, transport=httpx.MockTransport(no_such_host)
    ) as ledger:
        with pytest.raises(LedgerUnreachable, match="host name not found"):
            await ledger.server_info()


async def test_bad_url_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_URL", "ledger-without-scheme:51234")
    async with LedgerClient() as ledger:
        with pytest.raises(LedgerUnreachable, match="LEDGER_URL"):
            await ledger.server_info()


async def test_overloaded_node_answering_html_is_a_request_failure() -> None:
    def overloaded(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="Server is overloaded\r\n")

    async with LedgerClient(
        "http://ledger.test", 1.0, transport=httpx.MockTransport(overloaded)
    ) as ledger:
        with pytest.raises(LedgerRequestFailed) as caught:
            await ledger.server_info()
    assert caught.value.error == "http_503"
    assert "Server is overloaded" in caught.value.message


async def test_other_rippled_errors_keep_their_code(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    rippled.handlers["server_info"] = lambda method, params: _error(
        "tooBusy", "The server is too busy."
    )
    with pytest.raises(LedgerRequestFailed) as caught:
        await client.server_info()
    assert caught.value.error == "tooBusy"
    assert "too busy" in caught.value.message


async def test_generic_requests_pass_through_the_same_connection(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    rippled.handlers["ledger_accept"] = lambda method, params: {"ledger_current_index": 9}
    response = await client.xrpl_client.request(GenericRequest(method="ledger_accept"))
    assert response.is_successful() and response.result["ledger_current_index"] == 9
    with pytest.raises(LedgerRequestFailed, match="refused the sandbox_clock request"):
        await client._call(GenericRequest(method="sandbox_clock"))


async def test_a_reply_missing_rippled_fields_is_a_request_failure(
    client: LedgerClient, rippled: FakeRippled
) -> None:
    rippled.handlers["account_info"] = lambda method, params: {"account_data": {"Account": PAYER}}
    with pytest.raises(LedgerRequestFailed) as caught:
        await client.account_overview(PAYER)
    assert caught.value.error == "malformed_response"
    assert "account_info" in caught.value.message and "Balance" in caught.value.message


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_URL", "https://s.altnet.rippletest.net:51234")
    monkeypatch.setenv("LEDGER_TIMEOUT_SECONDS", "7.5")
    ledger = LedgerClient()
    assert ledger.url == "https://s.altnet.rippletest.net:51234"
    assert ledger.timeout_seconds == 7.5
    assert LedgerClient("http://127.0.0.1:1", 0.5).timeout_seconds == 0.5


def test_classic_address_strips_whitespace() -> None:
    assert classic_address(f"\t{PAYER}\n") == PAYER
