"""The delivery worker: leases due deliveries from the outbox, posts them signed, records
the outcome. Runs as a task inside the api process, or alone::

    python -m api.webhooks.worker                       # API_WEBHOOKS_TRANSPORT (database)
    python -m api.webhooks.worker --transport rabbitmq  # relay + queue consumer
    python -m api.webhooks.worker --transport rabbitmq --role deliver

Several workers may run at once (rows are leased, see `repository.claim_due`). A worker
killed mid-delivery loses nothing: its lease runs out and the delivery is sent again with
the same `webhook-id`. With RabbitMQ (`api.webhooks.amqp`) the broker hands a dead worker's
unacknowledged messages to another worker instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import signal
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.webhooks import repository, service
from api.webhooks.amqp import Consumer, Relay
from api.webhooks.config import WebhookSettings
from api.webhooks.sender import Job, Sender, job_of

__all__ = ["BackgroundWorker", "DeliveryWorker", "main", "runner"]

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: WebhookSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int = 32,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings or WebhookSettings()
        self.concurrency = concurrency
        self.sender = Sender(self.settings, transport, concurrency)
        self.token = "wrk_" + secrets.token_hex(8)
        self._inflight: set[asyncio.Task[None]] = set()

    # --- database steps (run in a thread: the ORM is synchronous) ---------------------------

    def _claim(self, limit: int) -> list[Job]:
        now = datetime.now(UTC)
        lease_until = now + timedelta(seconds=self.settings.lease_seconds)
        jobs: list[Job] = []
        with self.session_factory.begin() as session:
            ids = repository.claim_due(session, now, limit, lease_until, self.token)
            for delivery_id in ids:
                delivery = repository.get_delivery(session, delivery_id)
                assert delivery is not None
                job = job_of(session, delivery, now)
                if job is not None:
                    jobs.append(job)
        return jobs

    def _record(self, delivery_id: int, outcome: service.AttemptOutcome) -> None:
        with self.session_factory.begin() as session:
            delivery = repository.get_delivery(session, delivery_id)
            if delivery is None:  # the subscription was deleted meanwhile
                return
            now = datetime.now(UTC)
            service.record_attempt(session, self.settings, delivery, self.token, outcome, now)

    async def _deliver(self, client: httpx.AsyncClient, job: Job) -> None:
        outcome = await self.sender.post(client, job)
        try:
            await asyncio.to_thread(self._record, job.delivery_id, outcome)
        except Exception:  # unrecorded: the lease runs out and the delivery is sent again
            log.exception("webhook worker could not record delivery %s", job.delivery_id)

    # --- loop -------------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        return self.sender.client()

    async def run_once(self, client: httpx.AsyncClient | None = None) -> int:
        """Deliver what is due now and wait for it; the number of attempts made."""
        own = client is None
        client = client or self._client()
        try:
            jobs = await asyncio.to_thread(self._claim, self.settings.batch_size)
            await asyncio.gather(*(self._deliver(client, job) for job in jobs))
            return len(jobs)
        finally:
            if own:
                await client.aclose()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; deliveries run concurrently, up to `concurrency`."""
        async with self._client() as client:
            while not stop.is_set():
                room = self.concurrency - len(self._inflight)
                if room <= 0:  # full: continue as soon as one delivery finishes
                    await asyncio.wait(
                        self._inflight,
                        timeout=self.settings.poll_interval_seconds,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    continue
                wanted = min(room, self.settings.batch_size)
                jobs: list[Job] = []
                try:
                    jobs = await asyncio.to_thread(self._claim, wanted)
                except Exception:  # the database is away: try again next poll
                    log.exception("webhook worker could not lease deliveries")
                for job in jobs:
                    task = asyncio.create_task(self._deliver(client, job))
                    self._inflight.add(task)
                    task.add_done_callback(self._inflight.discard)
                if len(jobs) == wanted:
                    continue  # more may be due right now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.poll_interval_seconds)
            if self._inflight:
                await asyncio.gather(*self._inflight, return_exceptions=True)


Role = Literal["all", "relay", "deliver"]
_Run = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def runner(
    session_factory: sessionmaker[Session], settings: WebhookSettings, role: Role = "all"
) -> _Run:
    """What a worker process runs until its stop event: the database worker, or for RabbitMQ
    a relay and/or a queue consumer (`role`)."""
    if settings.transport == "database":
        return DeliveryWorker(session_factory, settings).run
    parts: list[_Run] = []
    if role in ("all", "relay"):
        parts.append(Relay(session_factory, settings).run)
    if role in ("all", "deliver"):
        parts.append(Consumer(session_factory, settings).run)

    async def run(stop: asyncio.Event) -> None:
        await asyncio.gather(*(part(stop) for part in parts))

    return run


class BackgroundWorker:
    """Delivery as a task of the api's event loop (started and stopped by `lifespan`)."""

    def __init__(self, session_factory: sessionmaker[Session], settings: WebhookSettings) -> None:
        self.settings = settings
        self._run = runner(session_factory, settings)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(self._stop))

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        # In-flight deliveries get one timeout to finish; their leases cover the rest.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._task, self.settings.timeout_seconds + 1)
        self._task = None


async def _serve(settings: WebhookSettings, role: Role) -> None:
    from api.config import ApiSettings
    from api.db import make_engine, migrate

    engine = make_engine(ApiSettings().database_url)
    migrate(engine)
    run = runner(sessionmaker(engine, expire_on_commit=False), settings, role)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("webhook delivery worker started (transport %s, %s)", settings.transport, role)
    try:
        await run(stop)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="webhook delivery worker")
    parser.add_argument(
        "--transport",
        choices=["database", "rabbitmq"],
        help="overrides API_WEBHOOKS_TRANSPORT (default: database)",
    )
    parser.add_argument(
        "--role",
        choices=["all", "relay", "deliver"],
        default="all",
        help="rabbitmq only: publish due deliveries (relay), consume them (deliver), or both",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # Lost connections are logged once each by api.webhooks.amqp, without tracebacks.
    for noisy in ("aiormq", "aio_pika"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = WebhookSettings()
    if args.transport is not None:
        settings = settings.model_copy(update={"transport": args.transport})
    asyncio.run(_serve(settings, args.role))


if __name__ == "__main__":
    main()
