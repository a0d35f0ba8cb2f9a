"""A real sandbox node per test session, driven over HTTP through xrpl-py's own client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.sandbox import run_sandbox
from ledger.sandbox.testing import Node


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    """A sandbox that closes ledgers only on ledger_accept, like a standalone rippled."""
    with run_sandbox() as running:
        yield running.url


@pytest.fixture
def node(sandbox_url: str) -> Node:
    return Node(sandbox_url)
