"""Wallet connection and browser problems: a form collects what an agent would ask for, then
guidance fitted to the wallet and browser."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.context import remember
from bot.knowledge import help_url, more_in_help_centre

__all__ = [
    "ActionAskBrowserFormBrowser",
    "ActionAskBrowserFormErrorText",
    "ActionAskBrowserFormTriedSteps",
    "ActionAskWalletFormBrowser",
    "ActionAskWalletFormErrorText",
    "ActionAskWalletFormTriedSteps",
    "ActionAskWalletFormWallet",
    "ActionTroubleshootBrowser",
    "ActionTroubleshootWallet",
    "ValidateBrowserForm",
    "ValidateWalletForm",
    "browser_steps",
    "wallet_steps",
]

WALLETS = {
    "xaman": "Xaman",
    "xumm": "Xaman",
    "gemwallet": "GemWallet",
    "gem wallet": "GemWallet",
    "crossmark": "Crossmark",
    "ledger": "Ledger device",
    "ledger nano": "Ledger device",
}
UNKNOWN_BROWSER = "not given"
BROWSERS = {
    "iphone": "a phone",
    "ipad": "a tablet",
    "android": "a phone",
    "phone": "a phone",
    "mobile": "a phone",
    "chrome": "Chrome",
    "google chrome": "Chrome",
    "firefox": "Firefox",
    "safari": "Safari",
    "brave": "Brave",
    "edge": "Edge",
    "microsoft edge": "Edge",
    "opera": "Opera",
    "chromium": "Chromium",
    "samsung internet": "Samsung Internet",
}
_WALLET_STEPS = {
    "Xaman": "Open Xaman on your phone, tap Scan and scan the QR code shown by the site; approve "
    "the sign-in request in the app. If nothing happens, update Xaman and check the phone has "
    "internet access, then click Connect again to get a fresh QR code (codes expire after a few "
    "minutes).",
    "GemWallet": "Make sure the GemWallet extension is installed, enabled and unlocked (click its "
    "icon and enter your password), then reload the page and click Connect.",
    "Crossmark": "Unlock the Crossmark extension first, check it is on the same network as the "
    "site (mainnet vs testnet), then reload the page and click Connect.",
    "Ledger device": "Plug in and unlock the device, open the XRP app on it, close Ledger Live "
    "(it holds the connection), then click Connect. A browser with WebHID (Chrome, Edge, Brave) is "
    "needed.",
}
_BROWSER_STEPS = {
    "Safari": "In Safari, turn off 'Prevent cross-site tracking' for this site and allow pop-ups.",
    "Brave": "In Brave, lower Shields for this site (the lion icon) so the wallet can talk to it.",
    "Firefox": "In Firefox, set Enhanced Tracking Protection to off for this site (shield icon).",
}

# Where the extension and hardware wallets work (help article "Browser compatibility"); Xaman
# works everywhere, and no extension runs in a phone's or tablet's browser.
_WORKS_IN = {
    "GemWallet": {"Chrome", "Edge", "Brave", "Chromium", "Firefox"},
    "Crossmark": {"Chrome", "Edge", "Brave", "Chromium"},
    "Ledger device": {"Chrome", "Edge", "Brave", "Chromium"},
}
_MOBILE = {"a phone", "a tablet", "Samsung Internet"}
_ON_A_DEVICE = re.compile(
    r"\b(my|on|from|in|an?|the|with)\s+(phone|mobile|android|iphone|ipad)('s)?\b", re.IGNORECASE
)
_ON_A_COMPUTER = re.compile(r"\b(laptop|computer|desktop|pc|mac|macbook)\b", re.IGNORECASE)
_DESKTOP = {"Chrome", "Edge", "Brave", "Chromium", "Firefox", "Safari"}


def compatibility(wallet: str | None, browser: str | None) -> str | None:
    """Why ``wallet`` cannot work on ``browser`` and what to use instead, when it cannot."""
    works_in = _WORKS_IN.get(wallet or "")
    if works_in is None or not browser or browser in works_in:
        return None
    if browser in _MOBILE:
        return (
            f"{wallet} can't connect on {browser}: browser extensions don't run in mobile "
            "browsers. Use Xaman there instead (it signs by scanning a QR code), or "
            f"{wallet} on a computer in Chrome, Edge or Brave."
        )
    if browser in _DESKTOP:
        return (
            f"{wallet} doesn't work in {browser}. Use Xaman (any browser), or open the site in "
            f"Chrome, Edge or Brave, where {wallet} works."
        )
    return None


def _wallet_article(wallet: str | None, browser: str | None) -> tuple[str, str]:
    if compatibility(wallet, browser):
        return _BROWSER_ARTICLE
    return _WALLET_ARTICLES.get(wallet or "", _WALLET_GENERAL)


# The help article for each wallet's connection steps, and the general ones.
_WALLET_ARTICLES = {
    "Xaman": ("connect-xaman", "Connecting Xaman (Xumm)"),
    "GemWallet": ("connect-gemwallet", "Connecting GemWallet"),
    "Crossmark": ("connect-crossmark", "Connecting Crossmark"),
    "Ledger device": ("connect-ledger-hardware", "Using a Ledger hardware wallet"),
}
_WALLET_GENERAL = ("wallet-connection-problems", "My wallet will not connect")
_BROWSER_ARTICLE = ("browser-compatibility", "Browser compatibility")
# Longer than this, an answer to "which browser?" is a description of the problem instead.
_MAX_BROWSER_WORDS = 4


def _on(browser: str | None) -> str:
    return browser if browser and browser != UNKNOWN_BROWSER else "your browser"


def _more(article: tuple[str, str]) -> str:
    article_id, title = article
    return more_in_help_centre(title, help_url(article_id))


def _known(value: Any, table: dict[str, str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return table.get(text.lower(), text[:60])


def wallet_steps(wallet: str | None, browser: str | None) -> str:
    unsupported = compatibility(wallet, browser)
    if unsupported:
        return unsupported
    steps = [
        _WALLET_STEPS.get(
            wallet or "", "Unlock your wallet, reload the page and click Connect again."
        )
    ]
    steps.append(
        _BROWSER_STEPS.get(
            browser or "", "Allow pop-ups for this site and disable ad-blockers for it."
        )
    )
    steps.append("If it still fails, try a private window with only your wallet extension enabled.")
    return " ".join(steps)


def browser_steps(browser: str | None) -> str:
    return " ".join(
        [
            "Reload the page with the cache bypassed (Ctrl+Shift+R, or Cmd+Shift+R on a Mac).",
            _BROWSER_STEPS.get(
                browser or "", "Allow pop-ups and disable ad-blockers for this site."
            ),
            "Check the browser is up to date, and try a private window: if it works there, an "
            "extension or old cookies are the cause, so clear this site's cookies.",
        ]
    )


class _TroubleshootingSlots:
    """Validation shared by both troubleshooting forms (a mixin: rasa-sdk registers every
    Action subclass, so this one must not be one)."""

    def validate_browser(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value.strip() if isinstance(value, str) else ""
        if text.lower() not in BROWSERS and len(text.split()) > _MAX_BROWSER_WORDS:
            # "it says 'Sign request expired'" answers a later question: keep it as the error
            # text and ask for the browser once more; a second such answer moves on without it.
            if not tracker.get_slot("error_text"):
                return {"browser": None, "error_text": text[:1000]}
            return {"browser": UNKNOWN_BROWSER}
        # "Chrome on my phone": the device decides what can run there, not the browser's name
        said = str((tracker.latest_message or {}).get("text") or "")
        device = _ON_A_DEVICE.search(said)
        if device and not _ON_A_COMPUTER.search(said):
            return {"browser": BROWSERS[device.group(2).lower()]}
        return {"browser": _known(value, BROWSERS)}

    def validate_error_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value.strip()[:1000] if isinstance(value, str) else None
        return {"error_text": text or None}

    def validate_tried_steps(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value.strip()[:1000] if isinstance(value, str) else None
        return {"tried_steps": text or None}


class ValidateWalletForm(_TroubleshootingSlots, FormValidationAction):
    def name(self) -> str:
        return "validate_wallet_form"

    def validate_wallet(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"wallet": _known(value, WALLETS)}


class ValidateBrowserForm(_TroubleshootingSlots, FormValidationAction):
    def name(self) -> str:
        return "validate_browser_form"


def _collected(tracker: Tracker, problem: str) -> dict[str, Any]:
    return {
        "problem": problem,
        "wallet": tracker.get_slot("wallet"),
        "browser": tracker.get_slot("browser"),
        "error_text": tracker.get_slot("error_text"),
        "tried_steps": tracker.get_slot("tried_steps"),
    }


def quick_fix(form: str, wallet: str | None, browser: str | None) -> tuple[str, str]:
    """(what it was given for, the steps that fix most cases) for the form's problem so far."""
    if form == "browser_form":
        return f"browser:{browser or ''}", (
            f"Here is what usually fixes this on {_on(browser)}: {browser_steps(browser)}\n"
            f"{_more(_BROWSER_ARTICLE)}"
        )
    if wallet is None:
        return "wallet:", (
            "The checks that fix most connection problems: unlock your wallet, reload the page, "
            "allow pop-ups for this site and disable ad-blockers for it.\n"
            f"{_more(_WALLET_GENERAL)}"
        )
    unsupported = compatibility(wallet, browser)
    if unsupported:
        return f"wallet:{wallet}:{browser}", f"{unsupported}\n{_more(_BROWSER_ARTICLE)}"
    return f"wallet:{wallet}", (
        f"Here is what usually gets {wallet} connected: {wallet_steps(wallet, browser)}\n"
        f"{_more(_WALLET_ARTICLES.get(wallet, _WALLET_GENERAL))}"
    )


