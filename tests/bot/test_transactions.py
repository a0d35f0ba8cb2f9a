"""Transaction status, history and "did my payment go through", against the demo world."""

from __future__ import annotations

from bot.actions.transactions import (
    ActionPaymentCheck,
    ActionTransactionHistory,
    ActionTransactionStatus,
)
from ledger.sandbox.demo import DEMO
from tests.bot.conftest import Conversation

ALICE = DEMO.account("alice").address
MIRA = DEMO.account("mira").address


async def _status(tx_hash: str) -> str:
    chat = Conversation()
    turn = await chat.say(f"status of {tx_hash}", "transaction_status", {"hash": tx_hash}).run(
        ActionTransactionStatus()
    )
    return turn.text


async def test_successful_payment_with_amount_and_counterparty(on_demo: str) -> None:
    text = await _status(DEMO.transactions["payment"])
    assert "succeeded and is validated" in text
    assert "amount 10 XRP" in text
    assert f"Sent by {ALICE}" in text


async def test_stale_claim_is_explained_for_the_user(on_demo: str) -> None:
    text = await _status(DEMO.transactions["stale_claim"])
    assert "failed" in text
    assert "stale" in text
    assert "no XRP left the channel" in text


async def test_payment_too_small_to_create_an_account(on_demo: str) -> None:
    text = await _status(DEMO.transactions["payment_too_small"])
    assert "tecNO_DST_INSUF_XRP" in text
    assert "at least 1 XRP" in text


async def test_unknown_hash_says_what_not_found_means(on_demo: str) -> None:
    text = await _status("AB" * 32)
    assert "was not found on the ledger" in text
    assert "testnet vs mainnet" in text


async def test_short_hash_is_corrected_before_any_lookup(on_demo: str) -> None:
    text = await _status("AB" * 31)
    assert "exactly 64 characters" in text


async def test_history_lists_recent_transactions_with_amounts(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say("show my last 3 transactions", "transaction_history").run(
        ActionTransactionHistory()
    )
    lines = [line for line in turn.text.splitlines() if line.startswith("- ")]
    assert len(lines) == 3
    assert all("XRP" in line for line in lines)


async def test_history_over_a_period(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say("what did I pay this week", "transaction_history").run(
        ActionTransactionHistory()
    )
    assert "over the last 7 days" in turn.text


async def test_asked_whether_anything_failed_the_history_says_which(on_demo: str) -> None:
    emeka = DEMO.account("emeka").address
    chat = Conversation(metadata={"wallets": [emeka]})
    turn = await chat.say("did any of my payments bounce lately?", "transaction_history").run(
        ActionTransactionHistory()
    )
    assert "failed: tecNO_DST_INSUF_XRP" in turn.text
    assert "1 of these failed" in turn.text

    alice = Conversation(metadata={"wallets": [ALICE]})
    turn = await alice.say("did any of my payments fail?", "transaction_history").run(
        ActionTransactionHistory()
    )
    assert "None of these failed." in turn.text


async def test_last_week_reaches_back_two_weeks_and_keeps_the_payments(on_demo: str) -> None:
    # alice paid bruno 10 XRP nine days ago, between daily channel redemptions
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say(
        "I sent someone something last week, how much was it?", "transaction_history"
    ).run(ActionTransactionHistory())
    assert "over the last 14 days" in turn.text
    assert f"payment 10 XRP to {DEMO.account('bruno').address}" in turn.text
    bruno = Conversation(metadata={"wallets": [DEMO.account("bruno").address]})
    turn = await bruno.say("list what's come in lately", "transaction_history").run(
        ActionTransactionHistory()
    )
    assert f"payment 10 XRP from {ALICE}" in turn.text


async def test_what_came_in_from_an_address_is_answered_the_other_way_round(
    on_demo: str,
) -> None:
    chen = DEMO.account("chen").address
    chat = Conversation(metadata={"wallets": [DEMO.account("dana").address]})
    turn = await chat.say(
        f"did i receive anything from {chen}? he says he paid me back",
        "payment_check",
        {"address": chen},
    ).run(ActionPaymentCheck())
    assert f"5 XRP from {chen}" in turn.text
    assert "arrived" in turn.text


async def test_a_visitor_asking_about_an_address_gets_its_balance_and_history(
    on_demo: str,
) -> None:
    turn = await (
        Conversation()
        .say(f"check {ALICE} pls, did my deposit arrive?", "payment_check", {"address": ALICE})
        .run(ActionPaymentCheck())
    )
    assert "total balance" in turn.text
    assert "transactions of" in turn.text.lower()
    assert "I need your own wallet" not in turn.text


async def test_payment_to_a_creator_answered_from_the_channel(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say(
        f"did my payment to {MIRA} go through", "payment_check", {"address": MIRA}
    ).run(ActionPaymentCheck())
    assert "paid out 36 XRP of 100 XRP" in turn.text
    assert "64 XRP is left" in turn.text


async def test_sent_to_an_address_is_answered_from_the_users_side(on_demo: str) -> None:
    bruno = DEMO.account("bruno").address
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say(
        f"I sent a friend some XRP at {bruno} a while ago, did he get it?",
        "transaction_history",
        {"address": bruno},
    ).run(ActionTransactionHistory())
    assert "Your 10 XRP to rBXmDp" in turn.text and "went through" in turn.text
    assert f"of {bruno}" not in turn.text  # not the friend's own history


async def test_a_channel_id_given_as_a_transaction_shows_the_channel(on_demo: str) -> None:
    channel = DEMO.channel("alice_mira").channel_id
    text = await _status(channel)
    assert "funded 100 XRP, paid out 36 XRP, remaining 64 XRP" in text
    assert f"It is funded by {ALICE}." in text
    assert "was not found" not in text


async def test_neither_transaction_nor_channel_says_both(on_demo: str) -> None:
    text = await _status("AB" * 32)
    assert f"Transaction {'AB' * 32} was not found" in text
    assert "It isn't a payment channel id either." in text


async def test_a_hash_in_a_history_question_is_that_transaction(on_demo: str) -> None:
    stale = DEMO.transactions["stale_claim"]
    chat = Conversation(metadata={"wallets": [DEMO.account("theo").address]})
    turn = await chat.say(
        f"one of my redemptions yesterday looks off, hash {stale}",
        "transaction_history",
        {"hash": stale},
    ).run(ActionTransactionHistory())
    assert "tecUNFUNDED_PAYMENT" in turn.text and "stale" in turn.text
    assert "Transactions of" not in turn.text


async def test_a_close_request_shows_what_comes_back_and_when(on_demo: str) -> None:
    text = await _status(DEMO.transactions["close_request"])
    assert "succeeded and is validated" in text
    assert "The channel now:" in text
    assert "18 XRP" in text, text  # what is left in dana's channel to mira comes back to her
    assert "It is closing: it closes at" in text, text


async def test_a_claim_that_closed_its_channel_says_it_is_gone(on_demo: str) -> None:
    text = await _status(DEMO.transactions["creator_close"])
    assert "That channel is closed now" in text
