from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fraud.errors import PipelineIncompatible, PipelineNotFound
from fraud.features import FEATURES
from fraud.pipeline import FraudPipeline


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
