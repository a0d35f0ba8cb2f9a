from __future__ import annotations

import json
from pathlib import Path

from fraud.config import FraudSettings
from fraud.events import EventReader, format_ts
from fraud.pipeline import FraudPipeline
from fraud.rules import RulesEngine
from fraud.scorer import Scorer
from fraud.sinks import InMemoryAlertSink, InMemoryReviewSink


def _scorer(model_dir: Path, rules: Path) -> Scorer:
    settings = FraudSettings(model_dir=model_dir, rules_path=rules)
    return Scorer(
        FraudPipeline.load(model_dir),
        settings,
        rules=RulesEngine(rules),
        review_sink=InMemoryReviewSink(),
        alert_sink=InMemoryAlertSink(),
    )


def _events(stream: Path, limit: int = 3000):
    reader = EventReader()
    lines = stream.read_text().splitlines()[:limit]
    return [item.event for item in reader.read(lines) if item.event is not None]


def test_allow_rule_cannot_allow_what_the_ledger_rejects(
    model_dir: Path, stream: Path, tmp_path: Path
) -> None:
    events = _events(stream, 100_000)
    accounts = sorted({e.account for e in events if e.account})
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "everyone"\naction = "allow"\nfield = "account"\n'
        f"values = {json.dumps(accounts)}\n"
    )
    scorer = _scorer(model_dir, rules)
    decisions = scorer.score(events)
    by_id = {e.id: e for e in events}
    deterministic = [d for d in decisions if d.reasons[0].code.startswith(("claim_", "channel_"))]
    assert deterministic, "the stream has claims the ledger would reject"
    assert all(d.decision == "block" and d.score == 100 for d in deterministic)
    others = [d for d in decisions if d not in deterministic and by_id[d.event_id].type == "claim"]
    assert others and all(d.decision == "allow" for d in others)
    assert all(d.reasons[0].code == "rule_allow" for d in others)
    assert scorer.rules.ruleset.hit_counts()["everyone"] > 0
    assert len(scorer.alert_sink.alerts) == len(deterministic)  # type: ignore[union-attr]


def test_block_rule_on_a_device_blocks_and_raises_alerts(
    model_dir: Path, stream: Path, tmp_path: Path
) -> None:
    events = _events(stream)
    device = next(e.device_id for e in events if e.type == "claim" and e.device_id)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        f'[[rule]]\nname = "stolen-phone"\naction = "block"\nfield = "device"\n'
        f'values = ["{device}"]\nevent_types = ["claim"]\n'
    )
    scorer = _scorer(model_dir, rules)
    decisions = {d.event_id: d for d in scorer.score(events)}
    on_device = [e for e in events if e.type == "claim" and e.device_id == device]
    assert all(decisions[e.id].decision == "block" for e in on_device)
    assert any(decisions[e.id].reasons[0].code == "rule_block" for e in on_device)


def test_reviews_carry_diagnostics(model_dir: Path, stream: Path) -> None:
    settings = FraudSettings(model_dir=model_dir, review_threshold=0.05, block_threshold=1.0)
    sink = InMemoryReviewSink()
    scorer = Scorer(FraudPipeline.load(model_dir), settings, review_sink=sink)
    decisions = scorer.score(_events(stream, 100_000))
    reviewed = [d for d in decisions if d.decision == "review"]
    assert reviewed and len(sink.cases) == len(reviewed)
    case = next(c for c in sink.cases if c.event_type == "claim")
    assert case.reasons and case.reasons[0].detail
    assert case.channel is not None and case.channel["funded_drops"] > 0
    assert case.recent_events and case.recent_events[-1]["event_id"] == case.event_id
    assert "claim_increment_log" in case.features


def test_probabilities_map_to_scores_and_levels(model_dir: Path, stream: Path) -> None:
    scorer = Scorer(FraudPipeline.load(model_dir), FraudSettings(model_dir=model_dir))
    for decision in scorer.score(_events(stream)):
        assert decision.score == round(decision.probability * 100)
        assert decision.risk_level in {"normal", "elevated", "highest"}
        json.loads(decision.to_json())
        assert json.loads(decision.to_json()) == decision.as_dict()


def test_format_ts_round_trips() -> None:
    assert format_ts(1_772_323_200.5) == "2026-03-01T00:00:00.500Z"
