"""Quality figures of the assistant: held-out NLU evaluation and the end-to-end test stories.

    .venv/bin/python -m bot.evaluate [--model PATH] [--out DIR] [--check]

Runs Rasa (``.venv-rasa``) on the trained model: ``rasa test nlu`` on ``bot/tests/nlu_holdout.yml``
(never trained on) and ``rasa test core`` on the test stories ``bot/tests/test_*.yml``, then
prints intent accuracy, macro F1, F1 per intent, entity F1 and the stories that failed. With
``--check`` the exit status is 1 when a story fails or intent accuracy is under the target.
Trains first (into ``var/rasa/current.tar.gz``) when there is no model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]

BOT = Path(__file__).resolve().parent
ROOT = BOT.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
TARGET_ACCURACY = 0.95


def _rasa(*args: str, log: Path) -> float:
    start = time.perf_counter()
    with log.open("w") as handle:
        # The model's NLU pipeline uses bot.nlu_features: the repository root is on the path.
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [str(RASA), *args],
            cwd=BOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise SystemExit(f"rasa {args[0]} failed (exit {done.returncode}); log {log}:\n{tail}")
    return time.perf_counter() - start


def _default_model() -> Path:
    for candidate in (ROOT / "var" / "rasa" / "current.tar.gz", BOT / "models" / "current.tar.gz"):
        if candidate.exists():
            return candidate.resolve()
    return ROOT / "var" / "rasa" / "current.tar.gz"


def _story_count(paths: list[Path]) -> int:
    return sum(
        line.strip().startswith("- story:")
        for path in paths
        for line in path.read_text().splitlines()
    )


def _nlu_figures(out: Path) -> dict[str, Any]:
    intents = json.loads((out / "intent_report.json").read_text())
    per_intent = {
        name: round(values["f1-score"], 3)
        for name, values in sorted(intents.items())
        if isinstance(values, dict) and "support" in values and "avg" not in name
    }
    entity_reports = sorted(out.glob("*Extractor_report.json"))
    entities: dict[str, Any] = {}
    for report in entity_reports:
        data = json.loads(report.read_text())
        entities[report.stem.removesuffix("_report")] = {
            name: round(values["f1-score"], 3)
            for name, values in data.items()
            if isinstance(values, dict) and "f1-score" in values
        }
    return {
        "intent_accuracy": round(float(intents["accuracy"]), 4),
        "intent_macro_f1": round(float(intents["macro avg"]["f1-score"]), 4),
        "examples": int(intents["macro avg"]["support"]),
        "f1_per_intent": per_intent,
        "entity_f1": entities,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.evaluate", description=__doc__)
    parser.add_argument("--model", type=Path, default=None, help="trained model (.tar.gz)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bot" / "eval")
    parser.add_argument("--check", action="store_true", help="exit 1 below target")
    args = parser.parse_args(argv)
    if not RASA.exists():
        print(f"Rasa is not installed in {RASA.parent.parent} (run make setup)", file=sys.stderr)
        return 2
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    model: Path = (args.model or _default_model()).resolve()
    if not model.exists():
        seconds = _rasa(
            "train", "--domain", "domain", "--out", str(model.parent),
            "--fixed-model-name", model.name.removesuffix(".tar.gz"), log=out / "train.log",
        )  # fmt: skip
        print(f"trained {model} in {seconds:.0f} s")
    nlu_out, core_out = out / "nlu", out / "stories"
    nlu_seconds = _rasa(
        "test", "nlu", "--nlu", "tests/nlu_holdout.yml", "--model", str(model),
        "--out", str(nlu_out), log=out / "test-nlu.log",
    )  # fmt: skip
    core_seconds = _rasa(
        "test", "core", "--stories", "tests", "--model", str(model), "--out", str(core_out),
        log=out / "test-stories.log",
    )  # fmt: skip
    figures = _nlu_figures(nlu_out)
    story_files = sorted((BOT / "tests").glob("test_*.yml"))
    total = _story_count(story_files)
    failed_file = core_out / "failed_test_stories.yml"
    failed = _story_count([failed_file]) if failed_file.exists() else 0
    figures["stories"] = {"total": total, "passed": total - failed, "failed": failed}
    (out / "figures.json").write_text(json.dumps(figures, indent=2) + "\n")

    print(f"model: {model}")
    print(
        f"held-out NLU ({figures['examples']} examples, {nlu_seconds:.0f} s): intent accuracy "
        f"{figures['intent_accuracy']:.1%} (target {TARGET_ACCURACY:.0%}), "
        f"macro F1 {figures['intent_macro_f1']:.3f}"
    )
    print("F1 per intent:")
    for name, score in figures["f1_per_intent"].items():
        print(f"  {name:22} {score:.3f}")
    for extractor, scores in figures["entity_f1"].items():
        shown = ", ".join(f"{name} {score:.3f}" for name, score in scores.items())
        print(f"entity F1 ({extractor}): {shown}")
    print(f"test stories ({core_seconds:.0f} s): {total - failed}/{total} passed")
    if failed:
        print(f"failed stories: {failed_file}")
    print(f"reports: {out}")
    below = figures["intent_accuracy"] < TARGET_ACCURACY
    return 1 if args.check and (failed or below) else 0


if __name__ == "__main__":
    raise SystemExit(main())
