"""Benchmarks of the fraud service (a script, not a test): ``python -m fraud.bench``.

1. ``fraud score`` throughput on one core over a held-out simulated stream (another
   seed, shifted parameters, >= 500,000 events by default), signature checks included;
   the model's native threads are limited to one.
2. The held-out evaluation of those decisions (PR-AUC, deterministic blocks, false
   blocks, per-scenario recall).
3. ``POST /fraud/events`` one event at a time, sequentially, through the ASGI app
   in-process (httpx.ASGITransport: no sockets), p50 and p99.
4. Memory per tracked channel at 1,000,000 channels (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from threadpoolctl import threadpool_limits

from fraud.cli import build_default, score_file
from fraud.config import ROOT, FraudSettings
from fraud.evaluate import evaluate
from fraud.events import EventReader
from fraud.pipeline import FraudPipeline
from fraud.scorer import Scorer
from fraud.simulate import SimParams, write_stream
from fraud.store import ChannelRecord, InMemoryStore

__all__ = ["main"]


def _throughput(settings: FraudSettings, stream: Path, out_dir: Path) -> dict[str, float]:
    scorer = Scorer(FraudPipeline.load(settings.model_dir), settings)
    scores = out_dir / "heldout.scores.jsonl"
    started = time.perf_counter()
    with (
        stream.open("rb") as events,
        scores.open("w") as out,
        (out_dir / "heldout.rejects.jsonl").open("w") as rejects,
    ):
        summary = score_file(scorer, events, out, rejects, progress=False)
    elapsed = time.perf_counter() - started
    return {**summary, "seconds": elapsed, "events_per_second": summary["lines"] / elapsed}


async def _latency(settings: FraudSettings, stream: Path, count: int) -> list[float]:
    import httpx
    from fastapi import FastAPI

    from api.errors import install_error_handler
    from api.fraud import router
    from api.fraud.service import FraudService

    app = FastAPI()
    install_error_handler(app)
    app.include_router(router)
    app.state.fraud_service = FraudService(settings)
    payloads = []
    with stream.open("rb") as handle:
        for line in handle:
            payloads.append(line)
            if len(payloads) >= count:
                break
    timings: list[float] = []
    transport = httpx.ASGITransport(app=app)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://fraud") as client:
        for body in payloads[:50]:  # warm-up: loads the pipeline
            await client.post("/fraud/events", content=body, headers=headers)
        for body in payloads[50:]:
            started = time.perf_counter()
            response = await client.post("/fraud/events", content=body, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"POST /fraud/events answered {response.status_code}")
    return timings


def _verify_cost(stream: Path, limit: int = 100_000) -> tuple[float, int]:
    """Microseconds per ``verify_claim`` call over the stream's first claims, and the count."""
    from ledger.claims import verify_claim

    keys: dict[str, str] = {}
    claims: list[tuple[str, str, str, str]] = []
    reader = EventReader()
    with stream.open("rb") as handle:
        for item in reader.read(handle):
            event = item.event
            if event is None:
                continue
            if event.type == "channel.created" and event.channel_id and event.public_key:
                keys[event.channel_id] = event.public_key
            elif event.type == "claim" and event.channel_id in keys:
                key = keys[event.channel_id or ""]
                claims.append((event.channel_id or "", event.amount_text, event.signature, key))
                if len(claims) >= limit:
                    break
    started = time.perf_counter()
    for claim in claims:
        verify_claim(*claim)
    return (time.perf_counter() - started) / len(claims) * 1e6, len(claims)


