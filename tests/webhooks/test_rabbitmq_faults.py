"""Faults with webhook deliveries carried by RabbitMQ, all components real: PostgreSQL, a
private RabbitMQ node, delivery worker processes, and a receiver process that verifies every
signature. A delivery worker is SIGKILLed under load; the broker is SIGKILLed and restarted
with deliveries pending. Afterwards nothing is lost, and anything sent twice was in the
killed worker's hands, unacknowledged."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, migrate
from api.webhooks import service
from api.webhooks.config import WebhookSettings
from api.webhooks.schemas import SubscriptionCreate
from tests.faults import RabbitMQNode, free_port, rabbitmq_node
from tests.webhooks.support import (
    Receiver,
    WorkerProcess,
    message_ids,
    raise_alerts,
    undelivered,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def node() -> Iterator[RabbitMQNode]:
    with rabbitmq_node() as node:
        yield node


@pytest.fixture
def database(postgres_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(postgres_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()
    cleanup = create_engine(postgres_url)
    with cleanup.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    cleanup.dispose()


def _subscribe(factory: sessionmaker[Session], port: int) -> str:
    data = SubscriptionCreate(
        url=f"http://127.0.0.1:{port}/hook", event_types=["fraud.alert.created"]
    )
    with factory.begin() as session:
        _, secret = service.create_subscription(session, WebhookSettings(development=True), data)
    return secret


def _env(postgres_url: str, node: RabbitMQNode, prefetch: int) -> dict[str, str]:
    return {
        "API_DATABASE_URL": postgres_url,
        "API_WEBHOOKS_TRANSPORT": "rabbitmq",
        "API_WEBHOOKS_AMQP_URL": node.url,
        "API_WEBHOOKS_QUEUE_PREFIX": "faults." + secrets.token_hex(4),
        "API_WEBHOOKS_DEVELOPMENT": "true",
        "API_WEBHOOKS_PREFETCH": str(prefetch),
        "API_WEBHOOKS_POLL_INTERVAL_SECONDS": "0.05",
        "API_WEBHOOKS_TIMEOUT_SECONDS": "2",
        # Leases a killed relay left behind run out quickly; longer than one attempt.
        "API_WEBHOOKS_LEASE_SECONDS": "5",
        "API_WEBHOOKS_RETRY_SCHEDULE": "[0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1]",
        "API_WEBHOOKS_RECONNECT_SECONDS": "0.5",
    }


def _raise_over(factory: sessionmaker[Session], total: int, seconds: float) -> None:
    """`total` alerts in batches of 10, spread over `seconds`."""
    for first in range(0, total, 10):
        raise_alerts(factory, first, 10)
        time.sleep(seconds * 10 / total)


def test_a_delivery_worker_killed_under_load_loses_nothing(
    tmp_path: Path, postgres_url: str, database: sessionmaker[Session], node: RabbitMQNode
) -> None:
    total = 300
    port = free_port()
    receiver = Receiver(tmp_path, port, _subscribe(database, port))
    # Every answer takes 25-75 ms: messages are in the workers' hands when one is killed.
    receiver.start(slow_ratio=1.0, slow_seconds=0.05)
    env = _env(postgres_url, node, prefetch=16)
    victim = WorkerProcess(tmp_path, "worker-a", env)
    survivor = WorkerProcess(tmp_path, "worker-b", env)
    try:
        consuming = lambda: all("consuming" in w.text() for w in (victim, survivor))  # noqa: E731
        wait_until(consuming, 30, "both workers consume")
        load = threading.Thread(target=_raise_over, args=(database, total, 3.0))
        load.start()
        # Killed mid-load: it has delivered some and holds others it took, unacknowledged.
        wait_until(lambda: victim.acked() >= 30 and victim.unacked(), 30, "worker a busy")
        victim.kill()
        killed = time.monotonic()
        load.join()
        wait_until(lambda: not undelivered(database), 45, "every delivery delivered")
        recovered_in = time.monotonic() - killed

        sent = message_ids(database)
        counts = receiver.counts()
        unverified = [r for r in receiver.received() if not r["verified"]]
        duplicates = {webhook_id for webhook_id, n in counts.items() if n > 1}
        held_by_victim = victim.unacked()
        print(
            f"\nworker killed: deliveries={len(sent)} received={sum(counts.values())} "
            f"lost={len(sent - set(counts))} duplicates={len(duplicates)} "
            f"unacked by the killed worker={len(held_by_victim)} "
            f"acked by the killed worker={victim.acked()} "
            f"taken by the surviving worker={len(survivor.taken())} "
            f"all delivered {recovered_in:.1f} s after the kill"
        )
        assert len(sent) == total
        assert unverified == []
        assert sent - set(counts) == set()  # none lost
        assert set(counts) <= sent
        # Sent twice only what the killed worker held unacknowledged, and at most twice.
        assert duplicates <= held_by_victim
        assert all(n <= 2 for n in counts.values())
        assert survivor.taken(), "the surviving worker delivered nothing"
    finally:
        victim.kill()
        survivor.stop()
        receiver.stop()


def test_rabbitmq_killed_and_restarted_with_deliveries_pending_loses_nothing(
    tmp_path: Path, postgres_url: str, database: sessionmaker[Session], node: RabbitMQNode
) -> None:
    port = free_port()
    receiver = Receiver(tmp_path, port, _subscribe(database, port))
    # A slow receiver: a backlog waits in the queue when the broker dies.
    receiver.start(slow_ratio=1.0, slow_seconds=0.1)
    env = _env(postgres_url, node, prefetch=4)
    workers = [WorkerProcess(tmp_path, f"worker-{n}", env) for n in range(2)]
    try:
        raise_alerts(database, 0, 200)
        wait_until(lambda: len(receiver.counts()) >= 30, 30, "30 deliveries received")
        node.kill()
        down_at = len(receiver.counts())
        raise_alerts(database, 200, 50)  # the outbox takes decisions while the broker is away
        time.sleep(1.0)
        node.start()
        restarted = time.monotonic()
        wait_until(lambda: not undelivered(database), 50, "every delivery delivered")
        recovered_in = time.monotonic() - restarted

        sent = message_ids(database)
        counts = receiver.counts()
        duplicates = {webhook_id for webhook_id, n in counts.items() if n > 1}
        reconnects = sum(w.text().count("reconnecting") for w in workers)
        print(
            f"\nbroker killed: deliveries={len(sent)} received before the kill={down_at} "
            f"received={sum(counts.values())} lost={len(sent - set(counts))} "
            f"duplicates={len(duplicates)} reconnect attempts logged={reconnects} "
            f"all delivered {recovered_in:.1f} s after the restart"
        )
        assert len(sent) == 250
        assert down_at < 200  # the broker died with deliveries pending
        assert sent - set(counts) == set()  # none lost
        assert all(r["verified"] for r in receiver.received())
        # Every message in flight was recorded before its ack failed: none is sent twice.
        assert duplicates == set()
        assert all(w.process.poll() is None for w in workers)  # they recovered by themselves
    finally:
        for worker in workers:
            worker.stop()
        receiver.stop()
