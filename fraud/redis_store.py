"""Feature state in Redis: the :class:`fraud.store.FeatureStore` interface, shared by processes.

Layout: one string key per record, ``{prefix}:<kind>:<key>``, holding the record's
``as_tuple()`` as a JSON array (orjson: floats are written in their shortest exact form, so a
record read back equals the record written). The braces make the whole state one Redis
Cluster hash slot, which the atomic commit below needs.

Memory bound: every write sets the record's time to live (``store_ttl_seconds``, 30 days by
default), so an account, channel, device or IP not seen for that long disappears, as the
in-memory store's least-recently-used eviction drops it. A record merely read keeps its
previous expiry. Event references kept for late outcomes (kind ``event``) expire the same way,
so an outcome arriving later than the TTL after its event no longer updates the counts.

Reads go through a cache of decoded records in the process (``store_cache_entries``,
least recently used dropped; absent keys are cached too); writes are buffered until
:meth:`RedisStore.flush`. That cache is only correct while this process is the state's single
writer: the fraud workers guarantee it (one active fold consumer, see ``fraud.worker``), and
drop the cache with :meth:`RedisStore.reset` whenever someone else may have written.

:meth:`RedisStore.commit` writes the buffered records and the stream position in one Lua
script, only if the position in Redis is still the one the batch started from: a batch is
applied once, and a retry after a lost reply (redis-py retries on connection errors) changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from fraud.store import (
    AccountRecord,
    ChannelRecord,
    EventRefs,
    FunderRecord,
    KeyRecord,
    Record,
    UserRecord,
)

__all__ = ["RECORD_TYPES", "FoldPosition", "RedisStore", "connect"]

RECORD_TYPES: dict[str, type[Record]] = {
    "channel": ChannelRecord,
    "account": AccountRecord,
    "funder": FunderRecord,
    "user": UserRecord,
    "device": KeyRecord,
    "ip": KeyRecord,
    "event": EventRefs,
}
_ABSENT = object()
_DELETE = b""

# KEYS[1]: the position hash. ARGV: expected next_seq, new next_seq, last_ts, record ttl,
# output ttl, then two JSON arrays of [key, value] pairs: records ("" deletes) and outputs.
# The pairs travel as two arguments rather than a thousand: packing each argument costs more
# than the script. Every key carries the prefix's hash tag, so all lie in KEYS[1]'s slot.
_COMMIT = """
local current = redis.call('HGET', KEYS[1], 'next_seq') or '0'
if current ~= ARGV[1] then return 0 end
for _, pair in ipairs(cjson.decode(ARGV[6])) do
  if pair[2] == '' then redis.call('DEL', pair[1])
  else redis.call('SET', pair[1], pair[2], 'EX', tonumber(ARGV[4])) end
end
for _, pair in ipairs(cjson.decode(ARGV[7])) do
  redis.call('SET', pair[1], pair[2], 'EX', tonumber(ARGV[5]))
