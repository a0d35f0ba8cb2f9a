"""Retrieval quality: top-1, top-3, MRR and abstention, on the dev and the blind test set.

The dev set (questions.yaml, out_of_scope.yaml) is what retrieval was tuned on; the test set
(test_questions.yaml, test_out_of_scope.yaml) was written blind and never tuned on, so its figures
are the ones that count against the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.errors import EvalSetInvalid
from knowledge_base.search import KnowledgeBase

__all__ = [
    "DEV",
    "TARGETS",
    "TEST",
    "EvalReport",
    "EvalSet",
    "evaluate",
    "load_eval_set",
    "threshold_sweep",
]

# The targets: ranking quality on in-scope questions, abstention on out-of-scope ones.
TARGETS = {"top1": 0.90, "top3": 0.97, "abstention_recall": 0.90}
_MRR_DEPTH = 10
# File name prefixes of the two sets in the eval directory.
DEV = ""
TEST = "test_"


@dataclass(frozen=True, slots=True)
class EvalSet:
    questions: list[tuple[str, str]]
    out_of_scope: list[str]


@dataclass(slots=True)
class EvalReport:
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    mrr: float
    abstention_precision: float
    abstention_recall: float
    answered_correctly: float
    in_scope_abstained: float
    threshold: float
    lexical_weight: float
    misses: list[dict[str, Any]] = field(default_factory=list)
    answered_out_of_scope: list[dict[str, Any]] = field(default_factory=list)

    def failures(self) -> list[str]:
        """The targets this report misses, in words."""
        return [
            f"{name} {getattr(self, name):.3f} is below the target {target:.2f}"
            for name, target in TARGETS.items()
            if getattr(self, name) < target
        ]

    def summary(self) -> dict[str, float | int]:
        keys = (
            "in_scope",
            "out_of_scope",
            "top1",
            "top3",
            "mrr",
            "abstention_precision",
            "abstention_recall",
            "answered_correctly",
            "in_scope_abstained",
            "threshold",
            "lexical_weight",
        )
        return {key: getattr(self, key) for key in keys}


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvalSetInvalid(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise EvalSetInvalid(f"{path.name} is not valid YAML: {exc}") from None


def load_eval_set(
    directory: Path, known_articles: set[str] | None = None, prefix: str = DEV
) -> EvalSet:
    """`prefix` DEV for questions.yaml + out_of_scope.yaml, TEST for the test_ files."""
    questions_name, oos_name = f"{prefix}questions.yaml", f"{prefix}out_of_scope.yaml"
    raw_questions = _load_yaml(directory / questions_name)
    raw_oos = _load_yaml(directory / oos_name)
    if not isinstance(raw_questions, list) or not isinstance(raw_oos, list):
        raise EvalSetInvalid(f"both eval files in {directory} must be YAML lists")
    questions = []
    for number, item in enumerate(raw_questions, start=1):
        if not isinstance(item, dict) or not {"q", "expect"} <= item.keys():
            raise EvalSetInvalid(f"{questions_name} item {number} needs q and expect")
        expected = str(item["expect"])
        if known_articles is not None and expected not in known_articles:
            raise EvalSetInvalid(f"{questions_name} item {number} expects unknown {expected!r}")
        questions.append((str(item["q"]), expected))
    return EvalSet(questions, [str(q) for q in raw_oos])


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def evaluate(kb: KnowledgeBase, eval_set: EvalSet) -> EvalReport:
    top1 = top3 = answered_right = abstained_in = 0
    reciprocal = 0.0
    misses = []
    for question, expected in eval_set.questions:
        result = kb.search(question, k=_MRR_DEPTH)
        ranked = [hit.article_id for hit in result.hits]
        rank = ranked.index(expected) + 1 if expected in ranked else None
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        answered_right += rank == 1 and result.confident
        abstained_in += not result.confident
        if rank != 1:
            misses.append({"q": question, "expect": expected, "got": ranked[:3], "rank": rank})
    abstained_oos = 0
    answered_oos = []
    for question in eval_set.out_of_scope:
        result = kb.search(question, k=1)
        if result.confident:
            answered_oos.append(
                {"q": question, "got": result.hits[0].article_id, "score": result.hits[0].score}
            )
        else:
            abstained_oos += 1
    n_in, n_out = len(eval_set.questions), len(eval_set.out_of_scope)
    return EvalReport(
        in_scope=n_in,
        out_of_scope=n_out,
        top1=_ratio(top1, n_in),
        top3=_ratio(top3, n_in),
        mrr=reciprocal / n_in if n_in else 0.0,
        abstention_precision=_ratio(abstained_oos, abstained_oos + abstained_in),
        abstention_recall=_ratio(abstained_oos, n_out),
        answered_correctly=_ratio(answered_right, n_in),
        in_scope_abstained=_ratio(abstained_in, n_in),
        threshold=kb.settings.confidence_threshold,
        lexical_weight=kb.settings.lexical_weight,
        misses=misses,
        answered_out_of_scope=answered_oos,
    )


def threshold_sweep(
    kb: KnowledgeBase, eval_set: EvalSet, thresholds: list[float]
) -> list[tuple[float, float, float]]:
    """(threshold, out-of-scope abstained, in-scope abstained) for each threshold."""
    in_scores = [kb.search(q, k=1).hits[0].score for q, _ in eval_set.questions]
    out_scores = [kb.search(q, k=1).hits[0].score for q in eval_set.out_of_scope]
    rows = []
    for threshold in thresholds:
        out_abstained = sum(score < threshold for score in out_scores) / len(out_scores)
        in_abstained = sum(score < threshold for score in in_scores) / len(in_scores)
        rows.append((threshold, out_abstained, in_abstained))
    return rows
