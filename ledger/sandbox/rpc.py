"""rippled's JSON-RPC methods (API v2 result shapes) over a :class:`SandboxNode`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from xrpl.core.addresscodec import decode_account_public_key, is_valid_classic_address

from ledger.claims import verify_claim
from ledger.sandbox.errors import RpcError
from ledger.sandbox.node import SandboxNode
from ledger.sandbox.state import (
    BASE_FEE_DROPS,
    OWNER_RESERVE_DROPS,
    RESERVE_BASE_DROPS,
    RIPPLE_EPOCH,
    LedgerHeader,
    TxRecord,
    account_index,
    ripple_time_iso,
)

__all__ = ["BUILD_VERSION", "METHODS", "dispatch"]

BUILD_VERSION = "2.4.0"
"""The rippled version whose behaviour the sandbox follows."""
Params = dict[str, Any]
Handler = Callable[[SandboxNode, Params], dict[str, Any]]
_DEFAULT_LIMIT = 200


def dispatch(node: SandboxNode, method: object, params: Params) -> dict[str, Any]:
    """The ``result`` object for one request, errors included, never raising RpcError."""
    request = {**params, "command": method}
    handler = METHODS.get(method) if isinstance(method, str) else None
    try:
        if handler is None:
            raise RpcError("unknownCmd")
        version = params.get("api_version", 2)
        if version not in (1, 2):
            raise RpcError("invalid_API_version")
        result = handler(node, params)
    except RpcError as error:
        return error.result(request)
    result["status"] = "success"
    return result


# -- parameter helpers -----------------------------------------------------------------------


def _account(params: Params, field: str = "account") -> str:
    if field not in params:
        raise RpcError("invalidParams", f"Missing field '{field}'.")
    value = params[field]
    if not isinstance(value, str) or not is_valid_classic_address(value):
        raise RpcError("actMalformed")
    return value


def _int_param(params: Params, field: str, default: int) -> int:
    value = params.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RpcError("invalidParams", f"Invalid field '{field}', not integer.")
    return value


def _bool_param(params: Params, field: str) -> bool:
    value = params.get(field, False)
    if not isinstance(value, bool):
        raise RpcError("invalidParams", f"Invalid field '{field}', not bool.")
    return value


def _select(node: SandboxNode, params: Params, default: str = "current") -> tuple[bool, int]:
    """(validated?, index) of the ledger a state query reads; only the newest two are kept."""
    state = node.state
    if "ledger_hash" in params:
        if params["ledger_hash"] != state.last_closed.hash:
            raise RpcError("lgrNotFound")
        return True, state.validated_index
    selector = params.get("ledger_index", default)
    if selector in ("validated", "closed"):
        return True, state.validated_index
    if selector == "current":
        return False, state.current_index
    if isinstance(selector, str) and selector.isdigit():
        selector = int(selector)
    if isinstance(selector, int) and not isinstance(selector, bool):
        if selector == state.validated_index:
            return True, selector
        if selector == state.current_index:
            return False, selector
        raise RpcError("lgrNotFound")
    raise RpcError("invalidParams", "ledgerIndexMalformed")


def _ledger_fields(node: SandboxNode, validated: bool, index: int) -> dict[str, Any]:
    if validated:
        return {"ledger_hash": node.state.headers[index].hash, "ledger_index": index}
    return {"ledger_current_index": index}


# -- accounts --------------------------------------------------------------------------------


def account_info(node: SandboxNode, params: Params) -> dict[str, Any]:
    address = _account(params)
    validated, index = _select(node, params)
    entry = node.state.account(address, validated)
    where = _ledger_fields(node, validated, index)
    if entry is None:
        raise RpcError("actNotFound", extra={"account": address, **where, "validated": validated})
    flags = int(entry.get("Flags", 0))
    return {
        "account_data": {**entry, "index": account_index(address)},
        "account_flags": {
            "defaultRipple": bool(flags & 0x00800000),
            "depositAuth": bool(flags & 0x01000000),
            "disableMasterKey": bool(flags & 0x00100000),
            "disallowIncomingXRP": bool(flags & 0x00080000),
            "globalFreeze": bool(flags & 0x00400000),
            "noFreeze": bool(flags & 0x00200000),
            "passwordSpent": bool(flags & 0x00010000),
            "requireAuthorization": bool(flags & 0x00040000),
            "requireDestinationTag": bool(flags & 0x00020000),
        },
        **where,
        "validated": validated,
    }


def account_channels(node: SandboxNode, params: Params) -> dict[str, Any]:
    address = _account(params)
    destination = (
        _account(params, "destination_account") if "destination_account" in params else None
    )
    validated, index = _select(node, params)
    if node.state.account(address, validated) is None:
        raise RpcError("actNotFound")
    limit = _int_param(params, "limit", _DEFAULT_LIMIT)
    limit = min(max(limit, 10), 400)
    marker = params.get("marker")
    channels = []
    for key, entry in _source_channels(node, address, validated):
        if destination is not None and entry["Destination"] != destination:
            continue
        if isinstance(marker, str) and key < marker:
            continue
        channels.append(_channel_json(key, entry))
    result: dict[str, Any] = {
        "account": address,
        "channels": channels[:limit],
        **_ledger_fields(node, validated, index),
        "limit": limit,
        "validated": validated,
    }
    if len(channels) > limit:
        result["marker"] = channels[limit]["channel_id"]
    return result


def _source_channels(
    node: SandboxNode, address: str, validated: bool
) -> list[tuple[str, dict[str, Any]]]:
    pairs = node.state.channels_of(address, validated)
    return [(key, entry) for key, entry in pairs if entry["Account"] == address]


def _channel_json(key: str, entry: dict[str, Any]) -> dict[str, Any]:
    public_key = str(entry["PublicKey"])
    channel: dict[str, Any] = {
        "account": entry["Account"],
        "amount": entry["Amount"],
        "balance": entry["Balance"],
        "channel_id": key,
        "destination_account": entry["Destination"],
        "public_key": _base58_key(public_key),
        "public_key_hex": public_key,
        "settle_delay": entry["SettleDelay"],
    }
    for field, name in (
        ("Expiration", "expiration"),
        ("CancelAfter", "cancel_after"),
        ("SourceTag", "source_tag"),
        ("DestinationTag", "destination_tag"),
    ):
        if field in entry:
            channel[name] = entry[field]
    return channel


def ledger_entry(node: SandboxNode, params: Params) -> dict[str, Any]:
    """One ledger entry by ``index`` or ``payment_channel`` id (the only lookups supported)."""
    field = next((f for f in ("payment_channel", "index") if f in params), None)
    if field is None:
        raise RpcError(
            "invalidParams", "the sandbox looks entries up by 'payment_channel' or 'index'"
        )
    key = params[field]
    if not isinstance(key, str) or len(key) != 64 or not _is_hex(key):
        raise RpcError("invalidParams", f"Invalid field '{field}'.")
    validated, index = _select(node, params)
    source = node.state.validated_entries if validated else node.state.entries
    entry = source.get(key.upper())
    if entry is None:
        raise RpcError("entryNotFound")
    if field == "payment_channel" and entry.get("LedgerEntryType") != "PayChannel":
        raise RpcError("unexpectedLedgerType")
    return {
        "index": key.upper(),
        **_ledger_fields(node, validated, index),
        "node": {**entry, "index": key.upper()},
        "validated": validated,
    }


def _base58_key(public_key_hex: str) -> str:
    from xrpl.core.addresscodec import encode_account_public_key

    return encode_account_public_key(bytes.fromhex(public_key_hex))


# -- transactions ----------------------------------------------------------------------------


def _tx_entry(node: SandboxNode, record: TxRecord) -> dict[str, Any]:
    """One transaction in API v2 form (``tx_json`` without the hash, ``meta``, ``hash``)."""
    entry: dict[str, Any] = {
        "hash": record.hash,
        "meta": record.meta,
        "validated": record.validated,
    }
    tx_json = dict(record.tx_json)
    if record.validated:
        header = node.state.headers[record.ledger_index]
        tx_json["date"] = header.close_time
        tx_json["ledger_index"] = record.ledger_index
        entry.update(
            close_time_iso=ripple_time_iso(header.close_time),
            ledger_hash=header.hash,
            ledger_index=record.ledger_index,
        )
    entry["tx_json"] = tx_json
    return entry


def account_tx(node: SandboxNode, params: Params) -> dict[str, Any]:
    address = _account(params)
    if _bool_param(params, "binary"):
        raise RpcError("invalidParams", "binary results are not supported by the sandbox")
    forward = _bool_param(params, "forward")
    limit = _int_param(params, "limit", _DEFAULT_LIMIT)
    if limit < 1:
        raise RpcError("invalidParams", "Invalid field 'limit'.")
    state = node.state
    low = _int_param(params, "ledger_index_min", -1)
    high = _int_param(params, "ledger_index_max", -1)
    if "ledger_index" in params or "ledger_hash" in params:
        _, low = _select(node, params, "validated")
        high = low
    low = 1 if low == -1 else low
    high = state.validated_index if high == -1 else min(high, state.validated_index)
    history = state.account_txs.get(address, [])
    if not history and state.account(address, validated=True) is None:
        raise RpcError("actNotFound")
    records = [state.txs[h] for h in history]
    positions = [
        (r.ledger_index, int(r.meta["TransactionIndex"]), r)
        for r in records
        if low <= r.ledger_index <= high
    ]
    if not forward:
        positions.reverse()
    marker = params.get("marker")
    if marker is not None:
        if not (isinstance(marker, dict) and {"ledger", "seq"} <= marker.keys()):
            raise RpcError("invalidParams", "Invalid field 'marker'.")
        start = (int(marker["ledger"]), int(marker["seq"]))
        positions = [
            p for p in positions if ((p[0], p[1]) >= start if forward else (p[0], p[1]) <= start)
        ]
    page = positions[:limit]
    result: dict[str, Any] = {
        "account": address,
        "ledger_index_max": high,
        "ledger_index_min": low,
        "limit": limit,
        "transactions": [_tx_entry(node, r) for _, _, r in page],
        "validated": True,
    }
    if len(positions) > limit:
        following = positions[limit]
        result["marker"] = {"ledger": following[0], "seq": following[1]}
    return result


def tx(node: SandboxNode, params: Params) -> dict[str, Any]:
    tx_hash = params.get("transaction")
    if tx_hash is None:
        raise RpcError("invalidParams", "Missing field 'transaction'.")
    if not isinstance(tx_hash, str) or len(tx_hash) != 64:
        raise RpcError("invalidParams", "Invalid field 'transaction'.")
    record = node.state.txs.get(tx_hash.upper())
    if record is None:
        raise RpcError("txnNotFound")
    return _tx_entry(node, record)


def submit(node: SandboxNode, params: Params) -> dict[str, Any]:
    blob = params.get("tx_blob")
    if blob is None:
        if "tx_json" in params or "secret" in params:
            raise RpcError("invalidParams", "the sandbox accepts only signed blobs (tx_blob)")
        raise RpcError("invalidParams", "Missing field 'tx_blob'.")
    if not isinstance(blob, str):
        raise RpcError("invalidParams", "Invalid field 'tx_blob'.")
    return node.engine.submit(blob)


def channel_verify(node: SandboxNode, params: Params) -> dict[str, Any]:
    for field in ("channel_id", "amount", "signature", "public_key"):
        if field not in params:
            raise RpcError("invalidParams", f"Missing field '{field}'.")
    key = params["public_key"]
    if isinstance(key, str) and key[:1] in ("a", "n"):
        try:
            key = decode_account_public_key(key).hex().upper()
        except Exception as error:
            raise RpcError("publicMalformed") from error
    signature = params["signature"]
    if not isinstance(signature, str) or not _is_hex(signature):
        raise RpcError("invalidParams", "Invalid field 'signature'.")
    check = verify_claim(str(params["channel_id"]), str(params["amount"]), signature, str(key))
    if check.code == "channel_id_malformed":
        raise RpcError("channelMalformed")
    if check.code in ("amount_malformed", "amount_out_of_range"):
        raise RpcError("channelAmtMalformed")
    if check.code == "public_key_malformed":
        raise RpcError("publicMalformed")
    return {"signature_verified": check.valid}


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return bool(text)


# -- ledgers and server ----------------------------------------------------------------------


def _human_time(ripple_seconds: int) -> str:
    moment = datetime.fromtimestamp(ripple_seconds + RIPPLE_EPOCH, UTC)
    return moment.strftime("%Y-%b-%d %H:%M:%S.000000000 UTC")


def _header_json(node: SandboxNode, header: LedgerHeader, params: Params) -> dict[str, Any]:
    ledger: dict[str, Any] = {
        "account_hash": header.hash,
        "close_flags": 0,
        "close_time": header.close_time,
        "close_time_human": _human_time(header.close_time),
        "close_time_iso": ripple_time_iso(header.close_time),
        "close_time_resolution": 10,
        "closed": True,
        "ledger_hash": header.hash,
        "ledger_index": str(header.index),
        "parent_close_time": header.parent_close_time,
        "parent_hash": header.parent_hash,
        "total_coins": str(header.total_coins),
        "transaction_hash": header.hash,
    }
    if _bool_param(params, "transactions"):
        if _bool_param(params, "expand"):
            ledger["transactions"] = [_tx_entry(node, node.state.txs[h]) for h in header.tx_hashes]
        else:
            ledger["transactions"] = list(header.tx_hashes)
    return ledger


def ledger(node: SandboxNode, params: Params) -> dict[str, Any]:
    state = node.state
    selector = params.get("ledger_index", "validated")
    if "ledger_hash" in params:
        found = [h for h in state.headers.values() if h.hash == params["ledger_hash"]]
        if not found:
            raise RpcError("lgrNotFound")
        selector = found[0].index
    if selector == "current" or selector == state.current_index:
        open_ledger: dict[str, Any] = {
            "closed": False,
            "ledger_index": str(state.current_index),
            "parent_close_time": state.parent_close_time(),
            "parent_hash": state.last_closed.hash,
            "total_coins": str(state.total_coins),
        }
        if _bool_param(params, "transactions"):
            open_ledger["transactions"] = list(state.open_txs)
        return {
            "ledger": open_ledger,
            "ledger_current_index": state.current_index,
            "validated": False,
        }
    if selector in ("validated", "closed"):
        selector = state.validated_index
    if isinstance(selector, str) and selector.isdigit():
        selector = int(selector)
    if not isinstance(selector, int) or isinstance(selector, bool):
        raise RpcError("invalidParams", "ledgerIndexMalformed")
    header = state.headers.get(selector)
    if header is None:
        raise RpcError("lgrNotFound")
    return {
        "ledger": _header_json(node, header, params),
        "ledger_hash": header.hash,
        "ledger_index": header.index,
        "validated": True,
    }


def ledger_accept(node: SandboxNode, params: Params) -> dict[str, Any]:
    node.close_ledger()
    return {"ledger_current_index": node.state.current_index}


def ledger_current(node: SandboxNode, params: Params) -> dict[str, Any]:
    return {"ledger_current_index": node.state.current_index}


def ledger_closed(node: SandboxNode, params: Params) -> dict[str, Any]:
    header = node.state.last_closed
    return {"ledger_hash": header.hash, "ledger_index": header.index}


def server_info(node: SandboxNode, params: Params) -> dict[str, Any]:
    state = node.state
    header = state.last_closed
    return {
        "info": {
            "build_version": BUILD_VERSION,
            "complete_ledgers": f"1-{header.index}",
            "hostid": "sandbox",
            "io_latency_ms": 1,
            "last_close": {"converge_time_s": 0, "proposers": 0},
            "load_factor": 1,
            "peers": 0,
            "pubkey_node": "n9KAa2zVWjPHgfzsE3iZ8HAbzJtPrnoh4H2M2HgE7dfqtvyEb1KJ",
            "server_state": "full",
            "server_state_duration_us": str(int((time.monotonic() - node.started) * 1e6)),
            "standalone": True,
            "time": datetime.fromtimestamp(state.now() + RIPPLE_EPOCH, UTC).strftime(
                "%Y-%b-%d %H:%M:%S.000000 UTC"
            ),
            "uptime": int(time.monotonic() - node.started),
            "validated_ledger": {
                "age": max(0, state.now() - header.close_time),
                "base_fee_xrp": BASE_FEE_DROPS / 1_000_000,
                "hash": header.hash,
                "reserve_base_xrp": RESERVE_BASE_DROPS / 1_000_000,
                "reserve_inc_xrp": OWNER_RESERVE_DROPS / 1_000_000,
                "seq": header.index,
            },
            "validation_quorum": 0,
        }
    }


def server_state(node: SandboxNode, params: Params) -> dict[str, Any]:
    header = node.state.last_closed
    return {
        "state": {
            "build_version": BUILD_VERSION,
            "complete_ledgers": f"1-{header.index}",
            "load_base": 256,
            "load_factor": 256,
            "peers": 0,
            "server_state": "full",
            "validated_ledger": {
                "base_fee": BASE_FEE_DROPS,
                "close_time": header.close_time,
                "hash": header.hash,
                "reserve_base": RESERVE_BASE_DROPS,
                "reserve_inc": OWNER_RESERVE_DROPS,
                "seq": header.index,
            },
            "validation_quorum": 0,
        }
    }


def fee(node: SandboxNode, params: Params) -> dict[str, Any]:
    state = node.state
    return {
        "current_ledger_size": str(len(state.open_txs)),
        "current_queue_size": "0",
        "drops": {
            "base_fee": str(BASE_FEE_DROPS),
            "median_fee": "5000",
            "minimum_fee": str(BASE_FEE_DROPS),
            "open_ledger_fee": str(BASE_FEE_DROPS),
        },
        "expected_ledger_size": "1000",
        "ledger_current_index": state.current_index,
        "levels": {
            "median_level": "128000",
            "minimum_level": "256",
            "open_ledger_level": "256",
            "reference_level": "256",
        },
        "max_queue_size": "20000",
    }


def sandbox_clock(node: SandboxNode, params: Params) -> dict[str, Any]:
    """Sandbox only: read or move the node's clock. Rules read the last closed ledger's
    close time, so a move takes effect for transactions once the next ledger closes."""
    state = node.state
    if "advance_seconds" in params and "set" in params:
        raise RpcError("invalidParams", "give either 'advance_seconds' or 'set', not both")
    if "advance_seconds" in params:
        step = params["advance_seconds"]
        if isinstance(step, bool) or not isinstance(step, int):
            raise RpcError("invalidParams", "Invalid field 'advance_seconds', not integer.")
        # From the later of the clock and the last close time (which runs ahead of the clock
        # when ledgers close more than once a second), so the move is always felt in full.
        state.set_now(max(state.now(), state.parent_close_time()) + int(step))
    elif "set" in params:
        try:
            moment = datetime.fromisoformat(str(params["set"]).replace("Z", "+00:00"))
        except ValueError as error:
            raise RpcError("invalidParams", f"Invalid field 'set': {error}") from error
        if moment.tzinfo is None:
            raise RpcError("invalidParams", "Invalid field 'set': give a timezone, e.g. 'Z'.")
        state.set_now(int(moment.timestamp()) - RIPPLE_EPOCH)
    now = state.now()
    return {
        "now": ripple_time_iso(now),
        "now_ripple": now,
        "offset_seconds": round(state.clock_offset, 3),
        "ledger_close_time": state.parent_close_time(),
    }


METHODS: dict[str, Handler] = {
    "account_channels": account_channels,
    "account_info": account_info,
    "account_tx": account_tx,
    "channel_verify": channel_verify,
    "fee": fee,
    "ledger": ledger,
    "ledger_accept": ledger_accept,
    "ledger_closed": ledger_closed,
    "ledger_current": ledger_current,
    "ledger_entry": ledger_entry,
    "sandbox_clock": sandbox_clock,
    "server_info": server_info,
    "server_state": server_state,
    "submit": submit,
    "tx": tx,
}
