"""The RabbitMQ transport in one process: a real broker (the local one, a queue of our own)
and the outbox on SQLite and PostgreSQL; receivers replaced by httpx.MockTransport."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import aio_pika
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from api.webhooks import repository, service
from api.webhooks.amqp import Consumer, Relay, queue_name
from api.webhooks.config import WebhookSettings
from api.webhooks.models import WebhookAttempt, WebhookDelivery
from api.webhooks.schemas import SubscriptionCreate
from api.webhooks.worker import BackgroundWorker
from tests.api.webhooks.conftest import fake_resolver
from tests.conftest import require_service

pytestmark = pytest.mark.services

Handler = Callable[[httpx.Request], httpx.Response]
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture(autouse=True)
def _dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.webhooks.urls.resolve_host", fake_resolver)


@pytest.fixture
async def settings() -> AsyncIterator[WebhookSettings]:
    """Settings with a queue of this test's own on the local broker, deleted afterwards."""
    require_service("RabbitMQ", "127.0.0.1", 5672)
    settings = WebhookSettings(
        transport="rabbitmq",
        amqp_url=AMQP_URL,
        queue_prefix="test." + secrets.token_hex(4),
        retry_schedule=[0, 0.2, 0.2],
        timeout_seconds=0.5,
        lease_seconds=30,
        poll_interval_seconds=0.05,
        reconnect_seconds=0.2,
    )
    yield settings
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue_name(settings))


def _subscribe(factory: sessionmaker[Session], settings: WebhookSettings) -> str:
    data = SubscriptionCreate(
        url="https://hooks.example.com/in", event_types=["fraud.alert.created"]
    )
    with factory.begin() as session:
        _, secret = service.create_subscription(session, settings, data, resolver=fake_resolver)
    return secret


def _publish(factory: sessionmaker[Session], alert_id: str = "evt_1") -> str:
    with factory.begin() as session:
        return service.publish(session, "fraud.alert.created", {"alert_id": alert_id}).id


def _deliveries(factory: sessionmaker[Session]) -> list[WebhookDelivery]:
    with factory() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


async def _waiting(settings: WebhookSettings) -> int:
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name(settings), passive=True)
        return queue.declaration_result.message_count or 0


async def _run(
    factory: sessionmaker[Session],
    settings: WebhookSettings,
    handler: Handler,
    until: Callable[[], bool],
    timeout: float = 10.0,
    relay: bool = True,
) -> None:
    """Run a relay and a consumer until `until()` holds (or fail after `timeout`)."""
    stop = asyncio.Event()
    consumer = Consumer(factory, settings, transport=httpx.MockTransport(handler))
    parts = [consumer.run(stop)]
    if relay:
        parts.append(Relay(factory, settings).run(stop))
    tasks = [asyncio.create_task(part) for part in parts]
    try:
        end = time.monotonic() + timeout
        while not until():
            assert time.monotonic() < end, f"not done after {timeout:g} s"
            assert not any(task.done() for task in tasks), "a component stopped"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def test_a_delivery_goes_through_the_queue_signed(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    secret = _subscribe(factory, settings)
    message_id = _publish(factory)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    await _run(factory, settings, handler, lambda: _deliveries(factory)[0].status != "pending")
    (request,) = seen
    payload = Webhook(secret).verify(request.content, dict(request.headers))
    assert request.headers["webhook-id"] == message_id
    assert payload["data"] == {"alert_id": "evt_1"}
    (delivery,) = _deliveries(factory)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)
    assert delivery.lock_token is None
    assert await _waiting(settings) == 0  # acknowledged


async def test_retries_follow_the_schedule_through_the_outbox(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    _subscribe(factory, settings)
    message_id = _publish(factory)
    answers = iter([500, 503, 200])
    seen: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers["webhook-id"], time.monotonic()))
        return httpx.Response(next(answers))

    await _run(factory, settings, handler, lambda: _deliveries(factory)[0].status == "delivered")
    assert [webhook_id for webhook_id, _ in seen] == [message_id] * 3
    gaps = [later - earlier for (_, earlier), (_, later) in itertools.pairwise(seen)]
    assert all(gap >= 0.2 for gap in gaps), gaps  # the schedule's 0.2 s, not at once
    with factory() as session:
        codes = session.scalars(select(WebhookAttempt.status_code).order_by(WebhookAttempt.id))
        assert list(codes) == [500, 503, 200]


async def test_a_failing_endpoint_ends_failed_after_the_schedule(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    _subscribe(factory, settings)
    _publish(factory)
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500)

    await _run(factory, settings, handler, lambda: _deliveries(factory)[0].status == "failed")
    assert len(calls) == len(settings.retry_schedule)


