"""Scripted answers (the knowledge base is switched off here: BOT_KB_ENABLED=false)."""

from __future__ import annotations

import pytest

from bot.actions.knowledge import ActionAnswerTopic
from bot.knowledge import reset_knowledge_base, wait_until_loaded
from tests.bot.conftest import Conversation, configure


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


@pytest.mark.slow
async def test_real_knowledge_base_completes_the_scripted_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from knowledge_base.config import KbSettings

    index_dir = KbSettings().index_dir
    if not (index_dir / "index.json").exists():
        pytest.skip(f"no knowledge base index in {index_dir} (run: kb build)")
    configure(monkeypatch, kb_enabled="true")
    reset_knowledge_base()
    try:
        assert wait_until_loaded(120), "the knowledge base did not load"
        turn = (
            await Conversation().say("what are the fees", "fees_reserves").run(ActionAnswerTopic())
        )
        assert "10 drops" in turn.text
        assert "More in our help centre" in turn.text
        assert "/help/" in turn.text
    finally:
        reset_knowledge_base()
