from __future__ import annotations

import json

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
