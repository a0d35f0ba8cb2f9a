"""Help articles and their semantic retrieval.

`KnowledgeBase(settings).search(question)` returns a `SearchResult` whose `hits` carry the
article id, title, link, passage and score, and whose `confident` says whether to answer or to
offer a human. Nothing loads at import: the model and the index load when a KnowledgeBase is made.
"""

from knowledge_base.config import KbSettings, get_settings
from knowledge_base.errors import (
    ArticleInvalid,
    ArticleNotFound,
    EvalSetInvalid,
    IndexUnavailable,
    KbError,
    QueryNotFound,
    QuestionInvalid,
)
from knowledge_base.search import Hit, KnowledgeBase, SearchResult

__all__ = [
    "ArticleInvalid",
    "ArticleNotFound",
    "EvalSetInvalid",
    "Hit",
    "IndexUnavailable",
    "KbError",
    "KbSettings",
    "KnowledgeBase",
    "QueryNotFound",
    "QuestionInvalid",
    "SearchResult",
    "get_settings",
]
