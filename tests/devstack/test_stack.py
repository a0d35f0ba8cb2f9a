"""The supervisor behind `make run`: clear failures, never a hang."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.config import ROOT, StackSettings
from devstack.stack import Stack, StackError, free_port


def _settings(tmp_path: Path, **overrides: object) -> StackSettings:
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not used")
    values: dict[str, object] = {
        "sandbox_port": free_port(),
        "rasa_port": free_port(),
        "actions_port": free_port(),
        "api_port": free_port(),
        "log_dir": tmp_path / "log",
        "secrets_dir": tmp_path / "secrets",
        "rasa_model": model,
    }
    values.update(overrides)
    return StackSettings(**values)  # type: ignore[arg-type]


def test_a_busy_port_is_named_in_the_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        stack = Stack(_settings(tmp_path, api_port=port))
        with pytest.raises(StackError, match=rf"port already in use: {port} \(api\)"):
            stack.check_prerequisites()


def test_a_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    stack = Stack(_settings(tmp_path, rasa_model=tmp_path / "missing.tar.gz"))
    with pytest.raises(StackError, match=r"no trained Rasa model .* run 'make setup'"):
        stack.check_prerequisites()


def test_secrets_are_created_once_and_private(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first = Stack(settings)
    second = Stack(settings)
    token = (settings.secrets_dir / "service_token").read_text()
    assert len(token) >= 32
    assert (settings.secrets_dir / "service_token").stat().st_mode & 0o777 == 0o600
    api = next(c for c in first.children if c.name == "api")
    assert api.env["API_SERVICE_TOKEN"] == token
    assert next(c for c in second.children if c.name == "api").env["API_SERVICE_TOKEN"] == token


@pytest.mark.stack
def test_the_embedded_api_can_be_given_a_database_of_its_own(tmp_path: Path) -> None:
    default = next(c for c in Stack(_settings(tmp_path)).children if c.name == "api")
    assert "API_DATABASE_URL" not in default.env  # the api's own var/api.sqlite
    url = f"sqlite:///{tmp_path / 'run.sqlite'}"
    stack = Stack(_settings(tmp_path, api_database_url=url))
    assert next(c for c in stack.children if c.name == "api").env["API_DATABASE_URL"] == url


def test_a_failing_child_stops_everything_with_its_log(tmp_path: Path) -> None:
    if not (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        pytest.skip(".venv-rasa is not set up")
    settings = _settings(tmp_path)
    env = {
        **os.environ,
        **{f"STACK_{k.upper()}": str(v) for k, v in settings.model_dump(exclude_none=True).items()},
        "API_DATABASE_URL": "nosuchdriver://nowhere",
    }
    result = subprocess.run(
        [sys.executable, "-m", "devstack", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "api exited with code" in result.stderr, result.stderr
    assert "nosuchdriver" in result.stderr  # the tail of the api's log explains why


def test_a_rasa_token_starting_with_a_dash_reaches_rasa_whole(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.secrets_dir.mkdir(parents=True, exist_ok=True)
    (settings.secrets_dir / "rasa_token").write_text("-starts-with-a-dash-0123456789abcdef")
    rasa = next(c for c in Stack(settings).children if c.name == "rasa")
    assert "--auth-token=-starts-with-a-dash-0123456789abcdef" in rasa.argv
