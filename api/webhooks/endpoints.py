"""Routes of the webhooks API: thin, each calls one service function.

Every route needs an admin agent's session or the service credential (`auth.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status

from api.deps import SessionDep
from api.webhooks import repository, service
from api.webhooks.auth import require_webhook_admin
from api.webhooks.config import WebhookSettings
from api.webhooks.events import event_catalog
from api.webhooks.schemas import (
    AttemptOut,
    FailedMessageOut,
    NotificationOut,
    ReplayOut,
    ReplaySince,
    RotateSecret,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)

__all__ = ["WebhookSettingsDep", "router"]

router = APIRouter(
    prefix="/webhooks", tags=["webhooks"], dependencies=[Depends(require_webhook_admin)]
)


def _settings(request: Request) -> WebhookSettings:
    settings: WebhookSettings | None = getattr(request.app.state, "webhook_settings", None)
    return settings or WebhookSettings()


WebhookSettingsDep = Annotated[WebhookSettings, Depends(_settings)]


def _with_secret(sub: Any, secret: str) -> SubscriptionWithSecret:
    return SubscriptionWithSecret.model_validate(
        {**SubscriptionOut.model_validate(sub).model_dump(), "secret": secret}
    )


@router.get("/event-types")
def list_event_types() -> list[dict[str, Any]]:
    """Every event type with its payload schema and an example delivery body."""
    return event_catalog()


@router.post(
    "/subscriptions", status_code=status.HTTP_201_CREATED, response_model=SubscriptionWithSecret
)
def create_subscription(
    session: SessionDep, settings: WebhookSettingsDep, body: SubscriptionCreate
) -> SubscriptionWithSecret:
    """Subscribe a URL to event types; the signing secret is in this answer only."""
    sub, secret = service.create_subscription(session, settings, body)
    return _with_secret(sub, secret)


@router.get("/subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(session: SessionDep) -> list[SubscriptionOut]:
    """Every subscription, oldest first (secrets are never listed)."""
    return [SubscriptionOut.model_validate(s) for s in repository.list_subscriptions(session)]


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
def get_subscription(session: SessionDep, subscription_id: str) -> SubscriptionOut:
    """One subscription."""
    return SubscriptionOut.model_validate(service.get_subscription(session, subscription_id))


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
def update_subscription(
    session: SessionDep,
    settings: WebhookSettingsDep,
    subscription_id: str,
    body: SubscriptionUpdate,
) -> SubscriptionOut:
    """Change the URL, event types, description, or enable it again."""
    sub = service.update_subscription(session, settings, subscription_id, body)
    return SubscriptionOut.model_validate(sub)


@router.post("/subscriptions/{subscription_id}/disable", response_model=SubscriptionOut)
def disable_subscription(session: SessionDep, subscription_id: str) -> SubscriptionOut:
    """Stop deliveries to a subscription (pending ones are not attempted)."""
    return SubscriptionOut.model_validate(service.disable_subscription(session, subscription_id))


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_subscription(session: SessionDep, subscription_id: str) -> None:
    """Delete a subscription with its deliveries."""
    service.delete_subscription(session, subscription_id)


@router.post(
    "/subscriptions/{subscription_id}/rotate-secret", response_model=SubscriptionWithSecret
)
def rotate_secret(
    session: SessionDep,
    settings: WebhookSettingsDep,
    subscription_id: str,
    body: RotateSecret | None = None,
) -> SubscriptionWithSecret:
    """A new secret, shown once; the previous one also signs during the overlap window."""
    overlap = body.overlap_seconds if body is not None else None
    sub, secret = service.rotate_secret(session, settings, subscription_id, overlap)
    return _with_secret(sub, secret)


@router.get("/subscriptions/{subscription_id}/attempts", response_model=list[AttemptOut])
def delivery_log(
    session: SessionDep,
    subscription_id: str,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AttemptOut]:
    """The delivery log, newest first: each attempt's status code, latency and error."""
    service.get_subscription(session, subscription_id)
    rows = repository.attempts_of_subscription(session, subscription_id, limit)
    return [AttemptOut.model_validate(row) for row in rows]


@router.get("/messages/failed", response_model=list[FailedMessageOut])
def failed_messages(
    session: SessionDep,
    subscription_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[FailedMessageOut]:
    """Messages whose delivery gave up (schedule exhausted, 410, or subscription disabled)."""
    return [
        FailedMessageOut(
            message_id=message.id,
            subscription_id=delivery.subscription_id,
            event_type=message.event_type,
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            created_at=message.created_at,
            payload=message.payload,
        )
        for delivery, message in repository.failed_deliveries(session, subscription_id, limit)
    ]


@router.post("/messages/{message_id}/replay", response_model=ReplayOut)
def replay_message(
    session: SessionDep, message_id: str, subscription_id: str | None = None
) -> ReplayOut:
    """Send one message again, with the same webhook-id."""
    return ReplayOut(requeued=service.replay_message(session, message_id, subscription_id))


@router.post("/replay", response_model=ReplayOut)
def replay_since(session: SessionDep, body: ReplaySince) -> ReplayOut:
    """Send again every message created since a time (optionally to one subscription)."""
    return ReplayOut(requeued=service.replay_since(session, body.since, body.subscription_id))


@router.get("/notifications", response_model=list[NotificationOut])
def notifications(
    session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[NotificationOut]:
    """What admins must know: subscriptions disabled after a 410 or days of failures."""
    return [
        NotificationOut.model_validate(n) for n in repository.list_notifications(session, limit)
    ]
