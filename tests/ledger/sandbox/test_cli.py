"""The ``sandbox`` command as a process: listening, demo listing, busy port, clean stop on
SIGTERM/SIGINT, and state kept across restarts with --state-file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from devstack.stack import free_port
from ledger.sandbox.demo import DEMO

ROOT = Path(__file__).resolve().parents[3]


def _command(*args: str) -> list[str]:
    code = "import sys; from ledger.sandbox.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code, *args]


@contextmanager
def _running(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = subprocess.Popen(
        _command("--port", str(port), *args),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "SANDBOX_AUTO_CLOSE_SECONDS": "0"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                httpx.post(url, json={"method": "ledger_current"}, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.1)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    process.send_signal(sig)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    return output


def test_listens_prints_the_demo_and_stops_on_sigterm() -> None:
    with _running("--seed-demo") as (process, url):
        reply = httpx.post(url, json={"method": "server_info", "params": [{}]}).json()
        assert reply["result"]["info"]["validated_ledger"]["seq"] > 10
        output = _stop(process)
    assert f"listening on {url}" in output
    for account in DEMO.accounts:
        assert account.address in output
    assert "sandbox: stopped" in output


def test_busy_port_is_one_clear_line_and_exit_code_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            _command("--port", str(port)), cwd=ROOT, capture_output=True, text=True, timeout=30
        )
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"sandbox: cannot listen on 127.0.0.1:{port}: address already in use"
    )


def test_state_file_keeps_the_ledger_across_restarts(tmp_path: Path) -> None:
    state_file = tmp_path / "ledger.json"
    with _running("--state-file", str(state_file), "--seed-demo") as (process, url):
        before = httpx.post(url, json={"method": "ledger_closed"}).json()["result"]
        _stop(process, signal.SIGINT)
    assert state_file.exists()
    with _running("--state-file", str(state_file), "--seed-demo") as (process, url):
        after = httpx.post(url, json={"method": "ledger_closed"}).json()["result"]
        found = httpx.post(
            url,
            json={"method": "tx", "params": [{"transaction": DEMO.transactions["stale_claim"]}]},
        ).json()["result"]
        output = _stop(process)
    assert after == before
    assert found["meta"]["TransactionResult"] == "tecUNFUNDED_PAYMENT"
    assert "not re-seeded" in output
