"""One error root for the knowledge base, carrying a message fit for the person who caused it.

KbError
├── ArticleInvalid      an article file is malformed (front matter, fields, duplicate id)
├── ArticleNotFound     no article has this id
├── QuestionInvalid     an empty or over-long question
├── IndexUnavailable    the index or the embedding model cannot be loaded
├── QueryNotFound       feedback names a query id that was never recorded
└── EvalSetInvalid      the evaluation set is malformed
"""

from __future__ import annotations

__all__ = [
    "ArticleInvalid",
    "ArticleNotFound",
    "EvalSetInvalid",
    "IndexUnavailable",
    "KbError",
    "QueryNotFound",
    "QuestionInvalid",
]


class KbError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArticleInvalid(KbError):
    pass


class ArticleNotFound(KbError):
    pass


class QuestionInvalid(KbError):
    pass


class IndexUnavailable(KbError):
    pass


class QueryNotFound(KbError):
    pass


class EvalSetInvalid(KbError):
    pass
