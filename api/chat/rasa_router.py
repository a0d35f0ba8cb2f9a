"""Several Rasa processes behind one client: each conversation goes to one process, by its id.

Set ``API_RASA_URLS`` (a JSON list) to spread conversations over several Rasa servers. The
route is fixed by a hash of the conversation id (the REST channel's ``sender``, or the id in a
``/conversations/<id>/...`` path), so a conversation's turns reach the same process in order
while it is up; the Redis lock store makes any other process safe too. When a process refuses
the connection (it is down or restarting), the next one in the ring takes the conversation, so
killing one Rasa process loses no turn. Only a refused connection moves a request: a request
that reached a process and then timed out is not sent again, because Rasa may have acted on it.
"""

from __future__ import annotations

import json
import re
import zlib

import httpx

__all__ = ["RasaRouter", "route_key"]

_CONVERSATION_PATH = re.compile(r"^/conversations/([^/]+)/")


def route_key(request: httpx.Request) -> str:
    """The conversation a request to Rasa is about ("" when it names none)."""
    match = _CONVERSATION_PATH.match(request.url.path)
    if match:
        return match.group(1)
    if request.method == "POST" and request.content:
        try:
            body = json.loads(request.content)
        except ValueError:
            return ""
        if isinstance(body, dict) and isinstance(body.get("sender"), str):
            return body["sender"]
    return ""


class RasaRouter(httpx.BaseTransport):
    def __init__(self, urls: list[str], limits: httpx.Limits | None = None) -> None:
        if not urls:
            raise ValueError("RasaRouter needs at least one Rasa URL")
        self.urls = [httpx.URL(url) for url in urls]
        self._transports = [httpx.HTTPTransport(limits=limits or httpx.Limits()) for _ in urls]

    def backend_for(self, key: str) -> int:
        return zlib.crc32(key.encode()) % len(self.urls)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        first = self.backend_for(route_key(request))
        refused: httpx.ConnectError | None = None
        for step in range(len(self.urls)):
            index = (first + step) % len(self.urls)
            target = self.urls[index]
            request.url = request.url.copy_with(
                scheme=target.scheme, host=target.host, port=target.port
            )
            request.headers["Host"] = request.url.netloc.decode("ascii")
            try:
                return self._transports[index].handle_request(request)
            except httpx.ConnectError as error:
                refused = error
        assert refused is not None
        raise refused

    def close(self) -> None:
        for transport in self._transports:
            transport.close()
