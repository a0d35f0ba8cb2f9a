"""Balance and reserve answers, from the real sandbox node's demo world."""

from __future__ import annotations

from bot.actions.balance import ActionCheckBalance, ActionExplainReserve
from ledger import LedgerClient, drops_to_xrp_text
from ledger.sandbox.demo import DEMO
from tests.bot.conftest import Conversation

ALICE = DEMO.account("alice").address


async def test_linked_wallet_balance_has_total_reserve_spendable_and_locked(on_demo: str) -> None:
    async with LedgerClient(on_demo, 5.0) as ledger:
        expected = await ledger.account_overview(ALICE)
    chat = Conversation(metadata={"user_id": "u_alice", "wallets": [ALICE]})
    turn = await chat.say("how much XRP do I have", "check_balance").run(ActionCheckBalance())
    assert f"total balance: {drops_to_xrp_text(expected.balance_drops)}" in turn.text
    assert f"reserve (held by the ledger): {drops_to_xrp_text(expected.reserve_drops)}" in turn.text
    assert f"spendable: {drops_to_xrp_text(expected.spendable_drops)}" in turn.text
    assert "locked in your payment channels" in turn.text
    assert drops_to_xrp_text(expected.locked_in_channels_drops) == "64 XRP"
    assert "64 XRP" in turn.text
    assert turn.slot("diagnostics")["account_overview"]["address"] == ALICE


async def test_reserve_is_explained_in_the_users_figures(on_demo: str) -> None:
    chat = Conversation(metadata={"wallets": [ALICE]})
    turn = await chat.say("why is 1.2 XRP locked", "explain_reserve").run(ActionExplainReserve())
    assert "1.2 XRP" in turn.text
    assert "base reserve of 1 XRP" in turn.text
    assert "not a fee" in turn.text


async def test_typed_address_is_used_for_an_anonymous_visitor(on_demo: str) -> None:
    bruno = DEMO.account("bruno").address
    chat = Conversation()
    turn = await chat.say(f"balance of {bruno}", "check_balance", {"address": bruno}).run(
        ActionCheckBalance()
    )
    assert f"Account {bruno}" in turn.text


async def test_anonymous_visitor_without_address_is_asked_for_one(on_demo: str) -> None:
    chat = Conversation()
    turn = await chat.say("what's my balance", "check_balance").run(ActionCheckBalance())
    assert "Which XRP Ledger address" in turn.text
    assert turn.slot("awaiting") == "balance"


async def test_mistyped_address_gets_a_correction_not_a_ledger_error(on_demo: str) -> None:
    bad = ALICE[:-2] + ALICE[-1] + ALICE[-2]
    chat = Conversation()
    turn = await chat.say(f"balance of {bad}", "check_balance", {"address": bad}).run(
        ActionCheckBalance()
    )
    assert "fails its checksum" in turn.text
    assert "ledger" not in turn.text.lower()


async def test_unfunded_address_is_explained(on_demo: str) -> None:
    unfunded = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"
    chat = Conversation()
    turn = await chat.say("balance", "check_balance", {"address": unfunded}).run(
        ActionCheckBalance()
    )
    assert "doesn't exist on the XRP Ledger yet" in turn.text
    assert "1 XRP base reserve" in turn.text
