"""A real sandbox node per test session, driven over HTTP through xrpl-py's own client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ledger.sandbox import run_sandbox
from ledger.sandbox.testing import Node


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    """A sandbox that closes ledgers only on ledger_accept, like a standalone rippled."""
    with run_sandbox() as running:
        yield running.url


@pytest.fixture
async def node(sandbox_url: str) -> AsyncIterator[Node]:
    """xrpl-py over kept-alive connections (xrpl-py's stock clients: see test_payments)."""
    driver = Node(sandbox_url)
    yield driver
    await driver.aclose()
