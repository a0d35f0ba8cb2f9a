"""Every query of the chat domain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.chat.models import Conversation, Message

__all__ = [
    "Conversation",
    "add_message",
    "get_or_create_conversation",
    "last_message_id",
    "messages_after",
    "transcript",
]


def get_or_create_conversation(
    session: Session, conversation_id: str, user_id: str | None = None
) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        conversation = Conversation(id=conversation_id, user_id=user_id, owner="bot")
        session.add(conversation)
        session.flush()
    return conversation


def add_message(
    session: Session,
    conversation_id: str,
    sender: str,
    text: str,
    payload: dict[str, Any] | None = None,
) -> Message:
    message = Message(
        conversation_id=conversation_id,
        sender=sender,
        text=text,
        payload=payload,
        created_at=datetime.now(UTC),
    )
    session.add(message)
    return message


def transcript(session: Session, conversation_id: str, limit: int = 200) -> list[Message]:
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def messages_after(
    session: Session, conversation_id: str, after_id: int, limit: int = 200
) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.id > after_id)
            .order_by(Message.id)
            .limit(limit)
        ).all()
    )


def last_message_id(session: Session, conversation_id: str) -> int:
    return (
        session.scalar(
            select(func.coalesce(func.max(Message.id), 0)).where(
                Message.conversation_id == conversation_id
            )
        )
        or 0
    )
