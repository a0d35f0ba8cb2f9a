"""Request and response bodies of the /kb routes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

__all__ = ["ArticleOut", "FeedbackIn", "FeedbackOut", "HitOut", "SearchOut"]


class HitOut(BaseModel):
    article_id: str
    title: str
    url: str
    passage: str
    section: str
    score: float


class SearchOut(BaseModel):
    question: str
    query_id: str | None
    confident: bool = Field(description="False: say so and offer a human instead of an answer")
    hits: list[HitOut]
    choices: list[HitOut] = Field(description="Close candidates to offer as choices")


class FeedbackIn(BaseModel):
    query_id: str = Field(min_length=1, max_length=64)
    helpful: bool


class FeedbackOut(BaseModel):
    query_id: str
    helpful: bool
    recorded: bool = True


class ArticleOut(BaseModel):
    id: str
    title: str
    audience: str
    tags: list[str]
    last_reviewed: dt.date
    url: str
    markdown: str
    html: str
