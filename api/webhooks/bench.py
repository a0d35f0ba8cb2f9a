"""Delivery benchmark with a healthy receiver process: alerts sent, attempts, lost, and the
latency from the alert's commit to the receiver's 2xx (p50/p99), for two poll intervals
side by side. With `--transport rabbitmq`, the production profile instead (PostgreSQL,
RabbitMQ, 1 and 2 delivery worker processes; see `api.webhooks.bench_amqp`).

    python -m api.webhooks.bench [--alerts 300] [--rate 100]
    python -m api.webhooks.bench --transport rabbitmq [--alerts 1000] [--rate 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, migrate
from api.webhooks import service
from api.webhooks.config import WebhookSettings
from api.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookMessage
from api.webhooks.schemas import SubscriptionCreate
from api.webhooks.sinks import AlertOutbox, OutboxAlertSink
from api.webhooks.worker import DeliveryWorker
from fraud.config import FraudSettings
from fraud.reasons import Reason
from fraud.sinks import BlockAlert

__all__ = ["main"]

RECEIVER = Path(__file__).resolve().parent / "receiver.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_receiver(
    factory: sessionmaker[Session], settings: WebhookSettings, log: Path
) -> subprocess.Popen[bytes]:
    """A receiver process on a free port that verifies signatures and logs what it gets,
    subscribed to fraud alerts; listening when this returns."""
    port = free_port()
    data = SubscriptionCreate(
        url=f"http://127.0.0.1:{port}/hook", event_types=["fraud.alert.created"]
    )
    with factory.begin() as session:
        _, secret = service.create_subscription(session, settings, data)
    receiver = subprocess.Popen(
        [sys.executable, str(RECEIVER), "--port", str(port), "--log", str(log)],
        env={**os.environ, "WEBHOOK_SECRET": secret},
        stdout=subprocess.PIPE,
    )
    assert receiver.stdout is not None
    receiver.stdout.readline()  # "receiver listening on ..."
    return receiver


def _raise_alerts(factory: sessionmaker[Session], count: int, rate: float) -> None:
    outbox = AlertOutbox(FraudSettings())
    sink = OutboxAlertSink(outbox)
    reason = (Reason("claim_over_channel", "The claim exceeds the channel's funds."),)
    for n in range(count):
        with factory.begin() as session, outbox.bound(session):
            alert = BlockAlert(f"evt_{n}", "claim", "rAccount", "2026-03-01T00:00:00Z", 99, reason)
            sink.raise_alert(alert)
        time.sleep(1 / rate)


async def _run(workdir: Path, alerts: int, rate: float, poll: float) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{workdir / f'bench-{poll}.sqlite'}")
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    settings = WebhookSettings(development=True, poll_interval_seconds=poll)
    log = workdir / f"received-{poll}.jsonl"
    receiver = start_receiver(factory, settings, log)
    stop = asyncio.Event()
    worker = DeliveryWorker(factory, settings)
    task = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.to_thread(_raise_alerts, factory, alerts, rate)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with factory() as session:
                pending = session.scalar(
                    select(func.count()).where(WebhookDelivery.status != "delivered")
                )
            if not pending:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task
        receiver.terminate()
        receiver.wait(5)
    with factory() as session:
        created = dict(session.execute(select(WebhookMessage.id, WebhookMessage.created_at)).all())
        delivered = session.execute(
            select(WebhookDelivery.message_id, WebhookDelivery.delivered_at)
        ).all()
        attempts = session.scalar(select(func.count()).select_from(WebhookAttempt)) or 0
        http_ms = list(session.scalars(select(WebhookAttempt.latency_ms)))
    engine.dispose()
    received = [json.loads(line) for line in log.read_text().splitlines()]
    verified_ids = {r["id"] for r in received if r["verified"]}
    latencies = [
        (service.aware(at) - service.aware(created[mid])).total_seconds() * 1000
        for mid, at in delivered
        if at is not None
    ]
    return {
        "alerts": len(created),
        "attempts": attempts,
        "lost": len(set(created) - verified_ids),
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "http_p50": percentile(http_ms, 0.5),
        "http_p99": percentile(http_ms, 0.99),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="webhook delivery benchmark")
    parser.add_argument("--alerts", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0, help="alerts per second")
    parser.add_argument("--transport", choices=["database", "rabbitmq"], default="database")
    parser.add_argument("--poll", type=float, default=0.1, help="rabbitmq: poll seconds")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="rabbitmq: a server where a scratch database may be created",
    )
    parser.add_argument("--amqp-url", default=WebhookSettings().amqp_url)
    parser.add_argument(
        "--compare", action="store_true", help="rabbitmq: also the database transport"
    )
    args = parser.parse_args(argv)
    if args.transport == "rabbitmq":
        from api.webhooks.bench_amqp import run

        run(args.alerts, args.rate, args.poll, args.postgres_url, args.amqp_url, args.compare)
        return
    print(
        f"webhook delivery, healthy receiver on localhost, {args.alerts} alerts at {args.rate:g}/s"
    )
    print(f"{'poll':>6} {'alerts':>7} {'attempts':>9} {'lost':>5} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'http p50':>9} {'http p99':>9}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="webhooks-bench-") as tmp:
        for poll in (0.5, 0.1):
            r = asyncio.run(_run(Path(tmp), args.alerts, args.rate, poll))
            print(
                f"{poll:>5g}s {r['alerts']:>7.0f} {r['attempts']:>9.0f} {r['lost']:>5.0f} "
                f"{r['p50']:>8.1f} {r['p99']:>8.1f} {r['http_p50']:>9.1f} {r['http_p99']:>9.1f}"
            )
    print("latency: alert committed -> receiver answered 2xx; http: one POST round trip")


if __name__ == "__main__":
    main()
