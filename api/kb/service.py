"""The knowledge base behind the /kb routes: one `KnowledgeBase`, built on first use (the model
and the index load then, never at import) and kept on ``app.state``."""

from __future__ import annotations

import threading

from api.errors import AppError, BadRequest, NotFound, UpstreamUnavailable
from api.kb.schemas import ArticleOut
from knowledge_base.articles import render_html
from knowledge_base.config import KbSettings
from knowledge_base.errors import (
    ArticleNotFound,
    IndexUnavailable,
    KbError,
    QueryNotFound,
    QuestionInvalid,
)
from knowledge_base.search import KnowledgeBase, SearchResult

__all__ = ["KbService", "KnowledgeBaseUnavailable"]


class KnowledgeBaseUnavailable(UpstreamUnavailable):
    pass


def _app_error(exc: KbError) -> AppError:
    if isinstance(exc, QuestionInvalid):
        return BadRequest(exc.message)
    if isinstance(exc, ArticleNotFound | QueryNotFound):
        return NotFound(exc.message)
    if isinstance(exc, IndexUnavailable):
        return KnowledgeBaseUnavailable(exc.message)
    return AppError(exc.message)


class KbService:
    def __init__(self, settings: KbSettings | None = None, kb: KnowledgeBase | None = None):
        self.settings = settings or KbSettings()
        self._kb = kb
        self._lock = threading.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        with self._lock:
            if self._kb is None:
                try:
                    self._kb = KnowledgeBase(self.settings)
                except KbError as exc:
                    raise _app_error(exc) from None
            return self._kb

    def search(self, question: str, k: int) -> SearchResult:
        try:
            return self.kb.search(question, k=k, record=True)
        except KbError as exc:
            raise _app_error(exc) from None

    def feedback(self, query_id: str, helpful: bool) -> None:
        try:
            self.kb.feedback(query_id, helpful)
        except KbError as exc:
            raise _app_error(exc) from None

    def article(self, article_id: str) -> ArticleOut:
        try:
            article = self.kb.article(article_id)
        except KbError as exc:
            raise _app_error(exc) from None
        return ArticleOut(
            id=article.id,
            title=article.title,
            audience=article.audience,
            tags=list(article.tags),
            last_reviewed=article.last_reviewed,
            url=self.kb.url(article.id),
            markdown=article.body,
            html=render_html(article),
        )
