"""The ``fraud`` command: simulate, train, build-default, score, evaluate, worker, publish."""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from fraud.config import ROOT, FraudSettings
from fraud.errors import FraudError
from fraud.events import Event, EventReader
from fraud.pipeline import METADATA_FILE, FraudPipeline, library_versions
from fraud.scorer import Decision, Scorer
from fraud.simulate import SimParams, write_stream

__all__ = ["build_default", "main", "score_file"]

_BUILD_INPUTS = (
    "checks.py",
    "events.py",
    "features.py",
    "pipeline.py",
    "simulate.py",
    "store.py",
    "train.py",
    "wallets.py",
)


def _simulate(args: argparse.Namespace) -> int:
    params = SimParams(users=args.users, days=args.days, seed=args.seed, shift=args.shift)
    started = time.perf_counter()
    counts = write_stream(params, Path(args.out))
    total = sum(counts.values())
    print(
        f"wrote {total} events to {args.out} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    print(json.dumps(counts, sort_keys=True))
    return 0


def _train(args: argparse.Namespace) -> int:
    from fraud.train import train

    started = time.perf_counter()
    metadata = train(Path(args.events), Path(args.out), seed=args.seed)
    print(
        f"trained {metadata['model_version']} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    print(json.dumps(metadata["metrics"], sort_keys=True))
    return 0


def build_hash(settings: FraudSettings) -> str:
    digest = hashlib.sha256()
    folder = Path(__file__).resolve().parent
    for name in _BUILD_INPUTS:
        digest.update((folder / name).read_bytes())
    params = (settings.default_users, settings.default_days, settings.default_seed)
    digest.update(json.dumps([params, library_versions()]).encode())
    return digest.hexdigest()


def build_default(settings: FraudSettings, force: bool = False) -> bool:
    """Simulate and train the default pipeline unless an up-to-date one exists."""
    from fraud.train import train

    wanted = build_hash(settings)
    meta = settings.model_dir / METADATA_FILE
    if not force and meta.is_file() and json.loads(meta.read_text()).get("build_hash") == wanted:
        return False
    stream = ROOT / "var" / "fraud" / "train.jsonl"
    params = SimParams(settings.default_users, settings.default_days, settings.default_seed)
    write_stream(params, stream)
    metadata = train(stream, settings.model_dir, seed=settings.default_seed)
    metadata["build_hash"] = wanted
    meta.write_text(json.dumps(metadata, indent=2) + "\n")
    return True


def _build_default(args: argparse.Namespace) -> int:
    settings = FraudSettings()
    started = time.perf_counter()
    built = build_default(settings, force=args.force)
    state = "built" if built else "up to date"
    print(
        f"default pipeline in {settings.model_dir}: {state} "
        f"({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


def _write_decisions(out: IO[str], decisions: list[Decision]) -> None:
    out.write("".join(d.to_json() + "\n" for d in decisions))


@contextmanager
def _rare_collections(threshold: int) -> Iterator[None]:
    """Run the cyclic garbage collector rarely while a stream is scored.

    Scoring makes no reference cycles (reference counting frees every event, observation
    and decision), but every record of the feature state is a container object the collector
    tracks: at Python's default threshold it walks them again and again, about a seventh of
    the run. Memory is still freed as usual; cycles (rare, from rejected lines) are collected
    later. The previous thresholds come back afterwards.
    """
    previous = gc.get_threshold()
    gc.set_threshold(threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def score_file(
    scorer: Scorer, events: Iterable[bytes], out: IO[str], rejects: IO[str], progress: bool = True
) -> dict[str, int]:
    """Stream ``events`` through ``scorer``: decisions to ``out``, bad lines to ``rejects``."""
    reader = EventReader()
    with _rare_collections(scorer.settings.score_gc_threshold):
        scored, lines = _score_lines(scorer, reader, events, out, rejects, progress)
    if progress and lines >= 100_000:
        print(file=sys.stderr)
    return {
        "lines": lines,
        "events": reader.accepted,
        "scored": scored,
        "rejected": reader.rejected,
        **scorer.counts,
    }


def _score_lines(
    scorer: Scorer,
    reader: EventReader,
    events: Iterable[bytes],
    out: IO[str],
    rejects: IO[str],
    progress: bool,
) -> tuple[int, int]:
    """Scores the stream; returns (scored events, lines read)."""
    batch: list[Event] = []
    batch_size = scorer.settings.batch_size
    scored = lines = 0
    started = time.perf_counter()
    for item in reader.read(events):
        lines += 1
        if item.event is not None:
            batch.append(item.event)
        else:
            error = item.error
            assert error is not None
            record = {"line": item.line, "field": error.field, "reason": error.reason}
            rejects.write(json.dumps(record) + "\n")
        if len(batch) >= batch_size:
            decisions = scorer.score(batch)
            scored += len(decisions)
            _write_decisions(out, decisions)
            batch = []
        if progress and lines % 100_000 == 0:
            rate = lines / (time.perf_counter() - started)
            print(
                f"\r{lines} lines, {scored} scored, {rate:,.0f} lines/s",
                end="",
                file=sys.stderr,
                flush=True,
            )
    if batch:
        decisions = scorer.score(batch)
        scored += len(decisions)
        _write_decisions(out, decisions)
    return scored, lines


def _score(args: argparse.Namespace) -> int:
    settings = FraudSettings(model_dir=Path(args.model))
    scorer = Scorer(FraudPipeline.load(settings.model_dir), settings)
    rejects_path = Path(args.rejects) if args.rejects else Path(args.out + ".rejects.jsonl")
    started = time.perf_counter()
    with (
        open(args.events, "rb") as events,
        open(args.out, "w", encoding="utf-8") as out,
        rejects_path.open("w", encoding="utf-8") as rejects,
    ):
        summary = score_file(scorer, events, out, rejects, progress=not args.quiet)
    elapsed = time.perf_counter() - started
    summary["seconds"] = round(elapsed, 2)  # type: ignore[assignment]
    summary["events_per_second"] = round(summary["lines"] / elapsed)
    print(
        f"scored {summary['scored']} of {summary['events']} events "
        f"(allow {summary['allow']}, review {summary['review']}, block {summary['block']}); "
        f"rejected {summary['rejected']} lines (see {rejects_path}); "
        f"{summary['events_per_second']:,} events/s",
        file=sys.stderr,
    )
    print(json.dumps(summary, sort_keys=True))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from fraud.evaluate import evaluate

    budget = args.review_budget or FraudSettings().review_budget
    metrics = evaluate(Path(args.events), Path(args.scores), Path(args.out), budget)
    print((Path(args.out) / "report.md").read_text())
    print(json.dumps({k: v for k, v in metrics.items() if k != "per_scenario"}), file=sys.stderr)
    return 0


def _worker(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from fraud.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    overrides = {"model_dir": Path(args.model)} if args.model else {}
    asyncio.run(run_worker(FraudSettings(**overrides)))  # type: ignore[arg-type]
    return 0


def _publish(args: argparse.Namespace) -> int:
    import asyncio

    from fraud.publish import publish_file

    settings = FraudSettings()
    started = time.perf_counter()
    with open(args.events, "rb") as events:
        count = asyncio.run(publish_file(settings, events))
    elapsed = time.perf_counter() - started
    print(
        f"published {count} events to {settings.queue_prefix}.events in {elapsed:.1f} s "
        f"({count / elapsed:,.0f} events/s)",
        file=sys.stderr,
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fraud", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("simulate", help="write a labelled simulated event stream")
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--shift", action="store_true", help="shifted parameters (held-out stream)")
    p.add_argument("--out", required=True)
    p.set_defaults(run=_simulate)
    p = sub.add_parser("train", help="train a pipeline from a labelled stream")
    p.add_argument("--events", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_train)
    p = sub.add_parser("build-default", help="simulate and train the default pipeline if stale")
    p.add_argument("--force", action="store_true")
    p.set_defaults(run=_build_default)
    p = sub.add_parser("score", help="score a stream, line by line")
    p.add_argument("--model", default=str(FraudSettings().model_dir))
    p.add_argument("--events", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--rejects", help="where rejected lines go (default: OUT.rejects.jsonl)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(run=_score)
    p = sub.add_parser(
        "worker", help="score the RabbitMQ stream (FRAUD_AMQP_URL) with state in Redis"
    )
    p.add_argument("--model", help="pipeline folder (default: FRAUD_MODEL_DIR)")
    p.set_defaults(run=_worker)
    p = sub.add_parser("publish", help="publish a JSON Lines file to the RabbitMQ stream")
    p.add_argument("--events", required=True)
    p.set_defaults(run=_publish)
    p = sub.add_parser("evaluate", help="compare decisions with the stream's truth")
    p.add_argument("--events", required=True)
    p.add_argument("--scores", required=True)
    p.add_argument("--out", required=True, help="directory for report.md, pr_curve.png")
    p.add_argument("--review-budget", type=float)
    p.set_defaults(run=_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (FraudError, ValueError, OSError) as exc:
        message = exc.message if isinstance(exc, FraudError) else str(exc)
        print(f"fraud: {message}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
