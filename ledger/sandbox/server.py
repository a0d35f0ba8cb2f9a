"""HTTP front of the sandbox node: rippled's JSON-RPC on ``POST /``, served by uvicorn.

:func:`serve` runs in the calling thread until SIGINT/SIGTERM (the ``sandbox`` command);
:func:`run_sandbox` starts a node in a background thread on a free port, for tests and tools.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ledger.sandbox.errors import SandboxError
from ledger.sandbox.node import SandboxNode
from ledger.sandbox.rpc import dispatch

__all__ = ["RunningSandbox", "bind", "create_app", "run_sandbox", "serve"]

log = logging.getLogger(__name__)


def create_app(node: SandboxNode, auto_close_seconds: float = 0.0) -> Starlette:
    """The ASGI app: one JSON-RPC endpoint, and the auto-close timer while it runs."""

    async def rpc(request: Request) -> Response:
        body = await request.body()
        try:
            payload = json.loads(body)
        except ValueError as error:
            return PlainTextResponse(f"Unable to parse request: {error}\n", status_code=400)
        if not isinstance(payload, dict):
            return PlainTextResponse("Unable to parse request: not an object\n", status_code=400)
        method = payload.get("method")
        params_list = payload.get("params", [{}])
        params: dict[str, Any]
        if isinstance(params_list, list) and not params_list:
            params = {}
        elif isinstance(params_list, list) and isinstance(params_list[0], dict):
            params = params_list[0]
        else:
            params = {"_malformed_params": True}
        if auto_close_seconds > 0 and method == "submit":
            # As on a live network, a new transaction meets a recently closed ledger.
            state = node.state
            if state.now() - state.parent_close_time() > auto_close_seconds:
                node.close_ledger()
        if "_malformed_params" in params:
            result = {
                "error": "invalidParams",
                "error_code": 31,
                "error_message": "Invalid parameters.",
                "request": {"command": method},
                "status": "error",
            }
        else:
            result = dispatch(node, method, params)
        return Response(json.dumps({"result": result}), media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        closer = None
        if auto_close_seconds > 0:
            closer = asyncio.create_task(_auto_close(node, auto_close_seconds))
        try:
            yield
        finally:
            if closer is not None:
                closer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await closer
            node.shutdown()

    return Starlette(routes=[Route("/", rpc, methods=["POST"])], lifespan=lifespan)


async def _auto_close(node: SandboxNode, seconds: float) -> None:
    """Close a ledger every ``seconds`` while transactions wait in the open ledger."""
    while True:
        await asyncio.sleep(seconds)
        if node.state.open_txs:
            node.close_ledger()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; raises SandboxError naming the address when it is taken."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = error.strerror or str(error)
        raise SandboxError(f"cannot listen on {host}:{port}: {reason.lower()}") from error
    sock.listen(128)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, stopping on SIGINT/SIGTERM without re-raising the signal after
    shutdown (uvicorn does, which would end the process before the state is reported)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True


def _server(app: Starlette, log_level: str) -> uvicorn.Server:
    config = uvicorn.Config(
        app, log_level=log_level, access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    return _Server(config)


def serve(
    node: SandboxNode, sock: socket.socket, auto_close_seconds: float, log_level: str
) -> None:
    """Serve until SIGINT or SIGTERM; the state is saved on the way out."""
    server = _server(create_app(node, auto_close_seconds), log_level)
    server.run(sockets=[sock])


@dataclass(frozen=True, slots=True)
class RunningSandbox:
    url: str
    port: int


@contextlib.contextmanager
def run_sandbox(
    port: int = 0,
    seed_demo: bool = False,
    host: str = "127.0.0.1",
    auto_close_seconds: float = 0.0,
    state_file: Path | None = None,
) -> Iterator[RunningSandbox]:
    """A sandbox node in a background thread; yields its URL, stops it on exit."""
    node = SandboxNode(state_file)
    if seed_demo and node.fresh:
        from ledger.sandbox.demo import seed_demo_world

        seed_demo_world(node)
    sock = bind(host, port)
    actual_port = int(sock.getsockname()[1])
    server = _server(create_app(node, auto_close_seconds), "warning")
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sandbox", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise SandboxError("the sandbox server stopped while starting")
            threading.Event().wait(0.01)
        yield RunningSandbox(url=f"http://{host}:{actual_port}", port=actual_port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
