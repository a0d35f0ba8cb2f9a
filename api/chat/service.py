"""Routing of user turns: to Rasa while the bot owns the conversation, to the ticket otherwise.

The user's turn and the assistant's answers are stored in two short transactions around the call
to Rasa rather than one transaction held open across it: Rasa may take seconds (its actions call
the ledger and the escalation endpoint, which writes to this same database), and a write
transaction held that long would serialise every conversation on SQLite.

Access: a conversation started by a signed-in user (a verified widget token) is bound to that
user; only that user reads or writes it. A conversation started anonymously stays anonymous and
its id is the capability, as on the plain page at ``/``. Mixing the two is refused rather than
silently re-binding: a signed-in user never inherits a conversation someone else may hold. The
service credential reaches every conversation (see ``api.chat.deps``).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.chat import repository
from api.chat.deps import ChatCaller
from api.chat.errors import ConversationForbidden
from api.chat.models import Conversation, Message
from api.chat.schemas import Button, ChatMessage, ChatReply
from api.errors import AssistantUnavailable, ConversationNotFound
from api.escalation import handoff
from api.escalation.config import EscalationSettings

__all__ = [
    "AGENT_WILL_REPLY",
    "ANONYMOUS_METADATA",
    "NO_ANSWER",
    "check_access",
    "event_stream",
    "history",
    "send_user_turn",
]

NO_ANSWER = (
    'Sorry, I couldn\'t answer that just now. Please try again in a moment, or say "agent" '
    "to reach a person."
)
AGENT_WILL_REPLY = "Your message is with our support team; an agent will reply here."
# An anonymous visitor gets account data only for addresses they type.
ANONYMOUS_METADATA: dict[str, Any] = {"user_id": None, "wallets": []}


def check_access(conversation: Conversation, caller: ChatCaller) -> None:
    """Raise ConversationForbidden unless ``caller`` may read and write ``conversation``."""
    if caller.trusted:
        return
    user = caller.user
    bound_to = conversation.user_id
    if bound_to is None and user is None:
        return
    if bound_to is None:
        raise ConversationForbidden(
            f"conversation {conversation.id} was started without signing in, so a signed-in "
            "user cannot continue it; start a new conversation"
        )
    if user is None:
        raise ConversationForbidden(
            f"conversation {conversation.id} belongs to a signed-in user; "
            "send that user's token to read or write it"
        )
    if user.user_id != bound_to:
        raise ConversationForbidden(f"conversation {conversation.id} belongs to another user")


def _to_wire(message: Message) -> ChatMessage:
    payload = message.payload or {}
    created_at = message.created_at
    if created_at is not None and created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)  # SQLite keeps no offset; stored as UTC
    return ChatMessage(
        id=message.id,
        sender=message.sender,
        text=message.text,
        buttons=[Button(**b) for b in payload.get("buttons", [])],
        created_at=created_at,
    )


def _new_conversation_id() -> str:
    return "c_" + secrets.token_urlsafe(16)


def _to_chat_message(item: dict[str, Any]) -> ChatMessage:
    buttons = [
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in item.get("buttons") or []
    ]
    text = item.get("text") or ""
    if not text and item.get("custom"):
        text = str(item["custom"].get("text", ""))
    return ChatMessage(sender="bot", text=text, buttons=buttons)


def send_user_turn(
    factory: sessionmaker[Session],
    rasa: httpx.Client,
    conversation_id: str | None,
    text: str,
    caller: ChatCaller,
    escalation: EscalationSettings,
) -> ChatReply:
    conversation_id = conversation_id or _new_conversation_id()
    user = caller.user
    metadata = user.metadata() if user is not None else ANONYMOUS_METADATA
    note: str | None = None
    with factory.begin() as session:
        conversation = repository.get_or_create_conversation(
            session, conversation_id, user.user_id if user is not None else None
        )
        check_access(conversation, caller)
        user_message = repository.add_message(session, conversation_id, "user", text)
        owner = conversation.owner
        if owner == "human":
            # The bot says nothing while a human owns the conversation; the ticket may reopen.
            note = handoff.on_user_message(session, escalation, conversation)
            if note is not None:
                repository.add_message(session, conversation_id, "system", note)
        session.flush()
        user_message_id = user_message.id
    if owner == "human":
        # The notice has no id here; a stored one (the ticket reopened) also comes over SSE.
        return ChatReply(
            conversation_id=conversation_id,
            owner="human",
            messages=[ChatMessage(sender="system", text=note or AGENT_WILL_REPLY)],
            user_message_id=user_message_id,
        )

    try:
        response = rasa.post(
            "/webhooks/rest/webhook",
            json={"sender": conversation_id, "message": text, "metadata": metadata},
        )
        response.raise_for_status()
        items = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise AssistantUnavailable(
            "The assistant is not reachable right now. Please try again in a minute; "
            "if it keeps failing, contact support by email."
        ) from exc

    replies = [_to_chat_message(item) for item in items if isinstance(item, dict)]
    with factory.begin() as session:
        conversation = repository.get_or_create_conversation(session, conversation_id)
        if not replies and conversation.owner == "bot":
            # Rasa answered with nothing: one of its custom actions failed (its action server
            # is down or restarting). The assistant always says something, so say this.
            replies = [ChatMessage(sender="bot", text=NO_ANSWER)]
        stored = [
            repository.add_message(
                session,
                conversation_id,
                "bot",
                reply.text,
                {"buttons": [b.model_dump() for b in reply.buttons]} if reply.buttons else None,
            )
            for reply in replies
        ]
        session.flush()  # ids, so the widget can tell these apart from the same ones over SSE
        messages = [_to_wire(message) for message in stored]
        conversation = repository.get_or_create_conversation(session, conversation_id)
        owner = conversation.owner
    return ChatReply(
        conversation_id=conversation_id,
        owner=owner,
        messages=messages,
        user_message_id=user_message_id,
    )


def _load(session: Session, conversation_id: str, caller: ChatCaller) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(f"no conversation with id {conversation_id!r}")
    check_access(conversation, caller)
    return conversation


def history(session: Session, conversation_id: str, caller: ChatCaller) -> ChatReply:
    conversation = _load(session, conversation_id, caller)
    return ChatReply(
        conversation_id=conversation_id,
        owner=conversation.owner,
        messages=[_to_wire(m) for m in repository.transcript(session, conversation_id)],
    )


def _events_after(
    factory: sessionmaker[Session],
    conversation_id: str,
    after_id: int | None,
    caller: ChatCaller,
) -> tuple[str, list[ChatMessage], int]:
    with factory() as session:
        conversation = _load(session, conversation_id, caller)
        if after_id is None:
            return conversation.owner, [], repository.last_message_id(session, conversation_id)
        rows = repository.messages_after(session, conversation_id, after_id)
        messages = [_to_wire(m) for m in rows]
        return conversation.owner, messages, rows[-1].id if rows else after_id


def _sse(message: ChatMessage, owner: str) -> str:
    data = json.dumps({**message.model_dump(mode="json"), "owner": owner})
    return f"id: {message.id}\nevent: message\ndata: {data}\n\n"


async def event_stream(
    factory: sessionmaker[Session],
    conversation_id: str,
    after_id: int | None,
    seconds: float,
    caller: ChatCaller,
    poll_seconds: float = 1.0,
) -> AsyncIterator[str]:
    """New messages as server-sent events for ``seconds``; EventSource reconnects after.

    The token was verified when the stream opened; a stream lasts at most a minute, and a client
    that reconnects presents its (possibly renewed) token again.
    """
    owner, messages, last_id = await asyncio.to_thread(
        _events_after, factory, conversation_id, after_id, caller
    )
    yield "retry: 1000\n\n"
    deadline = time.monotonic() + seconds
    while True:
        for message in messages:
            yield _sse(message, owner)
        if time.monotonic() >= deadline:
            return
        await asyncio.sleep(poll_seconds)
        owner, messages, last_id = await asyncio.to_thread(
            _events_after, factory, conversation_id, last_id, caller
        )
