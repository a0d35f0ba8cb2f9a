"""``fraud worker``: scores the stream from RabbitMQ with its feature state in Redis.

Why one active fold, and why the decisions equal a single process's
-------------------------------------------------------------------
An event's features read state that other payers' events write: a claim reads its
destination's paying channels and confirmed-fraud counts (written by every payer of that
creator and by their outcomes), its funder's fan-out (written by every account the funder
funded), and the device's and IP's account counts (written by every account using them). No
account key, not the payer, the funder nor the destination, puts every pair of interacting
events in one partition: creators are paid by many payers, payers pay many creators, and
devices and funders cut across both. Partitions by any such key, folding concurrently into a
shared store, would read that state earlier or later than a single process does (and their
read-modify-writes of one destination's record would overwrite each other), so their
decisions would differ.

So the stream is folded in order by one worker at a time: the events queue has
``x-single-active-consumer``, every worker subscribes, one receives. The state lives in Redis,
not in the worker, and moves with the queue: a batch's state changes, its outputs and the new
stream position are written by one atomic commit (:meth:`fraud.redis_store.RedisStore.commit`)
before its decisions are published and the message is acknowledged. Hence:

- every event is folded exactly once, in stream order, into exactly the state a single process
  would hold, so its decision is the one ``fraud score`` gives for the same stream;
- a worker killed at any point loses nothing: an unacknowledged message goes back to the queue
  and the next worker takes it. If the commit had happened, the position in Redis says so and
  the stored outputs are published again instead of folding twice; if it had not, nothing of
  the batch reached Redis and it is folded afresh;
- a decision can therefore be published twice (crash after publishing, before the ack), with
  identical content; consumers deduplicate by ``event_id``;
- a Redis connection that drops is reconnected and the command retried (the commit is
  conditional on the position, so a retried commit cannot apply twice).

The other workers are not idle: until a worker receives the stream it checks claim signatures
ahead of the fold (:mod:`fraud.preverify`), which is half the cost of scoring and needs no
state; the folding worker reuses their verdicts only for claims whose channel id, amount,
signature and public key (from its own state) are exactly the ones found valid. So a second
worker speeds the stream up; more workers than cores do not.

Each worker keeps a cache of decoded records in front of Redis, correct because only the
active worker writes; a worker drops it whenever the position in Redis is not where its own
last commit left it. A batch's records are read ahead in three pipelined round trips.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
import orjson
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from fraud.config import FraudSettings
from fraud.errors import FraudError
from fraud.events import Event, EventReader
from fraud.pipeline import FraudPipeline
from fraud.preverify import PreVerifier, known_valid
from fraud.redis_store import RECORD_TYPES, FoldPosition, RedisStore, connect
from fraud.scorer import Scorer
from fraud.store import AccountRecord, ChannelRecord, EventRefs
from fraud.transport import QueueNames, declare

__all__ = ["FoldWorker", "run_worker"]

log = logging.getLogger("fraud.worker")


class FoldWorker:
    """Folds message batches of the stream into the Redis state and publishes decisions."""

    def __init__(self, settings: FraudSettings, pipeline: FraudPipeline) -> None:
        if settings.store != "redis":
            raise FraudError(
                "fraud worker shares its feature state through Redis: set FRAUD_STORE=redis"
            )
        self.settings = settings
        self.names = QueueNames.of(settings.queue_prefix)
        self.store = RedisStore(
            connect(settings.store_url, name=f"{settings.queue_prefix}.worker"),
            settings.store_prefix,
            settings.store_ttl_seconds,
            settings.store_cache_entries,
        )
        self.scorer = Scorer(pipeline, settings, store=self.store, autoflush=False)
        self._expected: int | None = None  # where this worker's last commit left the position
        self._gap_since: float | None = None
        self.on_first_event: Callable[[], Awaitable[None]] | None = None
        self.preverifier = PreVerifier(self.store.client, settings.store_prefix)
        self.folded = 0
        self.replayed = 0
        self.claims = 0  # claims folded with a known public key
        self.preverified = 0  # of which another worker had found valid
        self.checked = 0  # claims this worker found valid ahead of the fold

    def fold(self, seq: int, body: bytes) -> tuple[bytes, bytes] | None:
        """The decisions and rejects (JSON Lines) of the message at ``seq``: folded now, or
        as stored when an earlier delivery of it was committed; None when positions before
        it have not been folded yet (the message must go back to the queue)."""
        store = self.store
        while True:
            position = store.position()
            if position.next_seq != self._expected:
                store.reset()  # another worker wrote (or this one starts): cache is stale
            lines = body.split(b"\n")
            if seq + len(lines) <= position.next_seq:
                return self._stored(seq, position)
            if seq > position.next_seq:
                # Earlier positions are still to come (a message returned to the queue is
                # delivered again in its place): wait for them, up to gap_wait_seconds;
                # after that they are taken as never published.
                now = time.monotonic()
                if self._gap_since is None:
                    self._gap_since = now
                if now - self._gap_since < self.settings.gap_wait_seconds:
                    return None
                log.warning(
                    "stream positions %d to %d never arrived; folding from %d",
                    position.next_seq,
                    seq - 1,
                    seq,
                )
            self._gap_since = None
            skip = max(0, position.next_seq - seq)
            decisions, rejects, last_ts = self._score(seq + skip, lines[skip:], position.last_ts)
            outputs = {f"out:{seq}": orjson.dumps({"d": decisions, "r": rejects})}
            new_position = FoldPosition(seq + len(lines), last_ts)
            if store.commit(position.next_seq, new_position, outputs):
                self._expected = new_position.next_seq
                self.folded += 1
                return decisions.encode(), rejects.encode()
            store.reset()  # someone moved the position meanwhile: look again
            self._expected = None

    def expected_reset(self) -> None:
        """Forget where this worker's last commit left the position (its cache goes too)."""
        self._expected = None

    def _stored(self, seq: int, position: FoldPosition) -> tuple[bytes, bytes]:
        self._expected = position.next_seq
        self.replayed += 1
        raw = self.store.output(f"out:{seq}")
        if raw is None:
            log.warning("outputs of stream position %d expired; not published again", seq)
            return b"", b""
        stored = orjson.loads(raw)
        return stored["d"].encode(), stored["r"].encode()

    def _score(self, first: int, lines: list[bytes], last_ts: float) -> tuple[str, str, float]:
        reader = EventReader()
        reader.last_ts = last_ts
        events: list[Event] = []
        rejects: list[str] = []
        for index, line in enumerate(lines):
            if not line or line.isspace():
                continue
            item = reader.read_line(line, first + index)
            if item.event is not None:
                events.append(item.event)
            else:
                error = item.error
                assert error is not None
                record = {"seq": item.line, "field": error.field, "reason": error.reason}
                rejects.append(json.dumps(record) + "\n")
        self._prefetch(events)
        self._preverified(events)
        decisions = self.scorer.score(events)
        return "".join(d.to_json() + "\n" for d in decisions), "".join(rejects), reader.last_ts

    def _prefetch(self, events: list[Event]) -> None:
        """Read the records the batch will touch in a few MGETs instead of one GET each:
        what the events name, then what those records name (a channel's payer and creator,
        a scored event's entities), then the accounts' funders."""
        store = self.store
        named: dict[str, set[str]] = {kind: set() for kind in RECORD_TYPES}
        for event in events:
            for kind, value in (
                ("channel", event.channel_id),
                ("account", event.account),
                ("account", event.destination),
                ("funder", event.funder),
                ("user", event.user_id),
                ("device", event.device_id),
                ("ip", event.ip),
                ("event", event.event_id),
            ):
                if value is not None:
                    named[kind].add(value)
        store.prefetch(named)
        accounts = set(named["account"])
        second: dict[str, set[str]] = {
            "account": set(),
            "funder": set(),
            "device": set(),
            "ip": set(),
        }
        for channel_id in named["channel"]:
            channel: ChannelRecord | None = store.get("channel", channel_id)
            if channel is not None:
                second["account"].update((channel.payer, channel.destination))
        for event_id in named["event"]:
            refs: EventRefs | None = store.get("event", event_id)
            if refs is not None:
                for kind, value in (
                    ("account", refs.payer),
                    ("account", refs.destination),
                    ("funder", refs.funder),
                    ("device", refs.device),
                    ("ip", refs.ip),
                ):
                    if value is not None:
                        second[kind].add(value)
        store.prefetch(second)
        accounts |= second["account"]
        funders = set()
        for address in accounts:
            account: AccountRecord | None = store.get("account", address)
            if account is not None and account.funder is not None:
                funders.add(account.funder)
        store.prefetch({"funder": funders})

    def _preverified(self, events: list[Event]) -> None:
        """Give the verifier the batch's claims other workers found valid (fraud.preverify)."""
        claims = []
        get = self.store.get
        for event in events:
            if event.type == "claim" and event.channel_id:
                channel: ChannelRecord | None = get("channel", event.channel_id)
                if channel is not None and event.public_key in (None, channel.public_key):
                    claim = (event.channel_id, event.amount_text, event.signature)
                    claims.append((*claim, channel.public_key))
        verifier = self.scorer.engine.verifier
        verifier.preverified = known_valid(self.store.client, self.settings.store_prefix, claims)
        self.preverified += len(verifier.preverified)
        self.claims += len(claims)

    def check_ahead(self, seq: int, body: bytes) -> None:
        """Check the claims of a batch the fold has not reached (stale batches are skipped)."""
        count = body.count(b"\n") + 1
        if seq + count > self.store.position().next_seq:
            self.checked += self.preverifier.check(body)

    async def handle(self, channel: AbstractChannel, message: AbstractIncomingMessage) -> None:
        if self.on_first_event is not None:
            first, self.on_first_event = self.on_first_event, None
            await first()
        headers: dict[str, Any] = dict(message.headers)
        seq = int(headers["seq"])
        outputs = self.fold(seq, message.body)
        if outputs is None:
            await asyncio.sleep(0.05)
            await message.nack(requeue=True)
            return
        decisions, rejects = outputs
        out_headers = {"seq": seq, "published_us": headers.get("published_us", 0)}
        exchange = channel.default_exchange
        await exchange.publish(
            aio_pika.Message(
                decisions,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                headers=out_headers,
                content_type="application/jsonl",
            ),
            routing_key=self.names.decisions,
        )
        if rejects:
            await exchange.publish(
                aio_pika.Message(
                    rejects, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, headers=out_headers
                ),
                routing_key=self.names.rejects,
            )
        await message.ack()


