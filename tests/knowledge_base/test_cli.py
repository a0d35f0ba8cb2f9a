from __future__ import annotations

import json

import pytest

from knowledge_base.cli import main
from knowledge_base.config import KbSettings


@pytest.fixture
def env(small_settings: KbSettings, monkeypatch: pytest.MonkeyPatch) -> KbSettings:
    monkeypatch.setenv("KB_ARTICLES_DIR", str(small_settings.articles_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(small_settings.index_dir))
    monkeypatch.setenv("KB_DATABASE_URL", small_settings.database_url)
    return small_settings


def test_build_then_up_to_date(env: KbSettings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    assert capsys.readouterr().out.startswith("built index: 3 articles")
    assert main(["build"]) == 0
    assert capsys.readouterr().out.startswith("up to date: 3 articles")
    assert main(["build", "--force"]) == 0
    assert capsys.readouterr().out.startswith("built index")


def test_search_prints_json_hits_and_feedback_is_recorded(
    env: KbSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "how much XRP is locked as reserve", "-k", "2"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["confident"] is True
    best = body["hits"][0]
    assert best["article_id"] == "reserves-explained"
    assert {"article_id", "title", "passage", "score", "url"} <= best.keys()
    assert len(body["hits"]) == 2

    assert main(["feedback", body["query_id"], "not-helpful"]) == 0
    assert "recorded: not-helpful" in capsys.readouterr().out
    assert main(["feedback", "nope", "helpful"]) == 2
    assert "no recorded question has the id 'nope'" in capsys.readouterr().err


def test_gaps_lists_questions_the_base_could_not_answer(
    env: KbSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gaps"]) == 0
    assert "no unanswered questions" in capsys.readouterr().out
    for _ in range(2):
        main(["search", "what is the best pasta recipe"])
    main(["search", "who won the election"])
    capsys.readouterr()
    assert main(["gaps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["2", "2"] and lines[1].endswith("what is the best pasta recipe")
    assert lines[2].endswith("who won the election")


def test_an_empty_question_is_refused(env: KbSettings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "  "]) == 2
    assert "the question is empty" in capsys.readouterr().err


def test_eval_prints_the_figures_and_check_fails_under_target(
    kb_settings: KbSettings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KB_INDEX_DIR", str(kb_settings.index_dir))
    monkeypatch.setenv("KB_DATABASE_URL", kb_settings.database_url)
    # Ranking by BM25 alone misses the ranking targets, so --check must fail (plain eval not).
    monkeypatch.setenv("KB_LEXICAL_WEIGHT", "1.0")
    assert main(["eval", "--check"]) == 1
    out = capsys.readouterr().out
    for label in ("top-1", "top-3", "MRR", "abstention precision", "abstention recall"):
        assert label in out
    assert "below target on the test set: top1" in out
    header = next(line for line in out.splitlines() if line.split() == ["test", "dev"])
    assert header
    assert main(["eval"]) == 0
