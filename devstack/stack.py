"""Start the sandbox node, the action server, the Rasa server and the api; watch them; stop them.

Every child runs in its own session with its output in ``<log_dir>/<name>.log``. A busy port or a
child that exits or never becomes healthy stops everything with a clear message (StackError),
never a hang.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.config import ROOT, StackSettings
from devstack.local_secrets import local_secret

__all__ = ["Child", "Stack", "StackError"]


class StackError(Exception):
    """The stack could not start or a child failed; the message says which and why."""


@dataclass
class Child:
    name: str
    title: str
    port: int
    argv: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    health_method: str = "GET"
    health_json: dict[str, object] | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _tail(path: Path | None, lines: int = 25) -> str:
    if path is None or not path.exists():
        return "(no log)"
    text = path.read_text(errors="replace").splitlines()
    return "\n".join("    " + line for line in text[-lines:])


class Stack:
    def __init__(self, settings: StackSettings | None = None) -> None:
        self.settings = settings or StackSettings()
        self.children = self._children()

    @property
    def api_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.api_port}"

    @property
    def ledger_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.sandbox_port}"

    def _children(self) -> list[Child]:
        s = self.settings
        venv = ROOT / ".venv" / "bin"
        rasa_python = ROOT / ".venv-rasa" / "bin" / "python"
        service_token = local_secret(s.secrets_dir, "service_token")
        rasa_token = local_secret(s.secrets_dir, "rasa_token")
        widget_secret = local_secret(s.secrets_dir, "widget_secret")
        h = s.host
        return [
            Child(
                "sandbox",
                "sandbox XRPL node",
                s.sandbox_port,
                [
                    str(venv / "sandbox"),
                    "--host",
                    h,
                    "--port",
                    str(s.sandbox_port),
                    "--seed-demo",
                    "--auto-close",
                    str(s.sandbox_auto_close_seconds),
                ],
                f"http://{h}:{s.sandbox_port}/",
                health_method="POST",
                health_json={"method": "server_info", "params": [{}]},
            ),
            Child(
                "actions",
                "action server",
                s.actions_port,
                [
                    str(venv / "python"),
                    "-m",
                    "bot.action_server",
                    "--actions",
                    "bot.actions",
                    "--port",
                    str(s.actions_port),
                ],
                f"http://{h}:{s.actions_port}/health",
                env={
                    "BOT_API_URL": self.api_url,
                    "BOT_SERVICE_TOKEN": service_token,
                    "HF_HUB_OFFLINE": "1",
                },
            ),
            Child(
                "rasa",
                "Rasa server",
                s.rasa_port,
                [
                    # Rasa's own command line, with two fixes to its action calls (see the file).
                    str(rasa_python),
                    str(ROOT / "bot" / "rasa_server.py"),
                    "run",
                    "--enable-api",
                    "--auth-token",
                    rasa_token,
                    "--model",
                    str(s.rasa_model),
                    "--port",
                    str(s.rasa_port),
                    "--interface",
                    h,
                    "--endpoints",
                    str(self._endpoints_file()),
                    "--credentials",
                    str(ROOT / "bot" / "credentials.yml"),
                ],
                f"http://{h}:{s.rasa_port}/status?token={rasa_token}",
                env={
                    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                    "TF_CPP_MIN_LOG_LEVEL": "2",
                },
            ),
            Child(
                "api",
                "api",
                s.api_port,
                [
                    str(venv / "uvicorn"),
                    "api.main:create_app",
                    "--factory",
                    "--host",
                    h,
                    "--port",
                    str(s.api_port),
                    "--no-access-log",
                ],
                f"http://{h}:{s.api_port}/healthz",
                env={
                    "API_RASA_URL": f"http://{h}:{s.rasa_port}",
                    "API_RASA_TOKEN": rasa_token,
                    "API_SERVICE_TOKEN": service_token,
                    "API_PUBLIC_URL": self.api_url,
                    # The demo agent's password is generated into var/secrets on first start.
                    "API_AGENTS_DEMO_AGENT": "true",
                    "API_AGENTS_DEMO_PASSWORD_FILE": str(s.secrets_dir / "demo-agent-password"),
                    # Signs and verifies the widget's user tokens; /demo signs one for a demo user.
                    "API_WIDGET_SECRET": widget_secret,
                    "API_WIDGET_DEMO": "true",
                    "HF_HUB_OFFLINE": "1",
                },
            ),
        ]

    def _endpoints_file(self) -> Path:
        """Rasa's endpoints.yml pointing at this stack's action server (bot/endpoints.yml is the
        default for a hand-started Rasa; Rasa 3.6 cannot default an unset ${VAR})."""
        s = self.settings
        path = s.log_dir / f"rasa-endpoints-{s.rasa_port}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# written by devstack for this run\n"
            "action_endpoint:\n"
            f'  url: "http://{s.host}:{s.actions_port}/webhook"\n'
        )
        return path

    def _common_env(self) -> dict[str, str]:
        return {"LEDGER_URL": self.ledger_url, "PYTHONUNBUFFERED": "1"}

    # -- lifecycle -----------------------------------------------------------------------------

    def check_prerequisites(self) -> None:
        missing = [
            str(path)
            for path in (ROOT / ".venv" / "bin" / "sandbox", ROOT / ".venv-rasa" / "bin" / "rasa")
            if not path.exists()
        ]
        if missing:
            raise StackError(
                f"not set up: {', '.join(missing)} missing; run 'make run' or 'make setup'"
            )
        if not self.settings.rasa_model.exists():
            raise StackError(
                f"no trained Rasa model at {self.settings.rasa_model}; run 'make setup' to train it"
            )
        busy = [c for c in self.children if not _port_is_free(self.settings.host, c.port)]
        if busy:
            names = ", ".join(f"{c.port} ({c.title})" for c in busy)
            raise StackError(
                f"port already in use: {names}. Another instance may be running; stop it, or choose "
                "other ports with STACK_SANDBOX_PORT, STACK_RASA_PORT, STACK_ACTIONS_PORT, STACK_API_PORT."
            )

    def start(self, progress: bool = True) -> None:
        self.check_prerequisites()
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        for child in self.children:
            child.log_path = self.settings.log_dir / f"{child.name}.log"
            log = open(child.log_path, "wb")  # noqa: SIM115 - the child owns it
            env = {**os.environ, **self._common_env(), **child.env}
            child.process = subprocess.Popen(
                child.argv,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            log.close()
        try:
            self._wait_healthy(progress)
        except BaseException:
            self.stop()
            raise

    def _healthy(self, client: httpx.Client, child: Child) -> bool:
        try:
            response = client.request(child.health_method, child.health_url, json=child.health_json)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def _wait_healthy(self, progress: bool) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout_seconds
        pending = {c.name for c in self.children}
        started = time.monotonic()
        with httpx.Client(timeout=2.0) as client:
            while pending:
                self.raise_if_failed()
                for child in self.children:
                    if child.name in pending and self._healthy(client, child):
                        pending.discard(child.name)
                        if progress:
                            elapsed = time.monotonic() - started
                            print(
                                f"  ✓ {child.title:<18} :{child.port}  ({elapsed:.0f} s)",
                                flush=True,
                            )
                if pending and time.monotonic() > deadline:
                    child = next(c for c in self.children if c.name in pending)
                    raise StackError(
                        f"{child.title} did not become healthy within "
                        f"{self.settings.startup_timeout_seconds:.0f} s; last lines of "
                        f"{child.log_path}:\n{_tail(child.log_path)}"
                    )
                time.sleep(0.25)

    def raise_if_failed(self) -> None:
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                raise StackError(
                    f"{child.title} exited with code {child.process.returncode}; last lines of "
                    f"{child.log_path}:\n{_tail(child.log_path)}"
                )

    def stop(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.settings.stop_timeout_seconds
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()

    def __enter__(self) -> Stack:
        self.start(progress=False)
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def watch(stack: Stack) -> int:
    """Block until Ctrl-C (exit 0) or a child fails (exit 1)."""
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:
            stack.raise_if_failed()
            time.sleep(0.5)
    except StackError as exc:
        print(f"\n✗ {exc}", file=sys.stderr, flush=True)
        stack.stop()
        return 1
    print("\nstopping…", flush=True)
    stack.stop()
    print("stopped.", flush=True)
    return 0
