"""Start the sandbox node, the action server, the Rasa server and the api; watch them; stop them.

Every child runs in its own session with its output in ``<log_dir>/<name>.log``. A busy port or a
child that exits or never becomes healthy stops everything with a clear message (StackError),
never a hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from devstack.config import ROOT, StackSettings
from devstack.local_secrets import local_secret

__all__ = [
    "MAX_RESTARTS",
    "Child",
    "Stack",
    "StackError",
    "free_port",
    "settings_on_free_ports",
]

MAX_RESTARTS = 5
"""Restarts of one child within a minute before the production supervisor gives up."""


class StackError(Exception):
    """The stack could not start or a child failed; the message says which and why."""


@dataclass
class Child:
    name: str
    title: str
    port: int
    argv: list[str]
    health_url: str | None
    """None: healthy once it has run for a second (a queue worker serves no HTTP)."""
    env: dict[str, str] = field(default_factory=dict)
    health_method: str = "GET"
    health_json: dict[str, object] | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    started_at: float | None = None
    restarts: list[float] = field(default_factory=list)


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _ephemeral_start() -> int:
    """Where the kernel's ports for outgoing connections begin (Linux; 32768 elsewhere)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_handed_out: set[int] = set()


def free_port(consecutive: int = 1) -> int:
    """The first of ``consecutive`` free loopback ports (free when asked: tests and benches).

    Chosen below the kernel's ephemeral range, so an outgoing connection made between this
    call and the server's bind cannot take the port, and never one this process handed out
    before, so the ports of one stack do not overlap.
    """
    high = _ephemeral_start() - consecutive
    for _ in range(10_000):
        port = random.randrange(10_000, high)
        span = range(port, port + consecutive)
        if _handed_out.isdisjoint(span) and all(_port_is_free("127.0.0.1", p) for p in span):
            _handed_out.update(span)
            return port
    raise StackError(f"no {consecutive} free consecutive loopback ports between 10000 and {high}")


def settings_on_free_ports(**fields: Any) -> StackSettings:
    """StackSettings with every port free (Rasa and action servers take one port each per
    worker, consecutive), so a stack starts beside anything already running."""
    workers = int(fields.get("workers", 1)) if fields.get("profile") == "production" else 1
    ports = {
        "sandbox_port": free_port(),
        "rasa_port": free_port(workers),
        "actions_port": free_port(workers),
        "api_port": free_port(),
    }
    return StackSettings(**{**ports, **fields})


def _tail(path: Path | None, lines: int = 25) -> str:
    if path is None or not path.exists():
        return "(no log)"
    text = path.read_text(errors="replace").splitlines()
    return "\n".join("    " + line for line in text[-lines:])


