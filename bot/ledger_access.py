"""One :class:`ledger.LedgerClient` per process (per event loop), and lookups with a deadline.

The client is created on first use, never at import. A ``LedgerClient`` belongs to the event
loop it was first used in, so a new loop (as in tests) gets a new client. Every lookup gives up
after ``BotSettings.answer_deadline_seconds`` so the user hears back within three seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.config import get_settings
from ledger import (
    AccountNotFound,
    ChannelNotFound,
    InvalidAddress,
    InvalidTransactionHash,
    LedgerClient,
    LedgerError,
    LedgerTimeout,
    LedgerUnreachable,
    TransactionNotFound,
)

__all__ = [
    "close_ledger_client",
    "is_outage",
    "ledger_client",
    "lookup",
    "problem_text",
    "reset_ledger_client",
]

T = TypeVar("T")

_client: LedgerClient | None = None
_client_loop: asyncio.AbstractEventLoop | None = None


def ledger_client() -> LedgerClient:
    """The process's client for the running event loop."""
    global _client, _client_loop
    loop = asyncio.get_running_loop()
    if _client is None or _client_loop is not loop:
        settings = get_settings()
        _client = LedgerClient(settings.ledger_url, settings.ledger_timeout_seconds)
        _client_loop = loop
    return _client


def reset_ledger_client() -> None:
    """Forget the client (after a settings change, in tests)."""
    global _client, _client_loop
    _client, _client_loop = None, None


async def close_ledger_client() -> None:
    """Close the client's connections (at shutdown, or at the end of a test's event loop)."""
    global _client, _client_loop
    client, _client, _client_loop = _client, None, None
    if client is not None:
        await client.aclose()


async def lookup(call: Callable[[LedgerClient], Awaitable[T]]) -> T:
    """Run one ledger query; ``LedgerTimeout`` when it takes longer than the deadline."""
    deadline = get_settings().answer_deadline_seconds
    try:
        return await asyncio.wait_for(call(ledger_client()), timeout=deadline)
    except TimeoutError:
        raise LedgerTimeout(f"the XRP Ledger node did not answer within {deadline:g} s") from None


def is_outage(error: LedgerError) -> bool:
    """The node could not answer (as opposed to answering "not found" or "invalid")."""
    return not isinstance(
        error,
        AccountNotFound
        | TransactionNotFound
        | ChannelNotFound
        | InvalidAddress
        | InvalidTransactionHash,
    )


def problem_text(error: LedgerError) -> str:
    """What to tell the user when a lookup failed."""
    if isinstance(error, AccountNotFound):
        return (
            f"The account {error.address} doesn't exist on the XRP Ledger yet. An address only "
            "becomes an account once it receives at least the 1 XRP base reserve, so check that "
            "you copied the right address, or fund it first from an exchange or another wallet."
        )
    if isinstance(error, TransactionNotFound):
        return (
            f"Transaction {error.tx_hash} was not found on the ledger. That usually means it "
            "was never submitted, was rejected before reaching a ledger (check your wallet for an "
            "error), is still on its way (wait a few seconds and ask again), or the hash was "
            "copied from a different network (testnet vs mainnet)."
        )
    if isinstance(error, ChannelNotFound):
        return (
            f"No open payment channel has the id {error.channel_id}. Check that you copied the "
            "whole id; a channel that has already closed is no longer on the ledger (its closing "
            "transaction is: send me that transaction's hash, or the address that paid into it)."
        )
    if isinstance(error, InvalidAddress | InvalidTransactionHash):
        return f"That doesn't look right: {error.message}."
    if isinstance(error, LedgerTimeout):
        reason = "the XRP Ledger node is too slow to answer right now"
    elif isinstance(error, LedgerUnreachable):
        reason = "I can't reach the XRP Ledger node right now"
    else:
        reason = "the XRP Ledger node returned an error"
    return (
        f"Sorry, {reason}, so I can't check that at the moment. Please try again in a few "
        "minutes, or I can connect you with a person."
    )
