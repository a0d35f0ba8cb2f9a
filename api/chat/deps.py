"""Who calls the chat endpoints: a visitor (signed in or anonymous), or a trusted service.

The service credential (the platform's backend, the action server) may read and write any
conversation: it is the credential that already opens escalations and scores payments, and it
is how a conversation whose user the assistant reported (an escalation) stays reachable.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep
from api.widget.deps import Visitor
from api.widget.tokens import UserIdentity

__all__ = ["Caller", "ChatCaller"]

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True, slots=True)
class ChatCaller:
    user: UserIdentity | None
    trusted: bool


def _chat_caller(
    settings: SettingsDep,
    visitor: Visitor,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ChatCaller:
    expected = settings.service_token
    trusted = (
        expected is not None
        and credentials is not None
        and hmac.compare_digest(
            credentials.credentials.encode(), expected.get_secret_value().encode()
        )
    )
    return ChatCaller(user=visitor, trusted=trusted)


Caller = Annotated[ChatCaller, Depends(_chat_caller)]
