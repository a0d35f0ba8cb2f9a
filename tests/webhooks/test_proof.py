"""Proof of durability: a flaky receiver process that restarts, a worker process killed with
SIGKILL and restarted mid-delivery; afterwards no alert is lost, duplicates share their
webhook-id, every signature verified, and replay redelivers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, migrate
from api.webhooks import service
from api.webhooks.config import WebhookSettings
from api.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookMessage
from api.webhooks.schemas import SubscriptionCreate
from api.webhooks.sinks import AlertOutbox, OutboxAlertSink
from devstack.stack import free_port
from fraud.config import FraudSettings
from fraud.reasons import Reason
from fraud.sinks import BlockAlert
from tests.webhooks.support import wait_listening

ROOT = Path(__file__).resolve().parents[2]
# Run by path: a receiver needs nothing of the api, only the standardwebhooks library.
RECEIVER = ROOT / "api" / "webhooks" / "receiver.py"
ALERTS = 60


class Processes:
    def __init__(self, tmp_path: Path, database_url: str, secret: str, port: int) -> None:
        self.tmp_path = tmp_path
        self.port = port
        self.log = tmp_path / "received.jsonl"
        self.env = {
            **os.environ,
            "WEBHOOK_SECRET": secret,
            "API_DATABASE_URL": database_url,
            "API_WEBHOOKS_DEVELOPMENT": "true",
            "API_WEBHOOKS_RETRY_SCHEDULE": "[0, 0.5, 1, 1, 1.5, 1.5, 2, 2, 2, 2]",
            "API_WEBHOOKS_TIMEOUT_SECONDS": "1.0",
            "API_WEBHOOKS_LEASE_SECONDS": "2.5",
            "API_WEBHOOKS_POLL_INTERVAL_SECONDS": "0.1",
        }
        self.receiver: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.seed = 0

    def start_receiver(self, fail_ratio: float = 1 / 3, slow_ratio: float = 0.15) -> None:
        self.seed += 1
        self.receiver = subprocess.Popen(
            [
                sys.executable, str(RECEIVER), "--port", str(self.port),
                "--log", str(self.log), "--fail-ratio", str(fail_ratio),
                "--slow-ratio", str(slow_ratio), "--slow-seconds", "0.9",
                "--seed", str(self.seed),
            ],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_listening(self.port)

    def start_workers(self, count: int) -> None:
        self.workers = [
            subprocess.Popen(
                [sys.executable, "-m", "api.webhooks.worker"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]

    def kill_workers(self) -> None:
        for worker in self.workers:
            self.kill(worker)

    @staticmethod
    def kill(process: subprocess.Popen[bytes] | None) -> None:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(5)

    def received(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


def _raise_alerts(factory: sessionmaker[Session], first: int, count: int) -> None:
    """Alerts go through the same sink as the fraud decisions, in one transaction per batch."""
    outbox = AlertOutbox(FraudSettings())
    sink = OutboxAlertSink(outbox)
    with factory.begin() as session, outbox.bound(session):
        for n in range(first, first + count):
            reason = Reason("claim_over_channel", "The claim exceeds the channel's funds.")
            sink.raise_alert(
                BlockAlert(
                    f"evt_{n:04d}", "claim", "rAccount", "2026-03-01T00:00:00Z", 99, (reason,)
                )
            )


def _attempts(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(WebhookAttempt)) or 0)


def _wait_attempts(factory: sessionmaker[Session], at_least: int, timeout: float) -> None:
    end = time.monotonic() + timeout
    while _attempts(factory) < at_least:
        assert time.monotonic() < end, f"fewer than {at_least} attempts after {timeout} s"
        time.sleep(0.05)


def _wait_all_delivered(factory: sessionmaker[Session], timeout: float) -> list[str]:
    """Waits until every delivery succeeded; what is still open otherwise."""
    end = time.monotonic() + timeout
    while True:
        with factory() as session:
            undelivered = session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.status != "delivered")
            ).all()
            open_ = [f"{d.message_id} {d.status} {d.attempts} {d.last_error}" for d in undelivered]
        if not open_ or time.monotonic() > end:
            return open_
        time.sleep(0.2)


@pytest.fixture(params=["sqlite", "postgresql"])
def proof_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The database and how many workers share it (two on PostgreSQL: SKIP LOCKED at work)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'api.sqlite'}", 1
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url, 2
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def test_flaky_receiver_and_killed_workers_lose_nothing(
    tmp_path: Path, proof_database: tuple[str, int]
) -> None:
    database_url, workers = proof_database
    engine = make_engine(database_url)
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    settings = WebhookSettings(development=True)
    port = free_port()
    with factory.begin() as session:
        data = SubscriptionCreate(
            url=f"http://127.0.0.1:{port}/hook", event_types=["fraud.alert.created"]
        )
        _, secret = service.create_subscription(session, settings, data)
    procs = Processes(tmp_path, database_url, secret, port)
    started = datetime.now(UTC)
    try:
        procs.start_receiver()
        procs.start_workers(workers)
        _raise_alerts(factory, 0, 30)
        _wait_attempts(factory, at_least=10, timeout=40)  # the workers are up and delivering
        procs.kill_workers()  # SIGKILL mid-delivery: leases held, responses unread
        _raise_alerts(factory, 30, 15)  # decisions go on while no worker runs
        procs.start_workers(workers)
        _wait_attempts(factory, at_least=40, timeout=40)
        procs.kill(procs.receiver)  # the receiver restarts: connections refused meanwhile
        _raise_alerts(factory, 45, 15)
        time.sleep(0.3)
        procs.start_receiver()
        assert _wait_all_delivered(factory, timeout=30) == []

        received = procs.received()
        verified = [r for r in received if r["verified"]]
        assert len(verified) == len(received), [r for r in received if not r["verified"]]
        with factory() as session:
            messages = {
                m.id: m.payload["data"]["alert_id"] for m in session.scalars(select(WebhookMessage))
            }
            attempts = session.scalar(select(func.count()).select_from(WebhookAttempt))
        assert len(messages) == ALERTS
        alert_ids_by_webhook_id: dict[str, set[object]] = defaultdict(set)
        for r in verified:
            alert_ids_by_webhook_id[str(r["id"])].add(r["alert_id"])
        lost = set(messages) - set(alert_ids_by_webhook_id)
        assert lost == set()
        # A duplicate is the same message again: same webhook-id, same alert.
        assert all(
            ids == {messages[webhook_id]} for webhook_id, ids in alert_ids_by_webhook_id.items()
        )
        duplicates = len(verified) - len(alert_ids_by_webhook_id)
        print(
            f"\nproof ({engine.dialect.name}, {workers} worker(s)): alerts={ALERTS} attempts={attempts} received={len(received)} "
            f"verified={len(verified)} duplicates(same webhook-id)={duplicates} lost={len(lost)}"
        )

        # Replay: everything since the start is delivered again, with the same webhook-ids.
        procs.kill(procs.receiver)
        procs.start_receiver(fail_ratio=0.0, slow_ratio=0.0)
        before = len(received)
        with factory.begin() as session:
            assert service.replay_since(session, started - timedelta(seconds=1)) == ALERTS
        assert _wait_all_delivered(factory, timeout=20) == []
        replayed = procs.received()[before:]
        assert {r["id"] for r in replayed} == set(messages)
        assert all(r["verified"] for r in replayed)
    finally:
        procs.kill_workers()
        procs.kill(procs.receiver)
        engine.dispose()
