"""Scripted answers (the knowledge base is switched off here: BOT_KB_ENABLED=false)."""

from __future__ import annotations

from bot.actions.knowledge import ActionAnswerTopic
from tests.bot.conftest import Conversation


async def test_fees_have_a_short_answer() -> None:
    turn = await Conversation().say("what are the fees", "fees_reserves").run(ActionAnswerTopic())
    assert "10 drops" in turn.text


async def test_security_answer_offers_a_person_at_once() -> None:
    chat = Conversation()
    turn = await chat.say("someone has my seed", "account_security").run(ActionAnswerTopic())
    assert "Never share your secret key" in turn.text
    assert turn.buttons[0]["payload"] == "/human_request"
    assert turn.slot("escalation_kind") == "account_security"


async def test_out_of_scope_is_honest_and_offers_a_person() -> None:
    turn = await Conversation().say("book me a flight", "out_of_scope").run(ActionAnswerTopic())
    assert "outside what I can help with" in turn.text
    assert "connect you with a person" in turn.text
