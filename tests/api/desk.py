"""Fixtures for the escalation desk tests: an app with a first admin and a recording Rasa."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.agents.config import AgentSettings
from api.config import ApiSettings
from api.escalation.config import EscalationSettings
from api.main import create_app

ADMIN_PASSWORD = "admin-password-for-tests"
AGENT_PASSWORD = "agent-password-for-tests"


class RecordingRasa:
    """Rasa's REST channel and tracker API as the api sees them; records every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, Any]] = []
        self.tracker_down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.url.path, body))
        if request.url.path.endswith("/tracker/events"):
            if self.tracker_down:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(200, json={"sender_id": "x", "events": body})
        return httpx.Response(200, json=[{"recipient_id": "x", "text": "Bot here."}])

    def tracker_events(self, conversation_id: str) -> list[Any]:
        path = f"/conversations/{conversation_id}/tracker/events"
        return [body for url, body in self.requests if url == path]

    def webhook_calls(self) -> int:
        return sum(1 for url, _ in self.requests if url == "/webhooks/rest/webhook")


def agent_settings() -> AgentSettings:
    return AgentSettings(
        bootstrap_admin_username="admin",
        bootstrap_admin_password=ADMIN_PASSWORD,
        scrypt_n=2**10,
        _env_file=None,
    )


@pytest.fixture
def recording_rasa() -> RecordingRasa:
    return RecordingRasa()


@pytest.fixture
def escalation_settings() -> EscalationSettings:
    return EscalationSettings(_env_file=None)


@pytest.fixture
def desk(
    settings: ApiSettings,
    recording_rasa: RecordingRasa,
    escalation_settings: EscalationSettings,
) -> Iterator[TestClient]:
    app = create_app(
        settings,
        rasa_transport=httpx.MockTransport(recording_rasa.handler),
        agent_settings=agent_settings(),
        escalation_settings=escalation_settings,
    )
    with TestClient(app) as client:
        yield client


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/agents/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def admin(desk: TestClient) -> dict[str, str]:
    return login(desk, "admin", ADMIN_PASSWORD)


def add_agent(client: TestClient, admin: dict[str, str], username: str) -> dict[str, str]:
    response = client.post(
        "/agents",
        json={"username": username, "display_name": username.title(), "password": AGENT_PASSWORD},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return login(client, username, AGENT_PASSWORD)


def escalate(
    client: TestClient, service_headers: dict[str, str], conversation_id: str, **fields: Any
) -> str:
    body: dict[str, Any] = {
        "conversation_id": conversation_id,
        "kind": "human_request",
        "summary": f"Help wanted in {conversation_id}",
    }
    body.update(fields)
    response = client.post("/internal/escalations", json=body, headers=service_headers)
    assert response.status_code == 201, response.text
    ticket_id: str = response.json()["ticket_id"]
    return ticket_id
