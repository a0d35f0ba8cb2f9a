from __future__ import annotations

import pytest

from knowledge_base.config import KbSettings
from knowledge_base.errors import IndexUnavailable
from knowledge_base.index import ensure_index, load_index


def test_the_index_is_rebuilt_only_when_an_article_changes(small_settings: KbSettings) -> None:
    first = ensure_index(small_settings)
    assert first.rebuilt and first.articles == 3
    vectors = small_settings.index_dir / "embeddings.npy"
    stamp = vectors.stat().st_mtime_ns

    again = ensure_index(small_settings)
    assert not again.rebuilt
    assert vectors.stat().st_mtime_ns == stamp

    article = small_settings.articles_dir / "connect-xaman.md"
    article.write_text(article.read_text() + "\n## Another note\nXaman works offline too.\n")
    changed = ensure_index(small_settings)
    assert changed.rebuilt
    sections = [p.section for p in load_index(small_settings).passages]
    assert "Another note" in sections


def test_a_stale_index_is_refused_until_rebuilt(small_settings: KbSettings) -> None:
    ensure_index(small_settings)
    (small_settings.articles_dir / "reserves-explained.md").unlink()
    with pytest.raises(IndexUnavailable, match="kb build"):
        load_index(small_settings)
    assert ensure_index(small_settings).articles == 2
