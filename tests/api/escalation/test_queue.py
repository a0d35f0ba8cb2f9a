"""The escalation queue: priorities, SLA, lifecycle, audit trail, and the claim race."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from api.db import make_engine, migrate
from api.escalation import repository
from api.escalation.bench import claim_race, seed_tickets
from api.escalation.config import EscalationSettings
from api.escalation.priority import base_priority, live_priority
from api.escalation.service import utcnow
from tests.api.desk import add_agent, escalate


def test_priority_reflects_fraud_kind_value_and_waiting_time() -> None:
    routine = base_priority("browser", "normal", {})
    risky = base_priority(
        "fraud_report",
        "normal",
        {"fraud": {"score": 90}, "account_overview": {"paid_30d_drops": "2000000000"}},
    )
    assert routine.score < risky.score
    assert any("fraud score 90" in reason for reason in risky.reasons)
    assert any("paid 2000 XRP" in reason for reason in risky.reasons)

    created = utcnow()
    fresh, _, _ = live_priority(routine.score, routine.reasons, created, created, 6.0)
    later = created + timedelta(hours=5)
    aged, label, reasons = live_priority(routine.score, routine.reasons, created, later, 6.0)
    assert aged == pytest.approx(fresh + 50)
    assert label == "high"
    assert "waiting 300 min (+50)" in reasons


def test_queue_lists_most_urgent_first_with_reasons_and_sla(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    escalate(desk, service_headers, "conv_browser", kind="browser")
    urgent = escalate(
        desk,
        service_headers,
        "conv_fraud",
        kind="fraud_report",
        diagnostics={"fraud": {"score": 95}},
    )
    rows = desk.get("/tickets", headers=admin).json()
    assert [row["conversation_id"] for row in rows] == ["conv_fraud", "conv_browser"]
    top = rows[0]
    assert top["ticket_id"] == urgent and top["priority"] == "high"
    assert top["priority_score"] == 73  # fraud report 35 + fraud score 95 * 0.4
    assert "fraud score 95 (+38)" in top["priority_reasons"]
    assert top["first_response_due"] < rows[1]["first_response_due"]
    assert top["first_response_breached"] is False

    only_fraud = desk.get("/tickets", params={"kind": "fraud_report"}, headers=admin).json()
    assert [row["ticket_id"] for row in only_fraud] == [urgent]
    assert desk.get("/tickets", params={"priority": "low"}, headers=admin).json()[0]["kind"] == (
        "browser"
    )


def test_sla_breach_is_flagged_when_the_due_time_has_passed(
    desk: TestClient,
    admin: dict[str, str],
    service_headers: dict[str, str],
    escalation_settings: EscalationSettings,
) -> None:
    escalation_settings.first_response_minutes["low"] = 0
    escalate(desk, service_headers, "conv_slow", kind="browser")
    row = desk.get("/tickets", headers=admin).json()[0]
    assert row["priority"] == "low"
    assert row["first_response_breached"] is True
    assert row["resolution_breached"] is False


def test_claim_release_transfer_resolve_with_audit_trail_and_notes(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    alice = add_agent(desk, admin, "alice")
    bob = add_agent(desk, admin, "bob")
    ticket_id = escalate(desk, service_headers, "conv_life")

    claimed = desk.post("/tickets/claim-next", headers=alice).json()
    assert claimed["ticket_id"] == ticket_id and claimed["status"] == "assigned"
    assert desk.post("/tickets/claim-next", headers=bob).status_code == 404
    taken = desk.post(f"/tickets/{ticket_id}/claim", headers=bob)
    assert taken.status_code == 409 and "assigned" in taken.json()["detail"]
    assert (
        desk.post(
            f"/tickets/{ticket_id}/resolve", headers=bob, json={"resolution_code": "answered"}
        ).status_code
        == 403
    )

    assert desk.post(f"/tickets/{ticket_id}/release", headers=alice).json()["status"] == "open"
    assert desk.post(f"/tickets/{ticket_id}/claim", headers=bob).json()["status"] == "assigned"
    bob_id = desk.get("/agents/me", headers=bob).json()["id"]
    alice_id = desk.get("/agents/me", headers=alice).json()["id"]
    moved = desk.post(f"/tickets/{ticket_id}/transfer", headers=bob, json={"agent_id": alice_id})
    assert moved.json()["assignee_id"] == alice_id

    note = desk.post(f"/tickets/{ticket_id}/notes", headers=alice, json={"text": "VIP, be quick"})
    assert note.status_code == 201
    bad = desk.post(f"/tickets/{ticket_id}/resolve", headers=alice, json={"resolution_code": "meh"})
    assert bad.status_code == 422
    done = desk.post(
        f"/tickets/{ticket_id}/resolve", headers=alice, json={"resolution_code": "fixed"}
    ).json()
    assert done["status"] == "resolved" and done["resolution_code"] == "fixed"

    detail = desk.get(f"/tickets/{ticket_id}", headers=admin).json()
    assert [n["text"] for n in detail["notes"]] == ["VIP, be quick"]
    trail = [(e["actor"], e["action"]) for e in detail["events"]]
    assert trail == [
        ("service", "opened"),
        (alice_id, "claimed"),
        (alice_id, "released"),
        (bob_id, "claimed"),
        (bob_id, "transferred"),
        (alice_id, "note_added"),
        (alice_id, "resolved"),
    ]
    # The user never sees a private note.
    chat = desk.get("/chat/conv_life/messages").json()["messages"]
    assert all("VIP" not in m["text"] for m in chat)


def test_unknown_ticket_is_a_404_naming_it(desk: TestClient, admin: dict[str, str]) -> None:
    response = desk.get("/tickets/t_missing", headers=admin)
    assert response.status_code == 404
    assert "t_missing" in response.json()["detail"]


def test_eight_agents_claiming_at_once_never_share_or_lose_a_ticket(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        ids = seed_tickets(factory, 120)
        result = claim_race(factory, ids, agents=8)
    finally:
        engine.dispose()
    assert result.claims == 120
    assert result.double_claims == 0
    assert result.lost == 0


def test_eight_agents_claiming_the_same_ticket_get_one_winner(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        [ticket_id] = seed_tickets(factory, 1)
        start = threading.Barrier(8)
        wins: list[str] = []

        def claim(agent_id: str) -> None:
            start.wait()
            with factory.begin() as session:
                if repository.claim_one(session, ticket_id, agent_id, utcnow()):
                    wins.append(agent_id)

        threads = [threading.Thread(target=claim, args=(f"agent_{n}",)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with factory() as session:
            assignee = repository.get_ticket(session, ticket_id).assignee_id  # type: ignore[union-attr]
    finally:
        engine.dispose()
    assert len(wins) == 1
    assert assignee == wins[0]


def test_a_closed_ticket_stays_closed_and_only_resolved_ones_close(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    ticket_id = escalate(desk, service_headers, "conv_close")
    desk.post(f"/tickets/{ticket_id}/claim", headers=admin)
    early = desk.post(f"/tickets/{ticket_id}/close", headers=admin)
    assert early.status_code == 409 and "only resolved tickets close" in early.json()["detail"]
    desk.post(f"/tickets/{ticket_id}/resolve", headers=admin, json={"resolution_code": "answered"})
    closed = desk.post(f"/tickets/{ticket_id}/close", headers=admin).json()
    assert closed["status"] == "closed"
