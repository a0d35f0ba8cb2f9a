"""Hand-offs to a person: human requests, complaints, fraud reports and disputes.

The request carries the user and their wallets, what the conversation looked up (account
overview, channels, transactions), fresh ledger figures for the linked wallet, what
troubleshooting collected, the addresses, hashes and amounts the user mentioned (validated),
the user's words, a summary and the transcript.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.config import get_settings
from bot.context import linked_wallets, transcript, user_info
from bot.entities import check_address, check_amount, check_hash
from bot.errors import EscalationFailed
from bot.escalation import build_request, send_escalation
from bot.formatting import as_json
from bot.ledger_access import lookup
from ledger import LedgerError

__all__ = [
    "GUIDANCE",
    "KIND_BY_INTENT",
    "ActionEscalate",
    "ActionProtectiveGuidance",
    "ValidateReportForm",
    "escalation_kind",
    "hand_off_now",
]

KIND_BY_INTENT = {
    "complaint": "complaint",
    "fraud_report": "fraud_report",
    "dispute": "dispute",
    "account_security": "account_security",
    "security_incident": "account_security",
}
_LABELS = {
    "human_request": "The user asked for a person",
    "complaint": "An upset user complained",
    "fraud_report": "Fraud report",
    "dispute": "Payment dispute",
    "fallback": "The assistant could not understand the user",
    "wallet_connection": "Wallet connection problem not fixed by the guided steps",
    "browser": "Browser problem not fixed by the guided steps",
    "ledger_unavailable": "The ledger node was unavailable for the user's question",
    "account_security": "Account security (possible compromised secret or phishing)",
}
GUIDANCE = {
    "account_security": (
        "Act now, before anything else: create a new wallet (new secret key) and send all your "
        "spendable XRP to it; from the old wallet, close your payment channels ('Close channel') so "
        "the unspent XRP comes back after the settle delay, then move that too. Never type your "
        "secret or recovery phrase anywhere again: support never asks for it. I'm passing this to "
        "our team as urgent."
    ),
    "fraud_report": (
        "I'm sorry this happened. To protect yourself right now: don't sign any more claims or "
        "payments for the account involved; if a payment channel is being misused, close it from "
        "your wallet ('Close channel'): after its settle delay the unspent XRP returns to you; "
        "and if your secret key might be exposed, move your XRP to a new wallet immediately. "
        "I'll pass this to our team as high priority."
    ),
    "dispute": (
        "I'm sorry about this. Until it is sorted out, don't sign further claims for this creator; "
        "if you want to stop paying them, close the channel from your wallet and the unspent XRP "
        "comes back after the settle delay. I'll pass the dispute to our team as high priority."
    ),
}
_MIN_DETAIL_WORDS = 6


def hand_off_now(dispatcher: CollectingDispatcher, kind: str, words: str) -> list[EventType]:
    """The protective steps for ``kind`` (or, where there are none, that a person takes it
    over), then a hand-off at once that carries the user's ``words``."""
    dispatcher.utter_message(
        text=GUIDANCE.get(kind)  # each ends by saying it goes to the team
        or "This sounds like something our team should handle, so I'm passing it to a person "
        "with this conversation."
    )
    return [
        SlotSet("escalation_kind", kind),
        SlotSet("report_details", words),
        FollowupAction("action_escalate"),
    ]


