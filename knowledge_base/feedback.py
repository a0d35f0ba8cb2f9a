"""Durable record of questions asked, "did this help?" answers and unanswered questions.

SQLite under ``var/kb/`` by default (any SQLAlchemy 2 URL works), created on first use.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    create_engine,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

__all__ = ["FeedbackStore", "Gap", "normalise_question"]


class _Base(DeclarativeBase):
    pass


class KbQuery(_Base):
    __tablename__ = "kb_queries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    question: Mapped[str] = mapped_column(String(1000))
    normalised: Mapped[str] = mapped_column(String(1000), index=True)
    top_article_id: Mapped[str | None] = mapped_column(String(100))
    top_score: Mapped[float] = mapped_column(Float)
    confident: Mapped[bool] = mapped_column(Boolean, index=True)


class KbFeedback(_Base):
    __tablename__ = "kb_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("kb_queries.id"), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    given_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class Gap:
    question: str
    asked: int
    unanswered: int
    not_helpful: int
    last_asked: dt.datetime


def normalise_question(question: str) -> str:
    words = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in question.lower())
    return " ".join(words.split())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FeedbackStore:
    """Writes are short transactions of their own; the engine is created on first use."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if self.database_url.startswith("sqlite:///"):
                    path = self.database_url.removeprefix("sqlite:///")
                    if path and path != ":memory:":
                        Path(path).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(self.database_url)
                _Base.metadata.create_all(engine)
                self._engine = engine
            return self._engine

    def record_query(
        self, question: str, top_article_id: str | None, top_score: float, confident: bool
    ) -> str:
        query_id = uuid.uuid4().hex
        with Session(self.engine) as session, session.begin():
            session.add(
                KbQuery(
                    id=query_id,
                    asked_at=_now(),
                    question=question[:1000],
                    normalised=normalise_question(question)[:1000],
                    top_article_id=top_article_id,
                    top_score=float(top_score),
                    confident=confident,
                )
            )
        return query_id

    def record_feedback(self, query_id: str, helpful: bool) -> bool:
        """False when no query has this id (nothing is written then)."""
        with Session(self.engine) as session, session.begin():
            if session.get(KbQuery, query_id) is None:
                return False
            session.add(KbFeedback(query_id=query_id, helpful=helpful, given_at=_now()))
        return True

    def feedback_for(self, query_id: str) -> list[bool]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(KbFeedback.helpful)
                .where(KbFeedback.query_id == query_id)
                .order_by(KbFeedback.id)
            )
            return list(rows)

    def gaps(self, limit: int = 50) -> list[Gap]:
        """Questions left unanswered or marked not helpful, most frequent first."""
        not_helpful = (
            select(KbFeedback.query_id).where(KbFeedback.helpful.is_(False)).scalar_subquery()
        )
        unanswered = func.sum(func.cast(KbQuery.confident.is_(False), Integer))
        flagged = func.sum(func.cast(KbQuery.id.in_(not_helpful), Integer))
        statement = (
            select(
                func.min(KbQuery.question),
                func.count(),
                unanswered,
                flagged,
                func.max(KbQuery.asked_at),
            )
            .where(or_(KbQuery.confident.is_(False), KbQuery.id.in_(not_helpful)))
            .group_by(KbQuery.normalised)
            .order_by(func.count().desc(), func.max(KbQuery.asked_at).desc())
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [
                Gap(str(q), int(n), int(u or 0), int(f or 0), last)
                for q, n, u, f, last in session.execute(statement)
            ]

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
