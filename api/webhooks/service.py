"""Subscriptions, the outbox and delivery bookkeeping. Services flush, never commit: the
caller's transaction (a request, a fraud decision, a worker step) commits or rolls back."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.errors import NotFound
from api.webhooks import repository
from api.webhooks.config import WebhookSettings
from api.webhooks.models import (
    AdminNotification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookMessage,
    WebhookSubscription,
)
from api.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from api.webhooks.signing import new_secret
from api.webhooks.urls import Resolver, check_url

__all__ = [
    "AttemptOutcome",
    "MessageNotFound",
    "SubscriptionNotFound",
    "aware",
    "body_of",
    "create_subscription",
    "delete_subscription",
    "disable_subscription",
    "get_subscription",
    "publish",
    "record_attempt",
    "replay_message",
    "replay_since",
    "rotate_secret",
    "signing_secrets",
    "update_subscription",
]

log = logging.getLogger(__name__)


class SubscriptionNotFound(NotFound):
    pass


class MessageNotFound(NotFound):
    pass


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _check(url: str, settings: WebhookSettings, resolver: Resolver | None) -> str:
    return check_url(
        url,
        allow_http=settings.development,
        allow_private=settings.development or settings.allow_private_addresses,
        resolver=resolver,
    )


# --- subscriptions ---------------------------------------------------------------------------


def create_subscription(
    session: Session,
    settings: WebhookSettings,
    data: SubscriptionCreate,
    resolver: Resolver | None = None,
) -> tuple[WebhookSubscription, str]:
    """The new subscription and its secret (returned once, never again)."""
    secret = new_secret()
    now = _now()
    sub = WebhookSubscription(
        id="sub_" + secrets.token_hex(12),
        url=_check(data.url, settings, resolver),
        description=data.description,
        event_types=sorted(set(data.event_types)),
        secret=secret,
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    return repository.add(session, sub), secret


def get_subscription(session: Session, subscription_id: str) -> WebhookSubscription:
    sub = repository.get_subscription(session, subscription_id)
    if sub is None:
        raise SubscriptionNotFound(f"no webhook subscription {subscription_id!r}")
    return sub


def update_subscription(
    session: Session,
    settings: WebhookSettings,
    subscription_id: str,
    data: SubscriptionUpdate,
    resolver: Resolver | None = None,
) -> WebhookSubscription:
    sub = get_subscription(session, subscription_id)
    if data.url is not None:
        sub.url = _check(data.url, settings, resolver)
    if data.event_types is not None:
        sub.event_types = sorted(set(data.event_types))
    if data.description is not None:
        sub.description = data.description
    if data.enabled is not None and data.enabled != sub.enabled:
        sub.enabled = data.enabled
        sub.disabled_reason = None if data.enabled else "disabled by an admin"
        sub.failing_since = None
    sub.updated_at = _now()
    session.flush()
    return sub


def disable_subscription(
    session: Session, subscription_id: str, reason: str = "disabled by an admin"
) -> WebhookSubscription:
    sub = get_subscription(session, subscription_id)
    sub.enabled = False
    sub.disabled_reason = reason
    sub.updated_at = _now()
    session.flush()
    return sub


def delete_subscription(session: Session, subscription_id: str) -> None:
    session.delete(get_subscription(session, subscription_id))
    session.flush()


def rotate_secret(
    session: Session, settings: WebhookSettings, subscription_id: str, overlap: float | None
) -> tuple[WebhookSubscription, str]:
    """A new secret; the old one keeps signing (a second signature) for the overlap window."""
    sub = get_subscription(session, subscription_id)
    now = _now()
    window = settings.rotation_overlap_seconds if overlap is None else overlap
    sub.previous_secret = sub.secret if window > 0 else None
    sub.previous_secret_expires_at = now + timedelta(seconds=window) if window > 0 else None
    sub.secret = new_secret()
    sub.updated_at = now
    session.flush()
    return sub, sub.secret


def signing_secrets(sub: WebhookSubscription, now: datetime) -> list[str]:
    found = [sub.secret]
    expires = sub.previous_secret_expires_at
    if sub.previous_secret and expires is not None and aware(expires) > now:
        found.append(sub.previous_secret)
    return found


# --- the outbox ------------------------------------------------------------------------------


def publish(
    session: Session, event_type: str, data: dict[str, Any], message_id: str | None = None
) -> WebhookMessage:
    """Write an event and one pending delivery per subscriber into the caller's transaction."""
    now = _now()
    message = WebhookMessage(
        id=message_id or "msg_" + secrets.token_hex(12),
        event_type=event_type,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
        created_at=now,
    )
    session.add(message)
    for sub in repository.subscribers(session, event_type):
        session.add(
            WebhookDelivery(
                message_id=message.id,
                subscription_id=sub.id,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    session.flush()
    return message


def body_of(message: WebhookMessage) -> str:
    """The exact bytes that are signed and sent (stable across retries)."""
    return json.dumps(message.payload, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    status_code: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def record_attempt(
    session: Session,
    settings: WebhookSettings,
    delivery: WebhookDelivery,
    token: str,
    outcome: AttemptOutcome,
    now: datetime,
) -> None:
    """Log an attempt and move the delivery on: delivered, retried later, or failed."""
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            subscription_id=delivery.subscription_id,
            message_id=delivery.message_id,
            attempted_at=now,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            response_excerpt=outcome.response_excerpt,
        )
    )
    if delivery.lock_token != token:
        session.flush()  # another worker took the delivery over after our lease ran out
        return
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    delivery.locked_until = None
    delivery.lock_token = None
    sub = repository.get_subscription(session, delivery.subscription_id)
    if outcome.succeeded:
        delivery.status = "delivered"
        delivery.delivered_at = now
        if sub is not None:
            sub.failing_since = None
    elif outcome.status_code == 410:
        delivery.status = "failed"
        if sub is not None and sub.enabled:
            _disable(session, sub, "the endpoint answered 410 Gone", now)
    else:
        schedule = settings.retry_schedule
        if delivery.attempts >= len(schedule):
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = now + timedelta(seconds=schedule[delivery.attempts])
        if sub is not None:
            _note_failure(session, settings, sub, now)
    session.flush()


def _note_failure(
    session: Session, settings: WebhookSettings, sub: WebhookSubscription, now: datetime
) -> None:
    if sub.failing_since is None:
        sub.failing_since = now
        return
    failing_for = (now - aware(sub.failing_since)).total_seconds()
    if sub.enabled and failing_for >= settings.disable_after_failing_seconds:
        days = failing_for / 86400
        _disable(session, sub, f"every delivery failed for {days:.1f} days", now)


def _disable(session: Session, sub: WebhookSubscription, reason: str, now: datetime) -> None:
    sub.enabled = False
    sub.disabled_reason = reason
    sub.updated_at = now
    text = f"Webhook subscription {sub.id} ({sub.url}) was disabled: {reason}."
    session.add(
        AdminNotification(kind="webhook.subscription.disabled", subject_id=sub.id, text=text)
    )
    log.warning("%s", text)


# --- operations ------------------------------------------------------------------------------


def _requeue(deliveries: Sequence[WebhookDelivery], now: datetime) -> int:
    for delivery in deliveries:
        delivery.status = "pending"
        delivery.attempts = 0
        delivery.next_attempt_at = now
        delivery.locked_until = None
        delivery.lock_token = None
        delivery.delivered_at = None
    return len(deliveries)


def replay_message(session: Session, message_id: str, subscription_id: str | None = None) -> int:
    """Send a message again (same `webhook-id`) to its subscribers; the count requeued."""
    if repository.get_message(session, message_id) is None:
        raise MessageNotFound(f"no webhook message {message_id!r}")
    deliveries = [
        d
        for d in repository.deliveries_of_message(session, message_id)
        if subscription_id is None or d.subscription_id == subscription_id
    ]
    count = _requeue(deliveries, _now())
    session.flush()
    return count


def replay_since(session: Session, since: datetime, subscription_id: str | None = None) -> int:
    """Send again every message created at or after `since`."""
    if subscription_id is not None:
        get_subscription(session, subscription_id)
    count = _requeue(repository.deliveries_since(session, since, subscription_id), _now())
    session.flush()
    return count
