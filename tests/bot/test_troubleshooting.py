"""Guided troubleshooting: slots validated, guidance fitted to wallet and browser."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.actions.troubleshooting import (
    ActionTroubleshootBrowser,
    ActionTroubleshootWallet,
    ValidateWalletForm,
)
from tests.bot.conftest import Conversation


def test_wallet_names_are_normalised() -> None:
    form = ValidateWalletForm()
    tracker = Conversation().tracker()
    assert form.validate_wallet("xumm", CollectingDispatcher(), tracker, {}) == {"wallet": "Xaman"}
    assert form.validate_browser("brave", CollectingDispatcher(), tracker, {}) == {
        "browser": "Brave"
    }
    assert form.validate_wallet("  ", CollectingDispatcher(), tracker, {}) == {"wallet": None}


async def test_wallet_guidance_fits_the_wallet_and_browser() -> None:
    chat = Conversation()
    chat.slots.update(wallet="Xaman", browser="Safari", error_text="QR expired", tried_steps="none")
    turn = await chat.say("my wallet won't connect", "wallet_connection").run(
        ActionTroubleshootWallet()
    )
    assert "scan the QR code" in turn.text
    assert "Prevent cross-site tracking" in turn.text
    assert [b["payload"] for b in turn.buttons] == ["/affirm", "/human_request"]
    assert turn.slot("diagnostics")["troubleshooting"]["error_text"] == "QR expired"
    assert turn.slot("error_text") is None


async def test_browser_guidance() -> None:
    chat = Conversation()
    chat.slots.update(browser="Firefox", error_text="blank page", tried_steps="reload")
    turn = await chat.say("the page is blank", "browser_problem").run(ActionTroubleshootBrowser())
    assert "Enhanced Tracking Protection" in turn.text
    assert turn.slot("escalation_kind") == "browser"
