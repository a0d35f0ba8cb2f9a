"""Webhook administration is for admin agents (or automation with the service credential)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.desk import add_agent

BODY = {"url": "https://93.184.216.34/hook", "event_types": ["escalation.created"]}


def test_an_admin_agent_manages_subscriptions(desk: TestClient, admin: dict[str, str]) -> None:
    created = desk.post("/webhooks/subscriptions", json=BODY, headers=admin)
    assert created.status_code == 201, created.text
    listed = desk.get("/webhooks/subscriptions", headers=admin).json()
    assert [s["id"] for s in listed] == [created.json()["id"]]


def test_an_agent_without_the_admin_role_is_refused(
    desk: TestClient, admin: dict[str, str]
) -> None:
    agent = add_agent(desk, admin, "sam")
    response = desk.post("/webhooks/subscriptions", json=BODY, headers=agent)
    assert response.status_code == 403
    assert response.json()["detail"] == "managing webhooks needs the admin role"
    anonymous = desk.get("/webhooks/subscriptions")
    assert anonymous.status_code == 401
    stranger = desk.get("/webhooks/subscriptions", headers={"Authorization": "Bearer nope"})
    assert stranger.status_code == 401
