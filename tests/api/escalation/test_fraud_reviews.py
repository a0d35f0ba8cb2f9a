"""Events scored by the real fraud pipeline open fraud_review tickets in the same transaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from api.db import make_engine, migrate
from api.escalation.models import Ticket
from api.fraud.service import FraudService
from fraud.config import FraudSettings
from fraud.simulate import SimParams, write_stream
from fraud.train import train


@pytest.fixture(scope="module")
def scored_stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fraud_reviews")
    stream = root / "stream.jsonl"
    write_stream(SimParams(users=120, days=3, seed=3), stream)
    train(stream, root / "model", seed=0, max_iter=20)
    return stream, root / "model"


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_scoring_opens_one_review_ticket_per_reviewed_event(
    database_url: str, scored_stream: tuple[Path, Path]
) -> None:
    stream, model_dir = scored_stream
    engine = make_engine(database_url)
    try:
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        service = FraudService(FraudSettings(model_dir=model_dir), session_factory=factory)
        events = [json.loads(line) for line in stream.read_text().splitlines()]
        service.score(events)
        with factory() as session:
            tickets = session.scalars(select(Ticket).where(Ticket.kind == "fraud_review")).all()
            reviewed = {case.event_id for case in service.review_sink.cases}
            assert reviewed, "the simulated stream should produce review cases"
            assert {t.conversation_id for t in tickets} == {f"fraud:{e}" for e in reviewed}
            ticket = tickets[0]
            assert ticket.source == "fraud_service" and ticket.status == "open"
            assert ticket.diagnostics["fraud"]["reasons"]
            assert isinstance(ticket.diagnostics["fraud"]["score"], int)
    finally:
        engine.dispose()
