"""Parsing and validation of payment events (``/work/shared/design/payment-events.md``).

A hand-written fast path: one ``orjson.loads`` per line and a few type checks per field,
so parsing costs a few microseconds. Every problem becomes an :class:`EventRejected`
naming the field and the reason; :class:`EventReader` adds the line number and reports
timestamps that go backwards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from xrpl.core.addresscodec import is_valid_classic_address

from fraud.errors import EventRejected

__all__ = [
    "EVENT_TYPES",
    "SCORED_TYPES",
    "Event",
    "EventReader",
    "ReaderItem",
    "format_ts",
    "parse_event",
    "parse_ts",
]

SCORED_TYPES = frozenset({"account.funded", "wallet.linked", "channel.created", "claim"})
EVENT_TYPES = SCORED_TYPES | {"channel.funded", "claim.redeemed", "channel.closed", "outcome"}

_TS = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z$")
_HEX = frozenset("0123456789abcdefABCDEF")
_MAX_DROPS_DIGITS = 20
_ts_cache: dict[str, float] = {}
# Values already validated, kept so that the next event naming them skips the work:
# classic addresses (valid ones only) and channel ids (as written -> upper case).
_MAX_REMEMBERED = 500_000
_valid_addresses: set[str] = set()
_channel_ids: dict[str, str] = {}
_decode = json.JSONDecoder().raw_decode
_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError


class Event:
    """One validated event; amounts in int drops, times in seconds since the Unix epoch.

    Optional fields default to class attributes, so parsing sets only what the line has.
    """

    account: str | None = None
    funder: str | None = None
    destination: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    amount: int = 0
    amount_text: str = ""
    settle_delay: int = 0
    public_key: str | None = None
    cancel_after: float | None = None
    expiration: float | None = None
    signature: str = ""
    content_id: str | None = None
    ip: str | None = None
    device_id: str | None = None
    user_agent: str | None = None
    tx_hash: str | None = None
    closed_by: str | None = None
    event_id: str | None = None
    fraud: bool | None = None
    reason: str | None = None
    scenario: str | None = None

    def __init__(self, event_id: str, event_type: str, ts: float, ts_text: str) -> None:
        self.id = event_id
        self.type = event_type
        self.ts = ts
        self.ts_text = ts_text

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES


def parse_ts(value: object, field: str = "ts") -> float:
    """RFC 3339 UTC with a ``Z`` suffix to seconds since the epoch."""
    # Fast path: the minute is cached, only seconds and the fraction are read.
    if type(value) is str and len(value) >= 20 and value[-1] == "Z" and value[16] == ":":
        base = _ts_cache.get(value[:16])
        if base is not None:
            seconds = value[17:19]
            rest = value[19:-1]
            if (
                seconds.isdigit()
                and seconds.isascii()
                and seconds < "60"
                and (not rest or (rest[0] == "." and 2 <= len(rest) <= 10 and rest[1:].isdigit()))
                and rest.isascii()
            ):
                return base + int(seconds) + (float("0" + rest) if rest else 0.0)
    if not isinstance(value, str):
        raise EventRejected(f"{field} must be an RFC 3339 string", field)
    match = _TS.match(value)
    if match is None:
        raise EventRejected(
            f"{field} must be RFC 3339 UTC with a Z suffix, e.g. 2026-01-31T12:00:00Z", field
        )
    try:
        whole = datetime.fromisoformat(match.group(1)).replace(tzinfo=UTC).timestamp()
    except ValueError as exc:
        raise EventRejected(f"{field} is not a real date and time: {exc}", field) from None
    if len(_ts_cache) > 200_000:
        _ts_cache.clear()
    _ts_cache[value[:16]] = whole - int(value[17:19])
    fraction = match.group(2)
    return whole + float("0" + fraction) if fraction else whole


def format_ts(seconds: float) -> str:
    """Seconds since the epoch to RFC 3339 UTC with milliseconds and ``Z``."""
    text = datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _str(data: dict[str, Any], field: str, max_len: int = 256) -> str:
    value = data.get(field)
    if value is None:
        raise EventRejected(f"{field} is required", field)
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise EventRejected(f"{field} must be a non-empty string of at most {max_len} chars", field)
    return value


def _opt_str(data: dict[str, Any], field: str, max_len: int = 256) -> str | None:
    if data.get(field) is None:
        return None
    return _str(data, field, max_len)


def _account(data: dict[str, Any], field: str) -> str:
    value = data.get(field)
    # A base58check decode costs about 20 us; a platform sees the same accounts again and
    # again, so addresses already found valid are remembered (a bounded set).
    if type(value) is str and value in _valid_addresses:
        return value
    value = _str(data, field, 64)
    if value[0] != "r" or not is_valid_classic_address(value):
        raise EventRejected(f"{field} is not a valid classic XRP Ledger address", field)
    if len(_valid_addresses) >= _MAX_REMEMBERED:
        _valid_addresses.clear()
    _valid_addresses.add(value)
    return value


def _channel_id(data: dict[str, Any]) -> str:
    """``_hex64(data, "channel_id")``, remembered: a channel's claims repeat its id."""
    value = data.get("channel_id")
    if type(value) is str:
        known = _channel_ids.get(value)
        if known is not None:
            return known
    upper = _hex64(data, "channel_id")
    if len(_channel_ids) >= _MAX_REMEMBERED:
        _channel_ids.clear()
    _channel_ids[value] = upper  # type: ignore[index]  # a str: _hex64 accepted it
    return upper


