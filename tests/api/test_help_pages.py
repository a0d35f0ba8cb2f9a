from __future__ import annotations

from fastapi.testclient import TestClient


def test_help_article_links_open_a_readable_page(client: TestClient) -> None:
    response = client.get("/help/settle-delay")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>Settle delay" in response.text
    assert "Last reviewed" in response.text


def test_unknown_help_article_is_a_clear_404(client: TestClient) -> None:
    response = client.get("/help/no-such-article")
    assert response.status_code == 404
    assert "no-such-article" in response.json()["detail"]
