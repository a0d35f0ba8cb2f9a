"""Errors of ledger access, all carrying a message a person can read.

LedgerError                  root: ``.message``
├── LedgerUnreachable        connection refused, DNS failure, broken connection
├── LedgerTimeout            the node did not answer within ``timeout_seconds``
├── AccountNotFound          rippled ``actNotFound``; ``.address``
├── TransactionNotFound      rippled ``txnNotFound``; ``.tx_hash``
├── ChannelNotFound          rippled ``entryNotFound`` for a channel id; ``.channel_id``
├── InvalidAddress           not a valid classic or X-address; ``.address``
├── InvalidTransactionHash   not 64 hex digits; ``.tx_hash``
└── LedgerRequestFailed      any other rippled error; ``.error`` is rippled's code
"""

from __future__ import annotations

__all__ = [
    "AccountNotFound",
    "ChannelNotFound",
    "InvalidAddress",
    "InvalidTransactionHash",
    "LedgerError",
    "LedgerRequestFailed",
    "LedgerTimeout",
    "LedgerUnreachable",
    "TransactionNotFound",
]


class LedgerError(Exception):
    """Root of every ledger access error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LedgerUnreachable(LedgerError):
    """No connection to the node: refused, unknown host, or dropped."""


class LedgerTimeout(LedgerError):
    """The node did not answer in time."""


class AccountNotFound(LedgerError):
    """The account does not exist on the ledger (it was never funded with the reserve)."""

    def __init__(self, address: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"account {address} does not exist on the ledger: it has never received "
            "the XRP needed to create it (the base reserve), or it was deleted"
        )
        self.address = address


class TransactionNotFound(LedgerError):
    """The node knows no transaction with this hash."""

    def __init__(self, tx_hash: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"transaction {tx_hash} was not found: it was never submitted, was dropped "
            "before reaching a ledger, or is older than the history this node keeps"
        )
        self.tx_hash = tx_hash


class ChannelNotFound(LedgerError):
    """No payment channel with this id exists in the validated ledger."""

    def __init__(self, channel_id: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"no payment channel {channel_id} exists: the id may be mistyped, or the "
            "channel has closed and left the ledger"
        )
        self.channel_id = channel_id


class InvalidAddress(LedgerError):
    """Not an XRP Ledger address; the message says precisely what is wrong."""

    def __init__(self, address: str, message: str) -> None:
        super().__init__(message)
        self.address = address


class InvalidTransactionHash(LedgerError):
    """Not a transaction hash (64 hex digits)."""

    def __init__(self, tx_hash: str, message: str) -> None:
        super().__init__(message)
        self.tx_hash = tx_hash


class LedgerRequestFailed(LedgerError):
    """Any other error reported by the node; ``error`` is rippled's error code."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