class Stack:
    def __init__(self, settings: StackSettings | None = None) -> None:
        self.settings = settings or StackSettings()
        self.children = self._children()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.failure: StackError | None = None
        """Set by the production supervisor when a child keeps exiting."""

    @property
    def api_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.api_port}"

    @property
    def ledger_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.sandbox_port}"

    @property
    def production(self) -> bool:
        return self.settings.profile == "production"

    def _children(self) -> list[Child]:
        s = self.settings
        venv = ROOT / ".venv" / "bin"
        h = s.host
        children = [
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
            )
        ]
        count = s.workers if self.production else 1
        for index in range(count):
            children += self._assistant(index, count)
        children.append(self._api(count))
        if self.production:
            children += [self._fraud_worker(index) for index in range(count)]
        return children

    def _suffix(self, index: int, count: int) -> str:
        return f"-{index + 1}" if count > 1 or self.production else ""

    def _assistant(self, index: int, count: int) -> list[Child]:
        """One action server and the Rasa server that calls it."""
        s, h = self.settings, self.settings.host
        venv = ROOT / ".venv" / "bin"
        suffix = self._suffix(index, count)
        actions_port, rasa_port = s.actions_port + index, s.rasa_port + index
        rasa_token = local_secret(s.secrets_dir, "rasa_token")
        return [
            Child(
                f"actions{suffix}",
                f"action server{suffix}",
                actions_port,
                [
                    str(venv / "python"),
                    "-m",
                    "bot.action_server",
                    "--actions",
                    "bot.actions",
                    "--port",
                    str(actions_port),
                ],
                f"http://{h}:{actions_port}/health",
                env={
                    "BOT_API_URL": self.api_url,
                    "BOT_SERVICE_TOKEN": local_secret(s.secrets_dir, "service_token"),
                    "HF_HUB_OFFLINE": "1",
                },
            ),
            Child(
                f"rasa{suffix}",
                f"Rasa server{suffix}",
                rasa_port,
                [
                    # Rasa's own command line, with two fixes to its action calls (see the file).
                    str(ROOT / ".venv-rasa" / "bin" / "python"),
                    str(ROOT / "bot" / "rasa_server.py"),
                    "run",
                    "--enable-api",
                    # "=": a generated token may start with "-", which argparse would take
                    # for an option.
                    f"--auth-token={rasa_token}",
                    "--model",
                    str(s.rasa_model),
                    "--port",
                    str(rasa_port),
                    "--interface",
                    h,
                    "--endpoints",
                    str(self._endpoints_file(rasa_port, actions_port)),
                    "--credentials",
                    str(ROOT / "bot" / "credentials.yml"),
                ],
                f"http://{h}:{rasa_port}/status?token={rasa_token}",
                env={
                    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                    "TF_CPP_MIN_LOG_LEVEL": "2",
                },
            ),
        ]

    def _api(self, count: int) -> Child:
        s, h = self.settings, self.settings.host
        venv = ROOT / ".venv" / "bin"
        argv = [
            str(venv / "uvicorn"),
            "api.main:create_app",
            "--factory",
            "--host",
            h,
            "--port",
            str(s.api_port),
            "--no-access-log",
        ]
        env = {
            "API_RASA_URL": f"http://{h}:{s.rasa_port}",
            "API_RASA_TOKEN": local_secret(s.secrets_dir, "rasa_token"),
            "API_SERVICE_TOKEN": local_secret(s.secrets_dir, "service_token"),
            "API_PUBLIC_URL": self.api_url,
            # The demo agent's password is generated into var/secrets on first start.
            "API_AGENTS_DEMO_AGENT": "true",
            "API_AGENTS_DEMO_PASSWORD_FILE": str(s.secrets_dir / "demo-agent-password"),
            # Signs and verifies the widget's user tokens; /demo signs one for a demo user.
            "API_WIDGET_SECRET": local_secret(s.secrets_dir, "widget_secret"),
            "API_WIDGET_DEMO": "true",
            "HF_HUB_OFFLINE": "1",
        }
        if s.api_database_url and not self.production:
            env["API_DATABASE_URL"] = s.api_database_url
        if self.production:
            argv += ["--workers", str(count)]
            env |= {
                "API_DATABASE_URL": s.postgres_url,
                "API_RASA_URLS": json.dumps(
                    [f"http://{h}:{s.rasa_port + i}" for i in range(count)]
                ),
                "API_WEBHOOKS_TRANSPORT": "rabbitmq",
                "API_WEBHOOKS_AMQP_URL": s.amqp_url,
            }
        return Child("api", "api", s.api_port, argv, f"http://{h}:{s.api_port}/healthz", env=env)

    def _fraud_worker(self, index: int) -> Child:
        s = self.settings
        return Child(
            f"fraud-{index + 1}",
            f"fraud worker-{index + 1}",
            0,
            [str(ROOT / ".venv" / "bin" / "fraud"), "worker"],
            None,
            env={
                "FRAUD_STORE": "redis",
                "FRAUD_STORE_URL": f"{s.redis_url}/2",
                "FRAUD_AMQP_URL": s.amqp_url,
            },
        )

    def _endpoints_file(self, rasa_port: int, actions_port: int) -> Path:
        """Rasa's endpoints.yml for one Rasa server of this stack (bot/endpoints.yml is the
        default for a hand-started Rasa; Rasa 3.6 cannot default an unset ${VAR}). In the
        production profile: conversations in PostgreSQL, a Redis lock per conversation (so two
        Rasa processes never handle one conversation at once), events to RabbitMQ."""
        s = self.settings
        path = s.log_dir / f"rasa-endpoints-{rasa_port}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (
            "# written by devstack for this run\n"
            "action_endpoint:\n"
            f'  url: "http://{s.host}:{actions_port}/webhook"\n'
        )
        if self.production:
            pg = urlsplit(s.postgres_url)
            redis = urlsplit(s.redis_url)
            amqp = urlsplit(s.amqp_url)
            text += (
                "tracker_store:\n"
                "  type: SQL\n"
                "  dialect: postgresql\n"
                f"  url: {pg.hostname}\n"
                f"  port: {pg.port or 5432}\n"
                f"  username: {pg.username or 'postgres'}\n"
                f'  password: "{pg.password or ""}"\n'
                f"  db: {s.rasa_postgres_database}\n"
                "lock_store:\n"
                "  type: redis\n"
                f"  url: {redis.hostname}\n"
                f"  port: {redis.port or 6379}\n"
                f'  password: "{redis.password or ""}"\n'
                "  db: 1\n"
                "  key_prefix: channeldesk\n"
                "event_broker:\n"
                "  type: pika\n"
                f"  url: {amqp.hostname}\n"
                f"  port: {amqp.port or 5672}\n"
                f"  username: {amqp.username or 'guest'}\n"
                f'  password: "{amqp.password or "guest"}"\n'
                "  queues:\n"
                "    - channeldesk.rasa_events\n"
            )
        path.write_text(text)
        if self.production:
            path.chmod(0o600)  # it may hold service passwords
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
        busy = [
            c for c in self.children if c.port and not _port_is_free(self.settings.host, c.port)
        ]
        if busy:
            names = ", ".join(f"{c.port} ({c.title})" for c in busy)
            raise StackError(
                f"port already in use: {names}. Another instance may be running; stop it, or choose "
                "other ports with STACK_SANDBOX_PORT, STACK_RASA_PORT, STACK_ACTIONS_PORT, STACK_API_PORT."
            )

    def _databases(self) -> tuple[str, str]:
        """The api's database and Rasa's tracker store's, on the one PostgreSQL server."""
        from sqlalchemy.engine import make_url

        return str(make_url(self.settings.postgres_url).database), (
            self.settings.rasa_postgres_database
        )

    def _on_postgres(self, statements: Callable[[Any, str], None]) -> None:
        """Run ``statements(connection, database)`` for each of the stack's two databases,
        connected to the server's ``postgres`` database with autocommit."""
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import OperationalError

        url = make_url(self.settings.postgres_url)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                for name in self._databases():
                    statements(connection, name)
        except OperationalError as error:
            raise StackError(
                f"PostgreSQL at {url.host}:{url.port or 5432} is not reachable "
                f"(STACK_POSTGRES_URL): {error.orig}"
            ) from None
        finally:
            admin.dispose()

    def drop_databases(self) -> None:
        """Production: remove both databases (tests and load runs on databases of their own)."""
        from sqlalchemy import text

        self._on_postgres(
            lambda connection, name: connection.execute(
                text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            )
        )

    def prepare_services(self) -> None:
        """Production: the PostgreSQL databases of the api and of Rasa; the api's migrated, with
        the demo agent, before several api workers start (they would race each other to do it)."""
        from sqlalchemy import text
        from sqlalchemy.orm import sessionmaker

        from api.agents.config import AgentSettings
        from api.agents.service import bootstrap
        from api.db import make_engine, migrate

        def create(connection: Any, name: str) -> None:
            # Rasa would fall back to memory, silently but for a log line, without its database.
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))

        self._on_postgres(create)
        engine = make_engine(self.settings.postgres_url)
        try:
            migrate(engine)
            bootstrap(
                sessionmaker(engine),
                AgentSettings(
                    demo_agent=True,
                    demo_password_file=self.settings.secrets_dir / "demo-agent-password",
                ),
            )
        finally:
            engine.dispose()

    def start(self, progress: bool = True) -> None:
        self.check_prerequisites()
        if self.production:
            self.prepare_services()
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        self._stopping.clear()
        for child in self.children:
            child.log_path = self.settings.log_dir / f"{child.name}.log"
            self._spawn(child, "wb")
        try:
            self._wait_healthy(progress)
        except BaseException:
            self.stop()
            raise
        if self.production:
            self._supervisor = threading.Thread(
                target=self._supervise, name="stack-supervisor", daemon=True
            )
            self._supervisor.start()

    def _spawn(self, child: Child, mode: str) -> None:
        assert child.log_path is not None
        log = open(child.log_path, mode)  # noqa: SIM115 - the child owns it
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
        child.started_at = time.monotonic()
        log.close()

    def restart_exited(self) -> list[str]:
        """Production: start again every child that exited, as a process supervisor would
        (its log continues). A child exiting more than ``MAX_RESTARTS`` times a minute is
        failing, not crashing: that stops the stack (StackError)."""
        restarted = []
        for child in self.children:
            if self._stopping.is_set() or child.process is None or child.process.poll() is None:
                continue
            now = time.monotonic()
            child.restarts = [t for t in child.restarts if now - t < 60] + [now]
            if len(child.restarts) > MAX_RESTARTS:
                raise StackError(
                    f"{child.title} exited {len(child.restarts)} times within a minute (last "
                    f"code {child.process.returncode}); last lines of {child.log_path}:\n"
                    f"{_tail(child.log_path)}"
                )
            code = child.process.returncode
            self._spawn(child, "ab")
            restarted.append(f"{child.title} (exit code {code})")
        return restarted

    def _supervise(self) -> None:
        while not self._stopping.wait(0.5):
            try:
                for line in self.restart_exited():
                    print(f"  ↻ restarted {line}", flush=True)
            except StackError as exc:
                self.failure = exc
                return

    def _healthy(self, client: httpx.Client, child: Child) -> bool:
        if child.health_url is None:
            started = child.started_at or time.monotonic()
            return time.monotonic() - started >= 1.0
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
                            where = f":{child.port}" if child.port else "queue"
                            print(
                                f"  ✓ {child.title:<18} {where:<6} ({elapsed:.0f} s)",
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
        if self.failure is not None:
            raise self.failure
        if self._supervisor is not None:
            return  # production: exited children are restarted, not fatal
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                raise StackError(
                    f"{child.title} exited with code {child.process.returncode}; last lines of "
                    f"{child.log_path}:\n{_tail(child.log_path)}"
                )

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
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
