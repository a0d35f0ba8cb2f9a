"""The production profile under faults: two Rasa servers (with their action servers), two api
workers and two fraud workers on PostgreSQL, a private Redis and a private RabbitMQ node, so
killing and restarting those touches nobody else. Conversations keep being answered: a killed
Rasa process's conversations move to the other one with their history (the tracker store is
PostgreSQL), a killed api worker is replaced, and Redis or RabbitMQ going away and coming back
needs nobody's help."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.chat.service import NO_ANSWER
from devstack.stack import Stack, settings_on_free_ports
from ledger.sandbox.demo import DEMO
from tests.conftest import require_rasa_model, require_service
from tests.faults import rabbitmq_node, redis_server

pytestmark = [pytest.mark.stack, pytest.mark.services, pytest.mark.slow]

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
QUESTION = f"what is the balance of {DEMO.account('alice').address}?"


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_rasa_model()
    require_service("postgresql", "127.0.0.1", 5432)
    suffix = secrets.token_hex(4)
    with redis_server() as redis, rabbitmq_node() as rabbit:
        stack = Stack(
            settings_on_free_ports(
                profile="production",
                workers=2,
                log_dir=tmp_path_factory.mktemp("production-logs"),
                postgres_url=f"{PG}/cd_prod_{suffix}",
                rasa_postgres_database=f"cd_prod_rasa_{suffix}",
                redis_url=redis.url.rsplit("/", 1)[0],
                amqp_url=rabbit.url,
            )
        )
        try:
            with stack:
                yield {"stack": stack, "redis": redis, "rabbit": rabbit}
        finally:
            stack.drop_databases()


async def _turn(client: httpx.AsyncClient, conversation: str) -> tuple[int, str]:
    response = await client.post(
        "/chat/messages", json={"conversation_id": conversation, "text": QUESTION}
    )
    if response.status_code != 200:
        return response.status_code, response.text
    return 200, " ".join(m["text"] for m in response.json()["messages"])


def _kill_group(child_name: str, stack: Stack) -> None:
    child = next(c for c in stack.children if c.name == child_name)
    assert child.process is not None
    os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait()


def test_a_rasa_process_killed_under_load_loses_no_conversation(production: dict[str, Any]) -> None:
    stack: Stack = production["stack"]
    conversations = [f"prod_kill_{secrets.token_hex(4)}_{i}" for i in range(8)]

    async def load() -> list[list[tuple[int, str]]]:
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as client:
            results: list[list[tuple[int, str]]] = [[] for _ in conversations]
            for turn in range(6):
                if turn == 2:
                    _kill_group("rasa-1", stack)
                answers = await asyncio.gather(*(_turn(client, c) for c in conversations))
                for index, answer in enumerate(answers):
                    results[index].append(answer)
            return results

    results = asyncio.run(load())
    for conversation, turns in zip(conversations, results, strict=True):
        assert all(status == 200 and "384.999964 XRP" in text for status, text in turns), (
            conversation,
            turns,
        )
        history = httpx.get(f"{stack.api_url}/chat/{conversation}/messages", timeout=10).json()
        assert [m["text"] for m in history["messages"] if m["sender"] == "user"] == [QUESTION] * 6


def _api_workers(master: int) -> list[int]:
    """Live uvicorn worker processes of the api (spawned children, not zombies)."""
    live = []
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if state != "Z" and b"spawn_main" in cmdline:
            live.append(int(pid))
    return live


def test_an_api_worker_killed_is_replaced_and_chat_goes_on(production: dict[str, Any]) -> None:
    stack: Stack = production["stack"]
    api = next(c for c in stack.children if c.name == "api")
    assert api.process is not None
    workers = _api_workers(api.process.pid)
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    answered = [asyncio.run(_ask_once(stack, f"prod_api_{i}")) for i in range(6)]
    assert all(status == 200 for status, _ in answered), answered
    deadline = time.monotonic() + 30
    now = _api_workers(api.process.pid)
    while time.monotonic() < deadline and not (len(now) == 2 and workers[0] not in now):
        time.sleep(0.5)
        now = _api_workers(api.process.pid)
    assert len(now) == 2 and workers[0] not in now, (workers, now)


async def _ask_once(stack: Stack, conversation: str) -> tuple[int, str]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as client:
        return await _turn(client, f"{conversation}_{secrets.token_hex(3)}")


def _answered_within(stack: Stack, seconds: float) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        answer = asyncio.run(_ask_once(stack, "prod_recover"))
        if answer[0] == 200 or time.monotonic() > deadline:
            return answer
        time.sleep(1)


def test_an_action_server_killed_is_restarted_and_nothing_is_lost(
    production: dict[str, Any],
) -> None:
    stack: Stack = production["stack"]
    child = next(c for c in stack.children if c.name == "actions-1")
    assert child.process is not None
    before = child.process.pid
    _kill_group("actions-1", stack)
    conversations = [f"prod_actions_{secrets.token_hex(4)}_{i}" for i in range(8)]
    humans = [f"prod_human_{secrets.token_hex(4)}_{i}" for i in range(4)]

    async def load() -> tuple[list[tuple[int, str]], list[int]]:
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as client:
            answers = await asyncio.gather(*(_turn(client, c) for c in conversations))
            asked = await asyncio.gather(
                *(
                    client.post(
                        "/chat/messages",
                        json={"conversation_id": h, "text": "I want to talk to a human"},
                    )
                    for h in humans
                )
            )
            return list(answers), [r.status_code for r in asked]

    answers, asked = asyncio.run(load())
    # While an action server is down its Rasa server's answers are an honest "couldn't answer".
    for status, said in answers:
        assert status == 200 and ("384.999964 XRP" in said or NO_ANSWER in said), said
    assert all(status == 200 for status in asked), asked
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.process.pid != before and child.process.poll() is None:
            answers = [_answered_within(stack, 5) for _ in conversations[:2]]
            if all("384.999964 XRP" in said for _, said in answers):
                break
        time.sleep(1)
    assert child.process.pid != before, "the supervisor did not restart the action server"
    assert all("384.999964 XRP" in said for _, said in answers), answers
    # Every hand-off asked for became a ticket, once the actions could run it.
    for conversation in humans:
        asyncio.run(_say(stack, conversation, "I want to talk to a human"))
    tickets = _tickets(stack)
    assert all(h in tickets for h in humans), (humans, tickets)


async def _say(stack: Stack, conversation: str, text_: str) -> int:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as client:
        response = await client.post(
            "/chat/messages", json={"conversation_id": conversation, "text": text_}
        )
        return response.status_code


def _tickets(stack: Stack) -> set[str]:
    password = (stack.settings.secrets_dir / "demo-agent-password").read_text().strip()
    with httpx.Client(base_url=stack.api_url, timeout=10) as client:
        login = client.post("/agents/login", json={"username": "demo", "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        found = client.get("/tickets", headers=headers, params={"limit": 1000})
        found.raise_for_status()
        return {t["conversation_id"] for t in found.json()}


def test_redis_killed_and_restarted_chat_recovers_by_itself(production: dict[str, Any]) -> None:
    stack, redis = production["stack"], production["redis"]
    redis.kill()
    status, body = asyncio.run(_ask_once(stack, "prod_redis_down"))
    # Without the lock store Rasa cannot take the conversation's lock: a clear refusal, no crash.
    assert status in (200, 503), (status, body)
    if status == 503:
        assert "assistant is not reachable" in body
    redis.start()
    status, body = _answered_within(stack, 30)
    assert status == 200 and "384.999964 XRP" in body, (status, body)


def test_rabbitmq_killed_and_restarted_chat_goes_on(production: dict[str, Any]) -> None:
    stack, rabbit = production["stack"], production["rabbit"]
    rabbit.kill()
    # Rasa's event broker and the webhook relay lose RabbitMQ; answers do not depend on it.
    status, body = _answered_within(stack, 30)
    assert status == 200 and "384.999964 XRP" in body, (status, body)
    rabbit.start()
    status, body = _answered_within(stack, 30)
    assert status == 200 and "384.999964 XRP" in body, (status, body)
