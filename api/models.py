"""Every ORM table of the api, imported in one place for Alembic."""

from api.agents.models import Agent, AgentSession
from api.chat.models import Conversation, Message
from api.db import Base
from api.escalation.models import Ticket, TicketEvent, TicketNote
from api.webhooks.models import (
    AdminNotification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookMessage,
    WebhookSubscription,
)

__all__ = [
    "AdminNotification",
    "Agent",
    "AgentSession",
    "Base",
    "Conversation",
    "Message",
    "Ticket",
    "TicketEvent",
    "TicketNote",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookMessage",
    "WebhookSubscription",
]
