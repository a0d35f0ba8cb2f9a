"""Fraud alert webhooks: subscriptions, a transactional outbox, signed delivery with retries,
carried to delivery workers by the database or by RabbitMQ."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.webhooks.endpoints import router
from api.webhooks.service import publish
from api.webhooks.sinks import OutboxAlertSink

if TYPE_CHECKING:
    from api.webhooks.worker import DeliveryWorker

__all__ = ["DeliveryWorker", "OutboxAlertSink", "publish", "router"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `python -m api.webhooks.worker` runs that module as __main__, and
    # importing it here as well would load it twice.
    if name == "DeliveryWorker":
        from api.webhooks.worker import DeliveryWorker

        return DeliveryWorker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
