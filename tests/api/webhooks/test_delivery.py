"""The worker against receivers replaced by httpx.MockTransport, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from api.webhooks import repository, service
from api.webhooks.config import WebhookSettings
from api.webhooks.models import AdminNotification, WebhookDelivery, WebhookSubscription
from api.webhooks.schemas import SubscriptionCreate
from api.webhooks.worker import DeliveryWorker
from tests.api.webhooks.conftest import fake_resolver

Handler = Callable[[httpx.Request], httpx.Response]
SETTINGS = WebhookSettings(retry_schedule=[0, 0, 0], timeout_seconds=0.5, lease_seconds=30)


def _subscribe(
    factory: sessionmaker[Session], event_types: list[str] | None = None
) -> tuple[str, str]:
    data = SubscriptionCreate(
        url="https://hooks.example.com/in",
        event_types=event_types or ["fraud.alert.created"],
    )
    with factory.begin() as session:
        sub, secret = service.create_subscription(session, SETTINGS, data, resolver=fake_resolver)
        return sub.id, secret


def _publish(factory: sessionmaker[Session], alert_id: str = "evt_1") -> str:
    with factory.begin() as session:
        return service.publish(session, "fraud.alert.created", {"alert_id": alert_id}).id


def _worker(
    factory: sessionmaker[Session], handler: Handler, settings: WebhookSettings = SETTINGS
) -> DeliveryWorker:
    return DeliveryWorker(factory, settings, transport=httpx.MockTransport(handler))


def _delivery(factory: sessionmaker[Session], message_id: str) -> WebhookDelivery:
    with factory() as session:
        (delivery,) = repository.deliveries_of_message(session, message_id)
        return delivery


@pytest.fixture(autouse=True)
def _dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.webhooks.urls.resolve_host", fake_resolver)


async def test_delivery_is_signed_so_the_standard_library_verifies_it(
    factory: sessionmaker[Session],
) -> None:
    _, secret = _subscribe(factory)
    message_id = _publish(factory)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    assert await _worker(factory, handler).run_once() == 1
    (request,) = seen
    payload = Webhook(secret).verify(request.content, dict(request.headers))
    assert request.headers["webhook-id"] == message_id
    assert request.headers["webhook-signature"].startswith("v1,")
    assert payload["type"] == "fraud.alert.created"
    assert payload["data"] == {"alert_id": "evt_1"}
    delivery = _delivery(factory, message_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


async def test_retries_keep_the_webhook_id_until_a_2xx(factory: sessionmaker[Session]) -> None:
    sub_id, _ = _subscribe(factory)
    message_id = _publish(factory)
    answers = iter([500, 503, 200])
    ids: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ids.append(request.headers["webhook-id"])
        return httpx.Response(next(answers))

    worker = _worker(factory, handler)
    for _ in range(3):
        await worker.run_once()
    assert ids == [message_id] * 3
    assert _delivery(factory, message_id).status == "delivered"
    with factory() as session:
        log = repository.attempts_of_subscription(session, sub_id, 10)
        assert [a.status_code for a in reversed(log)] == [500, 503, 200]
        assert all(a.latency_ms >= 0 for a in log)
        assert session.get(WebhookSubscription, sub_id).failing_since is None  # type: ignore[union-attr]


async def test_the_schedule_sets_the_next_attempt(factory: sessionmaker[Session]) -> None:
    _subscribe(factory)
    message_id = _publish(factory)
    settings = SETTINGS.model_copy(update={"retry_schedule": [0, 300, 1800]})
    before = datetime.now(UTC)
    worker = _worker(factory, lambda _: httpx.Response(500), settings)
    await worker.run_once()
    assert await worker.run_once() == 0  # not due for five minutes
    delivery = _delivery(factory, message_id)
    due = service.aware(delivery.next_attempt_at)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert before + timedelta(seconds=299) < due < before + timedelta(seconds=310)


async def test_exhausted_schedule_lists_the_message_as_failed_and_replay_resends_it(
    factory: sessionmaker[Session],
) -> None:
    sub_id, _ = _subscribe(factory)
    message_id = _publish(factory)
    healthy = False
    ids: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ids.append(request.headers["webhook-id"])
        return httpx.Response(200 if healthy else 500)

    worker = _worker(factory, handler)
    for _ in range(4):
        await worker.run_once()
    assert len(ids) == 3  # the schedule has three attempts
    with factory() as session:
        failed = repository.failed_deliveries(session, None, 10)
        assert [(d.message_id, d.attempts, d.last_error) for d, _ in failed] == [
            (message_id, 3, "HTTP 500")
        ]
    healthy = True
    with factory.begin() as session:
        assert service.replay_message(session, message_id) == 1
    await worker.run_once()
    assert ids == [message_id] * 4
    assert _delivery(factory, message_id).status == "delivered"
    with factory.begin() as session:  # replay of everything since a time, delivered or not
        since = datetime.now(UTC) - timedelta(minutes=1)
        assert service.replay_since(session, since, sub_id) == 1
    await worker.run_once()
    assert ids == [message_id] * 5


async def test_410_disables_the_subscription_and_tells_an_admin(
    factory: sessionmaker[Session],
) -> None:
    sub_id, _ = _subscribe(factory)
    _publish(factory)
    await _worker(factory, lambda _: httpx.Response(410)).run_once()
    with factory() as session:
        sub = session.get(WebhookSubscription, sub_id)
        assert sub is not None and not sub.enabled
        assert sub.disabled_reason == "the endpoint answered 410 Gone"
        (note,) = session.scalars(select(AdminNotification)).all()
        assert note.subject_id == sub_id and "410 Gone" in note.text
    next_message = _publish(factory, "evt_2")
    with factory() as session:
        assert repository.deliveries_of_message(session, next_message) == []


async def test_an_endpoint_failing_for_days_is_disabled(factory: sessionmaker[Session]) -> None:
    sub_id, _ = _subscribe(factory)
    _publish(factory)
    with factory.begin() as session:
        sub = session.get(WebhookSubscription, sub_id)
        assert sub is not None
        sub.failing_since = datetime.now(UTC) - timedelta(days=6)
    await _worker(factory, lambda _: httpx.Response(502)).run_once()
    with factory() as session:
        sub = session.get(WebhookSubscription, sub_id)
        assert sub is not None and not sub.enabled
        assert sub.disabled_reason == "every delivery failed for 6.0 days"
        (note,) = session.scalars(select(AdminNotification)).all()
        assert note.kind == "webhook.subscription.disabled"


async def test_during_rotation_both_secrets_sign(factory: sessionmaker[Session]) -> None:
    sub_id, old_secret = _subscribe(factory)
    with factory.begin() as session:
        _, new_secret = service.rotate_secret(session, SETTINGS, sub_id, 3600)
    _publish(factory)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    await _worker(factory, handler).run_once()
    (request,) = seen
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, new_secret):
        Webhook(secret).verify(request.content, dict(request.headers))
    with factory.begin() as session:  # once the window is over, only the new secret signs
        service.rotate_secret(session, SETTINGS, sub_id, 0)
        sub = service.get_subscription(session, sub_id)
        assert service.signing_secrets(sub, datetime.now(UTC)) == [sub.secret]


async def test_redirects_are_not_followed(factory: sessionmaker[Session]) -> None:
    _subscribe(factory)
    message_id = _publish(factory)
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(302, headers={"location": "http://169.254.169.254/"})

    await _worker(factory, handler).run_once()
    assert hosts == ["hooks.example.com"]
    delivery = _delivery(factory, message_id)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)


async def test_responses_are_read_only_up_to_the_cap(factory: sessionmaker[Session]) -> None:
    _subscribe(factory)
    message_id = _publish(factory)
    sent = 0

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            nonlocal sent
            while sent < 10_000_000:
                sent += 4096
                yield b"x" * 4096

    settings = SETTINGS.model_copy(update={"max_response_bytes": 16_384})
    await _worker(factory, lambda _: httpx.Response(200, stream=Endless()), settings).run_once()
    assert sent <= 16_384 + 4096
    assert _delivery(factory, message_id).status == "delivered"


async def test_a_slow_receiver_times_out(factory: sessionmaker[Session]) -> None:
    _subscribe(factory)
    message_id = _publish(factory)

    async def handler(_: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    worker = DeliveryWorker(factory, SETTINGS, transport=httpx.MockTransport(handler))
    await worker.run_once()
    delivery = _delivery(factory, message_id)
    assert (delivery.status, delivery.last_error) == ("pending", "no answer within 0.5 s")


def test_two_workers_never_lease_the_same_delivery(factory: sessionmaker[Session]) -> None:
    _subscribe(factory)
    for n in range(20):
        _publish(factory, f"evt_{n}")
    now = datetime.now(UTC)
    lease = now + timedelta(seconds=30)
    with factory.begin() as first, factory.begin() as second:
        a = repository.claim_due(first, now, 12, lease, "worker-a")
        first.flush()
        if first.get_bind().dialect.name == "sqlite":
            first.commit()  # SQLite has one writer at a time
        b = repository.claim_due(second, now, 12, lease, "worker-b")
    assert len(a) == 12 and len(b) == 8
    assert set(a).isdisjoint(b)
