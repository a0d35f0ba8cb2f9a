"""``fraud train``: features from a labelled stream, one calibrated pipeline, metadata.

Labels are the stream's ``outcome`` events (the last one per event wins). Features are
computed in stream order exactly as the scorer computes them, so an outcome only informs
events after its own time. Claims the deterministic checks block never reach the model
and are left out. Labelled legitimate events are weighted so that the weighted fraud
share equals the stream's (fraud outcomes / scored events), which keeps the calibrated
probability a probability over all traffic rather than over the reviewed sample.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score

from fraud.events import EventReader
from fraud.features import FEATURES, FeatureEngine
from fraud.pipeline import FraudPipeline, build_estimator, library_versions
from fraud.store import InMemoryStore

__all__ = ["TrainingSet", "build_training_set", "file_sha256", "train"]


@dataclass
class TrainingSet:
    rows: npt.NDArray[np.float64]
    labels: npt.NDArray[np.int64]
    times: npt.NDArray[np.float64]
    scored: int
    rejected: int


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _labels(path: Path) -> dict[str, bool]:
    labels: dict[str, bool] = {}
    reader = EventReader()
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if b'"outcome"' not in line:
                continue
            item = reader.accept(json.loads(line), number)
            if item.event is not None and item.event.type == "outcome":
                labels[item.event.event_id or ""] = bool(item.event.fraud)
    return labels


def build_training_set(path: Path) -> TrainingSet:
    labels = _labels(path)
    engine = FeatureEngine(InMemoryStore())
    reader = EventReader()
    rows: list[list[float]] = []
    ys: list[int] = []
    times: list[float] = []
    scored = 0
    with path.open("rb") as handle:
        for item in reader.read(handle):
            if item.event is None:
                continue
            obs = engine.observe(item.event)
            if obs is None or obs.check_reasons:
                continue
            scored += 1
            label = labels.get(item.event.id)
            if label is not None:
                rows.append(obs.features)
                ys.append(int(label))
                times.append(item.event.ts)
    matrix = np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    return TrainingSet(matrix, np.array(ys), np.array(times), scored, reader.rejected)


def _weights(labels: npt.NDArray[np.int64], scored: int) -> npt.NDArray[np.float64]:
    positives = int(labels.sum())
    negatives = len(labels) - positives
    prevalence = max(positives / max(scored, 1), 1e-6)
    weight = positives * (1 - prevalence) / prevalence / max(negatives, 1)
    return np.where(labels == 1, 1.0, max(weight, 1.0))


def train(events: Path, out: Path, seed: int = 0, max_iter: int = 250) -> dict[str, Any]:
    """Train, evaluate on the latest fifth of the labelled events, refit on all, save."""
    data = build_training_set(events)
    positives = int(data.labels.sum())
    if positives < 10 or len(data.labels) - positives < 10:
        raise ValueError(
            f"{events} has {positives} fraud and {len(data.labels) - positives} legitimate "
            "labelled events; at least 10 of each are needed"
        )
    order = np.argsort(data.times, kind="stable")
    cut = int(len(order) * 0.8)
    train_idx, test_idx = order[:cut], order[cut:]
    weights = _weights(data.labels, data.scored)
    holdout = build_estimator(seed, max_iter)
    holdout.fit(
        data.rows[train_idx],
        data.labels[train_idx],
        classifier__sample_weight=weights[train_idx],
    )
    metrics: dict[str, Any] = {"labelled_events": len(data.labels), "fraud_labels": positives}
    y_test = data.labels[test_idx]
    if 0 < y_test.sum() < len(y_test):
        proba = holdout.predict_proba(data.rows[test_idx])[:, 1]
        metrics["holdout_pr_auc"] = round(float(average_precision_score(y_test, proba)), 4)
        metrics["holdout_roc_auc"] = round(float(roc_auc_score(y_test, proba)), 4)
        metrics["holdout_events"] = len(test_idx)
    estimator = build_estimator(seed, max_iter)
    estimator.fit(data.rows, data.labels, classifier__sample_weight=weights)
    legit = data.rows[data.labels == 0]
    with np.errstate(all="ignore"):
        baseline = (
            [float(v) if v == v else None for v in np.nanmedian(legit, axis=0)]
            if len(legit)
            else [None] * len(FEATURES)
        )
    now = datetime.now(UTC)
    metadata: dict[str, Any] = {
        "model_version": now.strftime("%Y-%m-%d.%H%M%S"),
        "created_at": now.isoformat(timespec="seconds"),
        "versions": library_versions(),
        "training_data": {
            "path": str(events),
            "sha256": file_sha256(events),
            "scored_events": data.scored,
            "rejected_lines": data.rejected,
        },
        "metrics": metrics,
        "features": list(FEATURES),
        "baseline": [v if v is not None else float("nan") for v in baseline],
        "estimator": "Pipeline(CalibratedClassifierCV(HistGradientBoostingClassifier, "
        "method='isotonic', cv=3, ensemble=False))",
        "seed": seed,
        "max_iter": max_iter,
    }
    FraudPipeline(estimator, metadata).save(out)
    return metadata
