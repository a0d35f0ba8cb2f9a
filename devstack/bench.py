"""`make bench`: every package's benchmark, then chat latency through the whole stack.

The chat benchmark starts the stack as `make run` does (on its own ports) and sends messages
through api → Rasa → action server → sandbox, sequentially and with 20 concurrent conversations,
for a ledger-backed answer and a canned greeting side by side in the same run.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from devstack.config import ROOT, StackSettings
from devstack.stack import Stack

__all__ = ["main"]

TURNS = 10
PACKAGE_BENCHES = [
    "ledger.bench",
    "ledger.sandbox.bench",
    "knowledge_base.bench",
    "fraud.bench",
    "api.escalation.bench",
    "api.webhooks.bench",
]


@dataclass
class Latencies:
    label: str
    seconds: list[float]
    wall: float

    def pct(self, q: float) -> float:
        ordered = sorted(self.seconds)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.wall

    def line(self) -> str:
        return (
            f"  {self.label:<34} n={len(self.seconds):<5} p50 {self.pct(50):6.1f} ms  "
            f"p95 {self.pct(95):6.1f} ms  p99 {self.pct(99):6.1f} ms  {self.rate:6.1f} msg/s"
        )


async def _send(client: httpx.AsyncClient, conversation: str, text: str, expect: str) -> float:
    start = time.perf_counter()
    response = await client.post(
        "/chat/messages", json={"conversation_id": conversation, "text": text}
    )
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    body = " ".join(m["text"] for m in response.json()["messages"])
    if expect.lower() not in body.lower():
        raise RuntimeError(f"unexpected answer to {text!r}: {body!r}")
    return elapsed


async def _sequential(api_url: str, text: str, expect: str, n: int, label: str) -> Latencies:
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as client:
        for _ in range(5):  # warm-up
            await _send(client, "bench_warmup_" + secrets.token_hex(4), text, expect)
        start = time.perf_counter()
        samples = []
        for i in range(n):
            # Conversations of TURNS messages, as users have: Rasa sends the whole tracker to
            # the action server on every call, so one endless conversation would measure that.
            if i % TURNS == 0:
                conversation = "bench_" + secrets.token_hex(6)
            samples.append(await _send(client, conversation, text, expect))
        return Latencies(label, samples, time.perf_counter() - start)


async def _concurrent(
    api_url: str, text: str, expect: str, conversations: int, per: int, label: str
) -> Latencies:
    limits = httpx.Limits(max_connections=conversations)
    async with httpx.AsyncClient(base_url=api_url, timeout=60, limits=limits) as client:

        async def one() -> list[float]:
            conversation = "bench_" + secrets.token_hex(6)
            return [await _send(client, conversation, text, expect) for _ in range(per)]

        start = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(conversations)))
        wall = time.perf_counter() - start
    return Latencies(label, [s for r in results for s in r], wall)


def chat_bench(n: int = 200, conversations: int = 20, per: int = TURNS) -> None:
    from ledger.sandbox.demo import DEMO

    address = DEMO.account("alice").address
    settings = StackSettings(
        sandbox_port=51334,
        rasa_port=5105,
        actions_port=5155,
        api_port=8100,
        log_dir=ROOT / "var" / "log" / "bench",
    )
    ledger_q = (f"what is the balance of {address}?", "XRP")
    canned_q = ("hello", "")
    print("\n== chat: api → Rasa → actions → sandbox ==", flush=True)
    with Stack(settings) as stack:
        url = stack.api_url
        rows = []
        for label, (text, expect) in (
            ("canned greeting, sequential", canned_q),
            ("ledger-backed balance, sequential", ledger_q),
        ):
            rows.append(asyncio.run(_sequential(url, text, expect, n, label)))
            print(rows[-1].line(), flush=True)
        for label, (text, expect) in (
            ("canned greeting, 20 concurrent", canned_q),
            ("ledger-backed balance, 20 concurrent", ledger_q),
        ):
            rows.append(asyncio.run(_concurrent(url, text, expect, conversations, per, label)))
            print(rows[-1].line(), flush=True)
    canned, ledger = rows[0], rows[1]
    print(
        f"  ratio ledger/canned (sequential): p50 {ledger.pct(50) / canned.pct(50):.2f}x, "
        f"p95 {ledger.pct(95) / canned.pct(95):.2f}x  (target <= 1.5x; p95 target < 100 ms)"
    )
    print(
        f"  ratio ledger/canned (20 concurrent): p50 {rows[3].pct(50) / rows[2].pct(50):.2f}x, "
        f"throughput {rows[3].rate / rows[2].rate:.2f}x"
    )


def main() -> int:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    failed = 0
    for module in PACKAGE_BENCHES:
        if importlib.util.find_spec(module) is None:
            print(f"\n== {module}: not present, skipped ==")
            continue
        print(f"\n== {module} ==", flush=True)
        result = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=False)
        failed += result.returncode != 0
    chat_bench()
    return 1 if failed else 0