async def run_worker(settings: FraudSettings, stop: asyncio.Event | None = None) -> None:
    """Consume the events queue until ``stop`` is set (SIGTERM or SIGINT when run alone)."""
    pipeline = FraudPipeline.load(settings.model_dir)
    worker = FoldWorker(settings, pipeline)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    connection = await aio_pika.connect_robust(settings.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=settings.prefetch)
        queue = await declare(channel, worker.names)
        started = time.monotonic()

        async def on_message(message: AbstractIncomingMessage) -> None:
            try:
                await worker.handle(channel, message)
            except Exception:  # Redis gone beyond the retries, a bad header...
                # Back to its place in the queue; this worker looks again after a pause.
                log.exception("message %s not processed; returned to the queue", message.headers)
                worker.store.reset()
                worker.expected_reset()
                await asyncio.sleep(1.0)
                await message.nack(requeue=True)

        # Until this worker receives the stream, it checks claims ahead of whoever folds.
        verify_channel = await connection.channel()
        await verify_channel.set_qos(prefetch_count=2)
        verify_queue = await verify_channel.get_queue(worker.names.verify)
        verify_tag: str | None = None

        async def on_verify(message: AbstractIncomingMessage) -> None:
            if verify_tag is not None:
                try:
                    worker.check_ahead(int(str(message.headers["seq"])), message.body)
                except Exception:  # an accelerator: never worth stopping for
                    log.exception("claims of a verify message not checked")
            await message.ack()

        async def on_first_event() -> None:
            nonlocal verify_tag
            if verify_tag is not None:
                tag, verify_tag = verify_tag, None
                await verify_queue.cancel(tag)
                log.info("folding the stream; no longer checking claims ahead")

        verify_tag = await verify_queue.consume(on_verify)
        worker.on_first_event = on_first_event
        tag = await queue.consume(on_message)
        log.info("consuming %s (single active consumer)", worker.names.events)
        await stop.wait()
        await queue.cancel(tag)
        if verify_tag is not None:
            await verify_queue.cancel(verify_tag)
    log.info(
        "stopped after %.0f s: %d batches folded, %d published again; claims folded %d, "
        "%d of them checked ahead by another worker; %d checked ahead here",
        time.monotonic() - started,
        worker.folded,
        worker.replayed,
        worker.claims,
        worker.preverified,
        worker.checked,
    )
