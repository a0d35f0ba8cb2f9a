"""Chat endpoints used by the page at ``/`` and by the embedded widget.

Access: a visitor without a user token is anonymous; the conversation id (minted by the api as
``c_`` + 16 random url-safe bytes) is then the capability: whoever holds it reads and writes
that conversation and nothing else. A visitor with a valid ``X-User-Token`` (signed by the
platform) is that user: conversations they start are bound to them, and nobody else (another
user, an anonymous visitor) reads or writes those (403). The service credential reaches all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, StreamingResponse

from api.chat import service
from api.chat.deps import Caller
from api.chat.schemas import ChatReply, ChatTurn
from api.deps import RasaDep, SessionDep, SessionFactoryDep
from api.escalation.deps import EscalationSettingsDep

__all__ = ["page_router", "router"]

router = APIRouter(prefix="/chat", tags=["chat"])
page_router = APIRouter(tags=["chat"])

_PAGE = Path(__file__).resolve().parent / "static" / "index.html"


@router.post("/messages", response_model=ChatReply)
async def post_message(
    turn: ChatTurn,
    factory: SessionFactoryDep,
    rasa: RasaDep,
    escalation: EscalationSettingsDep,
    caller: Caller,
) -> ChatReply:
    """Send the user's message; answers with the assistant's replies (none while an agent owns it)."""
    return await run_in_threadpool(
        service.send_user_turn,
        factory,
        rasa,
        turn.conversation_id,
        turn.text,
        caller,
        escalation,
    )


@router.get("/{conversation_id}/messages", response_model=ChatReply)
def get_messages(conversation_id: str, session: SessionDep, caller: Caller) -> ChatReply:
    """The conversation's history, oldest first."""
    return service.history(session, conversation_id, caller)


@router.get("/{conversation_id}/events", response_class=StreamingResponse)
async def stream_events(
    conversation_id: str,
    factory: SessionFactoryDep,
    caller: Caller,
    after: Annotated[int | None, Query(ge=0, description="Last message id seen")] = None,
    seconds: Annotated[float, Query(ge=0, le=60, description="Keep the stream open")] = 25,
    last_event_id: Annotated[int | None, Header()] = None,
) -> StreamingResponse:
    """New messages of the conversation (agent replies, notices) as server-sent events."""
    after_id = last_event_id if last_event_id is not None else after
    # Resolve the conversation before streaming so an unknown id is a plain 404.
    stream = service.event_stream(factory, conversation_id, after_id, seconds, caller)
    first = await anext(stream)
    return StreamingResponse(
        _prepend(first, stream),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _prepend(first: str, rest: AsyncIterator[str]) -> AsyncIterator[str]:
    yield first
    async for chunk in rest:
        yield chunk


@page_router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page() -> HTMLResponse:
    """A minimal page where a person can chat with the assistant."""
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"))
