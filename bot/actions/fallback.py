"""When unsure: the two likeliest meanings as buttons plus "Something else"; after two failed
attempts in a row, a person is offered. Intent names never reach the user.

One exception: when the likeliest meaning is one that needs a person (a fraud report, a dispute,
a security incident or a complaint, at least 30% likely), or those meanings together are at
least 40% likely, the message goes to a person rather than to buttons. Escalating a message that
did not need it costs an agent a minute; answering one that did with a help article can cost the
user their XRP, and the target for hand-offs is all of them."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.escalation import KIND_BY_INTENT, hand_off_now
from bot.actions.inform import answer_inform, is_bare_identifier
from bot.actions.knowledge import answer_topic, knowledge_answer
from bot.context import entity_values, linked_wallets
from bot.nlu_signals import HANDOFF_INTENTS, only_asks, supposes
from bot.replies import HUMAN_BUTTON

__all__ = ["INTENT_LABELS", "ActionClarify", "failed_attempts"]

INTENT_LABELS: dict[str, str] = {
    "greet": "Just saying hello",
    "goodbye": "Saying goodbye",
    "thanks": "Saying thanks",
    "bot_challenge": "Asking whether I'm a bot",
    "capabilities": "What you can help me with",
    "chitchat": "Just chatting",
    "check_balance": "Check my XRP balance",
    "explain_reserve": "Why some of my XRP is reserved",
    "transaction_status": "Check a transaction",
    "transaction_history": "See my recent transactions",
    "payment_check": "Did my payment to a creator go through?",
    "channel_status": "My payment channels",
    "channel_add_funds": "Add funds to a channel",
    "channel_close": "Close a channel / get locked XRP back",
    "wallet_connection": "My wallet won't connect",
    "browser_problem": "The site doesn't work in my browser",
    "fees_reserves": "Fees and reserves",
    "how_it_works": "How payments work here",
    "creator_payouts": "Creator payouts",
    "account_security": "Account security (seed, phishing)",
    "security_incident": "My wallet or secret was compromised",
    "fraud_report": "Report fraud",
    "dispute": "Dispute a payment",
    "human_request": "Talk to a person",
    "complaint": "Make a complaint",
}
_NEUTRAL = {"nlu_fallback", "something_else", "affirm", "deny", "inform", "out_of_scope"}
# Questions answered from the user's own ledger state: when one of these is the likeliest
# meaning and there is an account to look at, looking costs the user nothing.
_LEDGER_QUESTIONS = {"check_balance", "transaction_history", "payment_check", "channel_status"}
_SOMETHING_ELSE = {"title": "Something else", "payload": "/something_else"}
# An unclear message whose likeliest meaning needs a person, at least this likely, goes to one;
# so does one whose meanings that need a person are together at least this likely.
HANDOFF_GUESS_CONFIDENCE = 0.3
HANDOFFS_TOGETHER_CONFIDENCE = 0.4
# Questions with a topic answer (fees, how it works, payouts, adding funds, closing): an unclear
# message whose likeliest meaning is one of these, at least this likely, is answered as it.
TOPIC_GUESS_CONFIDENCE = 0.3
_TOPICS = {"fees_reserves", "how_it_works", "creator_payouts", "channel_add_funds", "channel_close"}


def failed_attempts(tracker: Tracker) -> int:
    """User turns in a row, up to now, that could not be understood ("something else" clicks
    and bare yes/no do not break the run)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "nlu_fallback":
            count += 1
        elif intent not in {"something_else", "deny"}:
            break
    return count


def _likeliest(tracker: Tracker) -> list[str]:
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    names = [str(item.get("name")) for item in ranking]
    return [n for n in names if n not in _NEUTRAL and n in INTENT_LABELS][:2]


def _handoff_guess(tracker: Tracker) -> str | None:
    """The hand-off intent an unclear message most likely means, if any: the likeliest meaning
    of all, at least 30% likely, or the likeliest hand-off when the hand-offs together are at
    least 40% likely ("I'm furious, fix it": complaint 29%, fraud report 18%).

    Not a person asked for: at low confidence the model reads that into any mention of the
    support team, and the words of a real request are unmistakable (``nlu_signals``). Not a
    message that supposes ("if my seed ever leaked...") or only asks ("is it a scam that you
    charge fees?", ``only_asks``). Not in the middle of troubleshooting
    either, where a short answer is usually for the form."""
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    if tracker.active_loop.get("name") or supposes(text) or only_asks(text):
        return None
    ranking = [i for i in message.get("intent_ranking") or [] if i.get("name") != "nlu_fallback"]
    handoffs = [
        i for i in ranking if i.get("name") in HANDOFF_INTENTS and i.get("name") != "human_request"
    ]
    if not handoffs:
        return None
    likeliest = str(handoffs[0].get("name"))
    if ranking[0] is handoffs[0] and _confidence(ranking[0]) >= HANDOFF_GUESS_CONFIDENCE:
        return likeliest
    if sum(_confidence(i) for i in handoffs) >= HANDOFFS_TOGETHER_CONFIDENCE:
        return likeliest
    return None


