from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa


def _body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "conversation_id": "conv_escalate_1",
        "kind": "human_request",
        "summary": "User asked for a human about a missing payment.",
        "user_words": "I want to talk to a person",
        "user": {"user_id": "u1", "wallets": ["rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"]},
        "diagnostics": {"account_overview": {"balance_drops": "1000"}},
    }
    body.update(overrides)
    return body


def test_internal_escalations_refuse_anonymous_and_wrong_tokens(client: TestClient) -> None:
    assert client.post("/internal/escalations", json=_body()).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    response = client.post("/internal/escalations", json=_body(), headers=wrong)
    assert response.status_code == 401
    assert "service token" in response.json()["detail"]


def test_escalation_opens_a_ticket_and_hands_the_conversation_to_a_human(
    client: TestClient, rasa: FakeRasa, service_headers: dict[str, str]
) -> None:
    client.post("/chat/messages", json={"text": "help", "conversation_id": "conv_escalate_1"})
    response = client.post("/internal/escalations", json=_body(), headers=service_headers)
    assert response.status_code == 201
    ticket = response.json()
    assert ticket["status"] == "open"
    assert ticket["ticket_id"].startswith("t_")

    calls_before = len(rasa.received)
    reply = client.post(
        "/chat/messages", json={"text": "are you there?", "conversation_id": "conv_escalate_1"}
    ).json()
    assert reply["owner"] == "human"
    assert reply["messages"][0]["sender"] == "system"
    assert "agent will reply" in reply["messages"][0]["text"]
    assert len(rasa.received) == calls_before  # the bot says nothing while a human owns it


def test_fraud_reports_are_raised_to_high_priority(
    client: TestClient, service_headers: dict[str, str]
) -> None:
    response = client.post(
        "/internal/escalations",
        json=_body(kind="fraud_report", priority_hint="low"),
        headers=service_headers,
    )
    assert response.json()["priority"] == "high"


def test_malformed_escalation_names_the_field(
    client: TestClient, service_headers: dict[str, str]
) -> None:
    response = client.post(
        "/internal/escalations", json=_body(kind="lunch"), headers=service_headers
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "kind"]


def test_fraud_api_refuses_anonymous_calls(client: TestClient) -> None:
    assert client.post("/fraud/events", json=[]).status_code == 401
    assert client.get("/fraud/accounts/rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh").status_code == 401