end
redis.call('HSET', KEYS[1], 'next_seq', ARGV[2], 'last_ts', ARGV[3])
return 1
"""


def connect(url: str, name: str | None = None) -> redis.Redis:
    """A client that reconnects and retries a command when its connection drops
    (``name``: the connections' CLIENT SETNAME, to find them in CLIENT LIST)."""
    return redis.Redis.from_url(
        url,
        client_name=name,
        retry=Retry(ExponentialBackoff(cap=2.0, base=0.05), retries=8),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=30,
    )


@dataclass(frozen=True, slots=True)
class FoldPosition:
    """How far the stream has been folded into the state: the next sequence number to
    apply and the last accepted event's time (the reader's out-of-order check)."""

    next_seq: int
    last_ts: float


class RedisStore:
    """Records in Redis behind a read cache and a write buffer (see the module docstring)."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "fraud",
        ttl_seconds: int = 30 * 86_400,
        cache_entries: int = 1_000_000,
    ) -> None:
        self.client = client
        self.prefix = f"{{{prefix}}}"
        self.ttl_seconds = ttl_seconds
        self.cache_entries = cache_entries
        self._cache: dict[str, Any] = {}
        self._dirty: dict[str, Record | None] = {}
        self._commit = client.register_script(_COMMIT)

    @property
    def position_key(self) -> str:
        return f"{self.prefix}:position"

    def _key(self, kind: str, key: str) -> str:
        return f"{self.prefix}:{kind}:{key}"

    # -- FeatureStore ----------------------------------------------------------------
    def get(self, kind: str, key: str) -> Any | None:
        full = self._key(kind, key)
        cache = self._cache
        record = cache.pop(full, _ABSENT)
        if record is _ABSENT:
            raw = self.client.get(full)
            record = None if raw is None else RECORD_TYPES[kind].from_tuple(orjson.loads(raw))
            if len(cache) >= self.cache_entries:
                self._drop_clean()
        cache[full] = record  # back of the dict: most recently used
        return record

    def put(self, kind: str, key: str, record: Record) -> None:
        full = self._key(kind, key)
        self._cache.pop(full, None)
        self._cache[full] = record
        self._dirty[full] = record

    def delete(self, kind: str, key: str) -> None:
        full = self._key(kind, key)
        self._cache[full] = None
        self._dirty[full] = None

    def count(self, kind: str) -> int:
        """Records of ``kind`` in Redis (a SCAN: for diagnostics, not the hot path)."""
        self.flush()
        return sum(1 for _ in self.client.scan_iter(match=self._key(kind, "*"), count=1000))

    # -- buffering -------------------------------------------------------------------
    def _drop_clean(self) -> None:
        """Forget the least recently used tenth of the cache (buffered writes stay)."""
        cache, dirty = self._cache, self._dirty
        target = len(cache) - self.cache_entries // 10
        for full in list(cache):
            if len(cache) <= target:
                break
            if full not in dirty:
                del cache[full]

    def _encoded(self) -> tuple[list[str], list[bytes]]:
        keys = list(self._dirty)
        values = [
            _DELETE if r is None else orjson.dumps(r.as_tuple()) for r in self._dirty.values()
        ]
        return keys, values

    def flush(self) -> None:
        """Write the buffered records (plain SETs with the TTL; for a single writer)."""
        if not self._dirty:
            return
        keys, values = self._encoded()
        with self.client.pipeline(transaction=True) as pipe:
            for full, value in zip(keys, values, strict=True):
                if value == _DELETE:
                    pipe.delete(full)
                else:
                    pipe.set(full, value, ex=self.ttl_seconds)
            pipe.execute()
        self._dirty.clear()

    def position(self) -> FoldPosition:
        values = self.client.hmget(self.position_key, ["next_seq", "last_ts"])
        next_seq = int(values[0]) if values[0] is not None else 0
        last_ts = float(values[1]) if values[1] is not None else float("-inf")
        return FoldPosition(next_seq, last_ts)

    def commit(
        self,
        expected_seq: int,
        new_position: FoldPosition,
        outputs: dict[str, bytes] | None = None,
        output_ttl: int = 3600,
    ) -> bool:
        """Write the buffered records, ``outputs`` (key suffix -> UTF-8 text, kept
        ``output_ttl`` seconds) and the new position, atomically, if the position in Redis is
        still ``expected_seq``; otherwise write nothing and return False."""
        records = [
            (key, "" if record is None else orjson.dumps(record.as_tuple()).decode())
            for key, record in self._dirty.items()
        ]
        stored = [
            (f"{self.prefix}:{name}", value.decode()) for name, value in (outputs or {}).items()
        ]
        args: list[Any] = [
            expected_seq,
            new_position.next_seq,
            repr(new_position.last_ts),
            self.ttl_seconds,
            output_ttl,
            orjson.dumps(records),
            orjson.dumps(stored),
        ]
        applied = self._commit(keys=[self.position_key], args=args)
        self._dirty.clear()
        if not applied:
            self._cache.clear()  # it holds the refused writes
        return bool(applied)

    def prefetch(self, wanted: dict[str, set[str]]) -> None:
        """Read the records (kind -> keys) not cached yet, in one round trip (an MGET per
        kind, pipelined)."""
        cache = self._cache
        batches: list[tuple[type[Record], list[str]]] = []
        with self.client.pipeline(transaction=False) as pipe:
            for kind, keys in wanted.items():
                missing = [
                    full for full in map(partial(self._key, kind), keys) if full not in cache
                ]
                if missing:
                    batches.append((RECORD_TYPES[kind], missing))
                    pipe.mget(missing)
            if not batches:
                return
            answers = pipe.execute()
        for (record_type, missing), raws in zip(batches, answers, strict=True):
            for full, raw in zip(missing, raws, strict=True):
                cache[full] = None if raw is None else record_type.from_tuple(orjson.loads(raw))
        if len(cache) > self.cache_entries:
            self._drop_clean()

    def output(self, name: str) -> bytes | None:
        """An output stored by :meth:`commit` (None once expired or never written)."""
        value = self.client.get(f"{self.prefix}:{name}")
        return value if value is None or isinstance(value, bytes) else value.encode()

    def reset(self) -> None:
        """Forget the cache and the buffered writes (someone else may have written)."""
        self._cache.clear()
        self._dirty.clear()

    def clear(self, batch: int = 1000) -> int:
        """Delete every key under this prefix (tests, decommissioning). Returns the count."""
        self.reset()
        deleted = 0
        keys: list[Any] = []
        for key in self.client.scan_iter(match=f"{self.prefix}:*", count=batch):
            keys.append(key)
            if len(keys) >= batch:
                deleted += int(self.client.delete(*keys))
                keys = []
        if keys:
            deleted += int(self.client.delete(*keys))
        return deleted

    def keys_of(self, kind: str) -> Iterable[str]:
        prefix = self._key(kind, "")
        for key in self.client.scan_iter(match=prefix + "*", count=1000):
            yield key.decode()[len(prefix) :]