def _likeliest_confidence(tracker: Tracker) -> float:
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    likeliest = _likeliest(tracker)
    return next((_confidence(i) for i in ranking if i.get("name") == likeliest[0]), 0.0)


def _confidence(item: dict[str, Any]) -> float:
    return float(item.get("confidence") or 0)


async def _answer_ledger_question(
    intent: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    from bot.actions.balance import answer_balance
    from bot.actions.channels import answer_channels
    from bot.actions.transactions import answer_history, answer_payment_check

    if intent == "check_balance":
        return await answer_balance(dispatcher, tracker)
    if intent == "channel_status":
        return await answer_channels(dispatcher, tracker)
    if intent == "payment_check":
        return await answer_payment_check(dispatcher, tracker)
    return await answer_history(dispatcher, tracker)


def _guesses(tracker: Tracker) -> list[dict[str, Any]]:
    message = tracker.latest_message or {}
    ranking = message.get("intent_ranking") or []
    entities = {
        e["entity"]: e["value"]
        for e in message.get("entities", [])
        if e.get("entity") and isinstance(e.get("value"), str)
    }
    suffix = json.dumps(entities) if entities else ""
    buttons = []
    for item in ranking:
        name = item.get("name")
        if name in _NEUTRAL or name not in INTENT_LABELS:
            continue
        buttons.append({"title": INTENT_LABELS[name], "payload": f"/{name}{suffix}"})
        if len(buttons) == 2:
            break
    return buttons


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # A pasted address or hash needs no guessing, and a hash in a short question is a
        # transaction to look up ("what happened with <hash>?").
        if is_bare_identifier(tracker) or (
            entity_values(tracker, "hash") and not entity_values(tracker, "address")
        ):
            return await answer_inform(dispatcher, tracker)
        question = str((tracker.latest_message or {}).get("text") or "").strip()
        handoff = _handoff_guess(tracker)
        if handoff is not None and not question.startswith("/"):
            return hand_off_now(dispatcher, KIND_BY_INTENT.get(handoff, "human_request"), question)
        guesses = _guesses(tracker)
        likeliest = _likeliest(tracker)
        if (
            likeliest
            and likeliest[0] in _LEDGER_QUESTIONS
            and not HANDOFF_INTENTS & set(likeliest)
            and (entity_values(tracker, "address") or linked_wallets(tracker))
        ):
            # "did my tip to theo go through? his address is r...": probably a payment check,
            # and the answer shows at once whether it was; the other meaning stays a click away.
            events = await _answer_ledger_question(likeliest[0], dispatcher, tracker)
            dispatcher.utter_message(
                text="If you meant something else, pick one below.",
                buttons=[*guesses[1:], _SOMETHING_ELSE],
            )
            return events
        if (
            likeliest
            and likeliest[0] in _TOPICS
            and not HANDOFF_INTENTS & set(likeliest)
            and _likeliest_confidence(tracker) >= TOPIC_GUESS_CONFIDENCE
        ):
            # "ok and how do I put more in it without opening a new one?" (adding funds, 40%):
            # the topic's answer (the help centre's where it knows better, and the user's own
            # channels for adding funds or closing) costs nothing if it was meant; the other
            # meaning stays a click away.
            events = await answer_topic(likeliest[0], dispatcher, tracker)
            dispatcher.utter_message(
                text="If you meant something else, pick one below.",
                buttons=[*guesses[1:], _SOMETHING_ELSE],
            )
            return events
        answer = await knowledge_answer(question)
        if answer is not None:
            # The help centre knows this one: answer it, and keep the guesses a click away.
            dispatcher.utter_message(
                text=answer["text"] + "\nIf you meant something else, pick one below.",
                buttons=[*guesses, _SOMETHING_ELSE],
            )
            return []
        if failed_attempts(tracker) >= 2:
            dispatcher.utter_message(
                text="I'm sorry, I still can't work out what you need. Would you like me to "
                "connect you with a person? They'll see this conversation.",
                buttons=[HUMAN_BUTTON, *guesses[:1], _SOMETHING_ELSE],
            )
            return [SlotSet("escalation_kind", "fallback")]
        dispatcher.utter_message(
            text="I'm not sure I understood. Did you mean one of these?",
            buttons=[*guesses, _SOMETHING_ELSE],
        )
        return []
