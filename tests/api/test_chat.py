from __future__ import annotations

from fastapi.testclient import TestClient

from api.chat.service import NO_ANSWER
from tests.api.conftest import FakeRasa


def test_health_needs_no_credentials(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_chat_page_is_served_without_credentials(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Support chat" in response.text


def test_first_message_starts_a_conversation_and_relays_the_reply(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.replies = [
        {"recipient_id": "x", "text": "Your balance is 12 XRP."},
        {
            "recipient_id": "x",
            "text": "Anything else?",
            "buttons": [{"title": "My channels", "payload": "/channel_status"}],
        },
    ]
    reply = client.post("/chat/messages", json={"text": "how much XRP do I have"}).json()

    assert reply["owner"] == "bot"
    assert [m["text"] for m in reply["messages"]] == ["Your balance is 12 XRP.", "Anything else?"]
    assert reply["messages"][1]["buttons"] == [
        {"title": "My channels", "payload": "/channel_status"}
    ]
    sent = rasa.received[0]
    assert sent["sender"] == reply["conversation_id"]
    assert sent["message"] == "how much XRP do I have"
    assert sent["metadata"] == {"user_id": None, "wallets": []}


def test_history_keeps_both_sides_in_order(client: TestClient, rasa: FakeRasa) -> None:
    first = client.post("/chat/messages", json={"text": "hi"}).json()
    rasa.replies = [{"recipient_id": "x", "text": "Bye!"}]
    client.post("/chat/messages", json={"text": "bye", "conversation_id": first["conversation_id"]})

    history = client.get(f"/chat/{first['conversation_id']}/messages").json()
    assert [(m["sender"], m["text"]) for m in history["messages"]] == [
        ("user", "hi"),
        ("bot", "Hello!"),
        ("user", "bye"),
        ("bot", "Bye!"),
    ]


def test_assistant_down_gives_a_clear_503_and_keeps_the_message(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.down = True
    response = client.post(
        "/chat/messages", json={"text": "hello?", "conversation_id": "conv_down_1"}
    )
    assert response.status_code == 503
    assert "assistant is not reachable" in response.json()["detail"]
    history = client.get("/chat/conv_down_1/messages").json()
    assert [m["text"] for m in history["messages"]] == ["hello?"]


def test_bad_input_is_refused_naming_the_field(client: TestClient) -> None:
    response = client.post("/chat/messages", json={"text": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "text"]
    response = client.post("/chat/messages", json={"text": "x" * 2001})
    assert response.status_code == 422
    response = client.post("/chat/messages", json={"text": "hi", "conversation_id": "bad id!"})
    assert response.json()["detail"][0]["loc"] == ["body", "conversation_id"]


def test_unknown_conversation_history_is_404(client: TestClient) -> None:
    response = client.get("/chat/nope_nope_nope/messages")
    assert response.status_code == 404
    assert "no conversation" in response.json()["detail"]


def test_an_empty_answer_from_the_assistant_becomes_a_clear_message(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.replies = []  # what Rasa sends when a custom action failed (action server down)
    response = client.post("/chat/messages", json={"text": "what is my balance?"})
    assert response.status_code == 200
    body = response.json()
    assert [m["text"] for m in body["messages"]] == [NO_ANSWER]
    history = client.get(f"/chat/{body['conversation_id']}/messages").json()["messages"]
    assert [m["sender"] for m in history] == ["user", "bot"]
