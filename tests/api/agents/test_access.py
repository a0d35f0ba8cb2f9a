"""Access: agent login and roles, and every route either public by name or closed to anonymous."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from api.agents.__main__ import main as cli
from api.agents.passwords import hash_password, verify_password
from api.config import get_settings
from tests.api.desk import ADMIN_PASSWORD, AGENT_PASSWORD, add_agent, escalate, login

# Routes that need no credential, and why. Anonymous chat: the conversation id (22 random
# url-safe bytes, minted by the api) is the capability to read that conversation; a signed-in
# user's conversations need that user's token (X-User-Token) or the service credential.
PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/"): "the chat page",
    ("GET", "/healthz"): "liveness probe",
    ("POST", "/chat/messages"): "anonymous chat; a new conversation id is minted per visitor",
    ("GET", "/chat/{conversation_id}/messages"): "the conversation id is the capability",
    ("GET", "/chat/{conversation_id}/events"): "the conversation id is the capability",
    ("GET", "/console"): "the console page shell; its data needs a session",
    ("GET", "/widget.js"): "the chat widget's script",
    ("GET", "/widget/session"): "answers only with what the caller's own user token says",
    ("POST", "/agents/login"): "exchanges a password for a session",
    ("GET", "/kb/search"): "public help articles",
    ("GET", "/kb/articles"): "public help articles",
    ("GET", "/kb/articles/{article_id}"): "public help articles",
    ("GET", "/help/{article_id}"): "public help article page",
    ("POST", "/kb/feedback"): "anonymous article feedback",
    ("GET", "/openapi.json"): "API description",
    ("GET", "/docs"): "API description",
    ("GET", "/docs/oauth2-redirect"): "API description",
    ("GET", "/redoc"): "API description",
}
PUBLIC_MOUNTS = {"/console/static": "the console's JS and CSS"}


def _concrete(path: str) -> str:
    parts = [("x" * 12 if p.startswith("{") else p) for p in path.split("/")]
    return "/".join(parts)


def test_every_route_is_public_by_name_or_refuses_anonymous_calls(desk: TestClient) -> None:
    app = desk.app
    seen_public: set[tuple[str, str]] = set()
    refused_wrongly: list[str] = []
    paths = set()
    for route in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        paths.add(route.path)
        if isinstance(route.original_route, Mount):
            assert route.path in PUBLIC_MOUNTS, f"mount {route.path} is not in the allow-list"
            continue
        methods = sorted(getattr(route, "methods", None) or [])
        for method in methods:
            if method == "HEAD":
                continue
            key = (method, route.path)
            if key in PUBLIC:
                seen_public.add(key)
                continue
            response = desk.request(method, _concrete(route.path or ""), json={})
            if response.status_code != 401:
                refused_wrongly.append(f"{method} {route.path} -> {response.status_code}")
    assert refused_wrongly == []
    assert {"/tickets", "/tickets/{ticket_id}/claim", "/internal/escalations"} <= paths
    # The allow-list names real routes only (kb routes are listed for when kb is mounted).
    assert {("POST", "/agents/login"), ("GET", "/healthz"), ("GET", "/")} <= seen_public


def test_public_routes_answer_without_credentials(desk: TestClient) -> None:
    assert desk.get("/healthz").status_code == 200
    assert desk.get("/").status_code == 200
    reply = desk.post("/chat/messages", json={"text": "hi"})
    assert reply.status_code == 200
    conversation_id = reply.json()["conversation_id"]
    assert desk.get(f"/chat/{conversation_id}/messages").status_code == 200


def test_login_gives_a_session_and_wrong_passwords_are_refused(desk: TestClient) -> None:
    wrong = desk.post("/agents/login", json={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "wrong username or password"
    nobody = desk.post("/agents/login", json={"username": "ghost", "password": ADMIN_PASSWORD})
    assert nobody.status_code == 401

    headers = login(desk, "admin", ADMIN_PASSWORD)
    me = desk.get("/agents/me", headers=headers).json()
    assert me["username"] == "admin" and me["role"] == "admin"
    assert "password_hash" not in me
    assert desk.post("/agents/logout", headers=headers).status_code == 204
    after = desk.get("/agents/me", headers=headers)
    assert after.status_code == 401 and "sign in again" in after.json()["detail"]


def test_roles_decide_who_creates_accounts_and_service_tokens_are_not_sessions(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    alice = add_agent(desk, admin, "alice")
    refused = desk.post(
        "/agents",
        json={"username": "eve", "display_name": "Eve", "password": AGENT_PASSWORD},
        headers=alice,
    )
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    short = desk.post(
        "/agents",
        json={"username": "bob", "display_name": "Bob", "password": "short"},
        headers=admin,
    )
    assert short.status_code == 422
    # The service credential opens internal endpoints only, not the agents' queue.
    assert desk.get("/tickets", headers=service_headers).status_code == 401
    escalate(desk, service_headers, "conv_access")
    # Agent sessions do not open internal endpoints either.
    body = {"conversation_id": "conv_x", "kind": "other", "summary": "s"}
    assert desk.post("/internal/escalations", json=body, headers=alice).status_code == 401


def test_passwords_are_salted_scrypt_hashes() -> None:
    first, second = hash_password("correct horse", n=2**10), hash_password("correct horse", n=2**10)
    assert first != second and first.startswith("scrypt$1024$")
    assert "correct horse" not in first
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsE", first)
    assert not verify_password("x", "md5$abc")


def test_cli_creates_the_first_admin_without_a_password_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("API_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("ADMIN_PW", "a-long-enough-password")
    monkeypatch.setenv("API_AGENTS_SCRYPT_N", "1024")
    get_settings.cache_clear()
    try:
        args = ["create", "--username", "root", "--role", "admin", "--password-env", "ADMIN_PW"]
        assert cli(args) == 0
        assert "created admin root" in capsys.readouterr().out
        assert cli(args) == 1
        assert "already exists" in capsys.readouterr().err
        with pytest.raises(SystemExit) as unset:
            cli([*args[:-1], "NOT_SET_ANYWHERE"])
        assert unset.value.code == 2
        assert "NOT_SET_ANYWHERE" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_agent_password_comes_from_a_generated_secret_file(
    database_url: str, tmp_path: Path
) -> None:
    from api.agents.config import AgentSettings
    from api.config import ApiSettings
    from api.main import create_app

    secret = tmp_path / "secrets" / "demo"
    settings = AgentSettings(demo_agent=True, demo_password_file=secret, scrypt_n=2**10)
    app = create_app(ApiSettings(database_url=database_url), agent_settings=settings)
    with TestClient(app) as client:
        password = secret.read_text().strip()
        assert len(password) >= 12 and oct(secret.stat().st_mode)[-3:] == "600"
        assert (
            client.post(
                "/agents/login", json={"username": "demo", "password": password}
            ).status_code
            == 200
        )
