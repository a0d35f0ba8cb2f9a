"""Publishing a JSON Lines stream to the fraud workers' queue (``fraud publish``)."""

from __future__ import annotations

from collections.abc import Iterable

import aio_pika

from fraud.config import FraudSettings
from fraud.redis_store import connect
from fraud.transport import EventPublisher, batches, declare

__all__ = ["publish_file"]


async def publish_file(settings: FraudSettings, lines: Iterable[bytes]) -> int:
    """Publish every non-blank line, in order, in batches; returns the number of events."""
    client = connect(settings.store_url)
    connection = await aio_pika.connect_robust(settings.amqp_url)
    count = 0
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        publisher = EventPublisher(channel, settings, client)
        await declare(channel, publisher.names)
        for batch in batches(lines, settings.publish_batch):
            await publisher.publish(batch)
            count += len(batch)
    client.close()
    return count