def _hex64(data: dict[str, Any], field: str) -> str:
    value = data.get(field)
    # bytes.fromhex skips whitespace, so 64 chars giving 32 bytes means 64 hex digits.
    if type(value) is str and len(value) == 64:
        try:
            if len(bytes.fromhex(value)) == 32:
                return value.upper()
        except ValueError:
            pass
    if value is None:
        raise EventRejected(f"{field} is required", field)
    raise EventRejected(f"{field} must be 64 hexadecimal characters", field)


def _drops(data: dict[str, Any], field: str) -> tuple[int, str]:
    value = data.get(field)
    if value is None:
        raise EventRejected(f"{field} is required", field)
    if (
        not isinstance(value, str)
        or not value.isdigit()
        or not value.isascii()
        or len(value) > _MAX_DROPS_DIGITS
    ):
        raise EventRejected(f"{field} must be a string of decimal digits (drops)", field)
    return int(value), value


def _public_key(data: dict[str, Any], field: str) -> str:
    value = _str(data, field, 66)
    if len(value) != 66 or not _HEX.issuperset(value):
        raise EventRejected(f"{field} must be 66 hexadecimal characters", field)
    return value.upper()


def parse_event(data: object) -> Event:
    """Validate one decoded JSON value against the contract."""
    if type(data) is dict and data.get("type") == "claim":
        claim = _well_formed_claim(data)
        if claim is not None:
            return claim
    if not isinstance(data, dict):
        raise EventRejected("an event must be a JSON object", None)
    event_id = _str(data, "id", 128)
    event_type = data.get("type")
    if event_type not in EVENT_TYPES:
        if event_type is None:
            raise EventRejected("type is required", "type")
        raise EventRejected(f"type must be one of {', '.join(sorted(EVENT_TYPES))}", "type")
    ts_value = data.get("ts")
    if ts_value is None:
        raise EventRejected("ts is required", "ts")
    event = Event(event_id, event_type, parse_ts(ts_value), ts_value)
    scenario = data.get("scenario")
    if isinstance(scenario, str):
        event.scenario = scenario
    _PARSERS[event_type](event, data)
    return event


def _claim(event: Event, data: dict[str, Any]) -> None:
    event.channel_id = _channel_id(data)
    event.amount, event.amount_text = _drops(data, "amount")
    signature = data.get("signature")
    if type(signature) is not str or not 0 < len(signature) <= 300:
        signature = _str(data, "signature", 300)
    event.signature = signature
    if data.get("public_key") is not None:
        event.public_key = _public_key(data, "public_key")
    for name, limit in _CLAIM_OPTIONAL:
        value = data.get(name)
        if value is not None:
            if type(value) is not str or not 0 < len(value) <= limit:
                _str(data, name, limit)
            setattr(event, name, value)


_CLAIM_OPTIONAL = (("user_id", 256), ("content_id", 256), ("ip", 64), ("device_id", 256))


def _well_formed_claim(data: dict[str, Any]) -> Event | None:
    """A claim whose every field is plainly valid, read in one pass (claims are most of a
    stream); None for anything else, which :func:`parse_event`'s full path then accepts or
    rejects, wording the reason. Both paths give equal events for the same input."""
    event_id = data.get("id")
    ts_text = data.get("ts")
    channel_id = data.get("channel_id")
    amount = data.get("amount")
    signature = data.get("signature")
    if not (
        type(event_id) is str
        and 0 < len(event_id) <= 128
        and type(ts_text) is str
        and type(channel_id) is str
        and type(amount) is str
        and 0 < len(amount) <= _MAX_DROPS_DIGITS
        and amount.isdigit()
        and amount.isascii()
        and type(signature) is str
        and 0 < len(signature) <= 300
        and data.get("public_key") is None
    ):
        return None
    upper_id = _channel_ids.get(channel_id)
    if upper_id is None:
        return None
    try:
        ts = parse_ts(ts_text)
    except EventRejected:
        return None
    event = Event(event_id, "claim", ts, ts_text)
    event.channel_id = upper_id
    event.amount = int(amount)
    event.amount_text = amount
    event.signature = signature
    for name, limit in _CLAIM_OPTIONAL:
        value = data.get(name)
        if value is not None:
            if type(value) is not str or not 0 < len(value) <= limit:
                return None
            setattr(event, name, value)
    scenario = data.get("scenario")
    if isinstance(scenario, str):
        event.scenario = scenario
    return event


