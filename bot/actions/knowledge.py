"""Questions with a short scripted answer, completed from the knowledge base when it is there:
fees and reserves, how it works, creator payouts, account security, adding funds to and closing
channels, and anything out of scope."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.escalation import hand_off_now
from bot.context import entity_values, linked_wallets
from bot.knowledge import help_url, kb_search, more_in_help_centre
from bot.nlu_signals import escalation_signal
from bot.replies import HUMAN_BUTTON

__all__ = [
    "SCRIPTED",
    "TOPIC_ARTICLES",
    "ActionAnswerTopic",
    "answer_topic",
    "is_compromise_in_progress",
    "knowledge_answer",
    "knowledge_aside",
]

SCRIPTED: dict[str, str] = {
    "fees_reserves": (
        "Each XRP Ledger transaction costs a tiny network fee, normally 10 drops "
        "(0.00001 XRP), which is destroyed, not paid to us. Separately, the ledger holds a "
        "reserve in every account (1 XRP, plus 0.2 XRP for each object such as a payment "
        "channel); it is not spent and comes back when the object is removed."
    ),
    "how_it_works": (
        "You pay creators through an XRP Ledger payment channel: you put XRP into the channel "
        "once, then each tip is a signed claim that costs no fee and arrives instantly. The "
        "creator redeems the claims on the ledger, and whatever you did not spend comes back to "
        "you when the channel closes."
    ),
    "creator_payouts": (
        "Creators are paid by redeeming their fans' claims on the ledger: the platform submits "
        "the latest claim of each channel, which moves the XRP from the channel to the creator's "
        "account. Only the highest claim counts, so nothing is lost by redeeming later."
    ),
    "account_security": (
        "Never share your secret key or recovery phrase: no one from support will ever ask for "
        "it. If it may be exposed, create a new wallet now and move your XRP to it, then close "
        "your channels from the old one. If you typed it into a suspicious site, treat it as "
        "stolen."
    ),
    "channel_add_funds": (
        "To add funds, open your wallet from the creator's page and choose 'Top up channel': it "
        "sends a PaymentChannelFund transaction that adds XRP to the same channel, so your "
        "claims keep working. You need that much spendable XRP above your reserve."
    ),
    "channel_close": (
        "To close a channel, choose 'Close channel' in your wallet: the creator first gets time "
        "to redeem your last claim (the channel's settle delay), then the channel closes and the "
        "XRP you did not spend, plus the 0.2 XRP owner reserve, returns to your account "
        "automatically. Ask me for your channel status to see its settle delay."
    ),
    "out_of_scope": (
        "That's outside what I can help with here: I answer questions about your XRP balance, "
        "transactions, payment channels, wallets and this platform."
    ),
}
_OFFER_HUMAN = {"account_security", "out_of_scope"}
# Topics whose own short answer always comes first, whatever article the question matched:
# how to keep a secret safe is worth repeating to anyone asking about security.
_SCRIPT_FIRST = {"account_security"}
# Topics about the user's own channels: the general answer, then their channels' state.
_ABOUT_OWN_CHANNELS = {"channel_close", "channel_add_funds"}

# The help article that covers each topic, linked when the search is not confident (or the
# knowledge base is still loading): the scripted answer is short on purpose, and the user
# should always have somewhere to read more.
TOPIC_ARTICLES: dict[str, tuple[str, str]] = {
    "fees_reserves": ("transaction-fees", "Transaction fees and what the platform charges"),
    "how_it_works": ("payment-channels-explained", "What a payment channel is"),
    "creator_payouts": ("creator-payouts", "How creators get paid"),
    "account_security": ("seed-phrase-safety", "Keeping your secret key and recovery phrase safe"),
    "channel_add_funds": ("funding-a-channel", "Adding XRP to an open channel (top up)"),
    "channel_close": ("closing-a-channel", "Closing a channel and getting your unspent XRP back"),
}


_ASIDE_MIN_WORDS = 6
_LEAD_SCORE = 0.3
_LEAD_MARGIN = 0.1


async def knowledge_aside(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Put a confident help-centre answer before a request for an address or a hash.

    A long question without an address or hash ("do I lose my claims if a fan's channel
    expires?") is usually a question about how things work, even when it sounds like a ledger
    lookup; the user gets that answer at once, and can still send the identifier. True when
    an answer was added."""
    message = tracker.latest_message or {}
    question = str(message.get("text") or "").strip()
    if (
        len(question.split()) < _ASIDE_MIN_WORDS
        or question.startswith("/")
        or any(e.get("entity") in {"address", "hash"} for e in message.get("entities", []))
    ):
        return False
    result = await kb_search(question)
    best = result.hits[0] if result is not None and result.confident and result.hits else None
    if best is None:
        return False
    dispatcher.messages.insert(0, _help_message(best))
    return True


def _help_message(best: Any) -> dict[str, Any]:
    return {
        "text": f'From our help centre, "{best.title}": {best.passage} ({best.url})',
        "buttons": [],
        "elements": [],
        "custom": {},
        "template": None,
        "response": None,
        "image": None,
        "attachment": None,
    }


