"""RabbitMQ as the transport of webhook deliveries to delivery workers.

The outbox tables stay the record; the queue only carries "this delivery is due" to a worker.
Nothing is lost while RabbitMQ is away: rows wait in the outbox, written in the transaction
that caused them, and the relay publishes them once the broker is back.

Relay (`Relay`), any number of them::

    lease due rows under a fresh token T (SKIP LOCKED), commit
    -> publish {"delivery": id, "token": T}, persistent, to a durable queue; wait for confirms
    -> a publish that was not confirmed gives its lease back (due again at once)

  A relay that dies after the commit leaves leases that run out after `lease_seconds`; any
  relay then leases those rows again under a new token and republishes them.

Delivery worker (`Consumer`), any number of them, manual ack, prefetch `prefetch`::

    take: the row is still pending under T -> its lease is extended for the attempt
    -> post it signed -> record the attempt (delivered / rescheduled / failed), commit -> ack

  A message whose row was delivered, rescheduled or republished meanwhile (its token changed)
  is stale: acknowledged without sending. A worker that dies holding messages leaves them
  unacknowledged; RabbitMQ gives them to another worker, which sends them again with the same
  `webhook-id` (receivers deduplicate on it, as Standard Webhooks asks).

Retries are rescheduled in the outbox (`next_attempt_at`, the configured schedule), and the
relay publishes them when due. A delay queue was not used: per-message TTLs expire only at
the head of a queue (a 24 h retry would hold back a 5 s one), so it takes one queue per step
of the schedule, and the delayed-message plugin is not part of a stock broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import httpx
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage, AbstractQueue
from pamqp.commands import Basic
from sqlalchemy.orm import Session, sessionmaker

from api.webhooks import repository, service
from api.webhooks.config import WebhookSettings
from api.webhooks.sender import Job, Sender, job_of

__all__ = ["Consumer", "Relay", "broker_address", "queue_name"]

log = logging.getLogger(__name__)

# A durable classic queue of persistent messages: the broker confirms a publish once the
# message is on disk, so a confirmed message survives the broker being killed (tested in
# tests/webhooks/test_rabbitmq_faults.py). On RabbitMQ 3.10, a single-node quorum queue
# killed the same way came back reporting no messages and did not answer basic.get.


def queue_name(settings: WebhookSettings) -> str:
    return f"{settings.queue_prefix}.deliveries"


def broker_address(settings: WebhookSettings) -> str:
    """Host, port and vhost of the broker, for logs: never the credentials."""
    url = urlsplit(settings.amqp_url)
    return f"{url.hostname}:{url.port or 5672}{url.path or '/'}"


async def _connect(settings: WebhookSettings) -> tuple[AbstractConnection, asyncio.Event]:
    """A plain connection and an event set when it is lost (reconnection is ours to do, so
    that messages in flight on a dead channel are never acknowledged on a new one)."""
    connection = await aio_pika.connect(settings.amqp_url, timeout=5)
    lost = asyncio.Event()
    connection.close_callbacks.add(lambda *_: lost.set())
    return connection, lost


async def _declare(channel: AbstractChannel, settings: WebhookSettings) -> AbstractQueue:
    return await channel.declare_queue(queue_name(settings), durable=True)


async def _pause(stop: asyncio.Event, lost: asyncio.Event | None, seconds: float) -> None:
    """Sleep up to `seconds`, waking early when asked to stop or the connection is lost."""
    waits = [asyncio.ensure_future(stop.wait())]
    if lost is not None:
        waits.append(asyncio.ensure_future(lost.wait()))
    timeout = None if seconds == float("inf") else seconds
    _, pending = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for task in waits:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError):
            await task


class _Outage:
    """Logs a lost broker at once, then once a minute while it stays away, not every retry."""

    def __init__(self, who: str, settings: WebhookSettings) -> None:
        self.who = who
        self.settings = settings
        self.failures = 0

    def connected(self) -> None:
        if self.failures:
            log.info("%s reconnected after %d attempts", self.who, self.failures)
        self.failures = 0

    def failed(self, exc: Exception) -> None:
        self.failures += 1
        every = max(1, round(60 / self.settings.reconnect_seconds))
        first_or_minutely = self.failures == 1 or self.failures % every == 0
        log.log(
            logging.WARNING if first_or_minutely else logging.DEBUG,
            "%s lost %s (%s: %s); reconnecting in %g s",
            self.who,
            broker_address(self.settings),
            type(exc).__name__,
            exc,
            self.settings.reconnect_seconds,
        )


class Relay:
    """Publishes due deliveries from the outbox to the queue (publisher confirms)."""

    def __init__(self, session_factory: sessionmaker[Session], settings: WebhookSettings) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self._outage = _Outage("webhook relay", settings)

    def _claim(self, limit: int) -> tuple[str, datetime, list[int]]:
        token = "amq_" + secrets.token_hex(8)
        now = datetime.now(UTC)
        lease_until = now + timedelta(seconds=self.settings.lease_seconds)
        with self.session_factory.begin() as session:
            ids = repository.claim_due(session, now, limit, lease_until, token)
        return token, lease_until, ids

    def _release(self, delivery_ids: list[int], token: str, lease_until: datetime) -> None:
        with self.session_factory.begin() as session:
            repository.release(session, delivery_ids, token, lease_until)

    async def relay_once(self, channel: AbstractChannel, queue: AbstractQueue) -> int:
        """Publish one batch of due deliveries; how many the broker confirmed."""
        name = queue_name(self.settings)
        declared = await channel.declare_queue(name, passive=True)
        waiting = declared.declaration_result.message_count or 0
        room = min(self.settings.batch_size, self.settings.max_queued - waiting)
        if room <= 0:
            return 0  # workers are behind: rows wait in the outbox, their leases untouched
        token, lease_until, ids = await asyncio.to_thread(self._claim, room)
        if not ids:
            return 0
        exchange = channel.default_exchange
        results = await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(
                        json.dumps({"delivery": delivery_id, "token": token}).encode(),
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        content_type="application/json",
                    ),
                    routing_key=name,
                )
                for delivery_id in ids
            ),
            return_exceptions=True,
        )
        failed = [
            delivery_id
            for delivery_id, result in zip(ids, results, strict=True)
            if not isinstance(result, Basic.Ack)
        ]
        if failed:
            log.warning("webhook relay: %d of %d publishes unconfirmed", len(failed), len(ids))
            try:
                await asyncio.to_thread(self._release, failed, token, lease_until)
            except Exception:  # their leases run out instead
                log.exception("webhook relay could not give back %d leases", len(failed))
        return len(ids) - len(failed)

    async def _serve(self, stop: asyncio.Event) -> None:
        connection, lost = await _connect(self.settings)
        async with connection:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            queue = await _declare(channel, self.settings)
            self._outage.connected()
            log.info("webhook relay publishing to %s", broker_address(self.settings))
            while not stop.is_set() and not lost.is_set():
                try:
                    published = await self.relay_once(channel, queue)
                except Exception:
                    if lost.is_set() or channel.is_closed:
                        raise
                    log.exception("webhook relay could not lease deliveries")
                    published = 0
                if published < self.settings.batch_size:
                    await _pause(stop, lost, self.settings.poll_interval_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set, reconnecting by itself when the broker goes away."""
        while not stop.is_set():
            try:
                await self._serve(stop)
            except Exception as exc:
                self._outage.failed(exc)
            await _pause(stop, None, self.settings.reconnect_seconds)


