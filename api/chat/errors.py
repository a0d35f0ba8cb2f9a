"""Errors of the chat domain (see api.errors for the root)."""

from __future__ import annotations

from api.errors import Forbidden

__all__ = ["ConversationForbidden"]


class ConversationForbidden(Forbidden):
    """The conversation is bound to a user other than the caller (or to no user at all)."""
