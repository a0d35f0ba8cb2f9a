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
    turn = await chat.say("is it safe to keep my seed in email", "account_security").run(
        ActionAnswerTopic()
    )
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
        # too short for a confident passage, but the drops article stands well clear
        short = await Conversation().say("whats a drop", "fees_reserves").run(ActionAnswerTopic())
        assert "/help/transaction-fees" in short.text
        assert 'see also "XRP and drops' in short.text and "/help/xrp-and-drops" in short.text
        # read as how-it-works, answered by another article: that article's passage answers it
        phone = (
            await Conversation()
            .say(
                "can I use the site in the browser on my android phone or do I need a computer?",
                "how_it_works",
            )
            .run(ActionAnswerTopic())
        )
        assert phone.text.startswith('From our help centre, "Browser compatibility"')
        assert 'see also "What a payment channel is"' in phone.text
        # a security question keeps its safety answer first, whatever article it matched
        safety = (
            await Conversation()
            .say("how do I turn on two-step verification for my account?", "account_security")
            .run(ActionAnswerTopic())
        )
        assert safety.text.startswith("Never share your secret key")
    finally:
        reset_knowledge_base()


async def test_a_topic_answer_links_its_article_even_without_the_knowledge_base() -> None:
    turn = await Conversation().say("how do I top up", "channel_add_funds").run(ActionAnswerTopic())
    assert "PaymentChannelFund" in turn.text
    assert turn.text.endswith('"Adding XRP to an open channel (top up)": /help/funding-a-channel')


def test_every_topic_article_exists_under_its_title() -> None:
    from bot.actions.knowledge import TOPIC_ARTICLES
    from knowledge_base.articles import load_articles
    from knowledge_base.config import KbSettings

    titles = {a.id: a.title for a in load_articles(KbSettings().articles_dir)}
    for article_id, title in TOPIC_ARTICLES.values():
        assert titles.get(article_id) == title, article_id


@pytest.mark.parametrize(
    "words",
    [
        "someone has my seed",
        "my wallet was hacked",
        "I typed my recovery phrase on a fake site",
        "someone is sending xrp out of my wallet right now",
    ],
)
async def test_a_compromise_under_way_gets_protective_steps_and_a_person(words: str) -> None:
    turn = await Conversation().say(words, "account_security").run(ActionAnswerTopic())
    assert turn.text.startswith("Act now")
    assert "new wallet" in turn.text
    assert turn.slot("escalation_kind") == "account_security"
    assert {"event": "followup", "timestamp": None, "name": "action_escalate"} in turn.events


@pytest.mark.parametrize(
    "words", ["how do I keep my account safe", "how can I tell if a link is phishing"]
)
async def test_a_safety_question_is_answered_not_escalated(words: str) -> None:
    turn = await Conversation().say(words, "account_security").run(ActionAnswerTopic())
    assert not [e for e in turn.events if e.get("event") == "followup"]
    assert "Never share your secret key" in turn.text


async def test_a_compromise_naming_a_channel_id_still_escalates() -> None:
    channel = "582A72B5B375F77D7ED676FE098E11F65F2ABE8D465BEBD9F6FEFC04B23ADB8C"
    turn = await (
        Conversation()
        .say(f"someone is draining my channel {channel}!!", "account_security", {"hash": channel})
        .run(ActionAnswerTopic())
    )
    assert turn.text.startswith("Act now")
    assert {"event": "followup", "timestamp": None, "name": "action_escalate"} in turn.events
