from __future__ import annotations

import gc
import io
import json
from pathlib import Path

import pytest

from fraud.cli import main, score_file
from fraud.config import FraudSettings
from fraud.pipeline import FraudPipeline
from fraud.scorer import Scorer
from fraud.simulate import DETERMINISTIC_SCENARIOS


def test_score_streams_decisions_and_reports_bad_lines(
    model_dir: Path, stream: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    lines = stream.read_text().splitlines()
    lines.insert(5, "{broken")
    lines.insert(9, json.dumps({"id": "x", "type": "claim", "ts": "2026-03-01T00:00:00Z"}))
    events.write_text("\n".join(lines) + "\n")
    out, rejects = tmp_path / "scores.jsonl", tmp_path / "rejects.jsonl"
    code = main(
        [
            "score",
            "--model",
            str(model_dir),
            "--events",
            str(events),
            "--out",
            str(out),
            "--rejects",
            str(rejects),
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    bad = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(b["line"], b["field"]) for b in bad] == [(6, None), (10, "channel_id")]
    assert summary["rejected"] == 2
    decisions = [json.loads(line) for line in out.read_text().splitlines()]
    scored_types = {"claim", "channel.created", "wallet.linked", "account.funded"}
    truth = {}
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") in scored_types and event["id"] != "x":  # "x" is rejected
            truth[event["id"]] = event.get("scenario")
    assert [d["event_id"] for d in decisions] == list(truth)
    assert summary["scored"] == len(decisions)
    assert summary["allow"] + summary["review"] + summary["block"] == len(decisions)
    for decision in decisions:
        assert 0 <= decision["score"] <= 100
        assert decision["reasons"] and decision["reasons"][0]["detail"]
        if truth[decision["event_id"]] in DETERMINISTIC_SCENARIOS:
            assert decision["decision"] == "block"


def test_evaluate_writes_report_and_plot(
    model_dir: Path, stream: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.jsonl"
    main(["score", "--model", str(model_dir), "--events", str(stream), "--out", str(out)])
    report = tmp_path / "report"
    assert (
        main(["evaluate", "--events", str(stream), "--scores", str(out), "--out", str(report)]) == 0
    )
    text = (report / "report.md").read_text()
    assert "PR-AUC" in text and "| sybil_farm |" in text
    assert (report / "pr_curve.png").read_bytes()[:4] == b"\x89PNG"
    metrics = json.loads((report / "metrics.json").read_text())
    assert metrics["deterministic_all_blocked"] is True
    assert metrics["pr_auc"] > 0.5


def test_bad_model_dir_is_a_clear_error(
    tmp_path: Path, stream: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "score",
            "--model",
            str(tmp_path),
            "--events",
            str(stream),
            "--out",
            str(tmp_path / "o.jsonl"),
        ]
    )
    assert code == 1
    assert "no trained pipeline" in capsys.readouterr().err


def test_scoring_restores_the_garbage_collector_thresholds(
    model_dir: Path, stream: Path, tmp_path: Path
) -> None:
    before = gc.get_threshold()
    settings = FraudSettings(model_dir=model_dir, score_gc_threshold=50_000)
    scorer = Scorer(FraudPipeline.load(model_dir), settings)
    lines = stream.read_bytes().splitlines(keepends=True)[:500]
    summary = score_file(scorer, lines, io.StringIO(), io.StringIO(), progress=False)
    assert summary["lines"] == 500 and summary["scored"] > 0
    assert gc.get_threshold() == before
