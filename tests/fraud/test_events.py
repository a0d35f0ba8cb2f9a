from __future__ import annotations

import json
from pathlib import Path

import pytest

from fraud.errors import EventRejected
from fraud.events import EventReader, parse_event, parse_ts

CHANNEL = "AB" * 32
CLAIM = {
    "id": "e1",
    "type": "claim",
    "ts": "2026-03-01T10:00:00.250Z",
    "channel_id": CHANNEL,
    "amount": "1500",
    "signature": "30440220" + "11" * 32,
}


def test_claim_parses_amount_as_int_drops_and_time_as_epoch() -> None:
    event = parse_event(CLAIM)
    assert event.amount == 1500
    assert event.ts == parse_ts("2026-03-01T10:00:00Z") + 0.25
    assert event.scored


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 1500}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"channel_id": "XYZ"}, "channel_id"),
        ({"ts": "2026-03-01 10:00:00"}, "ts"),
        ({"ts": "2026-02-30T10:00:00Z"}, "ts"),
        ({"type": "refund"}, "type"),
        ({"signature": None}, "signature"),
        ({"id": ""}, "id"),
    ],
)
def test_bad_values_name_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(EventRejected) as caught:
        parse_event({**CLAIM, **change})
    assert caught.value.field == field


def test_account_must_be_a_valid_classic_address() -> None:
    event = {
        "id": "f1",
        "type": "account.funded",
        "ts": "2026-03-01T10:00:00Z",
        "account": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTa",  # checksum broken
        "funder": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
        "amount": "20000000",
    }
    with pytest.raises(EventRejected) as caught:
        parse_event(event)
    assert caught.value.field == "account"


def test_reader_reports_bad_lines_with_numbers_and_keeps_going() -> None:
    late = {**CLAIM, "id": "e2", "ts": "2026-03-01T09:00:00Z"}
    lines = [
        json.dumps(CLAIM),
        "{not json",
        "",
        json.dumps(late),
        json.dumps({**CLAIM, "id": "e3"}),
    ]
    reader = EventReader()
    items = list(reader.read(lines))
    assert [item.line for item in items] == [1, 2, 4, 5]
    assert items[1].error is not None and "not valid JSON" in items[1].error.reason
    assert items[2].error is not None and items[2].error.field == "ts"
    assert "out of order" in items[2].error.reason
    assert items[3].event is not None
    assert (reader.accepted, reader.rejected) == (2, 2)


def test_unknown_fields_are_ignored() -> None:
    assert parse_event({**CLAIM, "platform_tag": {"x": 1}}).id == "e1"


def _vars(event: object) -> dict[str, object]:
    return {name: getattr(event, name) for name in dir(event) if not name.startswith("_")}


def test_lines_orjson_refuses_read_as_the_standard_library_reads_them(stream: Path) -> None:
    # orjson reads ordinary lines; these are valid to the standard library but not to orjson
    # (NaN, an integer beyond 64 bits, a lone surrogate) or invalid to both, with the
    # standard library's wording.
    odd = [
        '{"id": "n1", "type": "claim", "ts": "2026-03-01T10:00:00Z", "x": NaN,'
        f' "channel_id": "{"AB" * 32}", "amount": "5", "signature": "00"}}',
        '{"id": "n2", "type": "outcome", "ts": "2026-03-01T10:00:00Z", "event_id": "e",'
        ' "fraud": true, "n": 123456789012345678901234567890}',
        '{"id": "n3\\ud800", "type": "outcome", "ts": "2026-03-01T10:00:00Z",'
        ' "event_id": "e", "fraud": false}',
        '{"id": "n4", "type": "outcome"} trailing',
        "[1, 2",
    ]
    items = list(EventReader().read(line.encode() for line in odd))
    assert [item.event.id for item in items[:3] if item.event] == ["n1", "n2", "n3\ud800"]
    assert items[3].error is not None
    assert items[3].error.reason == "not valid JSON: extra data after the JSON value at column 32"
    assert items[4].error is not None and items[4].error.reason.startswith("not valid JSON: ")
    # On a whole simulated stream both decoders give the same events.
    lines = stream.read_bytes().splitlines()[:3000]
    fast = [item.event for item in EventReader().read(lines)]
    slow = [EventReader().accept(json.loads(line), n).event for n, line in enumerate(lines, 1)]
    assert [_vars(e) for e in fast] == [_vars(e) for e in slow]
