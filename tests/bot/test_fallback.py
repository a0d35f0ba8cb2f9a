"""Fallback: the two likeliest meanings in words, then a person after two misses in a row."""

from __future__ import annotations

from bot.actions.fallback import ActionClarify, failed_attempts
from tests.bot.conftest import Conversation

RANKING = [
    ("nlu_fallback", 0.45),
    ("check_balance", 0.41),
    ("channel_status", 0.33),
    ("greet", 0.1),
]


async def test_first_miss_offers_two_meanings_and_something_else() -> None:
    chat = Conversation()
    turn = await chat.say("xrp thing left?", "nlu_fallback", ranking=RANKING).run(ActionClarify())
    titles = [b["title"] for b in turn.buttons]
    assert titles == ["Check my XRP balance", "My payment channels", "Something else"]
    assert [b["payload"] for b in turn.buttons][:2] == ["/check_balance", "/channel_status"]
    assert "nlu_fallback" not in turn.text + str(turn.buttons)


async def test_entities_of_the_unclear_message_are_kept_in_the_buttons() -> None:
    chat = Conversation()
    address = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
    turn = await chat.say(
        f"{address} ??", "nlu_fallback", {"address": address}, ranking=RANKING
    ).run(ActionClarify())
    assert turn.buttons[0]["payload"] == f'/check_balance{{"address": "{address}"}}'


async def test_second_miss_in_a_row_offers_a_person() -> None:
    chat = Conversation()
    await chat.say("blorp", "nlu_fallback", ranking=RANKING).run(ActionClarify())
    chat.say("/something_else", "something_else")
    turn = await chat.say("zzz qqq", "nlu_fallback", ranking=RANKING).run(ActionClarify())
    assert "connect you with a person" in turn.text
    assert turn.buttons[0]["payload"] == "/human_request"
    assert turn.slot("escalation_kind") == "fallback"


async def test_an_understood_message_resets_the_count() -> None:
    chat = Conversation()
    chat.say("blorp", "nlu_fallback", ranking=RANKING)
    chat.say("what's my balance", "check_balance")
    chat.say("zzz", "nlu_fallback", ranking=RANKING)
    assert failed_attempts(chat.tracker()) == 1