_Taken = tuple[AbstractIncomingMessage, int, str]
_Done = tuple[AbstractIncomingMessage, int, str, service.AttemptOutcome]


class Consumer:
    """A delivery worker fed by the queue: at most `prefetch` deliveries in flight.

    Messages are taken, and outcomes recorded, in batches: what arrived while the previous
    database step ran goes into one transaction (one thread hop, one commit), so the database
    work per delivery does not grow with the number of messages in flight.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: WebhookSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.sender = Sender(settings, transport, settings.prefetch)
        self._held = 0  # messages received and not yet acknowledged or rejected
        self._outage = _Outage("webhook worker", settings)
        self._posts: set[asyncio.Task[None]] = set()

    # --- database steps (run in a thread: the ORM is synchronous) ---------------------------

    def _take(self, wanted: list[tuple[int, str]]) -> list[Job | None]:
        now = datetime.now(UTC)
        lease_until = now + timedelta(seconds=self.settings.lease_seconds)
        with self.session_factory.begin() as session:
            taken = repository.take_published(session, wanted, lease_until)
            jobs = {delivery.id: job_of(session, delivery, now) for delivery in taken}
        return [jobs.get(delivery_id) for delivery_id, _ in wanted]

    def _record(self, done: list[tuple[int, str, service.AttemptOutcome]]) -> None:
        with self.session_factory.begin() as session:
            now = datetime.now(UTC)
            deliveries = repository.load_deliveries(session, [d for d, _, _ in done])
            by_id = {delivery.id: delivery for delivery in deliveries}
            for delivery_id, token, outcome in done:
                delivery = by_id.get(delivery_id)
                if delivery is not None:  # else the subscription was deleted meanwhile
                    service.record_attempt(session, self.settings, delivery, token, outcome, now)

    # --- the steps of a message -------------------------------------------------------------

    async def _settle(self, message: AbstractIncomingMessage, ack: bool) -> bool:
        """Ack, or reject without requeue (its lease runs out and the relay republishes it).
        On a lost channel the broker redelivers the message instead; it is stale by then."""
        self._held -= 1
        try:
            await (message.ack() if ack else message.reject())
        except Exception as exc:
            log.info("webhook worker could not settle a message (%s)", type(exc).__name__)
            return False
        return True

    async def _taker(
        self,
        client: httpx.AsyncClient,
        arrived: asyncio.Queue[_Taken],
        finished: asyncio.Queue[_Done],
    ) -> None:
        while True:
            batch = await _batch(arrived)
            try:
                wanted = [(delivery_id, token) for _, delivery_id, token in batch]
                jobs = await asyncio.to_thread(self._take, wanted)
            except Exception:  # the database is away: leases run out, the rows are republished
                log.exception("webhook worker could not take %d deliveries", len(batch))
                for message, _, _ in batch:
                    await self._settle(message, ack=False)
                continue
            for (message, delivery_id, token), job in zip(batch, jobs, strict=True):
                if job is None:
                    log.debug("delivery %s: stale message acknowledged", delivery_id)
                    await self._settle(message, ack=True)
                    continue
                log.debug("delivery %s taken (message %s)", delivery_id, job.message_id)
                task = asyncio.create_task(
                    self._post(client, job, finished, (message, delivery_id, token))
                )
                self._posts.add(task)
                task.add_done_callback(self._posts.discard)

    async def _post(
        self, client: httpx.AsyncClient, job: Job, finished: asyncio.Queue[_Done], taken: _Taken
    ) -> None:
        outcome = await self.sender.post(client, job)
        finished.put_nowait((*taken, outcome))

    async def _recorder(self, finished: asyncio.Queue[_Done]) -> None:
        while True:
            batch = await _batch(finished)
            try:
                await asyncio.to_thread(self._record, [(d, t, o) for _, d, t, o in batch])
            except Exception:
                if len(batch) > 1:  # one bad row must not hold back the others
                    for one in batch:
                        finished.put_nowait(one)
                    await self._record_alone(finished, len(batch))
                    continue
                # Unrecorded: the lease runs out and the delivery is sent again.
                log.exception("webhook worker could not record delivery %s", batch[0][1])
                await self._settle(batch[0][0], ack=False)
                continue
            for message, delivery_id, _, _ in batch:
                if await self._settle(message, ack=True):
                    log.debug("delivery %s acked", delivery_id)

    async def _record_alone(self, finished: asyncio.Queue[_Done], count: int) -> None:
        for _ in range(count):
            message, delivery_id, token, outcome = finished.get_nowait()
            try:
                await asyncio.to_thread(self._record, [(delivery_id, token, outcome)])
            except Exception:
                log.exception("webhook worker could not record delivery %s", delivery_id)
                await self._settle(message, ack=False)
                continue
            if await self._settle(message, ack=True):
                log.debug("delivery %s acked", delivery_id)

    # --- loop -------------------------------------------------------------------------------

    async def _serve(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        connection, lost = await _connect(self.settings)
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=self.settings.prefetch)
            queue = await _declare(channel, self.settings)
            arrived: asyncio.Queue[_Taken] = asyncio.Queue()
            finished: asyncio.Queue[_Done] = asyncio.Queue()

            async def on_message(message: AbstractIncomingMessage) -> None:
                self._held += 1
                try:
                    body = json.loads(message.body)
                    delivery_id, token = int(body["delivery"]), str(body["token"])
                except (ValueError, KeyError, TypeError):
                    log.error("webhook queue: dropped a message that is not a delivery: %r",
                              message.body[:200])  # fmt: skip
                    await self._settle(message, ack=False)
                    return
                arrived.put_nowait((message, delivery_id, token))

            loops = [
                asyncio.create_task(self._taker(client, arrived, finished)),
                asyncio.create_task(self._recorder(finished)),
            ]
            try:
                tag = await queue.consume(on_message)
                self._outage.connected()
                log.info("webhook worker consuming from %s", broker_address(self.settings))
                await _pause(stop, lost, float("inf"))
                if not lost.is_set():
                    with contextlib.suppress(Exception):
                        await queue.cancel(tag)
                # Messages in hand finish (their acks go on this channel) before it closes.
                end = asyncio.get_running_loop().time() + self.settings.timeout_seconds + 2
                while self._held > 0 and asyncio.get_running_loop().time() < end:
                    await asyncio.sleep(0.02)
            finally:
                for task in loops:
                    task.cancel()
                await asyncio.gather(*loops, return_exceptions=True)
                self._held = 0  # whatever is left, the broker redelivers
            if lost.is_set() and not stop.is_set():
                raise ConnectionError("the connection to the broker was closed")

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set, reconnecting by itself when the broker goes away."""
        async with self.sender.client() as client:
            while not stop.is_set():
                try:
                    await self._serve(client, stop)
                except Exception as exc:
                    self._outage.failed(exc)
                    await _pause(stop, None, self.settings.reconnect_seconds)
            for task in list(self._posts):
                task.cancel()


async def _batch(items: asyncio.Queue[Any]) -> list[Any]:
    """The next item and every one already waiting behind it."""
    batch = [await items.get()]
    while not items.empty():
        batch.append(items.get_nowait())
    return batch
