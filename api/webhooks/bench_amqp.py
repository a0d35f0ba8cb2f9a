"""Delivery benchmark of the production profile: the outbox on PostgreSQL, deliveries carried
by RabbitMQ to 1 and then 2 delivery worker processes (each a relay and a consumer), and a
healthy receiver process that verifies every signature. Run through `api.webhooks.bench`::

    python -m api.webhooks.bench --transport rabbitmq [--alerts 1000] [--rate 100] [--compare]

Two measurements per worker count:
- burst: `alerts` alerts committed at once (batches of 100); deliveries/s from the first
  commit to the last receipt;
- paced: `alerts` alerts at `rate`/s, one transaction each; latency from the alert's commit
  to its receipt by the receiver (p50/p99).

`--compare` adds the same runs with the database transport (workers leasing rows themselves).
Each run gets a database of its own on the PostgreSQL server of `--postgres-url` and a queue of
its own on the broker of `--amqp-url`; both are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import aio_pika
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, migrate
from api.webhooks import service
from api.webhooks.amqp import queue_name
from api.webhooks.bench import percentile, start_receiver
from api.webhooks.config import WebhookSettings
from api.webhooks.models import WebhookDelivery, WebhookMessage
from api.webhooks.sinks import AlertOutbox, OutboxAlertSink
from fraud.config import FraudSettings
from fraud.reasons import Reason
from fraud.sinks import BlockAlert

__all__ = ["Figures", "run"]

ROOT = Path(__file__).resolve().parents[2]
_REASON = (Reason("claim_over_channel", "The claim exceeds the channel's funds."),)


@dataclass(frozen=True, slots=True)
class Figures:
    transport: str
    workers: int
    alerts: int
    lost: int
    duplicates: int
    burst_per_second: float
    p50_ms: float
    p99_ms: float


@contextmanager
def _database(server_url: str) -> Iterator[str]:
    """A fresh database on the server of `server_url`, dropped afterwards."""
    name = "channeldesk_bench_" + secrets.token_hex(4)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def _delete_queue(settings: WebhookSettings) -> None:
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue_name(settings))


def _raise(factory: sessionmaker[Session], first: int, count: int) -> None:
    outbox = AlertOutbox(FraudSettings())
    sink = OutboxAlertSink(outbox)
    with factory.begin() as session, outbox.bound(session):
        for n in range(first, first + count):
            sink.raise_alert(
                BlockAlert(f"evt_{n}", "claim", "rAccount", "2026-03-01T00:00:00Z", 99, _REASON)
            )


def _wait_delivered(factory: sessionmaker[Session], timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with factory() as session:
            open_ = session.scalar(
                select(func.count()).where(WebhookDelivery.status != "delivered")
            )
        if not open_:
            return
        time.sleep(0.05)
    raise RuntimeError(f"deliveries still open after {timeout:g} s")


def _wait_ready(logs: list[Path], ready: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not all(ready in log.read_text(errors="replace") for log in logs):
        if time.monotonic() > end:
            tails = "\n".join(log.read_text(errors="replace")[-800:] for log in logs)
            raise RuntimeError(f"delivery workers did not start:\n{tails}")
        time.sleep(0.1)


def _received(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _one(
    workdir: Path,
    transport: Literal["database", "rabbitmq"],
    workers: int,
    alerts: int,
    rate: float,
    poll: float,
    postgres_url: str,
    amqp_url: str,
) -> Figures:
    settings = WebhookSettings(
        development=True,
        transport=transport,
        amqp_url=amqp_url,
        queue_prefix="bench." + secrets.token_hex(4),
        poll_interval_seconds=poll,
    )
    with _database(postgres_url) as database_url:
        engine = make_engine(database_url)
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        log = workdir / f"received-{transport}-{workers}.jsonl"
        receiver = start_receiver(factory, settings, log)
        env = {
            **os.environ,
            "API_DATABASE_URL": database_url,
            "API_WEBHOOKS_TRANSPORT": transport,
            "API_WEBHOOKS_AMQP_URL": amqp_url,
            "API_WEBHOOKS_QUEUE_PREFIX": settings.queue_prefix,
            "API_WEBHOOKS_DEVELOPMENT": "true",
            "API_WEBHOOKS_POLL_INTERVAL_SECONDS": str(poll),
        }
        logs = [workdir / f"worker-{transport}-{workers}-{n}.log" for n in range(workers)]
        processes = []
        for path in logs:
            with path.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "api.webhooks.worker"],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        try:
            _wait_ready(logs, "consuming" if transport == "rabbitmq" else "worker started")
            # Burst: everything committed at once, then drained.
            started = time.time()
            for first in range(0, alerts, 100):
                _raise(factory, first, min(100, alerts - first))
            _wait_delivered(factory, timeout=120)
            burst = _received(log)
            last = max(float(str(r["received_at"])) for r in burst)
            burst_rate = len({r["id"] for r in burst}) / (last - started)
            # Paced: one alert per transaction at `rate`.
            paced_from = len(burst)
            for n in range(alerts):
                _raise(factory, alerts + n, 1)
                time.sleep(1 / rate)
            _wait_delivered(factory, timeout=120)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(30)
            receiver.terminate()
            receiver.wait(5)
        with factory() as session:
            created = {
                mid: service.aware(at).timestamp()
                for mid, at in session.execute(select(WebhookMessage.id, WebhookMessage.created_at))
            }
        engine.dispose()
    if transport == "rabbitmq":
        asyncio.run(_delete_queue(settings))
    received = _received(log)
    counts = Counter(str(r["id"]) for r in received if r["verified"])
    latencies = [
        (float(str(r["received_at"])) - created[str(r["id"])]) * 1000
        for r in received[paced_from:]
        if r["verified"]
    ]
    return Figures(
        transport=transport,
        workers=workers,
        alerts=len(created),
        lost=len(set(created) - set(counts)),
        duplicates=sum(counts.values()) - len(counts),
        burst_per_second=burst_rate,
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
    )


def run(
    alerts: int, rate: float, poll: float, postgres_url: str, amqp_url: str, compare: bool
) -> None:
    print(
        f"webhook delivery to worker processes, outbox on PostgreSQL, healthy receiver; "
        f"burst of {alerts}, then {alerts} at {rate:g}/s; poll {poll:g} s"
    )
    print(f"{'transport':>9} {'workers':>7} {'alerts':>7} {'lost':>5} {'dups':>5} "
          f"{'burst/s':>8} {'p50 ms':>8} {'p99 ms':>8}")  # fmt: skip
    transports: list[Literal["database", "rabbitmq"]] = ["rabbitmq"]
    if compare:
        transports.append("database")
    with tempfile.TemporaryDirectory(prefix="webhooks-bench-amqp-") as tmp:
        for transport in transports:
            for workers in (1, 2):
                f = _one(Path(tmp), transport, workers, alerts, rate, poll, postgres_url, amqp_url)
                print(
                    f"{f.transport:>9} {f.workers:>7} {f.alerts:>7} {f.lost:>5} "
                    f"{f.duplicates:>5} {f.burst_per_second:>8.1f} {f.p50_ms:>8.1f} "
                    f"{f.p99_ms:>8.1f}"
                )
    print(
        "burst/s: deliveries per second, first commit -> last receipt; "
        "p50/p99: paced alert committed -> receiver got it; "
        "poll: how often a relay (rabbitmq) or a worker (database) looks for due rows"
    )
