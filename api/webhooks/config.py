"""Settings of webhook delivery (env prefix ``API_WEBHOOKS_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_RETRY_SCHEDULE", "WebhookSettings"]

# Standard Webhooks / Svix schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
DEFAULT_RETRY_SCHEDULE: list[float] = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]


class WebhookSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_WEBHOOKS_", env_file=".env", extra="ignore")

    # Delay in seconds before each attempt; the first entry is the first attempt's delay.
    retry_schedule: list[float] = DEFAULT_RETRY_SCHEDULE
    timeout_seconds: float = 15.0
    max_response_bytes: int = 64 * 1024
    # Development only: plain http and loopback/private/link-local receivers are accepted.
    development: bool = False
    allow_private_addresses: bool = False
    # Run the delivery worker inside the api process (it can also run as its own process).
    worker_enabled: bool = True
    poll_interval_seconds: float = 0.5
    batch_size: int = 50
    # A claimed delivery is retried by any worker once its lease runs out (crash safety).
    lease_seconds: float = 60.0
    # An endpoint failing without a single success for this long is disabled (5 days).
    disable_after_failing_seconds: float = 5 * 86400
    # After a secret rotation, the previous secret keeps signing for this long.
    rotation_overlap_seconds: float = 24 * 3600
    user_agent: str = "channeldesk-webhooks/0.1"

    # How deliveries reach delivery workers. "database": each worker leases due rows itself.
    # "rabbitmq": a relay leases due rows and publishes them to a durable queue; workers
    # consume it. The outbox tables stay the record in both (see api/webhooks/amqp.py).
    transport: Literal["database", "rabbitmq"] = "database"
    amqp_url: str = Field(default="amqp://guest:guest@127.0.0.1:5672/", repr=False)
    queue_prefix: str = "channeldesk.webhooks"
    # Messages a delivery worker holds unacknowledged at once (RabbitMQ prefetch).
    prefetch: int = Field(default=32, ge=1)
    # The relay stops publishing while this many messages wait in the queue, so that queued
    # messages do not outlive their lease and get published twice.
    max_queued: int = Field(default=2000, ge=1)
    reconnect_seconds: float = Field(default=1.0, gt=0)
