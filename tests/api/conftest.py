from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.config import ApiSettings
from api.main import create_app

SERVICE_TOKEN = "test-service-token-0123456789"


class FakeRasa:
    """Stands in for Rasa's REST channel in api unit tests; records what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] = [{"recipient_id": "x", "text": "Hello!"}]
        self.down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        self.received.append(json.loads(request.content))
        return httpx.Response(200, json=self.replies)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every api test runs on SQLite (the default) and on the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'api.sqlite'}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:  # each test starts from an empty schema
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> ApiSettings:
    return ApiSettings(
        database_url=database_url,
        service_token=SERVICE_TOKEN,  # type: ignore[arg-type]
        rasa_url="http://rasa.test",
    )


@pytest.fixture
def client(settings: ApiSettings, rasa: FakeRasa) -> Iterator[TestClient]:
    app = create_app(settings, rasa_transport=httpx.MockTransport(rasa.handler))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def service_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {SERVICE_TOKEN}"}
