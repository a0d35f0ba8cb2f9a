"""Benchmark of the fraud workers over RabbitMQ and Redis (a script, not a test):
``python -m fraud.bench_queue --workers 1 2 4``.

For each worker count, side by side in one run, on fresh queues and a fresh Redis prefix:

1. throughput: ``--events`` events published as fast as the publisher goes (batches of
   ``--batch``), timed from the first publish to the last decision received;
2. latency: events published at a steady ``--rate`` (below capacity) for ``--seconds``, in
   batches of ``--latency-batch``; for each event, the time from its batch's publish to the
   arrival of its decisions message; p50, p95, p99.

The workers are separate processes (``fraud worker``) with the default pipeline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aio_pika
import orjson

from fraud.config import ROOT, FraudSettings
from fraud.events import SCORED_TYPES
from fraud.redis_store import RedisStore, connect
from fraud.simulate import SimParams, write_stream
from fraud.transport import EventPublisher, QueueNames, batches, declare, read_decisions

__all__ = ["main"]


def _scored(line: bytes) -> bool:
    """Whether the line gets a decision (a valid event of a scored type)."""
    try:
        return bool(orjson.loads(line).get("type") in SCORED_TYPES)
    except orjson.JSONDecodeError:
        return False


def _start_workers(
    settings: FraudSettings, count: int, logs: Path
) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.update(
        FRAUD_STORE="redis",
        FRAUD_STORE_URL=settings.store_url,
        FRAUD_STORE_PREFIX=settings.store_prefix,
        FRAUD_QUEUE_PREFIX=settings.queue_prefix,
        FRAUD_AMQP_URL=settings.amqp_url,
        FRAUD_MODEL_DIR=str(settings.model_dir),
        OMP_NUM_THREADS="1",
    )
    processes = []
    for index in range(count):
        with (logs / f"{settings.queue_prefix}.worker{index}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "fraud.cli", "worker"],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    return processes


async def _wait_consumers(url: str, queue: str, count: int) -> None:
    deadline = time.monotonic() + 120
    connection = await aio_pika.connect(url)  # not robust: its channels do not cache queues
    async with connection:
        channel = await connection.channel()
        while time.monotonic() < deadline:
            declared = await channel.declare_queue(queue, passive=True)
            if (declared.declaration_result.consumer_count or 0) >= count:
                return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{count} workers did not subscribe to {queue} within 120 s")


async def _run(
    settings: FraudSettings, workers: int, lines: list[bytes], args: argparse.Namespace, logs: Path
) -> dict[str, float]:
    names = QueueNames.of(settings.queue_prefix)
    client = connect(settings.store_url)
    processes = _start_workers(settings, workers, logs)
    try:
        connection = await aio_pika.connect_robust(settings.amqp_url)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            await declare(channel, names)
            await _wait_consumers(settings.amqp_url, names.events, workers)
            publisher = EventPublisher(channel, settings, client)
            reader_channel = await connection.channel()
            # 1. throughput
            burst = lines[: args.events]
            want = sum(1 for line in burst if _scored(line))
            reading = asyncio.create_task(read_decisions(reader_channel, names, want, 600))
            started = time.time()
            for batch in batches(burst, args.batch):
                await publisher.publish(batch)
            published = time.time() - started
            got = await reading
            elapsed = max(b.received_at for b in got) - started
            # 2. latency at a steady rate
            paced = lines[args.events : args.events + int(args.rate * args.seconds)]
            want = sum(1 for line in paced if _scored(line))
            reading = asyncio.create_task(read_decisions(reader_channel, names, want, 600))
            interval = args.latency_batch / args.rate
            next_at = time.perf_counter()
            for batch in batches(paced, args.latency_batch):
                await publisher.publish(batch)
                next_at += interval
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            paced_got = await reading
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        await _cleanup(settings, names)
        client.close()
    latencies: list[float] = []
    for decided in paced_got:
        latencies += [(decided.received_at - decided.published_at) * 1000] * len(decided.lines)
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "events": len(burst),
        "publish_seconds": published,
        "seconds": elapsed,
        "events_per_second": len(burst) / elapsed,
        "paced_events": len(paced),
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
    }


async def _cleanup(settings: FraudSettings, names: QueueNames) -> None:
    RedisStore(connect(settings.store_url), settings.store_prefix).clear()
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        for queue in names.all():
            await channel.queue_delete(queue)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fraud.bench_queue")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=200, help="events per message (burst)")
    parser.add_argument("--rate", type=float, default=2000.0, help="events/s (latency part)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--latency-batch", type=int, default=20)
    parser.add_argument("--stream", type=Path, help="JSON Lines to publish (default: simulate)")
    args = parser.parse_args(argv)
    base = FraudSettings()
    out_dir = ROOT / "var" / "fraud" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stream = args.stream
    if stream is None:
        stream = out_dir / "queue.jsonl"
        write_stream(SimParams(users=2000, days=4, seed=2027, shift=True), stream)
    needed = args.events + int(args.rate * args.seconds)
    lines: list[bytes] = []
    with stream.open("rb") as handle:
        for line in handle:
            if line.strip():
                lines.append(line.rstrip(b"\r\n"))
            if len(lines) >= needed:
                break
    if len(lines) < needed:
        parser.error(f"{stream} has {len(lines)} events; {needed} are needed")
    print(
        f"fraud workers over RabbitMQ ({base.amqp_url.split('@')[-1]}) and Redis "
        f"({base.store_url.split('@')[-1]}); stream {stream}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores"
    )
    results = {}
    for workers in args.workers:
        name = f"bench-fraud-{secrets.token_hex(4)}"
        settings = base.model_copy(
            update={"store": "redis", "store_prefix": name, "queue_prefix": name}
        )
        results[workers] = result = asyncio.run(_run(settings, workers, lines, args, out_dir))
        print(
            f"{workers} worker(s): {result['events']:,} events in {result['seconds']:.1f} s = "
            f"{result['events_per_second']:,.0f} events/s (published in "
            f"{result['publish_seconds']:.1f} s, {args.batch} per message); publish to decision "
            f"at {args.rate:,.0f} events/s ({result['paced_events']:,} events, "
            f"{args.latency_batch} per message): p50 {result['p50']:.1f} ms, p95 "
            f"{result['p95']:.1f} ms, p99 {result['p99']:.1f} ms"
        )
    if 1 in results and 2 in results:
        ratio = results[2]["events_per_second"] / results[1]["events_per_second"]
        print(f"scaling 1 -> 2 workers: x{ratio:.2f}; load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
