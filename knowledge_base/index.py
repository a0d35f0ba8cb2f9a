"""The passage index under ``var/kb/``: embeddings (``.npy``) plus metadata (``.json``).

It is rebuilt only when its fingerprint changes: the articles' bytes, the model's path and the
index format. Checking the fingerprint loads no model, so an unchanged base answers "up to date"
at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from knowledge_base.articles import (
    Article,
    Passage,
    article_text,
    articles_hash,
    load_articles,
    split_passages,
)
from knowledge_base.config import KbSettings
from knowledge_base.embedder import Embedder, Vector, bundled_model_path, load_embedder
from knowledge_base.errors import IndexUnavailable

__all__ = ["BuildReport", "Index", "build_index", "ensure_index", "fingerprint", "load_index"]

INDEX_FORMAT = 2
_META = "index.json"
_VECTORS = "embeddings.npy"
_ARTICLE_VECTORS = "articles.npy"


@dataclass(frozen=True, slots=True)
class Index:
    fingerprint: str
    passages: list[Passage]
    embeddings: Vector
    articles: dict[str, Article]
    # One whole-article embedding per article, rows in the order articles first appear in
    # `passages`.
    article_embeddings: Vector


@dataclass(frozen=True, slots=True)
class BuildReport:
    rebuilt: bool
    articles: int
    passages: int
    seconds: float
    directory: Path


def fingerprint(settings: KbSettings) -> str:
    model = settings.model_path or bundled_model_path()
    digest = hashlib.sha256()
    for part in (str(INDEX_FORMAT), str(model), articles_hash(settings.articles_dir)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _stored_fingerprint(directory: Path) -> str | None:
    try:
        meta = json.loads((directory / _META).read_text())
    except (OSError, ValueError):
        return None
    value = meta.get("fingerprint") if isinstance(meta, dict) else None
    complete = (directory / _VECTORS).is_file() and (directory / _ARTICLE_VECTORS).is_file()
    return value if isinstance(value, str) and complete else None


def build_index(settings: KbSettings, embedder: Embedder) -> Index:
    """Embed every passage of every article and write the index atomically."""
    articles = load_articles(settings.articles_dir)
    passages = [passage for article in articles for passage in split_passages(article)]
    embeddings = embedder.encode_passages(
        [p.embed_text for p in passages], batch_size=settings.encode_batch_size
    )
    article_embeddings = embedder.encode_passages(
        [article_text(article) for article in articles], batch_size=settings.encode_batch_size
    )
    index = Index(
        fingerprint=fingerprint(settings),
        passages=passages,
        embeddings=embeddings,
        articles={article.id: article for article in articles},
        article_embeddings=article_embeddings,
    )
    directory = settings.index_dir
    directory.mkdir(parents=True, exist_ok=True)
    vectors_tmp = directory / (_VECTORS + ".tmp")
    with vectors_tmp.open("wb") as handle:
        np.save(handle, embeddings)
    articles_tmp = directory / (_ARTICLE_VECTORS + ".tmp")
    with articles_tmp.open("wb") as handle:
        np.save(handle, article_embeddings)
    meta_tmp = directory / (_META + ".tmp")
    meta = {
        "fingerprint": index.fingerprint,
        "format": INDEX_FORMAT,
        "model": str(embedder.model_path),
        "dimension": embedder.dimension,
        "passages": [asdict(p) for p in passages],
    }
    meta_tmp.write_text(json.dumps(meta, indent=1))
    os.replace(vectors_tmp, directory / _VECTORS)
    os.replace(articles_tmp, directory / _ARTICLE_VECTORS)
    os.replace(meta_tmp, directory / _META)
    return index


def load_index(settings: KbSettings) -> Index:
    """The stored index; IndexUnavailable when missing or stale (run `kb build`)."""
    directory = settings.index_dir
    expected = fingerprint(settings)
    if _stored_fingerprint(directory) != expected:
        raise IndexUnavailable(f"the index in {directory} is missing or stale; run `kb build`")
    meta = json.loads((directory / _META).read_text())
    embeddings = np.load(directory / _VECTORS)
    passages = [Passage(**item) for item in meta["passages"]]
    try:
        article_embeddings = np.load(directory / _ARTICLE_VECTORS)
    except OSError:
        raise IndexUnavailable(
            f"the index in {directory} is damaged; run `kb build --force`"
        ) from None
    articles = {article.id: article for article in load_articles(settings.articles_dir)}
    if embeddings.shape[0] != len(passages) or article_embeddings.shape[0] != len(articles):
        raise IndexUnavailable(f"the index in {directory} is damaged; run `kb build --force`")
    return Index(
        expected,
        passages,
        np.ascontiguousarray(embeddings, np.float32),
        articles,
        np.ascontiguousarray(article_embeddings, np.float32),
    )


def ensure_index(
    settings: KbSettings, embedder: Embedder | None = None, force: bool = False
) -> BuildReport:
    """Build the index when the articles (or the model) changed, or when `force`."""
    started = time.perf_counter()
    directory = settings.index_dir
    if not force and _stored_fingerprint(directory) == fingerprint(settings):
        meta = json.loads((directory / _META).read_text())
        count = len({p["article_id"] for p in meta["passages"]})
        return BuildReport(
            False, count, len(meta["passages"]), time.perf_counter() - started, directory
        )
    embedder = embedder or load_embedder(
        settings.model_path, settings.torch_threads, settings.query_cache_size
    )
    index = build_index(settings, embedder)
    return BuildReport(
        True,
        len(index.articles),
        len(index.passages),
        time.perf_counter() - started,
        directory,
    )
