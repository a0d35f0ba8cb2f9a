"""The Redis feature store, against the local Redis server."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from fraud.cli import score_file
from fraud.config import FraudSettings
from fraud.events import EventReader
from fraud.pipeline import FraudPipeline
from fraud.preverify import PreVerifier, known_valid
from fraud.redis_store import FoldPosition, RedisStore, connect
from fraud.scorer import Scorer
from fraud.store import AccountRecord, ChannelRecord
from tests.conftest import require_service

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def prefix() -> Iterator[str]:
    require_service("Redis", "127.0.0.1", 6379)
    name = "test-fraud-" + secrets.token_hex(4)
    yield name
    RedisStore(connect(REDIS_URL), name).clear()


def test_records_come_back_equal_from_redis(prefix: str) -> None:
    store = RedisStore(connect(REDIS_URL), prefix)
    channel = ChannelRecord("rPayer", "rCreator", "ED" + "AB" * 32, 5_000_000, 1_772_323_200.125)
    channel.last_claim = 1_234
    channel.ia_var = 0.1 + 0.2  # not exactly representable in short decimal
    channel.cancel_after = 1_772_400_000.5
    store.put("channel", "C1", channel)
    store.flush()
    fresh = RedisStore(connect(REDIS_URL), prefix)  # nothing cached
    copy = fresh.get("channel", "C1")
    assert copy is not None and copy.as_tuple() == channel.as_tuple()
    assert fresh.get("account", "rNobody") is None
    ttl = fresh.client.ttl(f"{{{prefix}}}:channel:C1")
    assert 0 < int(ttl) <= FraudSettings().store_ttl_seconds


def test_commit_applies_once_at_the_expected_position(prefix: str) -> None:
    store = RedisStore(connect(REDIS_URL), prefix)
    store.put("account", "rA", AccountRecord(10.0))
    assert store.commit(0, FoldPosition(5, 10.0), {"out:0": b"decisions"})
    assert store.position() == FoldPosition(5, 10.0)
    assert store.output("out:0") == b"decisions"
    record = AccountRecord(20.0)
    store.put("account", "rA", record)
    assert not store.commit(0, FoldPosition(9, 20.0))  # position is 5, not 0: refused
    fresh = RedisStore(connect(REDIS_URL), prefix)
    kept = fresh.get("account", "rA")
    assert kept is not None and kept.first_seen == 10.0
    assert fresh.position().next_seq == 5


def test_a_dropped_connection_is_reconnected_and_retried(prefix: str) -> None:
    client = connect(REDIS_URL, name=prefix)
    store = RedisStore(client, prefix)
    store.put("account", "rA", AccountRecord(1.0))
    store.flush()
    before = client.client_id()
    admin = connect(REDIS_URL)
    killed = admin.client_kill_filter(_id=str(before))
    assert killed == 1
    store.reset()
    record = store.get("account", "rA")  # the first command on the dead connection
    assert record is not None and record.first_seen == 1.0
    assert client.client_id() != before
    store.put("account", "rB", AccountRecord(2.0))
    assert store.commit(0, FoldPosition(1, 2.0))
    for info in admin.client_list():
        if info.get("name") == prefix:
            admin.client_kill_filter(_id=info["id"])
    assert store.commit(1, FoldPosition(2, 3.0))  # retried after the kill, applied once
    assert store.position() == FoldPosition(2, 3.0)


def test_scoring_with_redis_state_gives_the_in_memory_decisions(
    prefix: str, model_dir: Path, stream: Path
) -> None:
    lines = stream.read_bytes().splitlines(keepends=True)[:3000]
    pipeline = FraudPipeline.load(model_dir)
    expected, got = io.StringIO(), io.StringIO()
    settings = FraudSettings(model_dir=model_dir, batch_size=256)
    score_file(Scorer(pipeline, settings), lines, expected, io.StringIO(), progress=False)
    # A small cache: records are dropped and read back from Redis during the run.
    redis_settings = FraudSettings(
        model_dir=model_dir,
        batch_size=256,
        store="redis",
        store_prefix=prefix,
        store_cache_entries=1_000,
    )
    scorer = Scorer(pipeline, redis_settings)
    assert isinstance(scorer.store, RedisStore)
    score_file(scorer, lines, got, io.StringIO(), progress=False)
    assert got.getvalue() == expected.getvalue()
    assert scorer.store.count("channel") > 0


def test_claims_checked_ahead_by_another_process_decide_the_same(
    prefix: str, model_dir: Path, stream: Path
) -> None:
    lines = [line for line in stream.read_bytes().splitlines() if line.strip()][:3000]
    settings = FraudSettings(model_dir=model_dir)
    pipeline = FraudPipeline.load(model_dir)
    expected = io.StringIO()
    score_file(Scorer(pipeline, settings), lines, expected, io.StringIO(), progress=False)

    client = connect(REDIS_URL)
    checker = PreVerifier(client, prefix)
    chunks = [lines[i : i + 100] for i in range(0, len(lines), 100)]
    recorded = sum(checker.check(b"\n".join(chunk)) for chunk in chunks)
    scorer = Scorer(pipeline, settings)
    reader = EventReader()
    got: list[str] = []
    used = 0
    for chunk in chunks:
        events = [item.event for item in reader.read(chunk) if item.event is not None]
        claims = []
        for event in events:
            channel = scorer.engine.channel(event.channel_id or "")
            if event.type == "claim" and channel is not None:
                claims.append(
                    (event.channel_id or "", event.amount_text, event.signature, channel.public_key)
                )
        scorer.engine.verifier.preverified = known_valid(client, prefix, claims)
        used += len(scorer.engine.verifier.preverified)
        got += [decision.to_json() + "\n" for decision in scorer.score(events)]
    assert recorded > 0 and used > 0
    assert "".join(got) == expected.getvalue()
    forged = ("AB" * 32, "1000", "00" * 64, "ED" + "11" * 32)
    assert known_valid(client, prefix, [forged]) == set()
