"""Every query of the webhooks domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, or_, select, tuple_, update
from sqlalchemy.orm import Session

from api.webhooks.models import (
    AdminNotification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookMessage,
    WebhookSubscription,
)

__all__ = [
    "add",
    "attempts_of_subscription",
    "claim_due",
    "deliveries_of_message",
    "deliveries_since",
    "failed_deliveries",
    "get_delivery",
    "get_message",
    "get_subscription",
    "list_notifications",
    "list_subscriptions",
    "load_deliveries",
    "release",
    "subscribers",
    "take_published",
]

_T = TypeVar("_T")


def add(session: Session, row: _T) -> _T:
    session.add(row)
    session.flush()
    return row


def get_subscription(session: Session, subscription_id: str) -> WebhookSubscription | None:
    return session.get(WebhookSubscription, subscription_id)


def list_subscriptions(session: Session) -> Sequence[WebhookSubscription]:
    query = select(WebhookSubscription).order_by(WebhookSubscription.created_at)
    return session.scalars(query).all()


def subscribers(session: Session, event_type: str) -> list[WebhookSubscription]:
    """Enabled subscriptions that asked for `event_type` (a handful: filtered in Python)."""
    query = select(WebhookSubscription).where(WebhookSubscription.enabled.is_(True))
    return [sub for sub in session.scalars(query) if event_type in sub.event_types]


def get_message(session: Session, message_id: str) -> WebhookMessage | None:
    return session.get(WebhookMessage, message_id)


def get_delivery(session: Session, delivery_id: int) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id)


def deliveries_of_message(session: Session, message_id: str) -> Sequence[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.message_id == message_id)
    return session.scalars(query).all()


def deliveries_since(
    session: Session, since: datetime, subscription_id: str | None
) -> Sequence[WebhookDelivery]:
    query = (
        select(WebhookDelivery)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookMessage.created_at >= since)
    )
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    return session.scalars(query).all()


def failed_deliveries(
    session: Session, subscription_id: str | None, limit: int
) -> Sequence[tuple[WebhookDelivery, WebhookMessage]]:
    query = (
        select(WebhookDelivery, WebhookMessage)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.status == "failed")
        .order_by(WebhookMessage.created_at.desc())
        .limit(limit)
    )
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    return [(row[0], row[1]) for row in session.execute(query)]


def attempts_of_subscription(
    session: Session, subscription_id: str, limit: int
) -> Sequence[WebhookAttempt]:
    query = (
        select(WebhookAttempt)
        .where(WebhookAttempt.subscription_id == subscription_id)
        .order_by(WebhookAttempt.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def list_notifications(session: Session, limit: int) -> Sequence[AdminNotification]:
    query = select(AdminNotification).order_by(AdminNotification.id.desc()).limit(limit)
    return session.scalars(query).all()


def _due(now: datetime, limit: int) -> Select[int]:
    return (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )


def claim_due(
    session: Session, now: datetime, limit: int, lease_until: datetime, token: str
) -> list[int]:
    """Lease up to `limit` due deliveries to the worker holding `token`.

    PostgreSQL skips rows another worker has locked (FOR UPDATE SKIP LOCKED). On SQLite, which
    has no row locks, the lease is taken by a conditional UPDATE that re-checks the lease in
    its WHERE clause, so of two workers racing for a row exactly one updates it.
    """
    query = _due(now, limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(session.scalars(query))
    if not candidates:
        return []
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id.in_(candidates),
            WebhookDelivery.status == "pending",
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .values(locked_until=lease_until, lock_token=token)
        .execution_options(synchronize_session=False)
    )
    claimed = select(WebhookDelivery.id).where(
        WebhookDelivery.id.in_(candidates), WebhookDelivery.lock_token == token
    )
    return list(session.scalars(claimed))


def take_published(
    session: Session, published: Sequence[tuple[int, str]], lease_until: datetime
) -> list[WebhookDelivery]:
    """The deliveries whose message, published under its token, still stands; their leases
    are extended for the attempt. A delivered, rescheduled or republished delivery (its token
    changed) is not taken: that message is stale and is only acknowledged."""
    if not published:
        return []
    taken = session.scalars(
        update(WebhookDelivery)
        .where(
            tuple_(WebhookDelivery.id, WebhookDelivery.lock_token).in_(published),
            WebhookDelivery.status == "pending",
        )
        .values(locked_until=lease_until)
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    return load_deliveries(session, list(taken))


def load_deliveries(session: Session, delivery_ids: Sequence[int]) -> list[WebhookDelivery]:
    """Deliveries with their messages and subscriptions, in three queries (one per table):
    later `get_message` / `get_subscription` calls are answered from the session."""
    if not delivery_ids:
        return []
    query = select(WebhookDelivery).where(WebhookDelivery.id.in_(delivery_ids))
    deliveries = list(session.scalars(query.execution_options(populate_existing=True)))
    message_ids = {d.message_id for d in deliveries}
    subscription_ids = {d.subscription_id for d in deliveries}
    messages = select(WebhookMessage).where(WebhookMessage.id.in_(message_ids))
    subscriptions = select(WebhookSubscription).where(WebhookSubscription.id.in_(subscription_ids))
    # The session's identity map holds objects weakly: keep these alive as long as it lives.
    kept = session.info.setdefault("webhooks_loaded", [])
    kept.extend(session.scalars(messages))
    kept.extend(session.scalars(subscriptions))
    return deliveries


def release(
    session: Session, delivery_ids: Sequence[int], token: str, lease_until: datetime
) -> None:
    """Give back leases taken under `token` until `lease_until` (publishes that were not
    confirmed): due again at once. A lease a worker extended meanwhile (the message did reach
    the queue and is being sent) is left alone."""
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id.in_(delivery_ids),
            WebhookDelivery.lock_token == token,
            WebhookDelivery.locked_until == lease_until,
        )
        .values(locked_until=None, lock_token=None)
        .execution_options(synchronize_session=False)
    )
