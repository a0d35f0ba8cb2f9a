"""Help articles: Markdown files with YAML front matter, split into passages by section."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.errors import ArticleInvalid

__all__ = [
    "AUDIENCES",
    "Article",
    "Passage",
    "article_text",
    "articles_hash",
    "lexical_document",
    "load_articles",
    "render_html",
    "split_passages",
]

AUDIENCES = frozenset({"payer", "creator", "both"})
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_REQUIRED = ("id", "title", "audience", "tags", "last_reviewed")


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    audience: str
    tags: tuple[str, ...]
    last_reviewed: dt.date
    body: str
    path: Path
    asked_as: tuple[str, ...] = ()

    def url(self, prefix: str) -> str:
        return f"{prefix}{self.id}"


@dataclass(frozen=True, slots=True)
class Passage:
    """One section of an article: `text` is shown to users, `embed_text` is what gets embedded."""

    article_id: str
    title: str
    section: str
    text: str
    embed_text: str
    # "section" (a `## ` section of the body), "title" (title and tags) or "asked" (asked_as).
    kind: str = "section"


def _parse(path: Path) -> Article:
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw)
    if match is None:
        raise ArticleInvalid(f"{path.name}: missing front matter (a '---' block at the top)")
    try:
        meta: Any = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ArticleInvalid(f"{path.name}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ArticleInvalid(f"{path.name}: front matter must be a mapping")
    missing = [name for name in _REQUIRED if name not in meta]
    if missing:
        raise ArticleInvalid(f"{path.name}: front matter lacks {', '.join(missing)}")
    article_id = str(meta["id"])
    if not _ID_PATTERN.match(article_id):
        raise ArticleInvalid(f"{path.name}: id {article_id!r} must be lowercase words joined by -")
    if path.stem != article_id:
        raise ArticleInvalid(f"{path.name}: file name must be the article id ({article_id}.md)")
    audience = str(meta["audience"])
    if audience not in AUDIENCES:
        raise ArticleInvalid(
            f"{path.name}: audience {audience!r} must be one of {', '.join(sorted(AUDIENCES))}"
        )
    tags = meta["tags"]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ArticleInvalid(f"{path.name}: tags must be a list of words")
    reviewed = meta["last_reviewed"]
    if not isinstance(reviewed, dt.date):
        raise ArticleInvalid(f"{path.name}: last_reviewed must be a date such as 2026-03-01")
    asked_as = meta.get("asked_as", [])
    if not isinstance(asked_as, list) or not all(isinstance(q, str) for q in asked_as):
        raise ArticleInvalid(f"{path.name}: asked_as must be a list of questions")
    body = raw[match.end() :].strip()
    if not body:
        raise ArticleInvalid(f"{path.name}: the article has no text")
    return Article(
        id=article_id,
        title=str(meta["title"]).strip(),
        audience=audience,
        tags=tuple(tags),
        last_reviewed=reviewed,
        body=body,
        path=path,
        asked_as=tuple(asked_as),
    )


def load_articles(directory: Path) -> list[Article]:
    """Every `*.md` article under `directory`, sorted by id; raises ArticleInvalid on any defect."""
    if not directory.is_dir():
        raise ArticleInvalid(f"articles directory {directory} does not exist")
    articles = [_parse(path) for path in sorted(directory.glob("*.md"))]
    if not articles:
        raise ArticleInvalid(f"no articles (*.md) in {directory}")
    return articles


def articles_hash(directory: Path) -> str:
    """A digest of every article file's name and bytes: the index is rebuilt when it changes."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.md")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _plain(markdown: str) -> str:
    """Markdown to one readable line: list markers and emphasis go, words stay."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line)
        line = re.sub(r"[*_`]+", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines)


def split_passages(article: Article) -> list[Passage]:
    """One passage per `## ` section; text before the first heading is the overview."""
    sections: list[tuple[str, list[str]]] = [("Overview", [])]
    for line in article.body.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif not line.startswith("# "):
            sections[-1][1].append(line)
    passages = []
    for heading, lines in sections:
        text = _plain("\n".join(lines))
        if not text:
            continue
        context = article.title if heading == "Overview" else f"{article.title}: {heading}"
        passages.append(
            Passage(
                article_id=article.id,
                title=article.title,
                section=heading,
                text=text,
                embed_text=f"{context}. {text}",
            )
        )
    # The title with its tags, and each way users ask for this article (front matter
    # `asked_as`), are matched against questions but show the overview when they win.
    overview = passages[0].text if passages else article.title
    passages.append(
        Passage(
            article.id,
            article.title,
            "Overview",
            overview,
            f"{article.title} ({', '.join(article.tags)})",
            "title",
        )
    )
    passages.extend(
        Passage(article.id, article.title, "Overview", overview, asked, "asked")
        for asked in article.asked_as
    )
    return passages


def article_text(article: Article) -> str:
    """The whole article as one text, for the article-level embedding."""
    return f"{article.title}. {_plain(article.body)}"


def lexical_document(article: Article) -> str:
    """The article's BM25 document: title, tags, body, and the asked_as phrasings twice."""
    asked = " ".join(article.asked_as)
    return " ".join([article.title, " ".join(article.tags), _plain(article.body), asked, asked])


def render_html(article: Article) -> str:
    """The article body as HTML (markdown-it, raw HTML in the source disabled)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(article.body)
