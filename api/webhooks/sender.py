"""One delivery attempt, whatever carried the delivery to the worker (a database lease or a
RabbitMQ message): load what to send, post it signed, and say what happened."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.orm import Session

from api.errors import AppError
from api.webhooks import repository, service
from api.webhooks.config import WebhookSettings
from api.webhooks.models import WebhookDelivery
from api.webhooks.signing import signed_headers
from api.webhooks.urls import check_url

__all__ = ["Job", "Sender", "job_of"]


@dataclass(frozen=True, slots=True)
class Job:
    delivery_id: int
    message_id: str
    url: str
    body: str
    secrets: list[str]


def job_of(session: Session, delivery: WebhookDelivery, now: datetime) -> Job | None:
    """What to post for a leased delivery, or None (and the delivery failed) when its
    subscription is disabled or gone: nothing is sent to an endpoint an admin turned off."""
    sub = repository.get_subscription(session, delivery.subscription_id)
    message = repository.get_message(session, delivery.message_id)
    if sub is None or message is None or not sub.enabled:
        delivery.status = "failed"
        delivery.last_error = "the subscription is disabled or gone"
        delivery.locked_until = None
        delivery.lock_token = None
        session.flush()
        return None
    return Job(
        delivery.id,
        message.id,
        sub.url,
        service.body_of(message),
        service.signing_secrets(sub, now),
    )


class Sender:
    """Posts jobs over one pooled HTTP client; never raises for a receiver's misbehaviour."""

    def __init__(
        self,
        settings: WebhookSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int = 32,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.concurrency = concurrency

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=self.settings.timeout_seconds,
            follow_redirects=False,
            transport=self.transport,
            limits=httpx.Limits(max_connections=self.concurrency),
        )

    async def post(self, client: httpx.AsyncClient, job: Job) -> service.AttemptOutcome:
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


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
