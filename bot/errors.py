"""Errors of the assistant's own work (ledger errors live in :mod:`ledger.errors`).

BotError              root: ``.message``
└── EscalationFailed  the api did not take the hand-off (unreachable, refused, or rejected)
"""

from __future__ import annotations

__all__ = ["BotError", "EscalationFailed"]


class BotError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EscalationFailed(BotError):
    """The hand-off could not be delivered to the api."""
