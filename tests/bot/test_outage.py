"""The node down or hanging: a clear answer and the offer of a person within 3 seconds."""

from __future__ import annotations

import pytest

from bot.actions.balance import ActionCheckBalance
from bot.actions.channels import ActionChannelStatus
from bot.actions.transactions import ActionTransactionStatus
from ledger.sandbox.demo import DEMO
from tests.bot.conftest import Conversation, SilentServer, configure, free_port

ALICE = DEMO.account("alice").address


def _offers_a_person(buttons: list[dict[str, str]]) -> bool:
    return any(b["payload"] == "/human_request" for b in buttons)


async def test_node_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, ledger_url=f"http://127.0.0.1:{free_port()}")
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say("balance", "check_balance").run(ActionCheckBalance())
    assert turn.seconds < 3
    assert "can't reach the XRP Ledger node" in turn.text
    assert _offers_a_person(turn.buttons)
    assert turn.slot("escalation_kind") == "ledger_unavailable"
    assert "Traceback" not in turn.text


async def test_node_that_never_answers(
    monkeypatch: pytest.MonkeyPatch, silent_server: SilentServer
) -> None:
    configure(monkeypatch, ledger_url=f"http://127.0.0.1:{silent_server.port}")
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say("my channels", "channel_status").run(ActionChannelStatus())
    assert turn.seconds < 3
    assert "too slow to answer" in turn.text
    assert _offers_a_person(turn.buttons)
    assert "did not answer" in turn.slot("diagnostics")["errors"][0]


async def test_slow_node_for_a_transaction_lookup(
    monkeypatch: pytest.MonkeyPatch, silent_server: SilentServer
) -> None:
    configure(monkeypatch, ledger_url=f"http://127.0.0.1:{silent_server.port}")
    chat = Conversation()
    turn = await chat.say("status", "transaction_status", {"hash": "AB" * 32}).run(
        ActionTransactionStatus()
    )
    assert turn.seconds < 3
    assert "try again in a few minutes" in turn.text
