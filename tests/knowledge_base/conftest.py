"""The real embedding model and a real index, built once per session in a temporary directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge_base.config import PACKAGE_DIR, KbSettings
from knowledge_base.search import KnowledgeBase

ARTICLES = PACKAGE_DIR / "articles"


@pytest.fixture(scope="session")
def kb_settings(tmp_path_factory: pytest.TempPathFactory) -> KbSettings:
    root = tmp_path_factory.mktemp("kb")
    return KbSettings(
        index_dir=root / "index",
        database_url=f"sqlite:///{root / 'feedback.sqlite'}",
    )


@pytest.fixture(scope="session")
def kb(kb_settings: KbSettings) -> KnowledgeBase:
    return KnowledgeBase(kb_settings)


@pytest.fixture
def small_settings(tmp_path: Path) -> KbSettings:
    """Three real articles in a private directory, so tests can edit them."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for name in ("closing-a-channel", "connect-xaman", "reserves-explained"):
        shutil.copy(ARTICLES / f"{name}.md", articles / f"{name}.md")
    return KbSettings(
        articles_dir=articles,
        index_dir=tmp_path / "index",
        database_url=f"sqlite:///{tmp_path / 'var' / 'feedback.sqlite'}",
    )
