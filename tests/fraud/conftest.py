"""A small simulated stream and a pipeline trained on it, shared by the fraud tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fraud.simulate import SimParams, write_stream
from fraud.train import train


@pytest.fixture(scope="session")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fraud") / "stream.jsonl"
    write_stream(SimParams(users=120, days=3, seed=3), path)
    return path


@pytest.fixture(scope="session")
def model_dir(stream: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fraud") / "model"
    train(stream, out, seed=0, max_iter=40)
    return out