def _memory_per_channel(channels: int) -> float:
    rng = random.Random(1)
    payers = [f"r{rng.getrandbits(160):040x}"[:34] for _ in range(channels // 5)]
    creators = [f"r{rng.getrandbits(160):040x}"[:34] for _ in range(channels // 100)]
    store = InMemoryStore(max_per_kind=channels)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(channels):
        key = rng.randbytes(32).hex().upper()
        record = ChannelRecord(
            payers[i % len(payers)],
            creators[i % len(creators)],
            "ED" + rng.randbytes(32).hex().upper(),
            10_000_000 + i,
            1_772_323_200.0 + i,
        )
        record.last_claim = 1_000_000 + i
        record.last_claim_ts = 1_772_323_300.0 + i
        record.claim_count = 300 + i % 100
        record.ia_mean = 20.5 + i % 7
        record.ia_var = 3.25 + i % 5
        store.put("channel", key, record)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / channels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fraud.bench")
    parser.add_argument("--users", type=int, default=4000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--channels", type=int, default=1_000_000)
    parser.add_argument(
        "--only",
        choices=("throughput",),
        help="run one part alone (throughput: `fraud score` over the held-out stream)",
    )
    parser.add_argument(
        "--stream", type=Path, help="score this stream instead of simulating the held-out one"
    )
    args = parser.parse_args(argv)
    settings = FraudSettings()
    out_dir = ROOT / "var" / "fraud" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        built = build_default(settings)
        print(
            f"default pipeline: {'built' if built else 'up to date'} "
            f"({time.perf_counter() - started:.1f} s) in {settings.model_dir}"
        )
        if args.stream is not None:
            stream = args.stream
        else:
            stream = out_dir / "heldout.jsonl"
            params = SimParams(args.users, args.days, args.seed, shift=True)
            started = time.perf_counter()
            write_stream(params, stream)
            print(f"held-out stream: {params} -> {stream} ({time.perf_counter() - started:.1f} s)")
        result = _throughput(settings, stream, out_dir)
        print(
            f"fraud score, one core: {result['lines']:,} events ({result['scored']:,} scored, "
            f"{result['rejected']} rejected) in {result['seconds']:.1f} s = "
            f"{result['events_per_second']:,.0f} events/s (target >= 15,000)"
        )
        if args.only == "throughput":
            return 0
        verify_us, verified = _verify_cost(stream)
        claim_share = result["scored"] / result["lines"]
        per_event_us = 1e6 / result["events_per_second"]
        print(
            f"  side by side: {per_event_us:.1f} us per event in all; ledger.claims.verify_claim "
            f"alone {verify_us:.1f} us per claim ({verified:,} claims timed), about "
            f"{verify_us * claim_share:.0f} us per event at this stream's mix"
        )
        metrics = evaluate(stream, out_dir / "heldout.scores.jsonl", out_dir / "eval")
        print(
            f"held-out evaluation: PR-AUC {metrics['pr_auc']} (target >= 0.90), ROC-AUC "
            f"{metrics['roc_auc']}, recall at {metrics['review_budget']:.0%} budget "
            f"{metrics['recall_at_budget']:.1%}, deterministic all blocked: "
            f"{metrics['deterministic_all_blocked']}, legitimate claims blocked "
            f"{metrics['legit_claims_blocked_rate']:.3%} (target <= 0.1%), false block rate "
            f"{metrics['false_block_rate']:.3%}, false review rate "
            f"{metrics['false_review_rate']:.3%}"
        )
        for name, row in metrics["per_scenario"].items():
            recall = "" if row["recall"] is None else f" recall {row['recall']:.1%}"
            print(f"  {name:<24} {row['events']:>7} events{recall}, blocked {row['blocked']}")
        timings = asyncio.run(_latency(settings, stream, args.requests + 50))
        cuts = statistics.quantiles(timings, n=100)
        print(
            f"POST /fraud/events, one at a time, in-process ASGI (httpx.ASGITransport): "
            f"{len(timings)} requests, p50 {cuts[49]:.2f} ms, p99 {cuts[98]:.2f} ms "
            f"(target p99 <= 10 ms)"
        )
    per_channel = _memory_per_channel(args.channels)
    print(
        f"memory per channel at {args.channels:,} channels: {per_channel:.0f} bytes "
        f"(record, key and table slot; tracemalloc)"
    )
    (out_dir / "bench.json").write_text(
        json.dumps(
            {"throughput": result, "metrics": metrics, "bytes_per_channel": per_channel},
            indent=2,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
