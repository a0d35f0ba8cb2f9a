"""Private Redis and RabbitMQ servers for fault tests: each on free ports with its own data
directory, so a test may SIGKILL and restart it without touching the shared services on
6379 and 5672.

    with rabbitmq_node() as node:        # node.url -> amqp://guest:guest@127.0.0.1:<port>/
        ...
        node.kill()                      # SIGKILL, like a crash
        node.start()                     # same port, same data: durable queues come back

    with redis_server() as redis:        # redis.url -> redis://127.0.0.1:<port>/0
        redis.kill(); redis.start()

Both skip the test (fail under CI=true) when the server's program is not installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from devstack.stack import free_port as stack_free_port
from tests.conftest import IN_CI

__all__ = ["RabbitMQNode", "RedisServer", "free_port", "rabbitmq_node", "redis_server"]

REDIS_SERVER = Path("/usr/bin/redis-server")
# The script itself, not the /usr/sbin wrapper (which switches to the rabbitmq user).
RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
SHARED_PORTS = {5672, 6379, 15672, 25672, 4369}


def free_port() -> int:
    """A port nobody listens on now (never one of the shared services, even while down)."""
    while True:
        port = stack_free_port()
        if port not in SHARED_PORTS:
            return port


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _require(program: Path) -> None:
    if program.exists():
        return
    if IN_CI:
        pytest.fail(f"{program} is required under CI=true but is not installed")
    pytest.skip(f"{program} is not installed; this fault test needs it")


class _Server:
    """A server process in its own process group (so SIGKILL takes all of it)."""

    name = "server"

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir = workdir
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def _command(self) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60.0) -> None:
        """Start (again, on the same port and data) and wait until it accepts connections."""
        if self.running:
            raise RuntimeError(f"{self.name} on port {self.port} is already running")
        self.starts += 1
        command, env = self._command()
        log = (self.workdir / f"{self.name}-{self.starts}.log").open("wb")
        with log:
            self.process = subprocess.Popen(
                command,
                env=env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not _listening(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} while starting: "
                    f"{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} did not listen on {self.port} in {timeout:g} s")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would, and wait for it to be gone."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        deadline = time.monotonic() + 10
        while _listening(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def log_tail(self, lines: int = 20) -> str:
        logs = sorted(self.workdir.glob(f"{self.name}-*.log"))
        if not logs:
            return ""
        return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])


class RedisServer(_Server):
    name = "redis"

    def __init__(self, workdir: Path, port: int, persist: bool = False) -> None:
        super().__init__(workdir, port)
        self.persist = persist

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _command(self) -> tuple[list[str], dict[str, str]]:
        command = [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--dir", str(self.workdir), "--save", ""]
        command += ["--appendonly", "yes" if self.persist else "no"]
        return command, dict(os.environ)


class RabbitMQNode(_Server):
    name = "rabbitmq"

    def __init__(self, workdir: Path, port: int, dist_port: int) -> None:
        super().__init__(workdir, port)
        self.dist_port = dist_port
        self.nodename = f"rabbit_test_{port}@localhost"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _command(self) -> tuple[list[str], dict[str, str]]:
        config = self.workdir / "rabbitmq.conf"
        # AMQP on loopback only; no plugins, so no management or Prometheus listener.
        config.write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        plugins = self.workdir / "enabled_plugins"
        plugins.write_text("[].\n")
        env = {
            **os.environ,
            "RABBITMQ_NODENAME": self.nodename,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.workdir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.workdir / "log"),
            "RABBITMQ_CONFIG_FILE": str(config),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            # Not /etc/rabbitmq/rabbitmq-env.conf: it names the shared node.
            "RABBITMQ_CONF_ENV_FILE": str(self.workdir / "rabbitmq-env.conf"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }
        return [str(RABBITMQ_SERVER)], env


@contextmanager
def _workdir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def redis_server(persist: bool = False) -> Iterator[RedisServer]:
    """A private redis-server (no persistence unless `persist`: append-only file then)."""
    _require(REDIS_SERVER)
    with _workdir("redis-fault-") as workdir:
        server = RedisServer(workdir, free_port(), persist)
        server.start()
        try:
            yield server
        finally:
            server.kill()


@contextmanager
def rabbitmq_node() -> Iterator[RabbitMQNode]:
    """A private RabbitMQ node (its own node name, ports, data and logs)."""
    _require(RABBITMQ_SERVER)
    with _workdir("rabbitmq-fault-") as workdir:
        port = free_port()
        dist_port = free_port()
        while dist_port == port:
            dist_port = free_port()
        node = RabbitMQNode(workdir, port, dist_port)
        node.start()
        try:
            yield node
        finally:
            node.kill()
