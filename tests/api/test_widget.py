"""Signed-in chat through the api: a verified user token binds the conversation to its user.

Runs on SQLite and PostgreSQL (the ``settings`` fixture); Rasa is a recording stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.config import ApiSettings
from api.main import create_app
from api.widget.config import WidgetSettings
from api.widget.tokens import sign_token
from ledger.sandbox.demo import DEMO
from tests.api.conftest import FakeRasa

SECRET = "widget-test-secret-0123456789abcdef"
ALICE_WALLET = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"


def _token(user_id: str, wallets: list[str] | None = None, seconds: int = 600) -> str:
    return sign_token(SECRET.encode(), user_id, wallets or [], user_id.title(), seconds)


def _as(user_id: str, wallets: list[str] | None = None) -> dict[str, str]:
    return {"X-User-Token": _token(user_id, wallets)}


def _app_client(
    settings: ApiSettings, rasa: FakeRasa, widget: WidgetSettings
) -> Iterator[TestClient]:
    app = create_app(
        settings, rasa_transport=httpx.MockTransport(rasa.handler), widget_settings=widget
    )
    with TestClient(app) as client:
        yield client


@pytest.fixture
def widget_client(settings: ApiSettings, rasa: FakeRasa) -> Iterator[TestClient]:
    widget = WidgetSettings(secret=SECRET, demo=True, _env_file=None)
    yield from _app_client(settings, rasa, widget)


@pytest.fixture
def no_secret_client(settings: ApiSettings, rasa: FakeRasa) -> Iterator[TestClient]:
    yield from _app_client(settings, rasa, WidgetSettings(_env_file=None))


def _events(client: TestClient, conversation_id: str, headers: dict[str, str]) -> list[Any]:
    response = client.get(
        f"/chat/{conversation_id}/events", params={"after": 0, "seconds": 0}, headers=headers
    )
    assert response.status_code == 200, response.text
    return [
        json.loads(line.removeprefix("data: "))
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]


def test_signed_in_user_is_sent_to_the_assistant_with_their_wallets(
    widget_client: TestClient, rasa: FakeRasa
) -> None:
    reply = widget_client.post(
        "/chat/messages", json={"text": "what's my balance"}, headers=_as("alice", [ALICE_WALLET])
    )

    assert reply.status_code == 200, reply.text
    assert rasa.received[0]["metadata"] == {
        "user_id": "alice",
        "wallets": [ALICE_WALLET],
        "display_name": "Alice",
    }
    body = reply.json()
    # Stored ids on every message, so the widget can tell them from the same ones over SSE.
    assert body["user_message_id"] is not None
    assert [m["id"] for m in body["messages"]] == [body["user_message_id"] + 1]


def test_history_and_events_of_a_users_conversation_are_theirs_alone(
    widget_client: TestClient,
) -> None:
    conversation_id = widget_client.post(
        "/chat/messages", json={"text": "hi"}, headers=_as("alice")
    ).json()["conversation_id"]

    mine = widget_client.get(f"/chat/{conversation_id}/messages", headers=_as("alice"))
    assert [(m["sender"], m["text"]) for m in mine.json()["messages"]] == [
        ("user", "hi"),
        ("bot", "Hello!"),
    ]
    assert [m["text"] for m in _events(widget_client, conversation_id, _as("alice"))] == [
        "hi",
        "Hello!",
    ]

    for path in (f"/chat/{conversation_id}/messages", f"/chat/{conversation_id}/events"):
        other = widget_client.get(path, headers=_as("bruno"))
        assert other.status_code == 403
        assert other.json()["detail"] == f"conversation {conversation_id} belongs to another user"
        anonymous = widget_client.get(path)
        assert anonymous.status_code == 403
        assert "belongs to a signed-in user" in anonymous.json()["detail"]


def test_nobody_else_can_write_into_a_users_conversation(
    widget_client: TestClient, rasa: FakeRasa
) -> None:
    conversation_id = widget_client.post(
        "/chat/messages", json={"text": "hi"}, headers=_as("alice")
    ).json()["conversation_id"]
    turn = {"conversation_id": conversation_id, "text": "send me her balance"}

    assert widget_client.post("/chat/messages", json=turn, headers=_as("bruno")).status_code == 403
    assert widget_client.post("/chat/messages", json=turn).status_code == 403

    history = widget_client.get(f"/chat/{conversation_id}/messages", headers=_as("alice")).json()
    assert [m["text"] for m in history["messages"]] == ["hi", "Hello!"]
    assert len(rasa.received) == 1


def test_a_conversation_id_chosen_by_the_client_binds_to_its_first_user(
    widget_client: TestClient,
) -> None:
    turn = {"conversation_id": "conv_chosen_1", "text": "hello"}
    assert widget_client.post("/chat/messages", json=turn, headers=_as("alice")).status_code == 200
    taken = widget_client.post("/chat/messages", json=turn, headers=_as("bruno"))
    assert taken.status_code == 403


def test_anonymous_chat_still_works_by_conversation_id_and_gets_no_account_data(
    widget_client: TestClient, rasa: FakeRasa
) -> None:
    reply = widget_client.post("/chat/messages", json={"text": "what is a payment channel?"})
    conversation_id = reply.json()["conversation_id"]

    assert rasa.received[0]["metadata"] == {"user_id": None, "wallets": []}
    assert widget_client.get(f"/chat/{conversation_id}/messages").status_code == 200
    # A signed-in user does not take over a conversation someone else may hold the id of.
    continued = widget_client.post(
        "/chat/messages",
        json={"conversation_id": conversation_id, "text": "and my balance?"},
        headers=_as("alice", [ALICE_WALLET]),
    )
    assert continued.status_code == 403
    assert "started without signing in" in continued.json()["detail"]


def test_expired_and_forged_tokens_are_refused_with_a_clear_401(
    widget_client: TestClient, rasa: FakeRasa
) -> None:
    expired = sign_token(SECRET.encode(), "alice", [], None, 60, now=1_000_000)
    response = widget_client.post(
        "/chat/messages", json={"text": "hi"}, headers={"X-User-Token": expired}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "TokenExpired"
    assert response.json()["detail"].startswith("the user token expired at 1970-01-12T13:47:40")

    forged = sign_token(b"not-the-secret-" * 3, "alice", [ALICE_WALLET], None, 600)
    response = widget_client.get("/widget/session", headers={"X-User-Token": forged})
    assert response.status_code == 401
    assert response.json() == {
        "error": "TokenInvalid",
        "detail": "the user token's signature does not match: it was not signed with this "
        "server's widget secret, or it was altered",
    }
    assert rasa.received == []


def test_widget_session_tells_the_widget_who_is_signed_in(widget_client: TestClient) -> None:
    signed_in = widget_client.get("/widget/session", headers=_as("alice", [ALICE_WALLET])).json()
    assert signed_in == {
        **signed_in,
        "signed_in": True,
        "user_id": "alice",
        "wallets": [ALICE_WALLET],
    }
    assert widget_client.get("/widget/session").json() == {
        "signed_in": False,
        "user_id": None,
        "display_name": None,
        "wallets": [],
        "expires_at": None,
    }


def test_without_a_secret_tokens_are_refused_and_anonymous_chat_works(
    no_secret_client: TestClient,
) -> None:
    refused = no_secret_client.post("/chat/messages", json={"text": "hi"}, headers=_as("alice"))
    assert refused.status_code == 401
    assert "signed-in chat is turned off on this server" in refused.json()["detail"]
    assert no_secret_client.post("/chat/messages", json={"text": "hi"}).status_code == 200
    assert no_secret_client.get("/demo").status_code == 404  # the demo is off by default


def test_widget_script_is_one_file_with_its_styles_inside(widget_client: TestClient) -> None:
    response = widget_client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "__WIDGET_CSS__" not in response.text
    assert ":host {" in response.text  # the styles, for the shadow root
    # Messages are built from text nodes: no HTML parsing of anything the chat says.
    assert ".innerHTML" not in response.text
    assert "insertAdjacentHTML" not in response.text
    again = widget_client.get("/widget.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_demo_page_embeds_the_widget_signed_in_as_the_demo_user(
    widget_client: TestClient, rasa: FakeRasa
) -> None:
    page = widget_client.get("/demo")
    assert page.status_code == 200
    assert page.text.count("<script") == 1
    token = page.text.split('data-token="', 1)[1].split('"', 1)[0]

    widget_client.post("/chat/messages", json={"text": "balance?"}, headers={"X-User-Token": token})
    assert rasa.received[0]["metadata"] == {
        "user_id": "demo-alice",
        "wallets": [DEMO.account("alice").address],
        "display_name": "Alice",
    }
    fresh = widget_client.get("/demo/token").json()
    assert (
        widget_client.get("/widget/session", headers={"X-User-Token": fresh["token"]}).json()[
            "user_id"
        ]
        == "demo-alice"
    )


def test_platform_pages_on_other_origins_may_call_chat_but_not_the_desk(
    widget_client: TestClient,
) -> None:
    preflight = {
        "Origin": "https://fans.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-user-token",
    }
    chat = widget_client.options("/chat/messages", headers=preflight)
    assert chat.status_code == 200
    assert chat.headers["access-control-allow-origin"] == "*"
    assert "x-user-token" in chat.headers["access-control-allow-headers"].lower()
    desk = widget_client.options("/tickets", headers=preflight)
    assert "access-control-allow-origin" not in desk.headers


def test_the_service_credential_reaches_a_users_conversation(
    widget_client: TestClient, service_headers: dict[str, str]
) -> None:
    conversation_id = widget_client.post(
        "/chat/messages", json={"text": "hi"}, headers=_as("alice")
    ).json()["conversation_id"]
    history = widget_client.get(f"/chat/{conversation_id}/messages", headers=service_headers)
    assert history.status_code == 200
    assert [m["text"] for m in history.json()["messages"]] == ["hi", "Hello!"]
    # Any other bearer token is not the service credential.
    agent_like = {"Authorization": "Bearer not-the-service-token"}
    assert (
        widget_client.get(f"/chat/{conversation_id}/messages", headers=agent_like).status_code
        == 403
    )
