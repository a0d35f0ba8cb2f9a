"""The service the assistant's actions, the CLI and the api call: `KnowledgeBase.search`.

One instance loads the index and the model once; `search` embeds the question (cached) and
scores each article from three cosine similarities: its best passage (sections, title, asked_as),
its best asked_as phrasing, and the whole-article vector. With `lexical_weight` > 0 that semantic
score is mixed with BM25 over whole articles. `search` says whether the best score clears the
confidence threshold; articles within `choice_margin` of the best are offered as choices.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge_base.articles import Article, lexical_document
from knowledge_base.config import KbSettings
from knowledge_base.embedder import Embedder, load_embedder
from knowledge_base.errors import ArticleNotFound, QueryNotFound, QuestionInvalid
from knowledge_base.feedback import FeedbackStore
from knowledge_base.index import Index, ensure_index, load_index
from knowledge_base.lexical import Bm25

__all__ = ["Hit", "KnowledgeBase", "SearchResult"]


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    title: str
    url: str
    passage: str
    section: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SearchResult:
    question: str
    hits: list[Hit]
    confident: bool
    choices: list[Hit] = field(default_factory=list)
    query_id: str | None = None

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "query_id": self.query_id,
            "confident": self.confident,
            "hits": [hit.as_dict() for hit in self.hits],
            "choices": [hit.as_dict() for hit in self.choices],
        }


class KnowledgeBase:
    """Build with `KnowledgeBase(settings)`: builds the index first if it is missing or stale."""

    def __init__(
        self,
        settings: KbSettings | None = None,
        embedder: Embedder | None = None,
        store: FeedbackStore | None = None,
    ) -> None:
        self.settings = settings or KbSettings()
        self.embedder = embedder or load_embedder(
            self.settings.model_path, self.settings.torch_threads, self.settings.query_cache_size
        )
        ensure_index(self.settings, self.embedder)
        self.index: Index = load_index(self.settings)
        self.store = store or FeedbackStore(self.settings.database_url)
        passages = self.index.passages
        starts = [0] + [
            i
            for i in range(1, len(passages))
            if passages[i].article_id != passages[i - 1].article_id
        ]
        self._starts = np.array(starts, dtype=np.intp)
        self._ends = np.append(self._starts[1:], len(passages))
        self._article_ids = [passages[i].article_id for i in starts]
        rows = {article_id: row for row, article_id in enumerate(self.index.articles)}
        self._article_vectors = np.ascontiguousarray(
            self.index.article_embeddings[[rows[a] for a in self._article_ids]]
        )
        # Passages that are not asked_as phrasings score -inf in the asked_as maximum; an article
        # without any falls back to its best passage.
        self._not_asked = np.array([p.kind != "asked" for p in passages], dtype=bool)
        has_asked = np.logical_or.reduceat(~self._not_asked, self._starts)
        self._no_asked = ~has_asked
        self._bm25: Bm25 | None = None
        self._bm25_lock = threading.Lock()

    @property
    def articles(self) -> dict[str, Article]:
        return self.index.articles

    def article(self, article_id: str) -> Article:
        try:
            return self.index.articles[article_id]
        except KeyError:
            raise ArticleNotFound(f"no help article has the id {article_id!r}") from None

    def url(self, article_id: str) -> str:
        return f"{self.settings.help_url_prefix}{article_id}"

    def _lexical(self) -> Bm25:
        with self._bm25_lock:
            if self._bm25 is None:
                documents = [lexical_document(self.articles[a]) for a in self._article_ids]
                self._bm25 = Bm25(documents, squash=self.settings.bm25_squash)
            return self._bm25

    def scores(self, question: str) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """(passage cosine similarities, article scores in `_article_ids` order)."""
        query = self.embedder.encode_query(question)
        passage: npt.NDArray[np.float32] = self.index.embeddings @ query
        best = np.maximum.reduceat(passage, self._starts)
        asked = np.maximum.reduceat(np.where(self._not_asked, -np.inf, passage), self._starts)
        asked = np.where(self._no_asked, best, asked)
        whole = self._article_vectors @ query
        settings = self.settings
        total = 1.0 + settings.asked_as_weight + settings.article_vector_weight
        semantic = (
            best + settings.asked_as_weight * asked + settings.article_vector_weight * whole
        ) / total
        weight = settings.lexical_weight
        if weight > 0:
            semantic = (1 - weight) * semantic + weight * self._lexical().scores(question)
        article: npt.NDArray[np.float32] = semantic.astype(np.float32)
        return passage, article

    def search(self, question: str, k: int = 3, *, record: bool = False) -> SearchResult:
        """The k best articles for a question; `record` logs it for feedback and `kb gaps`."""
        question = self._validate(question)
        if k < 1:
            raise QuestionInvalid("k must be at least 1")
        scores, article_scores = self.scores(question)
        order = np.argsort(-article_scores)[:k]
        hits = []
        for article_index in order:
            start, end = int(self._starts[article_index]), int(self._ends[article_index])
            passage = self.index.passages[start + int(np.argmax(scores[start:end]))]
            hits.append(
                Hit(
                    article_id=passage.article_id,
                    title=passage.title,
                    url=self.url(passage.article_id),
                    passage=passage.text,
                    section=passage.section,
                    score=round(float(article_scores[article_index]), 4),
                )
            )
        top = hits[0].score
        confident = top >= self.settings.confidence_threshold
        close = [hit for hit in hits if top - hit.score <= self.settings.choice_margin]
        choices = close if confident and len(close) > 1 else []
        query_id = None
        if record:
            query_id = self.store.record_query(question, hits[0].article_id, top, confident)
        return SearchResult(question, hits, confident, choices, query_id)

    def feedback(self, query_id: str, helpful: bool) -> None:
        """Record "did this help?" for a recorded search."""
        if not self.store.record_feedback(query_id, helpful):
            raise QueryNotFound(f"no recorded question has the id {query_id!r}")

    def _validate(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise QuestionInvalid("the question is empty: ask something in words")
        question = question.strip()
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionInvalid(f"the question is {len(question)} characters; at most {limit}")
        return question
