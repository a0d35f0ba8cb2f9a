"""``fraud evaluate``: how the decisions compare with the truth of a labelled stream.

The truth of an event is its ``scenario`` field when the stream has one (simulated
streams), else its ``outcome``; events with neither are left out. Figures: PR-AUC and
ROC-AUC of the probability, recall at a review budget (the top share of events by
probability), recall per scenario (share decided ``review`` or ``block``), false block
and false review rates over legitimate events and over legitimate claims.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

from fraud.simulate import DETERMINISTIC_SCENARIOS

__all__ = ["evaluate", "render_report"]


def _truth(events: Path) -> tuple[dict[str, str], dict[str, bool]]:
    scenarios: dict[str, str] = {}
    outcomes: dict[str, bool] = {}
    with events.open("rb") as handle:
        for line in handle:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if not isinstance(data, dict):
                continue
            if data.get("type") == "outcome":
                if isinstance(data.get("event_id"), str) and isinstance(data.get("fraud"), bool):
                    outcomes[data["event_id"]] = data["fraud"]
            elif isinstance(data.get("scenario"), str) and isinstance(data.get("id"), str):
                scenarios[data["id"]] = data["scenario"]
    return scenarios, outcomes


def evaluate(events: Path, scores: Path, out: Path, review_budget: float = 0.01) -> dict[str, Any]:
    scenarios, outcomes = _truth(events)
    probs: list[float] = []
    ys: list[int] = []
    per_scenario: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, flagged, blocked
    legit = {"events": 0, "blocked": 0, "reviewed": 0, "claims": 0, "claims_blocked": 0}
    with scores.open("rb") as handle:
        for line in handle:
            decision = json.loads(line)
            event_id = decision["event_id"]
            scenario = scenarios.get(event_id)
            if scenario is None:
                label = outcomes.get(event_id)
                if label is None:
                    continue
                scenario = "fraud (outcome)" if label else "legit"
            fraud = scenario != "legit"
            probs.append(float(decision["probability"]))
            ys.append(int(fraud))
            counts = per_scenario[scenario]
            counts[0] += 1
            counts[1] += decision["decision"] != "allow"
            counts[2] += decision["decision"] == "block"
            if not fraud:
                legit["events"] += 1
                legit["blocked"] += decision["decision"] == "block"
                legit["reviewed"] += decision["decision"] == "review"
                if decision["type"] == "claim":
                    legit["claims"] += 1
                    legit["claims_blocked"] += decision["decision"] == "block"
    y = np.array(ys)
    p = np.array(probs)
    if len(y) == 0 or y.min() == y.max():
        raise ValueError("evaluation needs both fraud and legitimate events with known truth")
    k = max(1, int(len(p) * review_budget))
    top = np.argsort(-p, kind="stable")[:k]
    metrics: dict[str, Any] = {
        "events": len(y),
        "fraud_events": int(y.sum()),
        "pr_auc": round(float(average_precision_score(y, p)), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "review_budget": review_budget,
        "recall_at_budget": round(float(y[top].sum() / y.sum()), 4),
        "false_block_rate": round(legit["blocked"] / max(legit["events"], 1), 5),
        "false_review_rate": round(legit["reviewed"] / max(legit["events"], 1), 5),
        "legit_claims_blocked_rate": round(legit["claims_blocked"] / max(legit["claims"], 1), 5),
        "deterministic_all_blocked": all(
            per_scenario[s][2] == per_scenario[s][0]
            for s in DETERMINISTIC_SCENARIOS
            if s in per_scenario
        ),
        "per_scenario": {
            name: {
                "events": n,
                "recall": round(flagged / n, 4) if name != "legit" else None,
                "flagged": flagged,
                "blocked": blocked,
            }
            for name, (n, flagged, blocked) in sorted(per_scenario.items())
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    _plot(y, p, metrics, out / "pr_curve.png")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out / "report.md").write_text(render_report(metrics, events, scores))
    return metrics


def _plot(y: np.ndarray, p: np.ndarray, metrics: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    precision, recall, _ = precision_recall_curve(y, p)
    figure, axis = plt.subplots(figsize=(5, 4))
    axis.plot(recall, precision)
    axis.set_xlabel("recall")
    axis.set_ylabel("precision")
    axis.set_title(f"PR curve (PR-AUC {metrics['pr_auc']})")
    axis.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def render_report(metrics: dict[str, Any], events: Path, scores: Path) -> str:
    lines = [
        "# Fraud evaluation",
        "",
        f"Events: `{events}`; decisions: `{scores}`.",
        "",
        f"- events with known truth: {metrics['events']} ({metrics['fraud_events']} fraud)",
        f"- PR-AUC: {metrics['pr_auc']}; ROC-AUC: {metrics['roc_auc']}",
        f"- recall at a {metrics['review_budget']:.1%} review budget: "
        f"{metrics['recall_at_budget']:.1%}",
        f"- false block rate: {metrics['false_block_rate']:.3%}; false review rate: "
        f"{metrics['false_review_rate']:.3%}; legitimate claims blocked: "
        f"{metrics['legit_claims_blocked_rate']:.3%}",
        f"- every deterministic-scenario event blocked: {metrics['deterministic_all_blocked']}",
        "",
        "| scenario | events | recall (review or block) | blocked |",
        "|---|---|---|---|",
    ]
    for name, row in metrics["per_scenario"].items():
        recall = "-" if row["recall"] is None else f"{row['recall']:.1%}"
        lines.append(f"| {name} | {row['events']} | {recall} | {row['blocked']} |")
    lines += ["", "![PR curve](pr_curve.png)", ""]
    return "\n".join(lines)
