"""Routes of the knowledge base: thin, each calls one service method."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.kb.schemas import ArticleOut, FeedbackIn, FeedbackOut, HitOut, SearchOut
from api.kb.service import KbService

__all__ = ["KbServiceDep", "help_router", "router"]

router = APIRouter(prefix="/kb", tags=["kb"])
help_router = APIRouter(tags=["kb"])


def _service(request: Request) -> KbService:
    """The app's knowledge base service, created on first use (the model loads then)."""
    service: KbService | None = getattr(request.app.state, "kb_service", None)
    if service is None:
        service = KbService()
        request.app.state.kb_service = service
    return service


KbServiceDep = Annotated[KbService, Depends(_service)]


@router.get("/search", response_model=SearchOut)
def search(
    service: KbServiceDep,
    q: Annotated[str, Query(description="The question, in the user's words")] = "",
    k: Annotated[int, Query(ge=1, le=10)] = 3,
) -> SearchOut:
    """The best help articles for a question, and whether the answer is confident."""
    result = service.search(q, k)
    return SearchOut(
        question=result.question,
        query_id=result.query_id,
        confident=result.confident,
        hits=[HitOut.model_validate(hit.as_dict()) for hit in result.hits],
        choices=[HitOut.model_validate(hit.as_dict()) for hit in result.choices],
    )


@router.post("/feedback", response_model=FeedbackOut)
def feedback(service: KbServiceDep, body: FeedbackIn) -> FeedbackOut:
    """Record whether an answer helped ("did this help?")."""
    service.feedback(body.query_id, body.helpful)
    return FeedbackOut(query_id=body.query_id, helpful=body.helpful)


@router.get("/articles/{article_id}", response_model=ArticleOut)
def article(service: KbServiceDep, article_id: str) -> ArticleOut:
    """One help article, as Markdown and as HTML."""
    return service.article(article_id)


@help_router.get("/help/{article_id}", response_class=HTMLResponse)
def help_page(service: KbServiceDep, article_id: str) -> HTMLResponse:
    """One help article as a readable page: the link the assistant gives with its answers."""
    found = service.article(article_id)
    return HTMLResponse(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(found.title)}</title><style>body{{font-family:system-ui,sans-serif;"
        "max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2330}}</style>"
        f"</head><body>{found.html}<p><small>Last reviewed {found.last_reviewed}</small></p>"
        "</body></html>"
    )
