"""Payment events over RabbitMQ to ``fraud worker`` processes, and their decisions back.

Queues (names start with ``queue_prefix``, so several streams or test runs never meet):

- ``<prefix>.events``: the stream, in order. Durable, ``x-single-active-consumer``: every
  worker subscribes, RabbitMQ delivers to one at a time and hands the queue to the next
  subscriber when that one's connection or channel goes away; unacknowledged messages go
  back to the queue, in their place.
- ``<prefix>.verify``: the same batches again, for the workers that are not folding to check
  claim signatures ahead of the fold (:mod:`fraud.preverify`); transient and bounded.
- ``<prefix>.decisions``: the decisions, one message per input message (JSON Lines, the
  contract's output), ``seq`` and ``published_us`` headers copied from the input.
- ``<prefix>.rejects``: the lines the contract rejects, ``{"seq", "field", "reason"}``
  (``seq`` is the line's position in the stream, counting from 0).

A message carries up to ``publish_batch`` events as JSON Lines, with the headers ``seq`` (the
stream position of its first line) and ``published_us`` (when it was published). Positions
come from one Redis counter, so a restarted publisher continues the numbering. One publisher
per stream keeps the queue in position order (the contract's stream is ordered; two publishers
would interleave it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import aio_pika
import redis
from aio_pika.abc import AbstractChannel, AbstractQueue

from fraud.config import FraudSettings
from fraud.preverify import VERIFY_QUEUE_ARGUMENTS

__all__ = [
    "DecisionBatch",
    "EventPublisher",
    "QueueNames",
    "batches",
    "declare",
    "read_decisions",
]


@dataclass(frozen=True, slots=True)
class QueueNames:
    events: str
    verify: str
    decisions: str
    rejects: str

    @classmethod
    def of(cls, prefix: str) -> QueueNames:
        return cls(
            f"{prefix}.events", f"{prefix}.verify", f"{prefix}.decisions", f"{prefix}.rejects"
        )

    def all(self) -> tuple[str, ...]:
        return (self.events, self.verify, self.decisions, self.rejects)


async def declare(channel: AbstractChannel, names: QueueNames) -> AbstractQueue:
    """Declare the stream's queues (idempotent); returns the events queue."""
    events = await channel.declare_queue(
        names.events, durable=True, arguments={"x-single-active-consumer": True}
    )
    await channel.declare_queue(names.verify, arguments=VERIFY_QUEUE_ARGUMENTS)
    await channel.declare_queue(names.decisions, durable=True)
    await channel.declare_queue(names.rejects, durable=True)
    return events


def batches(lines: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    """Non-blank lines, without their line ends, in lists of at most ``size``."""
    batch: list[bytes] = []
    for line in lines:
        line = line.rstrip(b"\r\n")
        if not line or line.isspace():
            continue
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _now_us() -> int:
    """Wall-clock microseconds: an integer header (AMQP may carry floats in single precision)."""
    return time.time_ns() // 1000


class EventPublisher:
    """Publishes JSON Lines to the stream's events queue, with publisher confirms."""

    def __init__(
        self, channel: AbstractChannel, settings: FraudSettings, client: redis.Redis
    ) -> None:
        self.channel = channel
        self.names = QueueNames.of(settings.queue_prefix)
        self.client = client
        self._counter = f"{{{settings.store_prefix}}}:published"

    async def publish(self, lines: list[bytes]) -> int:
        """Publish one batch (at most ``publish_batch`` lines); returns its first position."""
        end = int(self.client.incrby(self._counter, len(lines)))
        seq = end - len(lines)
        message = aio_pika.Message(
            b"\n".join(lines),
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=f"{self.names.events}:{seq}",
            headers={"seq": seq, "count": len(lines), "published_us": _now_us()},
            content_type="application/jsonl",
        )
        exchange = self.channel.default_exchange
        await exchange.publish(message, routing_key=self.names.events)
        # The same batch for the workers that are not folding (fraud.preverify); transient.
        copy = aio_pika.Message(message.body, headers=message.headers)
        await exchange.publish(copy, routing_key=self.names.verify)
        return seq


@dataclass(frozen=True, slots=True)
class DecisionBatch:
    seq: int
    published_at: float
    received_at: float
    lines: list[bytes]


async def read_decisions(
    channel: AbstractChannel,
    names: QueueNames,
    want_events: int,
    timeout: float,
    progress: Callable[[int], None] | None = None,
) -> list[DecisionBatch]:
    """Consume the decisions queue until ``want_events`` distinct event ids have decisions
    (redelivered input can publish a batch twice) or ``timeout`` seconds pass;
    ``progress`` hears the count of distinct events after every message."""
    import asyncio

    import orjson

    queue = await channel.declare_queue(names.decisions, durable=True)
    found: list[DecisionBatch] = []
    seen: set[str] = set()
    done = asyncio.Event()

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        received = time.time()
        headers = message.headers
        lines = [line for line in message.body.split(b"\n") if line]
        found.append(
            DecisionBatch(
                int(headers.get("seq", -1)),  # type: ignore[arg-type]
                int(headers.get("published_us", 0)) / 1e6,  # type: ignore[arg-type]
                received,
                lines,
            )
        )
        for line in lines:
            seen.add(orjson.loads(line)["event_id"])
        await message.ack()
        if progress is not None:
            progress(len(seen))
        if len(seen) >= want_events:
            done.set()

    tag = await queue.consume(on_message)
    try:
        await asyncio.wait_for(done.wait(), timeout)
    except TimeoutError:
        pass
    finally:
        await queue.cancel(tag)
    return found
