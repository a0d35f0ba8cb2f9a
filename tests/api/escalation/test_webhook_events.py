"""The queue tells webhook subscribers: escalation.created and fraud.review.resolved, via the outbox."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.webhooks.models import WebhookMessage
from tests.api.desk import escalate


def _messages(desk: TestClient, event_type: str) -> list[dict[str, Any]]:
    factory = desk.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        rows = session.scalars(
            select(WebhookMessage).where(WebhookMessage.event_type == event_type)
        ).all()
        return [row.payload for row in rows]


def test_opening_a_ticket_publishes_escalation_created(
    desk: TestClient, service_headers: dict[str, str]
) -> None:
    ticket_id = escalate(desk, service_headers, "conv_hook_1", kind="dispute")

    [payload] = _messages(desk, "escalation.created")
    assert payload["type"] == "escalation.created"
    assert payload["data"]["ticket_id"] == ticket_id
    assert payload["data"]["kind"] == "dispute"
    assert payload["data"]["conversation_id"] == "conv_hook_1"


def test_resolving_a_fraud_review_publishes_the_verdict(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    ticket_id = escalate(
        desk,
        service_headers,
        "fraud:evt_77",
        source="fraud_service",
        kind="fraud_review",
        user={"wallets": ["rD6tJAVyNK8bhuPCKbDEjvqxQgn3SfkJZz"]},
        diagnostics={"fraud": {"score": 81, "event": {"id": "evt_77", "type": "claim"}}},
    )
    assert desk.post(f"/tickets/{ticket_id}/claim", headers=admin).status_code == 200
    resolved = desk.post(
        f"/tickets/{ticket_id}/resolve",
        headers=admin,
        json={"resolution_code": "fraud_cleared", "comment": "known fan, new device"},
    )
    assert resolved.status_code == 200, resolved.text

    [payload] = _messages(desk, "fraud.review.resolved")
    assert payload["data"]["alert_id"] == "evt_77"
    assert payload["data"]["resolution"] == "legitimate"
    assert payload["data"]["account"] == "rD6tJAVyNK8bhuPCKbDEjvqxQgn3SfkJZz"
    assert payload["data"]["resolved_by"] == "admin"
    assert payload["data"]["note"] == "known fan, new device"
