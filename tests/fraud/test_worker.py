"""``fraud worker`` processes over the local RabbitMQ and Redis: the decisions are those of
``fraud score`` on the same stream, through a worker's death and dropped Redis connections."""

from __future__ import annotations

import asyncio
import io
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import IO

import aio_pika
import orjson
import pytest

from fraud.cli import score_file
from fraud.config import ROOT, FraudSettings
from fraud.pipeline import FraudPipeline
from fraud.publish import publish_file
from fraud.redis_store import RedisStore, connect
from fraud.scorer import Scorer
from fraud.transport import DecisionBatch, QueueNames, read_decisions
from tests.conftest import require_service

pytestmark = [pytest.mark.services, pytest.mark.slow]

LINES = 6000


@pytest.fixture
def settings(model_dir: Path) -> Iterator[FraudSettings]:
    require_service("Redis", "127.0.0.1", 6379)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    name = "test-fraud-" + secrets.token_hex(4)
    settings = FraudSettings(
        model_dir=model_dir,
        store="redis",
        store_prefix=name,
        queue_prefix=name,
        publish_batch=20,
        prefetch=4,
    )
    yield settings
    RedisStore(connect(settings.store_url), name).clear()

    async def delete_queues() -> None:
        connection = await aio_pika.connect(settings.amqp_url)
        async with connection:
            channel = await connection.channel()
            for queue in QueueNames.of(name).all():
                await channel.queue_delete(queue)

    asyncio.run(delete_queues())


def _env(settings: FraudSettings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FRAUD_MODEL_DIR=str(settings.model_dir),
        FRAUD_STORE="redis",
        FRAUD_STORE_URL=settings.store_url,
        FRAUD_STORE_PREFIX=settings.store_prefix,
        FRAUD_QUEUE_PREFIX=settings.queue_prefix,
        FRAUD_AMQP_URL=settings.amqp_url,
        FRAUD_PREFETCH=str(settings.prefetch),
        OMP_NUM_THREADS="1",
    )
    return env


@contextmanager
def _workers(
    settings: FraudSettings, logs: Path, count: int
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` worker processes, started one after the other (the first is the active one)."""
    processes: list[subprocess.Popen[bytes]] = []
    files: list[IO[bytes]] = []
    try:
        for index in range(count):
            log = (logs / f"worker{index}.log").open("wb")
            files.append(log)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "fraud.cli", "worker"],
                    env=_env(settings),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            asyncio.run(_wait_for_consumers(settings, index + 1))
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for file in files:
            file.close()


async def _wait_for_consumers(settings: FraudSettings, count: int, timeout: float = 60) -> None:
    names = QueueNames.of(settings.queue_prefix)
    deadline = time.monotonic() + timeout
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        while time.monotonic() < deadline:
            try:
                queue = await channel.declare_queue(names.events, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                channel = await connection.channel()
            else:
                if (queue.declaration_result.consumer_count or 0) >= count:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError(f"{count} workers did not subscribe within {timeout} s")


@asynccontextmanager
async def _channel(settings: FraudSettings) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        yield await connection.channel()


def _expected(settings: FraudSettings, lines: list[bytes]) -> list[str]:
    """What ``fraud score`` writes for the same lines (in memory, one process)."""
    out = io.StringIO()
    memory = FraudSettings(model_dir=settings.model_dir)
    score_file(Scorer(FraudPipeline.load(settings.model_dir), memory), lines, out, io.StringIO())
    return out.getvalue().splitlines()


def _in_stream_order(batches: list[DecisionBatch]) -> tuple[list[str], int]:
    """Decision lines by stream position, each event once; and how many were repeats."""
    seen: dict[str, bytes] = {}
    ordered: list[str] = []
    repeats = 0
    for batch in sorted(batches, key=lambda b: b.seq):
        for line in batch.lines:
            event_id = orjson.loads(line)["event_id"]
            if event_id in seen:
                assert seen[event_id] == line, "a repeated decision must be identical"
                repeats += 1
                continue
            seen[event_id] = line
            ordered.append(line.decode())
    return ordered, repeats


def test_two_workers_decide_as_fraud_score_through_dropped_redis_connections(
    settings: FraudSettings, stream: Path, tmp_path: Path
) -> None:
    lines = stream.read_bytes().splitlines(keepends=True)[:LINES]
    expected = _expected(settings, lines)

    async def run() -> tuple[list[DecisionBatch], int]:
        admin = connect(settings.store_url)
        async with _channel(settings) as channel:
            publishing = asyncio.create_task(publish_file(settings, lines))
            reading = asyncio.create_task(
                read_decisions(channel, QueueNames.of(settings.queue_prefix), len(expected), 180)
            )
            killed = 0
            while killed == 0 and not reading.done():  # drop the workers' Redis connections
                await asyncio.sleep(0.2)
                for client in admin.client_list():
                    if client.get("name") == f"{settings.queue_prefix}.worker":
                        killed += int(admin.client_kill_filter(_id=client["id"]))
            await publishing
            return await reading, killed

    with _workers(settings, tmp_path, 2):
        batches, killed = asyncio.run(run())
    got, _ = _in_stream_order(batches)
    assert killed >= 1
    assert got == expected
    position = RedisStore(connect(settings.store_url), settings.store_prefix).position()
    assert position.next_seq == len([line for line in lines if line.strip()])


def test_a_killed_worker_loses_nothing_and_decides_nothing_twice(
    settings: FraudSettings, stream: Path, tmp_path: Path
) -> None:
    lines = stream.read_bytes().splitlines(keepends=True)[:LINES]
    expected = _expected(settings, lines)

    async def run(active: subprocess.Popen[bytes]) -> tuple[list[DecisionBatch], int]:
        part_decided = asyncio.Event()
        decided = 0

        def progress(count: int) -> None:
            nonlocal decided
            decided = count
            if count >= 200:
                part_decided.set()

        async with _channel(settings) as channel:
            names = QueueNames.of(settings.queue_prefix)
            reading = asyncio.create_task(
                read_decisions(channel, names, len(expected), 180, progress)
            )
            await publish_file(settings, lines)
            await asyncio.wait_for(part_decided.wait(), 60)
            active.send_signal(signal.SIGKILL)  # mid-stream
            decided_before = decided
            return await reading, decided_before

    with _workers(settings, tmp_path, 2) as (active, standby):
        batches, decided_before = asyncio.run(run(active))
        assert active.wait(timeout=10) == -signal.SIGKILL
        assert standby.poll() is None
    assert 0 < decided_before < len(expected)  # killed mid-stream
    got, repeats = _in_stream_order(batches)
    assert got == expected  # nothing lost, every event decided once, as fraud score decides
    standby_log = (tmp_path / "worker1.log").read_text()
    assert "batches folded" in standby_log and " 0 batches folded" not in standby_log
    assert repeats <= settings.prefetch * settings.publish_batch