async def test_stale_and_malformed_messages_are_acknowledged_without_sending(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    _subscribe(factory, settings)
    _publish(factory)
    (delivery,) = _deliveries(factory)
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.declare_queue(queue_name(settings), durable=True)
        stale = {"delivery": delivery.id, "token": "amq_not_the_current_one"}
        for body in (json.dumps(stale).encode(), b"not a delivery"):
            await channel.default_exchange.publish(
                aio_pika.Message(body), routing_key=queue_name(settings)
            )
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    async def drained() -> bool:
        return await _waiting(settings) == 0

    stop = asyncio.Event()
    consumer = Consumer(factory, settings, transport=httpx.MockTransport(handler))
    task = asyncio.create_task(consumer.run(stop))
    end = time.monotonic() + 10
    while not await drained():
        assert time.monotonic() < end
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    stop.set()
    await task
    assert calls == []
    assert _deliveries(factory)[0].status == "pending"  # the relay publishes it for real


async def test_rows_a_relay_leased_but_never_published_are_republished_when_the_lease_ends(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    """A relay killed between its commit and the publish: the lease runs out, any relay
    publishes the rows again (under a new token) and they are delivered."""
    settings = settings.model_copy(update={"lease_seconds": 1.0})
    _subscribe(factory, settings)
    ids = {_publish(factory, f"evt_{n}") for n in range(5)}
    _token, _until, leased = Relay(factory, settings)._claim(10)  # ...and then it died
    assert len(leased) == 5
    started = time.monotonic()
    seen: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers["webhook-id"], time.monotonic() - started))
        return httpx.Response(200)

    await _run(
        factory,
        settings,
        handler,
        lambda: all(d.status == "delivered" for d in _deliveries(factory)),
    )
    assert {webhook_id for webhook_id, _ in seen} == ids
    assert len(seen) == 5  # each once
    assert min(at for _, at in seen) >= 0.9  # not before the lease ran out


async def test_nothing_is_lost_while_the_broker_is_unreachable(
    factory: sessionmaker[Session], settings: WebhookSettings, caplog: pytest.LogCaptureFixture
) -> None:
    _subscribe(factory, settings)
    message_id = _publish(factory)
    unreachable = settings.model_copy(
        update={"amqp_url": "amqp://guest:secret@127.0.0.1:9/", "reconnect_seconds": 0.05}
    )
    stop = asyncio.Event()
    caplog.set_level(logging.DEBUG, logger="api.webhooks.amqp")
    relay = asyncio.create_task(Relay(factory, unreachable).run(stop))
    await asyncio.sleep(0.5)
    stop.set()
    await relay
    retries = [r for r in caplog.records if "reconnecting" in r.getMessage()]
    assert len(retries) > 3
    # Said once, not at every retry; where, but never the credentials.
    assert [r.levelno for r in retries].count(logging.WARNING) == 1
    assert "127.0.0.1:9/" in retries[0].getMessage()
    assert "secret" not in caplog.text
    (delivery,) = _deliveries(factory)
    # Still owed, and not leased: the first relay that reaches a broker publishes it.
    assert (delivery.status, delivery.lock_token) == ("pending", None)
    with factory() as session:
        now = datetime.now(UTC)
        assert repository.claim_due(session, now, 10, now, "probe") == [delivery.id]
        session.rollback()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["webhook-id"])
        return httpx.Response(200)

    await _run(factory, settings, handler, lambda: _deliveries(factory)[0].status == "delivered")
    assert seen == [message_id]


async def test_the_api_runs_a_relay_and_a_consumer_and_stops_them(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    """What `lifespan` starts with API_WEBHOOKS_TRANSPORT=rabbitmq: due rows get published."""
    settings = settings.model_copy(update={"development": True, "retry_schedule": [0, 60]})
    closed_port = SubscriptionCreate(
        url="http://127.0.0.1:9/hook", event_types=["fraud.alert.created"]
    )  # nothing listens on the discard port: every attempt fails at once
    with factory.begin() as session:
        service.create_subscription(session, settings, closed_port)
    _publish(factory)
    background = BackgroundWorker(factory, settings)
    background.start()
    try:
        end = time.monotonic() + 10
        while _deliveries(factory)[0].attempts == 0:
            assert time.monotonic() < end, "no attempt through the api's own relay and consumer"
            await asyncio.sleep(0.05)
    finally:
        started = time.monotonic()
        await background.stop()
        assert time.monotonic() - started < settings.timeout_seconds + 2
    (delivery,) = _deliveries(factory)
    assert (delivery.status, delivery.attempts) == ("pending", 1)  # due again in 60 s
    assert delivery.last_error


def test_an_unconfirmed_publish_gives_its_lease_back_unless_a_worker_took_the_message(
    factory: sessionmaker[Session], settings: WebhookSettings
) -> None:
    _subscribe(factory, settings)
    _publish(factory, "evt_1")
    _publish(factory, "evt_2")
    token, lease_until, (first, second) = Relay(factory, settings)._claim(10)
    with factory.begin() as session:  # the message of `second` did arrive: a worker took it
        later = lease_until + timedelta(seconds=5)
        (taken,) = repository.take_published(session, [(second, token)], later)
        assert taken.id == second
    with factory.begin() as session:
        repository.release(session, [first, second], token, lease_until)
    by_id = {d.id: d for d in _deliveries(factory)}
    assert (by_id[first].lock_token, by_id[first].locked_until) == (None, None)  # due again
    assert by_id[second].lock_token == token  # still the worker's attempt
