"""Fraud alert webhooks: subscriptions, a transactional outbox, signed delivery with retries."""

from api.webhooks.endpoints import router
from api.webhooks.service import publish
from api.webhooks.sinks import OutboxAlertSink
from api.webhooks.worker import DeliveryWorker

__all__ = ["DeliveryWorker", "OutboxAlertSink", "publish", "router"]
