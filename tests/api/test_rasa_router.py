"""Conversations spread over several Rasa servers, and moved when one is down."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from api.chat.rasa_router import RasaRouter


class _Rasa(ThreadingHTTPServer):
    def __init__(self, name: str) -> None:
        self.name = name
        self.senders: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Rasa

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.senders.append(body["sender"])
        answer = json.dumps([{"recipient_id": body["sender"], "text": self.server.name}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def two_rasas() -> Iterator[list[_Rasa]]:
    servers = [_Rasa("rasa-a"), _Rasa("rasa-b")]
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def _say(client: httpx.Client, sender: str) -> str:
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "hi"})
    response.raise_for_status()
    return str(response.json()[0]["text"])


def test_each_conversation_stays_on_one_process_and_both_get_some(two_rasas: list[_Rasa]) -> None:
    router = RasaRouter([s.url for s in two_rasas])
    with httpx.Client(base_url=two_rasas[0].url, transport=router) as client:
        first = {f"c_{i}": _say(client, f"c_{i}") for i in range(40)}
        again = {f"c_{i}": _say(client, f"c_{i}") for i in range(40)}
    assert first == again
    assert set(first.values()) == {"rasa-a", "rasa-b"}


def test_a_conversation_moves_when_its_process_is_down(two_rasas: list[_Rasa]) -> None:
    router = RasaRouter([s.url for s in two_rasas])
    with httpx.Client(base_url=two_rasas[0].url, transport=router) as client:
        home = {f"c_{i}": _say(client, f"c_{i}") for i in range(20)}
        down = two_rasas[0]
        down.shutdown()
        down.server_close()
        after = {sender: _say(client, sender) for sender in home}
    assert set(after.values()) == {"rasa-b"}
    assert all(after[s] == "rasa-b" for s, name in home.items() if name == "rasa-b")


def test_a_request_that_reached_a_process_is_not_sent_twice() -> None:
    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        other = _Rasa("rasa-b")
        try:
            router = RasaRouter([f"http://127.0.0.1:{silent.getsockname()[1]}", other.url])
            key = next(f"c_{i}" for i in range(100) if router.backend_for(f"c_{i}") == 0)
            with (
                httpx.Client(base_url=other.url, transport=router, timeout=0.5) as client,
                pytest.raises(httpx.ReadTimeout),
            ):
                client.post("/webhooks/rest/webhook", json={"sender": key, "message": "hi"})
            assert other.senders == []
        finally:
            other.shutdown()
            other.server_close()
