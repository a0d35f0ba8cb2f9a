"""`kb` console entry point: build, search, eval, feedback, gaps."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from knowledge_base.config import KbSettings
from knowledge_base.errors import KbError
from knowledge_base.feedback import FeedbackStore

if TYPE_CHECKING:
    from knowledge_base.evaluate import EvalSet
    from knowledge_base.search import KnowledgeBase

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
    evaluate = commands.add_parser(
        "eval", help="top-1, top-3, MRR and abstention: test and dev sets"
    )
    evaluate.add_argument(
        "--check", action="store_true", help="exit 1 when the test set is under target"
    )
    evaluate.add_argument("--verbose", action="store_true", help="list every miss")
    evaluate.add_argument(
        "--sweep", action="store_true", help="abstention per threshold on the dev set"
    )
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
    from knowledge_base.evaluate import DEV, TARGETS, TEST, evaluate, load_eval_set
    from knowledge_base.search import KnowledgeBase

    kb = KnowledgeBase(settings)
    known = set(kb.articles)
    dev_set = load_eval_set(settings.eval_dir, known, DEV)
    dev, test = evaluate(kb, dev_set), evaluate(kb, load_eval_set(settings.eval_dir, known, TEST))
    print("test: blind set, never tuned on (the headline); dev: the set retrieval was tuned on")
    print(f"threshold {test.threshold:.3f}, lexical weight {test.lexical_weight:.2f}")
    print(f"  {'':<22} {'test':>6} {'dev':>6}")
    print(f"  {'in-scope questions':<22} {test.in_scope:>6} {dev.in_scope:>6}")
    print(f"  {'out-of-scope questions':<22} {test.out_of_scope:>6} {dev.out_of_scope:>6}")
    rows = [
        ("top-1", "top1"),
        ("top-3", "top3"),
        ("MRR", "mrr"),
        ("abstention precision", "abstention_precision"),
        ("abstention recall", "abstention_recall"),
        ("answered and right", "answered_correctly"),
        ("in-scope abstained", "in_scope_abstained"),
    ]
    for name, key in rows:
        target = TARGETS.get(key)
        goal = f"  (target >= {target:.2f})" if target is not None else ""
        print(f"  {name:<22} {getattr(test, key):6.3f} {getattr(dev, key):6.3f}{goal}")
    if verbose:
        for label, report in (("test", test), ("dev", dev)):
            for miss in report.misses:
                print(f"  {label} miss: {miss['q']!r} expected {miss['expect']} got {miss['got']}")
            for item in report.answered_out_of_scope:
                print(
                    f"  {label} answered out of scope: {item['q']!r} -> {item['got']} "
                    f"({item['score']})"
                )
    if sweep:
        _sweep(kb, dev_set)
    failures = test.failures()
    for failure in failures:
        print(f"below target on the test set: {failure}")
    return 1 if check and failures else 0


def _sweep(kb: KnowledgeBase, dev_set: EvalSet) -> None:
    from knowledge_base.evaluate import threshold_sweep

    print("  dev set: threshold  out-of-scope abstained  in-scope abstained")
    steps = [round(0.30 + 0.025 * i, 3) for i in range(13)]
    for threshold, out_rate, in_rate in threshold_sweep(kb, dev_set, steps):
        print(f"  {threshold:18.3f}  {out_rate:22.3f}  {in_rate:18.3f}")


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
