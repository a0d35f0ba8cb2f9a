"""Guided troubleshooting: slots validated, guidance fitted to wallet and browser."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.actions.inform import ActionHandleInform
from bot.actions.troubleshooting import (
    ActionAskBrowserFormErrorText,
    ActionAskWalletFormBrowser,
    ActionAskWalletFormErrorText,
    ActionAskWalletFormWallet,
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


def test_a_browser_on_a_phone_counts_as_the_phone() -> None:
    form = ValidateWalletForm()
    for said, device in [
        ("can I use gemwallet from my phone's chrome?", "a phone"),
        ("crossmark in chrome on my ipad", "a tablet"),
        ("chrome on my laptop, I scan with my phone", "Chrome"),
    ]:
        chat = Conversation().say(said, "wallet_connection", {"browser": "chrome"})
        assert form.validate_browser("chrome", CollectingDispatcher(), chat.tracker(), {}) == {
            "browser": device
        }


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


async def test_the_wallets_steps_come_before_the_first_question() -> None:
    chat = Conversation()
    chat.slots.update(wallet="Xaman")
    turn = await chat.say("xaman approves but the site just sits there", "wallet_connection").run(
        ActionAskWalletFormBrowser()
    )
    first, question = turn.messages
    assert "Here is what usually gets Xaman connected" in first["text"]
    assert "/help/connect-xaman" in first["text"]
    assert question["response"] == "utter_ask_browser"
    assert turn.slot("quick_fix_given") == "wallet:Xaman"


async def test_steps_already_given_are_not_repeated() -> None:
    chat = Conversation()
    chat.slots.update(wallet="Xaman", browser="Chrome", quick_fix_given="wallet:Xaman")
    turn = await chat.say("chrome", "inform").run(ActionAskWalletFormErrorText())
    assert [m["response"] for m in turn.messages] == ["utter_ask_error_text"]


async def test_general_steps_when_the_wallet_is_not_known_yet() -> None:
    turn = (
        await Conversation()
        .say("wallet won't connect", "wallet_connection")
        .run(ActionAskWalletFormWallet())
    )
    assert "/help/wallet-connection-problems" in turn.messages[0]["text"]
    assert turn.messages[1]["response"] == "utter_ask_wallet"


async def test_browser_steps_before_asking_for_the_error() -> None:
    chat = Conversation()
    chat.slots.update(browser="Safari")
    turn = await chat.say("site broken in safari", "browser_problem").run(
        ActionAskBrowserFormErrorText()
    )
    assert "Prevent cross-site tracking" in turn.messages[0]["text"]
    assert "/help/browser-compatibility" in turn.messages[0]["text"]


async def test_a_described_wallet_problem_starts_the_troubleshooting() -> None:
    turn = (
        await Conversation()
        .say(
            "gemwallet not detected in firefox",
            "inform",
            {"wallet": "gemwallet", "browser": "firefox"},
        )
        .run(ActionHandleInform())
    )
    assert turn.events == [{"event": "followup", "timestamp": None, "name": "wallet_form"}]


async def test_an_extension_wallet_on_a_tablet_is_pointed_to_xaman() -> None:
    chat = Conversation()
    chat.slots.update(wallet="GemWallet", browser="a tablet")
    turn = await chat.say("on my ipad gemwallet does nothing", "wallet_connection").run(
        ActionAskWalletFormErrorText()
    )
    first = turn.messages[0]["text"]
    assert "GemWallet can't connect on a tablet" in first
    assert "Use Xaman" in first
    assert "/help/browser-compatibility" in first
    assert "Make sure the GemWallet extension is installed" not in first


async def test_a_wallet_its_browser_does_not_support_gets_the_alternatives() -> None:
    chat = Conversation()
    chat.slots.update(
        wallet="Crossmark", browser="Firefox", error_text="not detected", tried_steps="reload"
    )
    turn = await chat.say("crossmark not detected", "wallet_connection").run(
        ActionTroubleshootWallet()
    )
    assert "Crossmark doesn't work in Firefox" in turn.text
    assert "Chrome, Edge or Brave" in turn.text
    assert "/help/browser-compatibility" in turn.text


async def test_a_supported_pair_gets_the_usual_steps() -> None:
    chat = Conversation()
    chat.slots.update(wallet="GemWallet", browser="Firefox")
    turn = await chat.say("gemwallet on firefox won't connect", "wallet_connection").run(
        ActionAskWalletFormErrorText()
    )
    assert "Here is what usually gets GemWallet connected" in turn.messages[0]["text"]
    assert "/help/connect-gemwallet" in turn.messages[0]["text"]
