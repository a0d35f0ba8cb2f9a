"""Escalations: hand-offs from the assistant and the fraud service to human agents.

The queue (``service``), the live hand-off (``handoff``), priority (``priority``), the fraud
review sink (``sinks``) and the claim benchmark (``bench``).
"""

from api.escalation.config import EscalationSettings
from api.escalation.errors import (
    InvalidTransition,
    NotYourTicket,
    QueueEmpty,
    TicketAlreadyClaimed,
    TicketNotFound,
)

__all__ = [
    "EscalationSettings",
    "InvalidTransition",
    "NotYourTicket",
    "QueueEmpty",
    "TicketAlreadyClaimed",
    "TicketNotFound",
]
