"""Where review cases and block alerts go: small protocols with in-memory defaults.

The escalation queue (tickets) and the webhook outbox implement these later.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from fraud.reasons import Reason

__all__ = [
    "AlertSink",
    "BlockAlert",
    "InMemoryAlertSink",
    "InMemoryReviewSink",
    "ReviewCase",
    "ReviewSink",
]


@dataclass(frozen=True, slots=True)
class ReviewCase:
    """Diagnostics for a human: reasons, driving features, channel state, recent events."""

    event_id: str
    event_type: str
    account: str | None
    ts: str
    score: int
    reasons: tuple[Reason, ...]
    features: dict[str, float]
    channel: dict[str, Any] | None
    recent_events: tuple[dict[str, Any], ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class BlockAlert:
    event_id: str
    event_type: str
    account: str | None
    ts: str
    score: int
    reasons: tuple[Reason, ...]


class ReviewSink(Protocol):
    def open_review(self, case: ReviewCase) -> None: ...

    def open_reviews(self, account: str) -> list[ReviewCase]: ...


class AlertSink(Protocol):
    def raise_alert(self, alert: BlockAlert) -> None: ...


class InMemoryReviewSink:
    def __init__(self, max_cases: int = 10_000) -> None:
        self.cases: deque[ReviewCase] = deque(maxlen=max_cases)

    def open_review(self, case: ReviewCase) -> None:
        self.cases.append(case)

    def open_reviews(self, account: str) -> list[ReviewCase]:
        return [case for case in self.cases if case.account == account]


class InMemoryAlertSink:
    def __init__(self, max_alerts: int = 10_000) -> None:
        self.alerts: deque[BlockAlert] = deque(maxlen=max_alerts)

    def raise_alert(self, alert: BlockAlert) -> None:
        self.alerts.append(alert)
