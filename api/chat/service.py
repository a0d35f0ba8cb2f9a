"""Routing of user turns: to Rasa while the bot owns the conversation, to the ticket otherwise.

The user's turn and the assistant's answers are stored in two short transactions around the call
to Rasa rather than one transaction held open across it: Rasa may take seconds (its actions call
the ledger and the escalation endpoint, which writes to this same database), and a write
transaction held that long would serialise every conversation on SQLite.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.chat import repository
from api.chat.schemas import Button, ChatMessage, ChatReply
from api.errors import AssistantUnavailable, ConversationNotFound
from api.escalation import handoff
from api.escalation.config import EscalationSettings

__all__ = ["AGENT_WILL_REPLY", "event_stream", "history", "send_user_turn"]

AGENT_WILL_REPLY = "Your message is with our support team; an agent will reply here."


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
    metadata: dict[str, Any],
    escalation: EscalationSettings,
) -> ChatReply:
    conversation_id = conversation_id or _new_conversation_id()
    note: str | None = None
    with factory.begin() as session:
        conversation = repository.get_or_create_conversation(
            session, conversation_id, metadata.get("user_id")
        )
        repository.add_message(session, conversation_id, "user", text)
        owner = conversation.owner
        if owner == "human":
            # The bot says nothing while a human owns the conversation; the ticket may reopen.
            note = handoff.on_user_message(session, escalation, conversation)
            if note is not None:
                repository.add_message(session, conversation_id, "system", note)
    if owner == "human":
        return ChatReply(
            conversation_id=conversation_id,
            owner="human",
            messages=[ChatMessage(sender="system", text=note or AGENT_WILL_REPLY)],
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

    messages = [_to_chat_message(item) for item in items if isinstance(item, dict)]
    with factory.begin() as session:
        for message in messages:
            repository.add_message(
                session,
                conversation_id,
                "bot",
                message.text,
                {"buttons": [b.model_dump() for b in message.buttons]} if message.buttons else None,
            )
        conversation = repository.get_or_create_conversation(session, conversation_id)
        owner = conversation.owner
    return ChatReply(conversation_id=conversation_id, owner=owner, messages=messages)


def history(session: Session, conversation_id: str) -> ChatReply:
    conversation = session.get(repository.Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(f"no conversation with id {conversation_id!r}")
    messages = [
        ChatMessage(
            id=m.id,
            sender=m.sender,
            text=m.text,
            buttons=[Button(**b) for b in (m.payload or {}).get("buttons", [])],
            created_at=m.created_at,
        )
        for m in repository.transcript(session, conversation_id)
    ]
    return ChatReply(
        conversation_id=conversation_id,
        owner=conversation.owner,
        messages=messages,
    )


def _events_after(
    factory: sessionmaker[Session], conversation_id: str, after_id: int | None
) -> tuple[str, list[ChatMessage], int]:
    with factory() as session:
        conversation = session.get(repository.Conversation, conversation_id)
        if conversation is None:
            raise ConversationNotFound(f"no conversation with id {conversation_id!r}")
        if after_id is None:
            return conversation.owner, [], repository.last_message_id(session, conversation_id)
        rows = repository.messages_after(session, conversation_id, after_id)
        messages = [
            ChatMessage(id=m.id, sender=m.sender, text=m.text, created_at=m.created_at)
            for m in rows
        ]
        return conversation.owner, messages, rows[-1].id if rows else after_id


def _sse(message: ChatMessage, owner: str) -> str:
    data = json.dumps({**message.model_dump(mode="json"), "owner": owner})
    return f"id: {message.id}\nevent: message\ndata: {data}\n\n"


async def event_stream(
    factory: sessionmaker[Session],
    conversation_id: str,
    after_id: int | None,
    seconds: float,
    poll_seconds: float = 1.0,
) -> AsyncIterator[str]:
    """New messages as server-sent events for ``seconds``; EventSource reconnects after."""
    owner, messages, last_id = await asyncio.to_thread(
        _events_after, factory, conversation_id, after_id
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
            _events_after, factory, conversation_id, last_id
        )