class _AskWithQuickFix:
    """Asks for a troubleshooting form's next detail, after first giving the steps that fix
    most cases, so the user is helped at once rather than questioned first; the details are
    still collected in case the steps do not help. Steps are given once per wallet (again when
    the wallet becomes known). A mixin, as above."""

    form = ""
    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.form}_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        given_for, steps = quick_fix(
            self.form, tracker.get_slot("wallet"), tracker.get_slot("browser")
        )
        events: list[EventType] = []
        if tracker.get_slot("quick_fix_given") != given_for:
            dispatcher.utter_message(
                text=f"{steps}\nIf that doesn't fix it, tell me a little more so our team has "
                "what it needs:"
            )
            events.append(SlotSet("quick_fix_given", given_for))
        dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        return events


class ActionAskWalletFormWallet(_AskWithQuickFix, Action):
    form, slot = "wallet_form", "wallet"


class ActionAskWalletFormBrowser(_AskWithQuickFix, Action):
    form, slot = "wallet_form", "browser"


class ActionAskWalletFormErrorText(_AskWithQuickFix, Action):
    form, slot = "wallet_form", "error_text"


class ActionAskWalletFormTriedSteps(_AskWithQuickFix, Action):
    form, slot = "wallet_form", "tried_steps"


class ActionAskBrowserFormBrowser(_AskWithQuickFix, Action):
    form, slot = "browser_form", "browser"


