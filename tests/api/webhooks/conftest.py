from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.config import ApiSettings
from api.db import make_engine, migrate
from api.main import create_app
from api.webhooks.config import WebhookSettings
from tests.api.desk import admin, desk, escalation_settings, recording_rasa

__all__ = ["admin", "desk", "escalation_settings", "fake_resolver", "recording_rasa"]

# Stands in for DNS in unit tests: the machine has no resolver for public names.
PUBLIC_HOSTS = {"hooks.example.com": ["93.184.216.34"], "intranet.example.com": ["10.1.2.3"]}


def fake_resolver(host: str) -> list[str]:
    return PUBLIC_HOSTS.get(host, [])


@pytest.fixture
def webhook_settings() -> WebhookSettings:
    return WebhookSettings(
        worker_enabled=False, retry_schedule=[0, 0, 0], timeout_seconds=0.5, lease_seconds=30
    )


@pytest.fixture
def webhooks_client(
    settings: ApiSettings, webhook_settings: WebhookSettings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setattr("api.webhooks.urls.resolve_host", fake_resolver)
    app = create_app(settings, webhook_settings=webhook_settings)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
