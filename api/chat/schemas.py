"""Pydantic schemas of the chat API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["Button", "ChatMessage", "ChatReply", "ChatTurn"]


class ChatTurn(BaseModel):
    conversation_id: str | None = Field(
        None,
        min_length=8,
        max_length=128,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Omit to start a new conversation",
    )
    text: str = Field(min_length=1, max_length=2000)


class Button(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    id: int | None = Field(None, description="Stored message id (the SSE event id)")
    sender: Literal["user", "bot", "agent", "system"]
    text: str
    buttons: list[Button] = Field(default_factory=list)
    created_at: datetime | None = None


class ChatReply(BaseModel):
    conversation_id: str
    owner: Literal["bot", "human"]
    messages: list[ChatMessage]
    user_message_id: int | None = Field(
        None, description="Stored id of the message just sent (answers to POST /chat/messages)"
    )
