"""Live hand-off: the user sees the agent join and reply, the bot stays quiet, hand back
tells Rasa, and a user writing after resolution reopens or starts a ticket."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from api.escalation.config import EscalationSettings
from api.escalation.handoff import BACK_WITH_ASSISTANT, NEW_REQUEST, REOPENED
from api.escalation.service import AGENT_JOINED
from tests.api.desk import RecordingRasa, escalate


def _chat(client: TestClient, conversation_id: str) -> list[tuple[str, str]]:
    body = client.get(f"/chat/{conversation_id}/messages").json()
    return [(m["sender"], m["text"]) for m in body["messages"]]


def _say(client: TestClient, conversation_id: str, text: str) -> dict[str, object]:
    response = client.post(
        "/chat/messages", json={"conversation_id": conversation_id, "text": text}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _claimed(client: TestClient, headers: dict[str, str], service_headers: dict[str, str]) -> str:
    _say(client, "conv_live_1", "my payment vanished")
    ticket_id = escalate(client, service_headers, "conv_live_1")
    assert client.post(f"/tickets/{ticket_id}/claim", headers=headers).status_code == 200
    return ticket_id


def test_user_sees_the_agent_join_and_reply_while_the_bot_stays_quiet(
    desk: TestClient,
    admin: dict[str, str],
    service_headers: dict[str, str],
    recording_rasa: RecordingRasa,
) -> None:
    ticket_id = _claimed(desk, admin, service_headers)
    assert ("system", AGENT_JOINED) in _chat(desk, "conv_live_1")

    bot_calls = recording_rasa.webhook_calls()
    answer = _say(desk, "conv_live_1", "hello? anyone?")
    assert answer["owner"] == "human"
    assert recording_rasa.webhook_calls() == bot_calls  # the bot said nothing

    reply = desk.post(
        f"/tickets/{ticket_id}/reply", headers=admin, json={"text": "Hi, I'm Ana. Checking now."}
    )
    assert reply.status_code == 200
    assert reply.json()["first_response_at"] is not None
    assert _chat(desk, "conv_live_1")[-1] == ("agent", "Hi, I'm Ana. Checking now.")

    stream = desk.get("/chat/conv_live_1/events", params={"after": 0, "seconds": 0})
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = [
        json.loads(line[len("data: ") :])
        for line in stream.text.splitlines()
        if line.startswith("data: ")
    ]
    assert events[-1]["sender"] == "agent" and events[-1]["owner"] == "human"
    assert events[-1]["text"] == "Hi, I'm Ana. Checking now."
    assert desk.get("/chat/nope_nope_nope/events", params={"seconds": 0}).status_code == 404


def test_hand_back_returns_the_conversation_to_the_bot_with_a_summary_in_its_tracker(
    desk: TestClient,
    admin: dict[str, str],
    service_headers: dict[str, str],
    recording_rasa: RecordingRasa,
) -> None:
    ticket_id = _claimed(desk, admin, service_headers)
    summary = "Payment was delayed by the settle period; it has arrived."
    response = desk.post(f"/tickets/{ticket_id}/handback", headers=admin, json={"summary": summary})
    assert response.status_code == 200
    body = response.json()
    assert body["bot_informed"] is True
    assert body["ticket"]["status"] == "resolved"
    assert body["ticket"]["resolution_code"] == "handed_back"
    assert recording_rasa.tracker_events("conv_live_1") == [
        [{"event": "slot", "name": "handback_summary", "value": summary}]
    ]
    assert _chat(desk, "conv_live_1")[-1] == ("system", BACK_WITH_ASSISTANT)

    bot_calls = recording_rasa.webhook_calls()
    answer = _say(desk, "conv_live_1", "thanks! one more question")
    assert answer["owner"] == "bot"
    assert recording_rasa.webhook_calls() == bot_calls + 1


def test_hand_back_when_rasa_is_down_still_resolves_and_says_so_in_the_trail(
    desk: TestClient,
    admin: dict[str, str],
    service_headers: dict[str, str],
    recording_rasa: RecordingRasa,
) -> None:
    ticket_id = _claimed(desk, admin, service_headers)
    recording_rasa.tracker_down = True
    body = desk.post(
        f"/tickets/{ticket_id}/handback", headers=admin, json={"summary": "sorted"}
    ).json()
    assert body["bot_informed"] is False
    assert body["ticket"]["status"] == "resolved"
    trail = desk.get(f"/tickets/{ticket_id}", headers=admin).json()["events"]
    assert trail[-1]["action"] == "bot_not_informed"
    assert "Rasa" in trail[-1]["detail"]["error"]


def test_waiting_on_user_returns_to_assigned_when_the_user_answers(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    ticket_id = _claimed(desk, admin, service_headers)
    asked = desk.post(
        f"/tickets/{ticket_id}/reply",
        headers=admin,
        json={"text": "Which wallet did you pay from?", "wait_for_user": True},
    )
    assert asked.json()["status"] == "waiting_on_user"
    _say(desk, "conv_live_1", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh")
    assert desk.get(f"/tickets/{ticket_id}", headers=admin).json()["status"] == "assigned"


def test_user_writing_after_resolution_reopens_within_the_window(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    ticket_id = _claimed(desk, admin, service_headers)
    desk.post(f"/tickets/{ticket_id}/resolve", headers=admin, json={"resolution_code": "answered"})
    answer = _say(desk, "conv_live_1", "it happened again")
    assert answer["messages"] == [
        {"id": None, "sender": "system", "text": REOPENED, "buttons": [], "created_at": None}
    ]
    ticket = desk.get(f"/tickets/{ticket_id}", headers=admin).json()
    assert ticket["status"] == "assigned" and ticket["reopen_count"] == 1
    assert ticket["resolution_code"] is None
    assert ticket["events"][-1]["action"] == "reopened"


def test_user_writing_after_the_window_closes_the_old_ticket_and_opens_a_new_one(
    desk: TestClient,
    admin: dict[str, str],
    service_headers: dict[str, str],
    escalation_settings: EscalationSettings,
) -> None:
    escalation_settings.reopen_window_hours = 0
    ticket_id = _claimed(desk, admin, service_headers)
    desk.post(f"/tickets/{ticket_id}/resolve", headers=admin, json={"resolution_code": "answered"})
    answer = _say(desk, "conv_live_1", "new problem now")
    assert answer["messages"][0]["text"] == NEW_REQUEST  # type: ignore[index]
    old = desk.get(f"/tickets/{ticket_id}", headers=admin).json()
    assert old["status"] == "closed"
    queue = desk.get("/tickets", params={"status": "open"}, headers=admin).json()
    assert len(queue) == 1 and queue[0]["conversation_id"] == "conv_live_1"
    assert ticket_id in queue[0]["summary"]
