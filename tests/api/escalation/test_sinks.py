"""The fraud service's review cases become fraud_review tickets with their diagnostics."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, migrate
from api.escalation.config import EscalationSettings
from api.escalation.service import list_queue, ticket_detail
from api.escalation.sinks import TicketReviewSink
from fraud.reasons import Reason
from fraud.sinks import InMemoryReviewSink, ReviewCase

ACCOUNT = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"


def _case() -> ReviewCase:
    return ReviewCase(
        event_id="ev_42",
        event_type="claim",
        account=ACCOUNT,
        ts="2026-11-24T10:00:00Z",
        score=81,
        reasons=(Reason("channel_expired", "The claim came after the channel's expiration."),),
        features={"claims_last_hour": 14.0},
        channel={"channel_id": "AB" * 32, "amount": "5000000", "balance": "4900000"},
        recent_events=({"id": "ev_41", "type": "claim", "amount": "1000"},),
    )


def test_review_cases_open_one_ticket_each_with_diagnostics(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        bound: list[Session] = []
        inner = InMemoryReviewSink()
        sink = TicketReviewSink(inner, lambda: bound[0] if bound else None)
        settings = EscalationSettings(_env_file=None)

        with factory.begin() as session:
            bound.append(session)
            sink.open_review(_case())
            sink.open_review(_case())  # the same case again: no second ticket
        bound.clear()
        sink.open_review(_case())  # no database bound: memory only

        with factory() as session:
            queue = list_queue(session, settings)
            assert len(queue) == 1
            ticket = ticket_detail(session, settings, queue[0].ticket_id)
    finally:
        engine.dispose()
    assert (ticket.source, ticket.kind, ticket.status) == ("fraud_service", "fraud_review", "open")
    assert (ticket.priority, ticket.priority_score) == ("high", 72.0)  # 25 + 81 * 0.4 + 15
    assert "score 81" in ticket.summary and "expiration" in ticket.summary
    assert ticket.diagnostics["fraud"]["reasons"][0]["code"] == "channel_expired"
    assert ticket.diagnostics["channels"][0]["balance"] == "4900000"
    assert ticket.diagnostics["transactions"] == [
        {"id": "ev_41", "type": "claim", "amount": "1000"}
    ]
    assert ticket.user["wallets"] == [ACCOUNT]
    assert ticket.conversation_owner is None
    assert len(sink.cases) == 3 and sink.open_reviews(ACCOUNT)
