"""End to end, as `make run` starts it: api → Rasa → action server → ledger client → sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from xrpl.clients import JsonRpcClient
from xrpl.models.requests import AccountInfo

from devstack.stack import Stack, settings_on_free_ports
from ledger.sandbox.demo import DEMO
from tests.conftest import require_rasa_model

pytestmark = [pytest.mark.stack, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_rasa_model()
    log_dir: Path = tmp_path_factory.mktemp("stack-logs")
    settings = settings_on_free_ports(
        log_dir=log_dir,
    )
    with Stack(settings) as running:
        yield running


def _ask(stack: Stack, text: str, conversation_id: str) -> str:
    response = httpx.post(
        f"{stack.api_url}/chat/messages",
        json={"conversation_id": conversation_id, "text": text},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return " ".join(message["text"] for message in response.json()["messages"])


def test_balance_question_is_answered_from_the_sandbox(stack: Stack) -> None:
    address = DEMO.account("alice").address
    ledger = JsonRpcClient(stack.ledger_url).request(AccountInfo(account=address))
    balance_xrp = Decimal(ledger.result["account_data"]["Balance"]) / 1_000_000

    answer = _ask(stack, f"what is the balance of {address}?", "smoke_balance_1")

    assert f"{balance_xrp.normalize():f} XRP" in answer.replace(",", ""), answer


def test_a_greeting_gets_a_reply(stack: Stack) -> None:
    assert _ask(stack, "hello", "smoke_greeting_1").strip()
