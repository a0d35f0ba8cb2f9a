"""Every ORM table of the api, imported in one place for Alembic."""

from api.chat.models import Conversation, Message
from api.db import Base
from api.escalation.models import Ticket
from api.webhooks.models import (
    AdminNotification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookMessage,
    WebhookSubscription,
)

__all__ = [
    "AdminNotification",
    "Base",
    "Conversation",
    "Message",
    "Ticket",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookMessage",
    "WebhookSubscription",
]
