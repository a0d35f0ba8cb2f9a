"""Fraud sinks that also write `fraud.alert.created` to the webhook outbox.

The fraud service binds a database session for the duration of one scoring call
(`bound`); every alert raised during it is written to that session, so the alert and its
deliveries commit in the same transaction as the decisions that caused them, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from api.webhooks.service import publish
from fraud.config import FraudSettings
from fraud.reasons import Reason
from fraud.sinks import BlockAlert, InMemoryAlertSink, InMemoryReviewSink, ReviewCase

__all__ = ["AlertOutbox", "OutboxAlertSink", "OutboxReviewSink"]

ALERT_CREATED = "fraud.alert.created"


class AlertOutbox:
    """Holds the session of the scoring call in progress (scoring is serialised by a lock)."""

    def __init__(self, fraud_settings: FraudSettings) -> None:
        self.fraud_settings = fraud_settings
        self.session: Session | None = None

    @contextmanager
    def bound(self, session: Session) -> Iterator[None]:
        self.session = session
        try:
            yield
        finally:
            self.session = None

    def _risk_level(self, score: int) -> str:
        probability = score / 100
        if probability >= self.fraud_settings.highest_threshold:
            return "highest"
        if probability >= self.fraud_settings.elevated_threshold:
            return "elevated"
        return "normal"

    def write(
        self,
        decision: str,
        event_id: str,
        event_type: str,
        account: str | None,
        ts: str,
        score: int,
        reasons: tuple[Reason, ...],
    ) -> None:
        if self.session is None:
            return  # no database bound (the CLI, unit tests of the scorer)
        data: dict[str, Any] = {
            "alert_id": event_id,
            "decision": decision,
            "score": score,
            "risk_level": self._risk_level(score),
            "reasons": [reason.as_dict() for reason in reasons],
            "account": account,
            "event": {"id": event_id, "type": event_type, "ts": ts},
        }
        publish(self.session, ALERT_CREATED, data)


class OutboxAlertSink(InMemoryAlertSink):
    """Block alerts: kept in memory (account status) and written to the outbox."""

    def __init__(self, outbox: AlertOutbox, max_alerts: int = 10_000) -> None:
        super().__init__(max_alerts)
        self.outbox = outbox

    def raise_alert(self, alert: BlockAlert) -> None:
        self.outbox.write(
            "block",
            alert.event_id,
            alert.event_type,
            alert.account,
            alert.ts,
            alert.score,
            alert.reasons,
        )
        super().raise_alert(alert)


class OutboxReviewSink(InMemoryReviewSink):
    """Review cases: kept in memory (account status) and written to the outbox as alerts."""

    def __init__(self, outbox: AlertOutbox, max_cases: int = 10_000) -> None:
        super().__init__(max_cases)
        self.outbox = outbox

    def open_review(self, case: ReviewCase) -> None:
        self.outbox.write(
            "review",
            case.event_id,
            case.event_type,
            case.account,
            case.ts,
            case.score,
            case.reasons,
        )
        super().open_review(case)
