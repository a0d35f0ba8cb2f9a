"""Shared fixtures: real local services, used when reachable (and required under CI=true)."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (saying what) when a local service is down, except under CI=true where it must run."""
    if _reachable(host, port):
        return
    if IN_CI:
        pytest.fail(f"{name} on {host}:{port} is required under CI=true but is unreachable")
    pytest.skip(f"{name} on {host}:{port} is unreachable; this test needs it")


def require_rasa_model() -> None:
    """Skip (saying what) without a trained Rasa model and .venv-rasa, except under CI=true,
    where `make test` has built both and their absence is a failure."""
    from devstack.config import ROOT

    model = ROOT / "var" / "rasa" / "current.tar.gz"
    if model.exists() and (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        return
    message = "no trained Rasa model or .venv-rasa: run 'make setup' (make test does)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session, dropped afterwards."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    name = "channeldesk_test_" + secrets.token_hex(4)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
