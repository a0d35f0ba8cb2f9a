"""Real processes for webhook fault tests: a receiver that verifies and records every
delivery, delivery worker processes, and alerts raised through the fraud sink."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.webhooks.models import WebhookDelivery, WebhookMessage
from api.webhooks.sinks import AlertOutbox, OutboxAlertSink
from fraud.config import FraudSettings
from fraud.reasons import Reason
from fraud.sinks import BlockAlert

__all__ = [
    "Receiver",
    "WorkerProcess",
    "message_ids",
    "raise_alerts",
    "undelivered",
    "wait_listening",
    "wait_until",
]

ROOT = Path(__file__).resolve().parents[2]
# Run by path: a receiver needs nothing of the api, only the standardwebhooks library.
RECEIVER = ROOT / "api" / "webhooks" / "receiver.py"
_TAKEN = re.compile(r"delivery (\d+) taken \(message (\S+)\)")
_ACKED = re.compile(r"delivery (\d+) acked")


def wait_listening(port: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port} after {timeout:g} s")


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"{what}: not after {timeout:g} s"
        time.sleep(0.05)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(5)


class Receiver:
    """api/webhooks/receiver.py as a process: a JSON line per request it verified."""

    def __init__(self, workdir: Path, port: int, secret: str) -> None:
        self.log = workdir / "received.jsonl"
        self.port = port
        self.secret = secret
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, slow_ratio: float = 0.0, slow_seconds: float = 0.1) -> None:
        command = [sys.executable, str(RECEIVER), "--port", str(self.port), "--log", str(self.log)]
        command += ["--slow-ratio", str(slow_ratio), "--slow-seconds", str(slow_seconds)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "WEBHOOK_SECRET": self.secret},
            stdout=subprocess.DEVNULL,
        )
        wait_listening(self.port)

    def stop(self) -> None:
        if self.process is not None:
            _kill(self.process)

    def received(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def counts(self) -> Counter[str]:
        """How many verified requests arrived per webhook-id."""
        return Counter(str(r["id"]) for r in self.received() if r["verified"])


class WorkerProcess:
    """`python -m api.webhooks.worker` with its debug log (what it took and acknowledged)."""

    def __init__(self, workdir: Path, name: str, env: dict[str, str], *args: str) -> None:
        self.log = workdir / f"{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "api.webhooks.worker", "--log-level", "debug", *args],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        _kill(self.process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                _kill(self.process)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def taken(self) -> dict[int, str]:
        """Delivery id -> message id (webhook-id) of every delivery this worker took."""
        return {int(d): m for d, m in _TAKEN.findall(self.text())}

    def acked(self) -> int:
        return len(_ACKED.findall(self.text()))

    def unacked(self) -> set[str]:
        """Webhook-ids this worker took and never acknowledged."""
        acked = {int(d) for d in _ACKED.findall(self.text())}
        return {m for d, m in self.taken().items() if d not in acked}


def raise_alerts(factory: sessionmaker[Session], first: int, count: int) -> None:
    """Alerts go through the sink the fraud decisions use, in one transaction per call."""
    outbox = AlertOutbox(FraudSettings())
    sink = OutboxAlertSink(outbox)
    reason = Reason("claim_over_channel", "The claim exceeds the channel's funds.")
    with factory.begin() as session, outbox.bound(session):
        for n in range(first, first + count):
            alert = BlockAlert(
                f"evt_{n:05d}", "claim", "rAccount", "2026-03-01T00:00:00Z", 99, (reason,)
            )
            sink.raise_alert(alert)


def message_ids(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(WebhookMessage.id)))


def undelivered(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        rows = session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.status != "delivered")
        ).all()
        return [f"{d.id} {d.status} attempts={d.attempts} {d.last_error}" for d in rows]
