"""The api served by uvicorn on a free loopback port, the whole stack (for the widget), and
Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
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
from devstack.stack import Stack, free_port, settings_on_free_ports
from tests.conftest import require_rasa_model

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVICE_TOKEN = "browser-test-service-token"
ADMIN_PASSWORD = "browser-admin-password"


@dataclass(frozen=True)
class LiveApi:
    url: str
    service: httpx.Client


@pytest.fixture
def live_api(tmp_path: Path) -> Iterator[LiveApi]:
    port = free_port()
    app = create_app(
        ApiSettings(
            database_url=f"sqlite:///{tmp_path / 'console.sqlite'}",
            service_token=SERVICE_TOKEN,
            rasa_url=f"http://127.0.0.1:{free_port()}",  # nothing listens: the bot is away
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


def require_chromium() -> str:
    """Chromium's path; skips (fails under CI=true) when it is missing."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is required under CI=true (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    return CHROMIUM


@pytest.fixture
def chromium_path() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack as `make run` starts it (sandbox, Rasa, actions, api with /demo), on free ports,
    with its own database and secrets so it shares nothing with a running `make run`."""
    require_rasa_model()
    work = tmp_path_factory.mktemp("widget-stack")
    settings = settings_on_free_ports(
        log_dir=work / "logs",
        secrets_dir=work / "secrets",
        _env_file=None,
    )
    stack = Stack(settings)
    with pytest.MonkeyPatch.context() as env:
        # The children inherit the environment: the api gets a database of its own.
        env.setenv("API_DATABASE_URL", f"sqlite:///{work / 'api.sqlite'}")
        stack.start(progress=False)
    try:
        yield stack
    finally:
        stack.stop()
