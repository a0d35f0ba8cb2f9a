"""The fitted scikit-learn pipeline, its artifact on disk, and reasons in words.

One ``Pipeline`` (a histogram gradient-boosted classifier inside
``CalibratedClassifierCV`` with isotonic calibration) is the only thing trained,
evaluated and saved. The artifact is a directory::

    pipeline.skops   skops.io.dump of the Pipeline
    metadata.json    model_version, library versions, training data path and sha256,
                     metrics, feature list, baseline row, thresholds used at training

Loading checks the library versions first and refuses others with a clear message, then
loads with skops trusting exactly :data:`TRUSTED_TYPES`.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
import skops
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from fraud.errors import PipelineIncompatible, PipelineNotFound
from fraud.features import FEATURE_PHRASES, FEATURES
from fraud.reasons import Reason

__all__ = [
    "TRUSTED_TYPES",
    "FraudPipeline",
    "build_estimator",
    "library_versions",
]

PIPELINE_FILE = "pipeline.skops"
METADATA_FILE = "metadata.json"
# Types skops must instantiate for our pipeline; anything else in the file is refused.
TRUSTED_TYPES = [
    "builtins.dict",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.random.mtrand.RandomState",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.pipeline.Pipeline",
]
# Type-indicator features say what kind of event it is; they are not reasons.
_EXPLAINABLE = [i for i, name in enumerate(FEATURES) if not name.startswith("is_")]


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
    }


def build_estimator(seed: int = 0, max_iter: int = 250) -> Pipeline:
    booster = HistGradientBoostingClassifier(
        max_iter=max_iter,
        learning_rate=0.08,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        l2_regularization=1.0,
        random_state=seed,
    )
    calibrated = CalibratedClassifierCV(booster, method="isotonic", cv=3, ensemble=False)
    return Pipeline([("classifier", calibrated)])


@dataclass
class FraudPipeline:
    estimator: Pipeline
    metadata: dict[str, Any]

    @property
    def model_version(self) -> str:
        return str(self.metadata["model_version"])

    @property
    def baseline(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.metadata["baseline"], dtype=np.float64)

    def predict_proba(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if len(rows) == 0:
            return np.zeros(0)
        proba: npt.NDArray[np.float64] = self.estimator.predict_proba(rows)[:, 1]
        return proba

    def explain(
        self, rows: npt.NDArray[np.float64], probabilities: npt.NDArray[np.float64], top: int
    ) -> list[list[Reason]]:
        """Per row, the features whose value (against the legitimate baseline) raised the
        probability the most: the drop when each is set back to its baseline value."""
        if len(rows) == 0:
            return []
        baseline = self.baseline
        columns = np.array(_EXPLAINABLE)
        base = baseline[columns]
        values = rows[:, columns]
        # A feature already at its baseline value cannot raise the risk (its drop is 0):
        # only the others are perturbed and predicted again.
        same = (values == base) | (np.isnan(values) & np.isnan(base))
        row_of, feature_of = np.nonzero(~same)
        perturbed = rows[row_of]
        perturbed[np.arange(len(row_of)), columns[feature_of]] = base[feature_of]
        drops = np.zeros(values.shape)
        drops[row_of, feature_of] = probabilities[row_of] - self.predict_proba(perturbed)
        result: list[list[Reason]] = []
        for i in range(len(rows)):
            order = np.argsort(-drops[i])[:top]
            reasons = []
            for j in order:
                if drops[i, j] <= 0.005:
                    break
                name = FEATURES[_EXPLAINABLE[j]]
                value = rows[i, _EXPLAINABLE[j]]
                reasons.append(
                    Reason(
                        f"model_{name}",
                        f"{FEATURE_PHRASES[name].capitalize()} "
                        f"(value {value:.3g}; raises the risk by {drops[i, j] * 100:.0f} points).",
                    )
                )
            result.append(reasons)
        return result

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        sio.dump(self.estimator, directory / PIPELINE_FILE)
        (directory / METADATA_FILE).write_text(json.dumps(self.metadata, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path) -> FraudPipeline:
        meta_path = directory / METADATA_FILE
        if not meta_path.is_file() or not (directory / PIPELINE_FILE).is_file():
            raise PipelineNotFound(
                f"no trained pipeline in {directory}; run `fraud build-default` or `fraud train`"
            )
        metadata = json.loads(meta_path.read_text())
        saved = metadata.get("versions", {})
        current = library_versions()
        mismatched = [
            f"{name} {saved.get(name)} (installed {current[name]})"
            for name in ("scikit-learn", "skops", "numpy")
            if saved.get(name) != current[name]
        ]
        if mismatched:
            raise PipelineIncompatible(
                f"the pipeline in {directory} was saved under "
                + ", ".join(mismatched)
                + "; retrain it with `fraud train` (or `fraud build-default`)"
            )
        if list(metadata.get("features", [])) != list(FEATURES):
            raise PipelineIncompatible(
                f"the pipeline in {directory} was trained on another feature list; retrain it"
            )
        untrusted = set(sio.get_untrusted_types(file=directory / PIPELINE_FILE))
        unexpected = sorted(untrusted - set(TRUSTED_TYPES))
        if unexpected:
            raise PipelineIncompatible(
                f"the pipeline in {directory} contains types that are not trusted: "
                + ", ".join(unexpected)
            )
        estimator = sio.load(directory / PIPELINE_FILE, trusted=TRUSTED_TYPES)
        return cls(estimator, metadata)
