"""Sandbox latency: ``python -m ledger.sandbox.bench``.

Starts a demo-seeded node in-process and times requests over one kept-alive HTTP connection
(as the ledger client makes them), side by side with xrpl-py's stock client, which opens a
new connection per request.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx
from xrpl.asyncio.clients import AsyncJsonRpcClient
from xrpl.models.requests import AccountInfo

from ledger.sandbox.demo import DEMO
from ledger.sandbox.server import run_sandbox

__all__ = ["main"]


async def _time(call: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    for _ in range(min(20, rounds)):
        await call()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{name:42} p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   "
        f"({len(ordered)} requests)"
    )


async def _run(url: str) -> list[str]:
    address = DEMO.account("alice").address
    body = {"method": "account_info", "params": [{"account": address, "ledger_index": "validated"}]}
    channels = {"method": "account_channels", "params": [{"account": address}]}
    history = {"method": "account_tx", "params": [{"account": address, "limit": 10}]}
    async with httpx.AsyncClient() as http:
        kept = await _time(lambda: http.post(url, json=body), 500)
        chans = await _time(lambda: http.post(url, json=channels), 300)
        txs = await _time(lambda: http.post(url, json=history), 300)
    stock = AsyncJsonRpcClient(url)
    fresh = await _time(lambda: stock.request(AccountInfo(account=address)), 40)
    return [
        _line("account_info, kept-alive connection", kept),
        _line("account_channels, kept-alive connection", chans),
        _line("account_tx limit 10, kept-alive connection", txs),
        _line("account_info, xrpl-py stock client", fresh),
        f"ratio stock/kept-alive (p50): {statistics.median(fresh) / statistics.median(kept):.0f}x",
    ]


def main() -> None:
    started = time.perf_counter()
    with run_sandbox(seed_demo=True) as running:
        seeded = time.perf_counter() - started
        lines = asyncio.run(_run(running.url))
    print(f"sandbox started with the demo world in {seeded:.2f} s")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