def _account_funded(event: Event, data: dict[str, Any]) -> None:
    event.account = _account(data, "account")
    event.funder = _account(data, "funder")
    event.amount, event.amount_text = _drops(data, "amount")


def _wallet_linked(event: Event, data: dict[str, Any]) -> None:
    event.user_id = _str(data, "user_id")
    event.account = _account(data, "account")
    event.ip = _opt_str(data, "ip", 64)
    event.device_id = _opt_str(data, "device_id")
    event.user_agent = _opt_str(data, "user_agent", 512)


def _channel_created(event: Event, data: dict[str, Any]) -> None:
    event.channel_id = _channel_id(data)
    event.account = _account(data, "account")
    event.destination = _account(data, "destination")
    event.amount, event.amount_text = _drops(data, "amount")
    settle_delay = data.get("settle_delay")
    if settle_delay is None:
        raise EventRejected("settle_delay is required", "settle_delay")
    if isinstance(settle_delay, bool) or not isinstance(settle_delay, int) or settle_delay < 0:
        raise EventRejected("settle_delay must be a non-negative integer (seconds)", "settle_delay")
    event.settle_delay = settle_delay
    event.public_key = _public_key(data, "public_key")
    if data.get("cancel_after") is not None:
        event.cancel_after = parse_ts(data["cancel_after"], "cancel_after")
    event.user_id = _opt_str(data, "user_id")


def _channel_funded(event: Event, data: dict[str, Any]) -> None:
    event.channel_id = _channel_id(data)
    event.amount, event.amount_text = _drops(data, "amount")
    if data.get("expiration") is not None:
        event.expiration = parse_ts(data["expiration"], "expiration")


def _claim_redeemed(event: Event, data: dict[str, Any]) -> None:
    event.channel_id = _channel_id(data)
    event.amount, event.amount_text = _drops(data, "amount")
    event.tx_hash = _hex64(data, "tx_hash")


def _channel_closed(event: Event, data: dict[str, Any]) -> None:
    event.channel_id = _channel_id(data)
    closed_by = data.get("closed_by")
    if closed_by not in ("source", "destination"):
        raise EventRejected("closed_by must be 'source' or 'destination'", "closed_by")
    event.closed_by = closed_by


def _outcome(event: Event, data: dict[str, Any]) -> None:
    event.event_id = _str(data, "event_id", 128)
    fraud = data.get("fraud")
    if not isinstance(fraud, bool):
        raise EventRejected("fraud must be true or false", "fraud")
    event.fraud = fraud
    event.reason = _opt_str(data, "reason", 512)


_PARSERS = {
    "claim": _claim,
    "account.funded": _account_funded,
    "wallet.linked": _wallet_linked,
    "channel.created": _channel_created,
    "channel.funded": _channel_funded,
    "claim.redeemed": _claim_redeemed,
    "channel.closed": _channel_closed,
    "outcome": _outcome,
}


@dataclass(slots=True)
class ReaderItem:
    """One input line: an event, or the reason it was rejected."""

    line: int
    event: Event | None
    error: EventRejected | None


class EventReader:
    """Reads JSON Lines one at a time; never stops on a bad line.

    Blank lines are skipped. A line whose ``ts`` is before the previous accepted event's
    is rejected (field ``ts``) so that features never see the future.
    """

    def __init__(self) -> None:
        self.last_ts = float("-inf")
        self.accepted = 0
        self.rejected = 0

    def read_line(self, text: str | bytes, line: int) -> ReaderItem:
        # orjson reads the ordinary line; whatever it refuses (bad JSON, but also what the
        # standard library accepts and orjson does not: NaN, integers beyond 64 bits, lone
        # surrogates) goes the standard library's way, which decides and words the error.
        try:
            return self.accept(_loads(text), line)
        except _JSONDecodeError:
            pass
        try:
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            if text[:1].isspace():
                text = text.lstrip()
            data, end = _decode(text)
            if end != len(text) and text[end:].strip():
                raise ValueError(f"extra data after the JSON value at column {end + 1}")
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
            self.rejected += 1
            return ReaderItem(line, None, EventRejected(f"not valid JSON: {exc}", None, line))
        return self.accept(data, line)

    def accept(self, data: object, line: int) -> ReaderItem:
        try:
            event = parse_event(data)
        except EventRejected as exc:
            self.rejected += 1
            return ReaderItem(line, None, EventRejected(exc.reason, exc.field, line))
        if event.ts < self.last_ts:
            self.rejected += 1
            reason = f"ts {event.ts_text} is before the previous event's time (out of order)"
            return ReaderItem(line, None, EventRejected(reason, "ts", line))
        self.last_ts = event.ts
        self.accepted += 1
        return ReaderItem(line, event, None)

    def read(self, lines: Iterable[str | bytes]) -> Iterator[ReaderItem]:
        read_line = self.read_line
        for number, text in enumerate(lines, start=1):
            if not text or text.isspace():  # blank (isspace() stops at the first character)
                continue
            yield read_line(text, number)
