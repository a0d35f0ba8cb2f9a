"""The api served by uvicorn on a free loopback port, and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.agents.config import AgentSettings
from api.config import ApiSettings
from api.escalation.config import EscalationSettings
from api.main import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVICE_TOKEN = "browser-test-service-token"
ADMIN_PASSWORD = "browser-admin-password"


@dataclass(frozen=True)
class LiveApi:
    url: str
    service: httpx.Client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_api(tmp_path: Path) -> Iterator[LiveApi]:
    port = _free_port()
    app = create_app(
        ApiSettings(
            database_url=f"sqlite:///{tmp_path / 'console.sqlite'}",
            service_token=SERVICE_TOKEN,
            rasa_url=f"http://127.0.0.1:{_free_port()}",  # nothing listens: the bot is away
            rasa_timeout_seconds=2,
        ),
        agent_settings=AgentSettings(
            bootstrap_admin_username="lead",
            bootstrap_admin_password=ADMIN_PASSWORD,
            scrypt_n=2**10,
            _env_file=None,
        ),
        escalation_settings=EscalationSettings(_env_file=None),
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the api did not start within 30 s")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}, timeout=10
    ) as service:
        yield LiveApi(url, service)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium_path() -> str:
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is required under CI=true (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    return CHROMIUM
