"""The delivery worker: leases due deliveries from the outbox, posts them signed, records
the outcome. Runs as a task inside the api process, or alone::

    python -m api.webhooks.worker

Several workers may run at once (rows are leased, see `repository.claim_due`). A worker
killed mid-delivery loses nothing: its lease runs out and the delivery is sent again with
the same `webhook-id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.errors import AppError
from api.webhooks import repository, service
from api.webhooks.config import WebhookSettings
from api.webhooks.signing import signed_headers
from api.webhooks.urls import check_url

__all__ = ["BackgroundWorker", "DeliveryWorker", "main"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Job:
    delivery_id: int
    message_id: str
    url: str
    body: str
    secrets: list[str]


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
        self.transport = transport
        self.concurrency = concurrency
        self.token = "wrk_" + secrets.token_hex(8)
        self._inflight: set[asyncio.Task[None]] = set()

    # --- database steps (run in a thread: the ORM is synchronous) ---------------------------

    def _claim(self, limit: int) -> list[_Job]:
        now = datetime.now(UTC)
        lease_until = now + timedelta(seconds=self.settings.lease_seconds)
        jobs: list[_Job] = []
        with self.session_factory.begin() as session:
            ids = repository.claim_due(session, now, limit, lease_until, self.token)
            for delivery_id in ids:
                delivery = repository.get_delivery(session, delivery_id)
                assert delivery is not None
                sub = repository.get_subscription(session, delivery.subscription_id)
                message = repository.get_message(session, delivery.message_id)
                if sub is None or message is None or not sub.enabled:
                    delivery.status = "failed"
                    delivery.last_error = "the subscription is disabled or gone"
                    delivery.locked_until = None
                    delivery.lock_token = None
                    continue
                jobs.append(
                    _Job(
                        delivery.id,
                        message.id,
                        sub.url,
                        service.body_of(message),
                        service.signing_secrets(sub, now),
                    )
                )
        return jobs

    def _record(self, delivery_id: int, outcome: service.AttemptOutcome) -> None:
        with self.session_factory.begin() as session:
            delivery = repository.get_delivery(session, delivery_id)
            if delivery is None:  # the subscription was deleted meanwhile
                return
            now = datetime.now(UTC)
            service.record_attempt(session, self.settings, delivery, self.token, outcome, now)

    # --- HTTP -------------------------------------------------------------------------------

    async def _post(self, client: httpx.AsyncClient, job: _Job) -> service.AttemptOutcome:
        settings = self.settings
        started = time.perf_counter()
        try:
            await asyncio.to_thread(
                check_url,
                job.url,
                allow_http=settings.development,
                allow_private=settings.development or settings.allow_private_addresses,
            )
            headers = signed_headers(job.message_id, job.body, job.secrets)
            headers["user-agent"] = settings.user_agent
            async with asyncio.timeout(settings.timeout_seconds):
                request = client.build_request("POST", job.url, content=job.body, headers=headers)
                response = await client.send(request, stream=True, follow_redirects=False)
                try:
                    excerpt = bytearray()
                    async for chunk in response.aiter_bytes():
                        excerpt += chunk
                        if len(excerpt) >= settings.max_response_bytes:
                            break  # the rest is not read: a receiver cannot flood the worker
                finally:
                    await response.aclose()
        except AppError as exc:
            return service.AttemptOutcome(None, _ms(started), exc.message)
        except TimeoutError:
            late = f"no answer within {settings.timeout_seconds:g} s"
            return service.AttemptOutcome(None, _ms(started), late)
        except httpx.HTTPError as exc:
            return service.AttemptOutcome(None, _ms(started), f"{type(exc).__name__}: {exc}")
        text = bytes(excerpt[: min(len(excerpt), 1024)]).decode("utf-8", "replace")
        error: str | None = (
            None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
        )
        return service.AttemptOutcome(response.status_code, _ms(started), error, text)

    async def _deliver(self, client: httpx.AsyncClient, job: _Job) -> None:
        outcome = await self._post(client, job)
        try:
            await asyncio.to_thread(self._record, job.delivery_id, outcome)
        except Exception:  # unrecorded: the lease runs out and the delivery is sent again
            log.exception("webhook worker could not record delivery %s", job.delivery_id)

    # --- loop -------------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=self.settings.timeout_seconds,
            follow_redirects=False,
            transport=self.transport,
            limits=httpx.Limits(max_connections=self.concurrency),
        )

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
                jobs: list[_Job] = []
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


class BackgroundWorker:
    """The worker as a task of the api's event loop (started and stopped by `lifespan`)."""

    def __init__(self, session_factory: sessionmaker[Session], settings: WebhookSettings) -> None:
        self.worker = DeliveryWorker(session_factory, settings)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.worker.run(self._stop))

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        # In-flight deliveries get one timeout to finish; their leases cover the rest.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._task, self.worker.settings.timeout_seconds + 1)
        self._task = None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


async def _serve() -> None:
    from api.config import ApiSettings
    from api.db import make_engine, migrate

    engine = make_engine(ApiSettings().database_url)
    migrate(engine)
    worker = DeliveryWorker(sessionmaker(engine, expire_on_commit=False))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("webhook delivery worker %s started", worker.token)
    try:
        await worker.run(stop)
    finally:
        engine.dispose()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_serve())


if __name__ == "__main__":
    main()
