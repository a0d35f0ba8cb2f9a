"""Errors of the escalation domain (under api.errors.AppError).

NotFound (404)
├── TicketNotFound
└── QueueEmpty
Conflict (409)
├── TicketAlreadyClaimed
└── InvalidTransition
Forbidden (403)
└── NotYourTicket
"""

from __future__ import annotations

from api.errors import Conflict, Forbidden, NotFound

__all__ = [
    "InvalidTransition",
    "NotYourTicket",
    "QueueEmpty",
    "TicketAlreadyClaimed",
    "TicketNotFound",
]


class TicketNotFound(NotFound):
    pass


class QueueEmpty(NotFound):
    pass


class TicketAlreadyClaimed(Conflict):
    pass


class InvalidTransition(Conflict):
    pass


class NotYourTicket(Forbidden):
    pass
