"""Request and response bodies of the webhooks API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.webhooks.events import EventType

__all__ = [
    "AttemptOut",
    "FailedMessageOut",
    "NotificationOut",
    "ReplayOut",
    "ReplaySince",
    "RotateSecret",
    "SubscriptionCreate",
    "SubscriptionOut",
    "SubscriptionUpdate",
    "SubscriptionWithSecret",
]


class SubscriptionCreate(BaseModel):
    url: str = Field(max_length=2048, description="HTTPS endpoint that receives the events")
    event_types: list[EventType] = Field(min_length=1)
    description: str = Field(default="", max_length=500)


class SubscriptionUpdate(BaseModel):
    url: str | None = Field(default=None, max_length=2048)
    event_types: list[EventType] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None


class RotateSecret(BaseModel):
    overlap_seconds: float | None = Field(
        default=None, ge=0, le=7 * 86400, description="How long the previous secret still signs"
    )


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SubscriptionWithSecret(SubscriptionOut):
    secret: str = Field(description="The signing secret (whsec_...); shown only this once")


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    message_id: str
    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None


class FailedMessageOut(BaseModel):
    message_id: str
    subscription_id: str
    event_type: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    payload: dict[str, Any]


class ReplaySince(BaseModel):
    since: datetime
    subscription_id: str | None = None


class ReplayOut(BaseModel):
    requeued: int


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    subject_id: str
    text: str
    created_at: datetime
