"""Fraud decisions and their alerts commit together: the outbox written by the fraud API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from api.config import ApiSettings
from api.main import create_app
from api.webhooks.config import WebhookSettings
from api.webhooks.models import WebhookDelivery, WebhookMessage
from fraud.simulate import SimParams, write_stream
from fraud.train import train


@pytest.fixture(scope="module")
def fraud_stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fraud") / "stream.jsonl"
    write_stream(SimParams(users=120, days=3, seed=3), path)
    return path


@pytest.fixture(scope="module")
def fraud_model(fraud_stream: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fraud") / "model"
    train(fraud_stream, out, seed=0, max_iter=40)
    return out


@pytest.fixture
def fraud_client(
    settings: ApiSettings, fraud_model: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("FRAUD_MODEL_DIR", str(fraud_model))
    webhook_settings = WebhookSettings(worker_enabled=False, development=True)
    with TestClient(create_app(settings, webhook_settings=webhook_settings)) as client:
        yield client


def _events(stream: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.read_text().splitlines()[:3000]]


def _count(settings: ApiSettings, table: type[WebhookMessage] | type[WebhookDelivery]) -> int:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        engine.dispose()


def test_every_block_and_review_becomes_an_alert_with_deliveries(
    fraud_client: TestClient,
    fraud_stream: Path,
    settings: ApiSettings,
    service_headers: dict[str, str],
) -> None:
    subscription = {"url": "http://127.0.0.1:9/hook", "event_types": ["fraud.alert.created"]}
    created = fraud_client.post(
        "/webhooks/subscriptions", json=subscription, headers=service_headers
    )
    assert created.status_code == 201
    response = fraud_client.post(
        "/fraud/events", json=_events(fraud_stream), headers=service_headers
    )
    assert response.status_code == 200
    flagged = {d["event_id"]: d for d in response.json()["decisions"] if d["decision"] != "allow"}
    assert flagged, "the stream has blocks or reviews"
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        rows = (
            connection.execute(
                select(WebhookMessage.payload).where(
                    WebhookMessage.event_type == "fraud.alert.created"
                )
            )
            .scalars()
            .all()
        )
        deliveries = connection.scalar(select(func.count()).select_from(WebhookDelivery))
    engine.dispose()
    alerts = {row["data"]["alert_id"]: row["data"] for row in rows}
    assert alerts.keys() == flagged.keys()
    assert deliveries == len(flagged)
    for event_id, data in alerts.items():
        assert data["decision"] == flagged[event_id]["decision"]
        assert data["score"] == flagged[event_id]["score"]
        assert data["reasons"] == flagged[event_id]["reasons"]
        assert data["event"]["id"] == event_id


def test_a_failed_outbox_write_rolls_the_alerts_back(
    fraud_client: TestClient,
    fraud_stream: Path,
    settings: ApiSettings,
    service_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api.webhooks import sinks

    calls = 0
    real_publish = sinks.publish

    def publish_then_fail(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("database went away")
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(sinks, "publish", publish_then_fail)
    with pytest.raises(RuntimeError, match="database went away"):
        fraud_client.post("/fraud/events", json=_events(fraud_stream), headers=service_headers)
    assert calls == 3
    assert _count(settings, WebhookMessage) == 0  # the two alerts written before rolled back
