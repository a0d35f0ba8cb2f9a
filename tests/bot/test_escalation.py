"""Hand-offs against a real HTTP receiver that validates the body with the api's
``EscalationRequest`` model, as ``POST /internal/escalations`` does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Header, HTTPException
from rasa_sdk.executor import CollectingDispatcher

from api.escalation.schemas import EscalationRequest
from bot.actions.balance import ActionCheckBalance
from bot.actions.escalation import ActionEscalate, ActionProtectiveGuidance, ValidateReportForm
from bot.actions.transactions import ActionTransactionStatus
from bot.actions.troubleshooting import ActionTroubleshootWallet
from ledger.sandbox.demo import DEMO
from tests.bot.conftest import Conversation, configure, free_port

TOKEN = "test-service-token"
ALICE = DEMO.account("alice").address


@dataclass
class Receiver:
    url: str
    received: list[EscalationRequest] = field(default_factory=list)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}")
    app = FastAPI()

    @app.post("/internal/escalations", status_code=201)
    def escalate(body: EscalationRequest, authorization: str = Header("")) -> dict[str, Any]:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(status_code=401)
        state.received.append(body)
        priority = "high" if body.priority_hint in {"high", "urgent"} else "normal"
        return {
            "ticket_id": f"t_{len(state.received)}",
            "status": "open",
            "priority": priority,
            "created_at": "2026-01-01T00:00:00Z",
        }

    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield state
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def to_receiver(monkeypatch: pytest.MonkeyPatch, receiver: Receiver, on_demo: str) -> Receiver:
    configure(monkeypatch, ledger_url=on_demo, api_url=receiver.url, service_token=TOKEN)
    receiver.received.clear()
    return receiver


async def test_human_request_carries_lookups_and_the_users_words(to_receiver: Receiver) -> None:
    chat = Conversation(
        metadata={"user_id": "u_alice", "wallets": [ALICE], "display_name": "Alice"}
    )
    await chat.say("balance please", "check_balance").run(ActionCheckBalance())
    stale = DEMO.transactions["stale_claim"]
    await chat.say(f"what about {stale}", "transaction_status", {"hash": stale}).run(
        ActionTransactionStatus()
    )
    turn = await chat.say("I want to talk to a human", "human_request").run(ActionEscalate())

    assert "ticket t_1" in turn.text
    (request,) = to_receiver.received
    assert request.kind == "human_request"
    assert request.conversation_id == "c_test"
    assert request.user.wallets == [ALICE]
    assert request.user.display_name == "Alice"
    assert request.diagnostics.account_overview is not None
    assert request.diagnostics.account_overview["address"] == ALICE
    assert request.diagnostics.transactions[0]["result_code"] == "tecUNFUNDED_PAYMENT"
    assert "I want to talk to a human" in request.user_words
    assert [t.sender for t in request.transcript][:2] == ["user", "bot"]
    assert "Alice" in request.summary


async def test_fraud_report_gives_guidance_then_opens_a_high_priority_ticket(
    to_receiver: Receiver,
) -> None:
    chat = Conversation(metadata={"user_id": "u_bruno", "wallets": [DEMO.account("bruno").address]})
    guidance = await chat.say("I want to report fraud", "fraud_report").run(
        ActionProtectiveGuidance()
    )
    assert "close it from your wallet" in guidance.text
    assert guidance.slot("report_details") is None  # too short: the form will ask
    theo = DEMO.account("theo").address
    details = f"{theo} redeemed claims I never signed yesterday, about 20 XRP"
    chat.say(details, "fraud_report", {"address": theo, "amount": "20 XRP"})
    validated = ValidateReportForm().validate_report_details(
        details, CollectingDispatcher(), chat.tracker(), {}
    )
    chat.slots.update(validated)
    turn = await chat.run(ActionEscalate())

    assert "marked it high priority" in turn.text
    (request,) = to_receiver.received
    assert request.kind == "fraud_report"
    assert request.priority_hint == "high"
    assert request.diagnostics.troubleshooting["report_details"] == details
    assert request.diagnostics.channels, "the reporter's channels are attached"
    mentioned = request.diagnostics.model_extra or {}
    assert mentioned["mentioned"]["addresses"][0] == {"text": theo, "valid": True, "value": theo}
    assert mentioned["mentioned"]["amounts"][0]["value"] == "20000000"


async def test_a_security_incident_gets_protective_steps_then_an_urgent_ticket(
    to_receiver: Receiver,
) -> None:
    chat = Conversation(metadata={"user_id": "u_bruno", "wallets": [DEMO.account("bruno").address]})
    words = "my phone with the wallet app on it was taken at a bar last night, no pin lock"
    guidance = await chat.say(words, "security_incident").run(ActionProtectiveGuidance())
    assert "create a new wallet" in guidance.text
    assert guidance.slot("escalation_kind") == "account_security"
    assert guidance.slot("report_details") == words  # detailed enough: nothing more to ask
    chat.slots.update(escalation_kind="account_security", report_details=words)
    turn = await chat.run(ActionEscalate())

    assert "marked it high priority" in turn.text
    (request,) = to_receiver.received
    assert request.kind == "account_security"
    assert request.priority_hint == "urgent"
    assert words in request.user_words


async def test_troubleshooting_answers_travel_with_the_hand_off(to_receiver: Receiver) -> None:
    chat = Conversation(metadata={"wallets": [ALICE]})
    chat.slots.update(
        wallet="Crossmark", browser="Brave", error_text="No wallet found", tried_steps="reloaded"
    )
    chat.say("my wallet won't connect", "wallet_connection")
    await chat.run(ActionTroubleshootWallet())
    turn = await chat.say("no, still broken", "deny").run(ActionEscalate())
    assert "ticket" in turn.text
    (request,) = to_receiver.received
    assert request.kind == "wallet_connection"
    assert request.diagnostics.troubleshooting["wallet"] == "Crossmark"
    assert request.diagnostics.troubleshooting["error_text"] == "No wallet found"


async def test_api_unreachable_is_said_honestly_and_details_are_kept(
    monkeypatch: pytest.MonkeyPatch, on_demo: str
) -> None:
    configure(monkeypatch, ledger_url=on_demo, api_url=f"http://127.0.0.1:{free_port()}")
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say("this is unacceptable", "complaint").run(ActionEscalate())
    assert turn.seconds < 3
    assert "I'm sorry" in turn.text
    assert "couldn't reach our support team" in turn.text
    assert "support@channeldesk.example" in turn.text
    kept = turn.slot("pending_escalation")
    assert kept["kind"] == "complaint"
    assert kept["user_words"] == "this is unacceptable"
    EscalationRequest.model_validate(kept)


async def test_wrong_service_token_is_not_a_silent_success(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, on_demo: str
) -> None:
    configure(monkeypatch, ledger_url=on_demo, api_url=receiver.url, service_token="wrong")
    chat = Conversation()
    turn = await chat.say("agent", "human_request").run(ActionEscalate())
    assert "HTTP 401" in turn.text
    assert "isn't filed yet" in turn.text


async def test_an_earlier_agents_hand_back_note_travels_with_the_next_hand_off(
    to_receiver: Receiver,
) -> None:
    chat = Conversation(metadata={"wallets": [ALICE]})
    chat.slots.update(handback_summary="Refund of 2 XRP approved; told user to wait 1 day.")
    await chat.say("still no refund, get me a person", "human_request").run(ActionEscalate())
    (request,) = to_receiver.received
    extra = request.diagnostics.model_extra or {}
    assert extra["previous_handback"].startswith("Refund of 2 XRP approved")
    assert "Refund of 2 XRP approved" in request.summary


def test_asking_for_a_person_after_two_misunderstandings_is_a_human_request() -> None:
    from bot.actions.escalation import escalation_kind

    chat = Conversation(slots={"escalation_kind": "fallback"}).say(
        "forget it, connect me with a live agent", "human_request"
    )
    assert escalation_kind(chat.tracker()) == "human_request"
    offered = Conversation(slots={"escalation_kind": "wallet_connection"}).say(
        "no, connect me with a person", "human_request"
    )
    assert escalation_kind(offered.tracker()) == "wallet_connection"