def escalation_kind(tracker: Tracker) -> str:
    """Why this hand-off happens: what the user asked, else what the flow offered."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    if tracker.get_slot("requested_slot") == "report_details" or tracker.get_slot("report_details"):
        kind = tracker.get_slot("escalation_kind")
        if kind in {"fraud_report", "dispute"}:
            return str(kind)
    if intent in KIND_BY_INTENT:
        return KIND_BY_INTENT[str(intent)]
    offered = tracker.get_slot("escalation_kind")
    if intent == "human_request" and offered == "fallback":
        return "human_request"  # the user asked for a person, in so many words
    return str(offered or "human_request")


def _user_words(tracker: Tracker) -> str:
    """What the user typed in this session (button clicks left out), newest last."""
    texts = [
        str(e.get("text"))
        for e in tracker.events
        if e.get("event") == "user" and e.get("text") and not str(e.get("text")).startswith("/")
    ]
    return "\n".join(texts[-6:])


def _mentioned(tracker: Tracker) -> dict[str, list[dict[str, Any]]]:
    """Addresses, hashes and amounts the user typed in this session, each validated."""
    found: dict[str, list[dict[str, Any]]] = {"addresses": [], "hashes": [], "amounts": []}
    checks = {"address": check_address, "hash": check_hash, "amount": check_amount}
    keys = {"address": "addresses", "hash": "hashes", "amount": "amounts"}
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities", []):
            name, value = entity.get("entity"), entity.get("value")
            if name in checks and isinstance(value, str):
                checked = checks[name](value)
                item = {"text": value, "valid": checked.value is not None}
                if checked.value is not None:
                    item["value"] = checked.value
                else:
                    item["problem"] = checked.correction
                if item not in found[keys[name]]:
                    found[keys[name]].append(item)
    return found


async def _diagnostics(tracker: Tracker) -> dict[str, Any]:
    diagnostics: dict[str, Any] = {
        "account_overview": None,
        "channels": [],
        "transactions": [],
        "claim_checks": [],
        "troubleshooting": {},
        "errors": [],
        **dict(tracker.get_slot("diagnostics") or {}),
    }
    wallets = linked_wallets(tracker)
    if wallets and diagnostics.get("account_overview") is None:
        address = wallets[0]
        try:
            overview = await lookup(lambda ledger: ledger.account_overview(address))
            diagnostics["account_overview"] = as_json(overview)
            if not diagnostics.get("channels"):
                channels = await lookup(lambda ledger: ledger.channels(address))
                diagnostics["channels"] = [as_json(c) for c in channels[:10]]
        except LedgerError as error:
            diagnostics["errors"] = [*diagnostics["errors"], f"ledger lookup: {error.message}"]
    troubleshooting = dict(diagnostics.get("troubleshooting") or {})
    for slot in ("wallet", "browser", "error_text", "tried_steps", "report_details"):
        if value := tracker.get_slot(slot):
            troubleshooting.setdefault(slot, value)
    diagnostics["troubleshooting"] = troubleshooting
    diagnostics["mentioned"] = _mentioned(tracker)
    # What an agent wrote when handing the conversation back the last time (set by the api
    # through Rasa's tracker API), so the next agent starts from it.
    if previous := tracker.get_slot("handback_summary"):
        diagnostics["previous_handback"] = previous
    return diagnostics


def _summary(kind: str, user: dict[str, Any], diagnostics: dict[str, Any], words: str) -> str:
    who = user.get("display_name") or user.get("user_id") or "an anonymous visitor"
    wallets = ", ".join(user.get("wallets") or []) or "no linked wallet"
    parts = [f"{_LABELS.get(kind, kind)}: {who} ({wallets})."]
    if details := (diagnostics.get("troubleshooting") or {}).get("report_details"):
        parts.append(f"Report: {details}")
    elif words:
        parts.append(f"Last words: {words.splitlines()[-1]}")
    looked = []
    if diagnostics.get("account_overview"):
        looked.append("account overview")
    if diagnostics.get("channels"):
        looked.append(f"{len(diagnostics['channels'])} channel(s)")
    if diagnostics.get("transactions"):
        looked.append(f"{len(diagnostics['transactions'])} transaction(s)")
    if looked:
        parts.append("Attached: " + ", ".join(looked) + ".")
    if diagnostics.get("errors"):
        parts.append(f"Failed lookups: {len(diagnostics['errors'])}.")
    if previous := diagnostics.get("previous_handback"):
        parts.append(f"Earlier agent's hand-back note: {previous}")
    return " ".join(parts)


class ActionEscalate(Action):
    def name(self) -> str:
        return "action_escalate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = get_settings()
        kind = escalation_kind(tracker)
        user = user_info(tracker)
        words = _user_words(tracker)
        diagnostics = await _diagnostics(tracker)
        body = build_request(
            conversation_id=tracker.sender_id,
            kind=kind,
            summary=_summary(kind, user, diagnostics, words),
            user_words=words,
            user=user,
            diagnostics=diagnostics,
            transcript=transcript(tracker, settings.transcript_turns),
        )
        sorry = "I'm sorry this has been so frustrating. " if kind == "complaint" else ""
        try:
            ticket = await send_escalation(body)
        except EscalationFailed as error:
            dispatcher.utter_message(
                text=f"{sorry}I couldn't reach our support team just now ({error.message}), so "
                "your request isn't filed yet. I've kept everything you told me: say \"agent\" "
                f"again in a few minutes, or email {settings.support_email} with your wallet "
                "address and what happened."
            )
            return [SlotSet("pending_escalation", body), SlotSet("report_details", None)]
        urgent = (
            " and marked it high priority" if ticket.get("priority") in {"high", "urgent"} else ""
        )
        dispatcher.utter_message(
            text=f"{sorry}I've passed this to our support team with everything we looked at"
            f"{urgent} (ticket {ticket['ticket_id']}). A person will reply right here; you don't "
            "need to repeat anything."
        )
        return [
            SlotSet("ticket_id", str(ticket["ticket_id"])),
            SlotSet("pending_escalation", None),
            SlotSet("report_details", None),
            SlotSet("escalation_kind", None),
        ]


class ActionProtectiveGuidance(Action):
    """Immediate advice for a fraud report, a dispute or a security incident, before the details
    are taken (or, for an incident, before the urgent hand-off)."""

    def name(self) -> str:
        return "action_protective_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        kind = KIND_BY_INTENT.get(str(intent), "fraud_report")
        kind = kind if kind in GUIDANCE else "fraud_report"
        dispatcher.utter_message(text=GUIDANCE[kind])
        events: list[EventType] = [SlotSet("escalation_kind", kind)]
        text = str((tracker.latest_message or {}).get("text") or "")
        if len(text.split()) >= _MIN_DETAIL_WORDS and not text.startswith("/"):
            events.append(SlotSet("report_details", text))  # already detailed: no need to ask
        else:
            events.append(SlotSet("report_details", None))
        return events


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    def validate_report_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            return {"report_details": None}  # not given yet: the form asks
        if len(text.split()) < 3:
            dispatcher.utter_message(
                text="A little more detail helps our team act fast: who (address or creator), "
                "when, and how much."
            )
            return {"report_details": None}
        return {"report_details": text[:2000]}
