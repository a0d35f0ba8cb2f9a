from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge_base.articles import AUDIENCES, load_articles, render_html, split_passages
from knowledge_base.errors import ArticleInvalid
from tests.knowledge_base.conftest import ARTICLES

TOPICS = [
    "payment-channels-explained",
    "opening-a-channel",
    "funding-a-channel",
    "spending-from-a-channel",
    "closing-a-channel",
    "cumulative-claims",
    "settle-delay",
    "reserves-explained",
    "transaction-fees",
    "supported-wallets",
    "browser-compatibility",
    "pending-vs-validated",
    "failed-transactions",
    "redeeming-claims",
    "refunds-policy",
    "seed-phrase-safety",
    "phishing",
    "account-compromised",
    "limits",
    "privacy",
    "contact-support",
]


def test_the_base_has_at_least_40_valid_articles_covering_the_topics() -> None:
    articles = load_articles(ARTICLES)
    assert len(articles) >= 40
    ids = {a.id for a in articles}
    assert set(TOPICS) <= ids
    for article in articles:
        assert article.audience in AUDIENCES
        assert article.tags
        assert article.last_reviewed <= dt.date.today()
        assert len(article.body.split()) < 400, f"{article.id} is too long to be task-shaped"


def test_articles_state_the_ledger_figures() -> None:
    text = {a.id: a.body for a in load_articles(ARTICLES)}
    assert "1 XRP" in text["reserves-explained"] and "0.2 XRP" in text["reserves-explained"]
    assert "10 drops" in text["transaction-fees"]
    for code in ("tecUNFUNDED_PAYMENT", "tecNO_DST_INSUF_XRP", "tefPAST_SEQ"):
        assert code in text["failed-transactions"]


def test_passages_follow_sections(tmp_path: Path) -> None:
    (tmp_path / "demo.md").write_text(
        "---\nid: demo\ntitle: Demo\naudience: payer\ntags: [x]\nlast_reviewed: 2026-01-01\n---\n"
        "Intro line.\n\n## Steps\n1. **Open** it.\n2. Close it.\n\n## Notes\n- Fine.\n"
    )
    (article,) = load_articles(tmp_path)
    passages = split_passages(article)
    assert [p.section for p in passages[:3]] == ["Overview", "Steps", "Notes"]
    assert passages[1].text == "Open it. Close it."
    assert "<ol>" in render_html(article)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("no front matter", "missing front matter"),
        ("---\nid: demo\ntitle: T\n---\nbody", "lacks audience, tags, last_reviewed"),
        (
            "---\nid: demo\ntitle: T\naudience: fans\ntags: [a]\nlast_reviewed: 2026-01-01\n---\nb",
            "audience 'fans' must be one of both, creator, payer",
        ),
        (
            "---\nid: Demo!\ntitle: T\naudience: both\ntags: [a]\nlast_reviewed: 2026-01-01\n---\nb",
            "must be lowercase words",
        ),
        (
            "---\nid: demo\ntitle: T\naudience: both\ntags: [a]\nlast_reviewed: soon\n---\nb",
            "last_reviewed must be a date",
        ),
    ],
)
def test_a_malformed_article_is_named_with_its_defect(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "demo.md").write_text(content)
    with pytest.raises(ArticleInvalid, match=r"demo\.md") as caught:
        load_articles(tmp_path)
    assert message in caught.value.message
