"""Fixtures for the assistant's actions: the real sandbox node with the demo world, settings
pointed at it, and a way to run an action as rasa-sdk does (Tracker in, messages and events
out)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import get_settings
from bot.ledger_access import close_ledger_client, reset_ledger_client
from devstack.stack import free_port


@dataclass
class Turn:
    """What one action run produced."""

    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(str(m.get("text") or "") for m in self.messages)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    def slot(self, name: str) -> Any:
        values = [e["value"] for e in self.events if e.get("event") == "slot" and e["name"] == name]
        return values[-1] if values else None


@dataclass
class Conversation:
    """A tracker built turn by turn, as Rasa would send it to the action server."""

    sender_id: str = "c_test"
    metadata: dict[str, Any] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    latest_message: dict[str, Any] = field(default_factory=dict)
    active_loop: dict[str, Any] = field(default_factory=dict)

    def say(
        self,
        text: str,
        intent: str,
        entities: dict[str, str] | None = None,
        ranking: list[tuple[str, float]] | None = None,
    ) -> Conversation:
        parsed_entities = [{"entity": k, "value": v} for k, v in (entities or {}).items()]
        confidence = ranking[0][1] if ranking else 0.95
        self.latest_message = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking or []],
            "entities": parsed_entities,
            "metadata": self.metadata,
        }
        self.events.append(
            {
                "event": "user",
                "text": text,
                "timestamp": time.time(),
                "parse_data": self.latest_message,
                "metadata": self.metadata,
            }
        )
        for entity in parsed_entities:
            if entity["entity"] in {"address", "hash", "amount", "wallet", "browser"}:
                self.slots[entity["entity"]] = entity["value"]
        return self

    def tracker(self) -> Tracker:
        return Tracker(
            self.sender_id,
            dict(self.slots),
            self.latest_message,
            list(self.events),
            False,
            None,
            self.active_loop,
            None,
        )

    async def run(self, action: Action) -> Turn:
        dispatcher = CollectingDispatcher()
        start = time.perf_counter()
        events = await action.run(dispatcher, self.tracker(), {})
        seconds = time.perf_counter() - start
        for message in dispatcher.messages:
            self.events.append(
                {"event": "bot", "text": message.get("text"), "timestamp": time.time()}
            )
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            self.events.append(event)
        return Turn(dispatcher.messages, events, seconds)


@pytest.fixture(scope="session")
def demo_node_url() -> Iterator[str]:
    """The sandbox node with the demo world, in this process, on a free port."""
    from ledger.sandbox.server import run_sandbox

    with run_sandbox(port=0, seed_demo=True) as running:
        yield running.url


def configure(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key, value in values.items():
        monkeypatch.setenv(f"BOT_{key.upper()}", value)
    get_settings.cache_clear()
    reset_ledger_client()


@pytest.fixture(autouse=True)
async def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setenv("BOT_KB_ENABLED", "false")
    monkeypatch.setenv("BOT_API_URL", "http://127.0.0.1:9")  # nothing listens: set per test
    get_settings.cache_clear()
    reset_ledger_client()
    yield
    await close_ledger_client()
    get_settings.cache_clear()


@pytest.fixture
def on_demo(monkeypatch: pytest.MonkeyPatch, demo_node_url: str) -> str:
    configure(monkeypatch, ledger_url=demo_node_url)
    return demo_node_url


class SilentServer:
    """Accepts connections and never answers: a node that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self._held.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for connection in self._held:
            connection.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


__all__ = ["Conversation", "SilentServer", "Turn", "configure", "free_port"]
