"""Chat endpoints used by the page (and later the widget)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.chat import service
from api.chat.schemas import ChatReply, ChatTurn
from api.deps import RasaDep, SessionDep, SessionFactoryDep
from api.escalation.deps import EscalationSettingsDep

__all__ = ["page_router", "router"]

router = APIRouter(prefix="/chat", tags=["chat"])
page_router = APIRouter(tags=["chat"])

_PAGE = Path(__file__).resolve().parent / "static" / "index.html"


@router.post("/messages", response_model=ChatReply)
async def post_message(
    turn: ChatTurn, factory: SessionFactoryDep, rasa: RasaDep, escalation: EscalationSettingsDep
) -> ChatReply:
    """Send the user's message; answers with the assistant's replies (none while an agent owns it)."""
    # Identity (a signed user token binding wallets) arrives with the widget; until then every
    # visitor is anonymous and gets account data only for addresses they type.
    metadata: dict[str, object] = {"user_id": None, "wallets": []}
    return await run_in_threadpool(
        service.send_user_turn,
        factory,
        rasa,
        turn.conversation_id,
        turn.text,
        metadata,
        escalation,
    )


@router.get("/{conversation_id}/messages", response_model=ChatReply)
def get_messages(conversation_id: str, session: SessionDep) -> ChatReply:
    """The conversation's history, oldest first."""
    return service.history(session, conversation_id)


@page_router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page() -> HTMLResponse:
    """A minimal page where a person can chat with the assistant."""
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"))
