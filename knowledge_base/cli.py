"""`kb` console entry point: build, search, eval, feedback, gaps."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from knowledge_base.config import KbSettings
from knowledge_base.errors import KbError
from knowledge_base.feedback import FeedbackStore

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="The help articles' knowledge base.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the index if the articles changed")
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    search = commands.add_parser("search", help="answer a question with JSON hits")
    search.add_argument("question")
    search.add_argument("-k", type=int, default=3, help="how many articles (default 3)")
    search.add_argument("--no-record", action="store_true", help="do not log the question")
    evaluate = commands.add_parser("eval", help="top-1, top-3, MRR and abstention figures")
    evaluate.add_argument("--check", action="store_true", help="exit 1 when under target")
    evaluate.add_argument("--verbose", action="store_true", help="list every miss")
    evaluate.add_argument("--sweep", action="store_true", help="abstention per threshold")
    feedback = commands.add_parser("feedback", help="record whether an answer helped")
    feedback.add_argument("query_id")
    feedback.add_argument("verdict", choices=["helpful", "not-helpful"])
    gaps = commands.add_parser("gaps", help="questions the base could not answer")
    gaps.add_argument("--limit", type=int, default=50)
    return parser


def _build(settings: KbSettings, force: bool) -> int:
    from knowledge_base.index import ensure_index

    report = ensure_index(settings, force=force)
    if report.rebuilt:
        print(
            f"built index: {report.articles} articles, {report.passages} passages "
            f"in {report.seconds:.1f} s -> {report.directory}"
        )
    else:
        print(f"up to date: {report.articles} articles, {report.passages} passages")
    return 0


def _search(settings: KbSettings, question: str, k: int, record: bool) -> int:
    from knowledge_base.search import KnowledgeBase

    result = KnowledgeBase(settings).search(question, k=k, record=record)
    print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    return 0


def _eval(settings: KbSettings, check: bool, verbose: bool, sweep: bool = False) -> int:
    from knowledge_base.evaluate import TARGETS, evaluate, load_eval_set, threshold_sweep
    from knowledge_base.search import KnowledgeBase

    kb = KnowledgeBase(settings)
    eval_set = load_eval_set(settings.eval_dir, set(kb.articles))
    report = evaluate(kb, eval_set)
    print(f"questions: {report.in_scope} in scope, {report.out_of_scope} out of scope")
    print(f"threshold {report.threshold:.3f}, lexical weight {report.lexical_weight:.2f}")
    rows = [
        ("top-1", report.top1, TARGETS["top1"]),
        ("top-3", report.top3, TARGETS["top3"]),
        ("MRR", report.mrr, None),
        ("abstention precision", report.abstention_precision, None),
        ("abstention recall", report.abstention_recall, TARGETS["abstention_recall"]),
        ("answered and right", report.answered_correctly, None),
        ("in-scope abstained", report.in_scope_abstained, None),
    ]
    for name, value, target in rows:
        goal = f"  (target >= {target:.2f})" if target is not None else ""
        print(f"  {name:<22} {value:.3f}{goal}")
    if verbose:
        for miss in report.misses:
            print(f"  miss: {miss['q']!r} expected {miss['expect']} got {miss['got']}")
        for item in report.answered_out_of_scope:
            print(f"  answered out of scope: {item['q']!r} -> {item['got']} ({item['score']})")
    if sweep:
        print("  threshold  out-of-scope abstained  in-scope abstained")
        steps = [round(0.30 + 0.025 * i, 3) for i in range(13)]
        for threshold, out_rate, in_rate in threshold_sweep(kb, eval_set, steps):
            print(f"  {threshold:9.3f}  {out_rate:22.3f}  {in_rate:18.3f}")
    failures = report.failures()
    for failure in failures:
        print(f"below target: {failure}")
    return 1 if check and failures else 0


def _feedback(settings: KbSettings, query_id: str, verdict: str) -> int:
    store = FeedbackStore(settings.database_url)
    if not store.record_feedback(query_id, verdict == "helpful"):
        raise KbError(f"no recorded question has the id {query_id!r}")
    print(f"recorded: {verdict} for {query_id}")
    return 0


def _gaps(settings: KbSettings, limit: int) -> int:
    gaps = FeedbackStore(settings.database_url).gaps(limit)
    if not gaps:
        print("no unanswered questions recorded")
        return 0
    print(f"{'asked':>5} {'unanswered':>10} {'unhelpful':>9}  question")
    for gap in gaps:
        print(f"{gap.asked:>5} {gap.unanswered:>10} {gap.not_helpful:>9}  {gap.question}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = KbSettings()
    try:
        if args.command == "build":
            return _build(settings, args.force)
        if args.command == "search":
            return _search(settings, args.question, args.k, not args.no_record)
        if args.command == "eval":
            return _eval(settings, args.check, args.verbose, args.sweep)
        if args.command == "feedback":
            return _feedback(settings, args.query_id, args.verdict)
        return _gaps(settings, args.limit)
    except KbError as exc:
        print(f"kb: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
