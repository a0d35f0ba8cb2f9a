"""Ticket priority: a base score from what the ticket is about, plus time waiting.

Base score (each part says why in ``reasons``):

- the kind of issue (fraud and account security first, browser questions last);
- fraud severity: the fraud score (0-100) from the diagnostics, 0.4 point per score point;
- the user's value to the platform: what they paid over the last 30 days, in drops;
- the hint the sender gave (``urgent`` +30, ``high`` +15, ``low`` -5);
- money or an account at risk (fraud, disputes, security, complaints) is at least high.

Time waiting adds one point per ``aging_minutes_per_point``. Labels: 80+ urgent, 50+ high,
15+ normal, below low.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = ["BasePriority", "base_priority", "label_for", "live_priority", "rank_at"]

KIND_POINTS: dict[str, int] = {
    "fraud_report": 35,
    "account_security": 35,
    "dispute": 30,
    "fraud_review": 25,
    "complaint": 20,
    "ledger_unavailable": 20,
    "wallet_connection": 20,
    "human_request": 20,
    "fallback": 15,
    "browser": 10,
    "other": 10,
}
HINT_POINTS: dict[str, int] = {"urgent": 30, "high": 15, "normal": 0, "low": -5}
# (minimum paid over 30 days in drops, points): 1,000 XRP, 100 XRP, 10 XRP.
# Kinds where money or an account is at risk are never below high.
HIGH_FLOOR_KINDS = frozenset(
    {"fraud_report", "dispute", "account_security", "fraud_review", "complaint"}
)
HIGH_FLOOR = 50
VALUE_TIERS: tuple[tuple[int, int], ...] = (
    (1_000_000_000, 20),
    (100_000_000, 12),
    (10_000_000, 6),
)


@dataclass(frozen=True, slots=True)
class BasePriority:
    score: int
    reasons: list[str]


def label_for(score: float) -> str:
    if score >= 80:
        return "urgent"
    if score >= 50:
        return "high"
    if score >= 15:
        return "normal"
    return "low"


def _fraud_score(diagnostics: dict[str, Any]) -> int | None:
    fraud = diagnostics.get("fraud")
    if not isinstance(fraud, dict):
        return None
    score = fraud.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        return None
    return max(0, min(100, int(score)))


def _paid_30d_drops(diagnostics: dict[str, Any]) -> int | None:
    overview = diagnostics.get("account_overview")
    raw = overview.get("paid_30d_drops") if isinstance(overview, dict) else None
    if raw is None:
        raw = diagnostics.get("user_value_drops")
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return None


def base_priority(kind: str, hint: str, diagnostics: dict[str, Any]) -> BasePriority:
    kind_points = KIND_POINTS.get(kind, 10)
    score = kind_points
    reasons = [f"{kind.replace('_', ' ')} (+{kind_points})"]
    fraud = _fraud_score(diagnostics)
    if fraud is not None and fraud > 0:
        points = round(fraud * 0.4)
        score += points
        reasons.append(f"fraud score {fraud} (+{points})")
    paid = _paid_30d_drops(diagnostics)
    if paid is not None:
        for threshold, points in VALUE_TIERS:
            if paid >= threshold:
                score += points
                reasons.append(f"paid {paid // 1_000_000} XRP in 30 days (+{points})")
                break
    hint_points = HINT_POINTS.get(hint, 0)
    if hint_points:
        score += hint_points
        reasons.append(f"marked {hint} ({hint_points:+d})")
    if kind in HIGH_FLOOR_KINDS and score < HIGH_FLOOR:
        reasons.append(f"money or account at risk: raised to {HIGH_FLOOR}")
        score = HIGH_FLOOR
    return BasePriority(score=score, reasons=reasons)


def rank_at(created_at: datetime, score: int, aging_minutes_per_point: float) -> datetime:
    """The queue orders by this ascending: equal to ordering by score + time waiting."""
    return created_at - timedelta(minutes=score * aging_minutes_per_point)


def live_priority(
    score: int,
    reasons: list[str],
    created_at: datetime,
    now: datetime,
    aging_minutes_per_point: float,
) -> tuple[float, str, list[str]]:
    waited_minutes = max(0.0, (now - created_at).total_seconds() / 60)
    aging = waited_minutes / aging_minutes_per_point
    live = score + aging
    all_reasons = list(reasons)
    if aging >= 1:
        all_reasons.append(f"waiting {int(waited_minutes)} min (+{int(aging)})")
    return round(live, 1), label_for(live), all_reasons
