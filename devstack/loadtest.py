"""Load on the whole stack, embedded against production, side by side in one run.

    python -m devstack.loadtest [--conversations 20] [--seconds 30] [--workers 1 2]

Starts each configuration on free loopback ports in turn (the embedded profile, then the
production profile with each ``--workers`` count: that many Rasa servers, action servers, api
workers and fraud workers on PostgreSQL, Redis and RabbitMQ), and drives it with a bounded
asyncio client: ``--conversations`` users at once, each asking a ledger-backed question (a demo
wallet's balance) as soon as the previous answer arrives, in conversations of ten turns, for
``--seconds``. Every answer is checked for the sandbox's figure; a wrong or failed answer counts
as an error. Prints messages per second and p50/p95/p99 latency per configuration, and the
scaling ratio from one worker of each kind to two.

Then the fraud stream: ``python -m fraud.bench_queue`` (events per second through RabbitMQ with
1, 2 and 4 fraud workers, publish-to-decision latency).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from devstack.config import ROOT
from devstack.stack import Stack, settings_on_free_ports

__all__ = ["main"]

TURNS = 10


@dataclass
class Result:
    label: str
    latencies_ms: list[float]
    errors: int
    seconds: float

    def line(self) -> str:
        ordered = sorted(self.latencies_ms) or [0.0]

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

        return (
            f"  {self.label:<28} {len(self.latencies_ms) / self.seconds:7.1f} msg/s   "
            f"p50 {statistics.median(ordered):7.1f} ms  p95 {pct(0.95):7.1f} ms  "
            f"p99 {pct(0.99):7.1f} ms   answers {len(self.latencies_ms)}  errors {self.errors}"
        )

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds


async def _drive(url: str, conversations: int, seconds: float, label: str) -> Result:
    from ledger.sandbox.demo import DEMO

    question = f"what is the balance of {DEMO.account('alice').address}?"
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=conversations + 4)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def ask(conversation: str) -> float | None:
            start = time.perf_counter()
            try:
                response = await client.post(
                    "/chat/messages", json={"conversation_id": conversation, "text": question}
                )
            except httpx.HTTPError:
                return None
            took = (time.perf_counter() - start) * 1000
            if response.status_code != 200 or "XRP" not in response.text:
                return None
            return took

        for _ in range(10):  # warm-up: every process loads its models on first use
            await ask("load_warm_" + secrets.token_hex(4))
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()

        async def user() -> None:
            nonlocal errors
            turn, conversation = 0, ""
            while time.perf_counter() < deadline:
                if turn % TURNS == 0:
                    conversation = "load_" + secrets.token_hex(6)
                turn += 1
                took = await ask(conversation)
                if took is None:
                    errors += 1
                else:
                    latencies.append(took)

        await asyncio.gather(*(user() for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    return Result(label, latencies, errors, elapsed)


def _run_one(profile: str, workers: int, conversations: int, seconds: float) -> Result:
    suffix = secrets.token_hex(3)
    pg = "postgresql+psycopg://postgres@127.0.0.1:5432"
    settings = settings_on_free_ports(
        profile=profile,
        workers=workers,
        log_dir=ROOT / "var" / "log" / f"load-{profile}-{workers}",
        postgres_url=f"{pg}/cd_load_{suffix}",
        rasa_postgres_database=f"cd_load_rasa_{suffix}",
    )
    label = "embedded" if profile == "embedded" else f"production, {workers} of each"
    print(f"starting {label} ...", flush=True)
    stack = Stack(settings)
    try:
        with stack:
            return asyncio.run(_drive(stack.api_url, conversations, seconds, label))
    finally:
        if stack.production:
            stack.drop_databases()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="load on the embedded and production profiles")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-fraud", action="store_true", help="skip the fraud queue bench")
    args = parser.parse_args(argv)
    print(
        f"\n== load: {args.conversations} concurrent conversations asking a ledger-backed "
        f"question, {args.seconds:g} s each ==",
        flush=True,
    )
    results = [_run_one("embedded", 1, args.conversations, args.seconds)]
    print(results[-1].line(), flush=True)
    by_workers: dict[int, Result] = {}
    for workers in args.workers:
        by_workers[workers] = _run_one("production", workers, args.conversations, args.seconds)
        results.append(by_workers[workers])
        print(results[-1].line(), flush=True)
    print("\nsummary:")
    for result in results:
        print(result.line())
    if 1 in by_workers and 2 in by_workers:
        print(
            f"  scaling 1 → 2 of each kind: {by_workers[2].rate / by_workers[1].rate:.2f}x "
            "messages per second"
        )
    if not args.no_fraud:
        print("\n== fraud: events through RabbitMQ with 1, 2 and 4 workers ==", flush=True)
        subprocess.run(
            [sys.executable, "-m", "fraud.bench_queue", "--workers", "1", "2", "4"],
            cwd=ROOT,
            check=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
