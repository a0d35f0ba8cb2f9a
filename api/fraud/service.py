"""The fraud service behind the endpoints: one :class:`fraud.scorer.Scorer`, shared with the
CLI, built on first use (never at import) and kept on ``app.state``."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session, sessionmaker
from xrpl.core.addresscodec import is_valid_classic_address

from api.errors import UpstreamUnavailable
from api.escalation.sinks import TicketReviewSink
from api.webhooks.sinks import AlertOutbox, OutboxAlertSink, OutboxReviewSink
from fraud.config import FraudSettings
from fraud.errors import EventRejected, PipelineIncompatible, PipelineNotFound
from fraud.events import Event, parse_event
from fraud.pipeline import FraudPipeline
from fraud.scorer import Decision, Scorer

__all__ = ["FraudPipelineUnavailable", "FraudService"]


class FraudPipelineUnavailable(UpstreamUnavailable):
    pass


class FraudService:
    """Scores posted events in arrival order; one lock keeps the feature state sequential."""

    def __init__(
        self,
        settings: FraudSettings | None = None,
        scorer: Scorer | None = None,
        session_factory: sessionmaker[Session] | None = None,
    ):
        self.settings = settings or FraudSettings()
        self._scorer = scorer
        self._lock = threading.Lock()
        # With a database, block and review alerts go to the webhook outbox in the same
        # transaction as the decisions (committed before the decisions are answered).
        self.session_factory = session_factory
        self.outbox = AlertOutbox(self.settings)
        # Review cases also open fraud_review tickets in the escalation queue, in that session.
        self.review_sink = TicketReviewSink(
            OutboxReviewSink(self.outbox), lambda: self.outbox.session
        )
        self.alert_sink = OutboxAlertSink(self.outbox)
        self._last_ts = float("-inf")

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            try:
                pipeline = FraudPipeline.load(self.settings.model_dir)
            except (PipelineNotFound, PipelineIncompatible) as exc:
                raise FraudPipelineUnavailable(exc.message) from None
            self._scorer = Scorer(pipeline, self.settings)
        if self._scorer.review_sink is None:
            self._scorer.review_sink = self.review_sink
        if self._scorer.alert_sink is None:
            self._scorer.alert_sink = self.alert_sink
        return self._scorer

    def score(self, payload: Any) -> list[Decision]:
        """Validate every event first (422 naming the field), then score them in order."""
        items = payload if isinstance(payload, list) else [payload]
        many = isinstance(payload, list)
        with self._lock:
            scorer = self.scorer
            events: list[Event] = []
            last_ts = self._last_ts
            errors: list[dict[str, Any]] = []
            for index, item in enumerate(items):
                loc: list[str | int] = ["body", index] if many else ["body"]
                try:
                    event = parse_event(item)
                except EventRejected as exc:
                    errors.append(_error(loc, exc.field, exc.reason))
                    continue
                if event.ts < last_ts:
                    reason = f"ts {event.ts_text} is before the previous event's time"
                    errors.append(_error(loc, "ts", reason))
                    continue
                last_ts = event.ts
                events.append(event)
            if errors:
                raise RequestValidationError(errors)
            self._last_ts = last_ts
            if self.session_factory is None:
                return scorer.score(events)
            with self.session_factory.begin() as session, self.outbox.bound(session):
                return scorer.score(events)

    def account_status(self, account: str) -> dict[str, Any]:
        if not is_valid_classic_address(account):
            raise RequestValidationError(
                [_error(["path"], "account", "not a valid classic XRP Ledger address")]
            )
        reviews = self.review_sink.open_reviews(account)
        blocked = sum(1 for alert in self.alert_sink.alerts if alert.account == account)
        if reviews:
            message = (
                "Some recent payments from your wallet are being checked by our team. "
                "This is a routine safety check and usually takes less than a day; "
                "you don't need to do anything, and we'll let you know if we need more "
                "information."
            )
        elif blocked:
            message = (
                "Your account is not under review, but we stopped "
                f"{'a payment' if blocked == 1 else f'{blocked} payments'} from your wallet "
                "that the ledger would not accept or that looked unsafe. Other payments "
                "go through normally."
            )
        else:
            message = (
                "Your account is not under review. Payments from your wallet are going "
                "through normally."
            )
        return {
            "account": account,
            "under_review": bool(reviews),
            "open_reviews": len(reviews),
            "blocked_payments": blocked,
            "message": message,
        }


def _error(loc: list[str | int], field: str | None, reason: str) -> dict[str, Any]:
    return {
        "loc": [*loc, field] if field else loc,
        "msg": reason,
        "type": "value_error",
    }
