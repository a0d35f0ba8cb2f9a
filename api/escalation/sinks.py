"""A fraud ``ReviewSink`` that opens review tickets in the escalation queue.

It writes to the database session bound for the scoring call in progress (the fraud service
scores under one lock inside one transaction), so a review ticket commits with the decision
that caused it, or not at all. It wraps another sink, which keeps answering account-status
questions from memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from api.escalation import repository, service
from api.escalation.config import EscalationSettings
from api.escalation.schemas import Diagnostics, EscalationRequest, UserInfo
from fraud.sinks import ReviewCase, ReviewSink

__all__ = ["TicketReviewSink", "review_request"]


def review_request(case: ReviewCase) -> EscalationRequest:
    """The escalation a review case becomes: its diagnostics laid out for an agent."""
    reasons = [{"code": r.code, "detail": r.detail} for r in case.reasons]
    words = "; ".join(r.detail for r in case.reasons) or "no reason recorded"
    return EscalationRequest(
        conversation_id=f"fraud:{case.event_id}"[:128],
        source="fraud_service",
        kind="fraud_review",
        priority_hint="high" if case.score >= 75 else "normal",
        summary=f"Fraud review of {case.event_type} {case.event_id} (score {case.score}): {words}",
        user=UserInfo(wallets=[case.account] if case.account else []),
        diagnostics=Diagnostics(
            account_overview={"account": case.account} if case.account else None,
            channels=[case.channel] if case.channel else [],
            transactions=list(case.recent_events),
            fraud={
                "score": case.score,
                "reasons": reasons,
                "features": case.features,
                "event": {"id": case.event_id, "type": case.event_type, "ts": case.ts},
            },
        ),
    )


class TicketReviewSink:
    """Opens one ``fraud_review`` ticket per review case, then passes the case on."""

    def __init__(
        self,
        inner: ReviewSink,
        session_source: Callable[[], Session | None],
        settings: EscalationSettings | None = None,
    ) -> None:
        self.inner = inner
        self.session_source = session_source
        self.settings = settings or EscalationSettings()

    def open_review(self, case: ReviewCase) -> None:
        session = self.session_source()
        if session is not None:
            request = review_request(case)
            if repository.latest_ticket_for_conversation(session, request.conversation_id) is None:
                service.open_ticket(session, request, self.settings, actor="fraud_service")
        self.inner.open_review(case)

    def open_reviews(self, account: str) -> list[ReviewCase]:
        return self.inner.open_reviews(account)

    @property
    def cases(self) -> Sequence[ReviewCase]:
        """The cases the wrapped sink keeps in memory, if it keeps any."""
        cases: Sequence[ReviewCase] = getattr(self.inner, "cases", ())
        return cases
