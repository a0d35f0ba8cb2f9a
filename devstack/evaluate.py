"""`make eval`: the quality figures of every model in one run.

- the assistant: held-out NLU evaluation and the end-to-end test stories (`bot.evaluate`), and
  whole conversations through the running stack, judged for resolution and escalation
  (`devstack.conversations`: the blind set, the held-out set used once blind, the dev set);
- the knowledge base: top-1, top-3, MRR and abstention (`kb eval`);
- the fraud pipeline: a held-out stream from another seed with shifted parameters, scored by the
  default pipeline and evaluated (PR-AUC, recall per scenario, false block and review rates).
"""

from __future__ import annotations

import subprocess
import sys

from devstack.config import ROOT

__all__ = ["main"]

VENV = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "eval"


def _run(title: str, argv: list[str]) -> bool:
    print(f"\n== {title} ==", flush=True)
    return subprocess.run(argv, cwd=ROOT, check=False).returncode == 0


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    events = OUT / "fraud-heldout.jsonl"
    scores = OUT / "fraud-heldout-decisions.jsonl"
    steps = [
        (
            "assistant (Rasa): held-out NLU and test stories",
            [
                str(VENV / "python"),
                "-m",
                "bot.evaluate",
                "--model",
                str(ROOT / "var" / "rasa" / "current.tar.gz"),
                "--out",
                str(OUT / "bot"),
            ],
        ),
        *[
            (
                f"assistant, whole conversations through the stack: {name}",
                [
                    str(VENV / "python"),
                    "-m",
                    "devstack.conversations",
                    str(ROOT / "bot" / "eval" / f"conversations-{name}.yml"),
                    "--out",
                    str(OUT / f"conversations-{name}.json"),
                ],
            )
            for name in (
                "blind12",
                "blind11",
                "blind10",
                "blind9",
                "blind8",
                "blind7",
                "blind6",
                "blind5",
                "blind4",
                "blind3",
                "blind2",
                "blind",
                "test",
                "dev",
            )
        ],
        ("knowledge base retrieval", [str(VENV / "kb"), "eval"]),
        (
            "fraud: simulate a held-out stream (seed 2026, shifted parameters)",
            [
                str(VENV / "fraud"),
                "simulate",
                "--users",
                "4000",
                "--days",
                "7",
                "--seed",
                "2026",
                "--shift",
                "--out",
                str(events),
            ],
        ),
        (
            "fraud: score it with the default pipeline",
            [
                str(VENV / "fraud"),
                "score",
                "--model",
                str(ROOT / "var" / "fraud" / "model"),
                "--events",
                str(events),
                "--out",
                str(scores),
            ],
        ),
        (
            "fraud: evaluate",
            [
                str(VENV / "fraud"),
                "evaluate",
                "--events",
                str(events),
                "--scores",
                str(scores),
                "--out",
                str(OUT / "fraud"),
            ],
        ),
    ]
    failed = [title for title, argv in steps if not _run(title, argv)]
    if failed:
        print("\nfailed: " + "; ".join(failed), file=sys.stderr)
        return 1
    print(f"\nreports in {OUT}")
    return 0