# Words that say a secret is already exposed or funds are already moving, as opposed to a
# question about staying safe ("is this link phishing?", "how do I protect my seed?").
_COMPROMISE = re.compile(
    r"\b(hack(ed|ing)?|stol(e|en)|steal(ing)?|leak(ed)?|compromised|drain(ed|ing)?|emptied|taken over|"
    r"emptying|gone|missing|(gave|shared|typed|entered|posted|sent)\b.{0,30}\b(seed|secret|"
    r"recovery|private key|keys?)|(someone|somebody|they|a scammer)\b.{0,20}\b(has|have|got|"
    r"knows?|logged)\b)",
    re.IGNORECASE,
)


# "if my seed ever leaked, what would I do?" asks how to prepare; nothing has happened.
_HYPOTHETICAL = re.compile(
    r"\b(if|in case|what would|would i|just wondering|hypothetically|nothing has happened)\b",
    re.IGNORECASE,
)


def is_compromise_in_progress(text: str) -> bool:
    """The user says their secret is out or their XRP is being taken, now."""
    if escalation_signal(text) == "security_incident":  # the words that decided the intent
        return True
    return bool(_COMPROMISE.search(text)) and not _HYPOTHETICAL.search(text)


class ActionAnswerTopic(Action):
    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        return await answer_topic(str(intent or "out_of_scope"), dispatcher, tracker)


async def answer_topic(
    intent: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Answer the latest message as a question on ``intent``'s topic: its short answer or the
    help centre's passage, the article, and the user's own channels where they matter."""
    question = str((tracker.latest_message or {}).get("text") or "").strip()
    if intent == "account_security" and is_compromise_in_progress(question):
        # Not a question about safety but a theft under way, worded so that the model read
        # it as a question (security_incident is the intent for these): protective steps at
        # once, then an urgent hand-off without waiting for the user to ask.
        return hand_off_now(dispatcher, "account_security", question)
    if entity_values(tracker, "hash") and not entity_values(tracker, "address"):
        # "did my close request <hash> go through?": the transaction answers it
        from bot.actions.transactions import answer_transaction

        return await answer_transaction(dispatcher, tracker)
    scripted = SCRIPTED.get(intent, SCRIPTED["out_of_scope"])
    result = await kb_search(question) if question and not question.startswith("/") else None
    best = result.hits[0] if result is not None and result.confident and result.hits else None
    events: list[EventType] = []
    own = TOPIC_ARTICLES.get(intent)
    elsewhere = best is not None and (own is None or not best.url.endswith(f"/{own[0]}"))
    # the topic's own article, beside a passage that matched another one
    see_own = f'; see also "{own[1]}": {help_url(own[0])}' if own and elsewhere else ""
    if best is not None and elsewhere and intent not in _SCRIPT_FIRST:
        # The help centre answers this from another article ("does it work on my Android
        # phone?" read as how-it-works; anything out of scope): its passage is the answer.
        text = f'From our help centre, "{best.title}": {best.passage} ({best.url}){see_own}'
    elif best is not None:
        # the topic's own article matched, or a security question: its short answer first
        text = f"{scripted}\n{more_in_help_centre(best.title, best.url)}{see_own}"
    elif intent in TOPIC_ARTICLES:
        article, title = TOPIC_ARTICLES[intent]
        text = f"{scripted}\n{more_in_help_centre(title, help_url(article))}"
        related = _clear_lead(result)
        if related is not None and not related.url.endswith(f"/{article}"):
            # "what's a drop?": too short for a confident passage, but one article stands out
            text += f'; see also "{related.title}": {related.url}'
    else:
        text = scripted
    buttons = []
    if intent in _OFFER_HUMAN and best is None:
        text += " If you'd like, I can connect you with a person."
        buttons = [HUMAN_BUTTON]
    if intent == "account_security":
        events.append(SlotSet("escalation_kind", "account_security"))
        if not buttons:
            buttons = [HUMAN_BUTTON]
    dispatcher.utter_message(text=text, buttons=buttons)
    if intent in _ABOUT_OWN_CHANNELS and (
        linked_wallets(tracker) or entity_values(tracker, "address")
    ):
        # "I asked to close my channel, when does my XRP come back?": how it works, and
        # where the user's own channels stand (closing times, what is left in each).
        from bot.actions.channels import answer_channels

        events += await answer_channels(dispatcher, tracker)
    return events


def _clear_lead(result: Any) -> Any | None:
    """The top hit of an unconfident search when it stands well clear of the rest: good enough
    to point to beside a topic's own article, not to quote."""
    hits = list(getattr(result, "hits", None) or [])
    if not hits or hits[0].score < _LEAD_SCORE:
        return None
    if len(hits) > 1 and hits[0].score - hits[1].score < _LEAD_MARGIN:
        return None
    return hits[0]


async def knowledge_answer(question: str) -> dict[str, Any] | None:
    """A confident help-centre answer to ``question`` as a bot message, or None."""
    if len(question.split()) < 3 or question.startswith("/"):
        return None
    result = await kb_search(question)
    best = result.hits[0] if result is not None and result.confident and result.hits else None
    return _help_message(best) if best is not None else None
