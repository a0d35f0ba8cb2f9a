from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handler
from api.kb import router
from api.kb.service import KbService
from knowledge_base.search import KnowledgeBase


@pytest.fixture(scope="module")
def client(kb: KnowledgeBase) -> TestClient:
    app = FastAPI()
    install_error_handler(app)
    app.include_router(router)
    app.state.kb_service = KbService(kb.settings, kb)
    return TestClient(app)


def test_search_answers_with_hits_and_a_query_id(client: TestClient) -> None:
    response = client.get("/kb/search", params={"q": "which wallets can I use?"})
    assert response.status_code == 200
    body = response.json()
    assert body["confident"] is True
    assert body["hits"][0]["article_id"] == "supported-wallets"
    assert body["hits"][0]["url"] == "/help/supported-wallets"
    assert len(body["query_id"]) == 32


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_an_empty_question_is_a_400_that_says_so(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/kb/search", params=params)
    assert response.status_code == 400
    assert response.json()["detail"] == "the question is empty: ask something in words"


def test_feedback_is_recorded_and_unknown_ids_are_404(
    client: TestClient, kb: KnowledgeBase
) -> None:
    query_id = client.get("/kb/search", params={"q": "what is a drop"}).json()["query_id"]
    response = client.post("/kb/feedback", json={"query_id": query_id, "helpful": False})
    assert response.status_code == 200
    assert response.json() == {"query_id": query_id, "helpful": False, "recorded": True}
    assert kb.store.feedback_for(query_id) == [False]

    missing = client.post("/kb/feedback", json={"query_id": "f" * 32, "helpful": True})
    assert missing.status_code == 404
    assert "no recorded question" in missing.json()["detail"]
    malformed = client.post("/kb/feedback", json={"query_id": query_id})
    assert malformed.status_code == 422


def test_an_article_is_served_as_markdown_and_html(client: TestClient) -> None:
    response = client.get("/kb/articles/settle-delay")
    assert response.status_code == 200
    body = response.json()
    assert body["title"].startswith("Settle delay")
    assert "<h2>" in body["html"] and "24 hours" in body["markdown"]
    assert client.get("/kb/articles/no-such-thing").status_code == 404


def test_the_router_module_loads_no_model_at_import() -> None:
    import subprocess
    import sys

    code = "import api.kb, sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
