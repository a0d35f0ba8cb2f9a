"""A small webhook receiver for tests and the benchmark: verifies every delivery with the
`standardwebhooks` library and appends what it saw to a JSON-lines log.

    WEBHOOK_SECRET=whsec_... python -m api.webhooks.receiver --port 9000 --log var/received.jsonl

It can misbehave on purpose: `--fail-ratio` answers 500 to that share of requests and
`--slow-ratio` answers that share after `--slow-seconds`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

__all__ = ["main"]


class _Receiver(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the worker opens many connections at once

    def __init__(self, port: int, args: argparse.Namespace) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.webhook = Webhook(os.environ["WEBHOOK_SECRET"])
        self.log_file = Path(args.log).open("a", encoding="utf-8")  # noqa: SIM115
        self.lock = threading.Lock()
        self.random = random.Random(args.seed)
        self.fail_ratio: float = args.fail_ratio
        self.slow_ratio: float = args.slow_ratio
        self.slow_seconds: float = args.slow_seconds

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that hung up (a killed worker, a timeout) is not an error here

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.log_file.write(json.dumps(entry) + "\n")
            self.log_file.flush()


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        server = self.server
        with server.lock:
            roll, slow_roll = server.random.random(), server.random.random()
        if roll < server.fail_ratio:
            self._answer(500, b"failing on purpose")
            return
        if slow_roll < server.slow_ratio:
            time.sleep(server.slow_seconds * (0.5 + server.random.random()))
        try:
            payload = server.webhook.verify(body, dict(self.headers.items()))
        except WebhookVerificationError as exc:
            server.record(
                {"id": self.headers.get("webhook-id"), "verified": False, "error": str(exc)}
            )
            self._answer(400, b"bad signature")
            return
        server.record(
            {
                "id": self.headers["webhook-id"],
                "verified": True,
                "type": payload["type"],
                "alert_id": payload["data"].get("alert_id"),
                "received_at": time.time(),
            }
        )
        self._answer(200, b"ok")

    def _answer(self, status: int, text: bytes) -> None:
        self.send_response(status)
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-ratio", type=float, default=0.0)
    parser.add_argument("--slow-ratio", type=float, default=0.0)
    parser.add_argument("--slow-seconds", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    server = _Receiver(args.port, args)
    print(f"receiver listening on 127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.log_file.close()


if __name__ == "__main__":
    main()
