"""The operations routes: delivery log, failed messages, replay, admin notifications."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.webhooks import service
from api.webhooks.config import WebhookSettings
from api.webhooks.worker import DeliveryWorker


def _deliver(client: TestClient, settings: WebhookSettings, status: int, rounds: int = 1) -> None:
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    transport = httpx.MockTransport(lambda _: httpx.Response(status))
    worker = DeliveryWorker(factory, settings, transport=transport)
    for _ in range(rounds):
        asyncio.run(worker.run_once())


def _publish(client: TestClient, alert_id: str) -> str:
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory.begin() as session:
        return service.publish(session, "fraud.alert.created", {"alert_id": alert_id}).id


def test_log_failed_list_and_replay_through_the_api(
    webhooks_client: TestClient,
    webhook_settings: WebhookSettings,
    service_headers: dict[str, str],
) -> None:
    body = {"url": "https://hooks.example.com/in", "event_types": ["fraud.alert.created"]}
    sub_id = webhooks_client.post(
        "/webhooks/subscriptions", json=body, headers=service_headers
    ).json()["id"]
    message_id = _publish(webhooks_client, "evt_1")
    _deliver(webhooks_client, webhook_settings, 500, rounds=3)

    log = webhooks_client.get(f"/webhooks/subscriptions/{sub_id}/attempts", headers=service_headers)
    assert [(a["message_id"], a["status_code"], a["error"]) for a in log.json()] == [
        (message_id, 500, "HTTP 500")
    ] * 3
    assert all(a["latency_ms"] >= 0 for a in log.json())

    failed = webhooks_client.get("/webhooks/messages/failed", headers=service_headers).json()
    assert [(f["message_id"], f["attempts"], f["last_status_code"]) for f in failed] == [
        (message_id, 3, 500)
    ]
    assert failed[0]["payload"]["data"] == {"alert_id": "evt_1"}

    replay = webhooks_client.post(
        f"/webhooks/messages/{message_id}/replay", headers=service_headers
    )
    assert replay.json() == {"requeued": 1}
    _deliver(webhooks_client, webhook_settings, 200)
    assert webhooks_client.get("/webhooks/messages/failed", headers=service_headers).json() == []

    since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    replay_all = webhooks_client.post(
        "/webhooks/replay", json={"since": since}, headers=service_headers
    )
    assert replay_all.json() == {"requeued": 1}
    missing = webhooks_client.post("/webhooks/messages/msg_nope/replay", headers=service_headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no webhook message 'msg_nope'"


def test_a_410_shows_up_as_an_admin_notification(
    webhooks_client: TestClient,
    webhook_settings: WebhookSettings,
    service_headers: dict[str, str],
) -> None:
    body = {"url": "https://hooks.example.com/gone", "event_types": ["fraud.alert.created"]}
    sub_id = webhooks_client.post(
        "/webhooks/subscriptions", json=body, headers=service_headers
    ).json()["id"]
    _publish(webhooks_client, "evt_1")
    _deliver(webhooks_client, webhook_settings, 410)
    notes = webhooks_client.get("/webhooks/notifications", headers=service_headers).json()
    assert [(n["kind"], n["subject_id"]) for n in notes] == [
        ("webhook.subscription.disabled", sub_id)
    ]
    sub = webhooks_client.get(f"/webhooks/subscriptions/{sub_id}", headers=service_headers).json()
    assert sub["enabled"] is False