class ActionAskBrowserFormErrorText(_AskWithQuickFix, Action):
    form, slot = "browser_form", "error_text"


class ActionAskBrowserFormTriedSteps(_AskWithQuickFix, Action):
    form, slot = "browser_form", "tried_steps"


_FIXED_BUTTONS = [
    {"title": "Yes, it works now", "payload": "/affirm"},
    {"title": "No, connect me with a person", "payload": "/human_request"},
]


class ActionTroubleshootWallet(Action):
    def name(self) -> str:
        return "action_troubleshoot_wallet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        wallet, browser = tracker.get_slot("wallet"), tracker.get_slot("browser")
        dispatcher.utter_message(
            text=f"Let's get {wallet or 'your wallet'} connected on {_on(browser)}. "
            f"{wallet_steps(wallet, browser)}\n"
            f"{_more(_wallet_article(wallet, browser))}\nDid that fix it?",
            buttons=_FIXED_BUTTONS,
        )
        return [
            *remember(tracker, troubleshooting=_collected(tracker, "wallet_connection")),
            SlotSet("escalation_kind", "wallet_connection"),
            # asked afresh next time; the hand-off still carries them in diagnostics
            SlotSet("error_text", None),
            SlotSet("tried_steps", None),
            SlotSet("quick_fix_given", None),
        ]


class ActionTroubleshootBrowser(Action):
    def name(self) -> str:
        return "action_troubleshoot_browser"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        browser = tracker.get_slot("browser")
        dispatcher.utter_message(
            text=f"Here is what usually fixes this on {_on(browser)}: "
            f"{browser_steps(browser)}\n{_more(_BROWSER_ARTICLE)}\nDid that fix it?",
            buttons=_FIXED_BUTTONS,
        )
        return [
            *remember(tracker, troubleshooting=_collected(tracker, "browser")),
            SlotSet("escalation_kind", "browser"),
            # asked afresh next time; the hand-off still carries them in diagnostics
            SlotSet("error_text", None),
            SlotSet("tried_steps", None),
            SlotSet("quick_fix_given", None),
        ]
