"""Fallback: the two likeliest meanings in words, then a person after two misses in a row."""

from __future__ import annotations

from bot.actions.balance import ActionCheckBalance
from bot.actions.fallback import ActionClarify, failed_attempts
from bot.actions.transactions import ActionPaymentCheck
from ledger.sandbox.demo import DEMO
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
        f"stuff with {address} and then some other things",
        "nlu_fallback",
        {"address": address},
        ranking=[("nlu_fallback", 0.45), ("fees_reserves", 0.28), ("check_balance", 0.25)],
    ).run(ActionClarify())
    assert turn.buttons[1]["payload"] == f'/check_balance{{"address": "{address}"}}'


async def test_a_likely_topic_is_answered_with_the_other_meaning_a_click_away() -> None:
    ranking = [("nlu_fallback", 0.45), ("channel_add_funds", 0.4), ("fees_reserves", 0.17)]
    turn = await (
        Conversation()
        .say(
            "ok and how do I put more in it without opening a new one?",
            "nlu_fallback",
            ranking=ranking,
        )
        .run(ActionClarify())
    )
    assert "Top up channel" in turn.text
    assert "/help/funding-a-channel" in turn.text
    assert "If you meant something else" in turn.text
    assert [b["payload"] for b in turn.buttons] == ["/fees_reserves", "/something_else"]
    assert "I'm not sure I understood" not in turn.text


async def test_a_likely_ledger_question_with_an_account_is_answered(on_demo: str) -> None:
    theo = DEMO.account("theo").address
    chat = Conversation(metadata={"wallets": [DEMO.account("bruno").address]})
    ranking = [("nlu_fallback", 0.45), ("payment_check", 0.38), ("channel_status", 0.3)]
    turn = await chat.say(
        f"did my tip to theo go through? his address is {theo}",
        "nlu_fallback",
        {"address": theo},
        ranking=ranking,
    ).run(ActionClarify())
    assert "has paid out 46 XRP of 50 XRP to the creator" in turn.text
    assert "If you meant something else, pick one below." in turn.text
    assert [b["title"] for b in turn.buttons] == ["My payment channels", "Something else"]


async def test_a_likely_ledger_question_next_to_a_hand_off_is_not_answered() -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("bruno").address]})
    ranking = [("nlu_fallback", 0.45), ("channel_status", 0.38), ("complaint", 0.3)]
    turn = await chat.say("my channel, seriously??", "nlu_fallback", ranking=ranking).run(
        ActionClarify()
    )
    assert "I'm not sure I understood" in turn.text
    assert [b["title"] for b in turn.buttons] == [
        "My payment channels",
        "Make a complaint",
        "Something else",
    ]


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


async def test_a_pasted_address_the_model_is_unsure_about_is_simply_used(on_demo: str) -> None:
    bruno = DEMO.account("bruno").address
    chat = Conversation()
    await chat.say("what's my balance", "check_balance").run(ActionCheckBalance())
    turn = await chat.say(bruno, "nlu_fallback", {"address": bruno}, ranking=RANKING).run(
        ActionClarify()
    )
    assert f"Account {bruno}" in turn.text
    assert not turn.buttons


async def test_a_hash_asked_about_as_a_payment_is_looked_up(on_demo: str) -> None:
    payment = DEMO.transactions["payment"]
    chat = Conversation(metadata={"wallets": [DEMO.account("alice").address]})
    turn = await chat.say(f"did {payment} go through", "payment_check", {"hash": payment}).run(
        ActionPaymentCheck()
    )
    assert "succeeded and is validated" in turn.text


async def test_an_unclear_message_that_most_likely_needs_a_person_goes_to_one() -> None:
    chat = Conversation(metadata={"wallets": [DEMO.account("bruno").address]})
    words = "meant to tip 0.5 and typed 50, the creator ignores me, help me before it's too late"
    ranking = [("nlu_fallback", 0.45), ("dispute", 0.39), ("explain_reserve", 0.25)]
    turn = await chat.say(words, "nlu_fallback", ranking=ranking).run(ActionClarify())
    assert "I'll pass the dispute to our team as high priority" in turn.text
    assert not turn.buttons
    assert turn.slot("escalation_kind") == "dispute"
    assert turn.slot("report_details") == words
    assert {"event": "followup", "name": "action_escalate"} in [
        {k: e.get(k) for k in ("event", "name")} for e in turn.events
    ]


async def test_an_unlikely_hand_off_meaning_is_only_offered() -> None:
    chat = Conversation()
    ranking = [("nlu_fallback", 0.45), ("complaint", 0.15), ("channel_status", 0.12)]
    turn = await chat.say("my channel, seriously??", "nlu_fallback", ranking=ranking).run(
        ActionClarify()
    )
    assert "I'm not sure I understood" in turn.text
    assert turn.slot("escalation_kind") is None


async def test_no_hand_off_guess_for_a_person_or_in_the_middle_of_troubleshooting() -> None:
    chat = Conversation()
    ranking = [("nlu_fallback", 0.45), ("human_request", 0.33), ("account_security", 0.21)]
    turn = await chat.say(
        "is it ok to give my secret key to your support team?", "nlu_fallback", ranking=ranking
    ).run(ActionClarify())
    assert turn.slot("escalation_kind") is None
    chat = Conversation()
    chat.active_loop = {"name": "wallet_form"}
    ranking = [("nlu_fallback", 0.45), ("security_incident", 0.3), ("thanks", 0.25)]
    turn = await chat.say(
        "ahh it works now, I let the extension run in private windows",
        "nlu_fallback",
        ranking=ranking,
    ).run(ActionClarify())
    assert turn.slot("escalation_kind") is None


async def test_meanings_that_need_a_person_count_together() -> None:
    chat = Conversation()
    words = "I'm sick of this. my payment failed, I still paid a fee and nobody told me. fix it"
    ranking = [
        ("nlu_fallback", 0.45),
        ("channel_status", 0.31),
        ("complaint", 0.24),
        ("fraud_report", 0.18),
    ]
    turn = await chat.say(words, "nlu_fallback", ranking=ranking).run(ActionClarify())
    assert turn.slot("escalation_kind") == "complaint"
    assert not turn.buttons
    # below 40% together they are only offered
    ranking = [("nlu_fallback", 0.45), ("channel_status", 0.31), ("complaint", 0.24)]
    turn = await Conversation().say(words, "nlu_fallback", ranking=ranking).run(ActionClarify())
    assert turn.slot("escalation_kind") is None
    assert "I'm not sure I understood" in turn.text


async def test_a_supposed_incident_is_not_handed_off() -> None:
    words = "just wondering, if my seed ever got leaked what would I need to do?"
    ranking = [("nlu_fallback", 0.45), ("dispute", 0.38), ("account_security", 0.25)]
    turn = await Conversation().say(words, "nlu_fallback", ranking=ranking).run(ActionClarify())
    assert turn.slot("escalation_kind") is None


async def test_a_question_whether_it_is_a_scam_is_not_handed_off() -> None:
    words = "is it a scam that you charge a fee when I open a channel??"
    ranking = [("nlu_fallback", 0.45), ("fraud_report", 0.44), ("fees_reserves", 0.38)]
    turn = await Conversation().say(words, "nlu_fallback", ranking=ranking).run(ActionClarify())
    assert turn.slot("escalation_kind") is None
    assert "passed this to our support team" not in turn.text
