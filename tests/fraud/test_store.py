from __future__ import annotations

from fraud.store import ChannelRecord, InMemoryStore


def test_lru_eviction_keeps_memory_bounded() -> None:
    store = InMemoryStore(max_per_kind=3)
    for i in range(3):
        store.put("channel", f"c{i}", ChannelRecord("rA", "rB", "ED", 10, 0.0))
    touched = store.get("channel", "c0")
    assert touched is not None
    store.put("channel", "c0", touched)  # touch: c1 is now the oldest
    store.put("channel", "c3", ChannelRecord("rA", "rB", "ED", 10, 0.0))
    assert store.count("channel") == 3
    assert store.get("channel", "c1") is None
    assert store.get("channel", "c0") is not None
    assert store.evicted == 1


def test_records_round_trip_as_tuples() -> None:
    record = ChannelRecord("rA", "rB", "ED00", 500, 12.5)
    record.last_claim = 200
    copy = ChannelRecord.from_tuple(record.as_tuple())
    assert copy.as_tuple() == record.as_tuple()
    assert copy.last_claim == 200
