"""Every ORM table of the api, imported in one place for Alembic."""

from api.chat.models import Conversation, Message
from api.db import Base
from api.escalation.models import Ticket

__all__ = ["Base", "Conversation", "Message", "Ticket"]
