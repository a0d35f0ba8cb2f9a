"""A small BM25 over passages, for the optional lexical half of hybrid retrieval."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["Bm25", "tokenize"]

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


def tokenize(text: str) -> list[str]:
    """Lowercase words minus stop words, with a plural 's' trimmed."""
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


class Bm25:
    """Okapi BM25 (k1, b) with postings as numpy arrays; `scores` is squashed into 0..1."""

    def __init__(
        self, documents: Sequence[str], k1: float = 1.2, b: float = 0.75, squash: float = 6.0
    ) -> None:
        self.size = len(documents)
        self.squash = squash
        tokenized = [tokenize(doc) for doc in documents]
        lengths = np.array([len(tokens) for tokens in tokenized], dtype=np.float32)
        average = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        postings: dict[str, list[tuple[int, int]]] = {}
        for doc_index, tokens in enumerate(tokenized):
            for term, count in Counter(tokens).items():
                postings.setdefault(term, []).append((doc_index, count))
        self._postings: dict[str, tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]] = {}
        for term, pairs in postings.items():
            docs = np.array([doc for doc, _ in pairs], dtype=np.intp)
            tf = np.array([count for _, count in pairs], dtype=np.float32)
            idf = math.log(1 + (self.size - len(pairs) + 0.5) / (len(pairs) + 0.5))
            weights = idf * tf * (k1 + 1) / (tf + norm[docs])
            self._postings[term] = (docs, weights.astype(np.float32))

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        raw = np.zeros(self.size, dtype=np.float32)
        for term in set(tokenize(query)):
            posting = self._postings.get(term)
            if posting is not None:
                raw[posting[0]] += posting[1]
        squashed: npt.NDArray[np.float32] = raw / (raw + self.squash)
        return squashed
