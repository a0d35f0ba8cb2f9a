from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from fraud.errors import PipelineIncompatible, PipelineNotFound
from fraud.events import EventReader
from fraud.features import FEATURES
from fraud.pipeline import _EXPLAINABLE, FraudPipeline
from fraud.scorer import Scorer


def test_artifact_carries_its_metadata(model_dir: Path, stream: Path) -> None:
    pipeline = FraudPipeline.load(model_dir)
    meta = pipeline.metadata
    assert meta["features"] == list(FEATURES)
    assert meta["training_data"]["path"] == str(stream)
    assert len(meta["training_data"]["sha256"]) == 64
    assert {"scikit-learn", "skops", "numpy"} <= set(meta["versions"])
    assert meta["metrics"]["labelled_events"] > 0


def test_refuses_other_library_versions(model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    meta = json.loads((copy / "metadata.json").read_text())
    meta["versions"]["scikit-learn"] = "0.24.2"
    (copy / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(PipelineIncompatible, match=r"scikit-learn 0\.24\.2 \(installed"):
        FraudPipeline.load(copy)


def test_missing_pipeline_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(PipelineNotFound, match="fraud build-default"):
        FraudPipeline.load(tmp_path)


def test_explanations_equal_perturbing_every_feature(model_dir: Path, stream: Path) -> None:
    """Skipping features already at their baseline changes no reason."""
    pipeline = FraudPipeline.load(model_dir)
    scorer = Scorer(pipeline)
    reader = EventReader()
    events = [i.event for i in reader.read(stream.read_bytes().splitlines()) if i.event]
    rows = [o.features for e in events[:4000] if (o := scorer.engine.observe(e)) is not None]
    matrix = np.array(rows[:400], dtype=np.float64)
    probabilities = pipeline.predict_proba(matrix)
    k = len(_EXPLAINABLE)
    perturbed = np.repeat(matrix, k, axis=0)
    for j, column in enumerate(_EXPLAINABLE):
        perturbed[j::k, column] = pipeline.baseline[column]
    drops = probabilities[:, None] - pipeline.predict_proba(perturbed).reshape(len(matrix), k)
    expected = [
        [f"model_{FEATURES[_EXPLAINABLE[j]]}" for j in np.argsort(-row)[:3] if row[j] > 0.005]
        for row in drops
    ]
    explained = pipeline.explain(matrix, probabilities, 3)
    assert [[r.code for r in reasons] for reasons in explained] == expected
    assert any(expected), "some rows have reasons"
