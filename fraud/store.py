"""Feature state: compact per-entity records behind a narrow store interface.

The interface is get/put/delete of one record per (kind, key), nothing else, so a
Redis implementation can keep each record as one hash or one packed value (every
record class lists its fields in ``__slots__`` and round-trips through
``as_tuple``/``from_tuple``). :class:`InMemoryStore` bounds memory with a per-kind
capacity and least-recently-used eviction (a touched record moves to the back of an
insertion-ordered dict; the front is evicted).

Records hold fixed-size state only: exponentially decayed counters instead of event
lists, running means and variances instead of histories.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from fraud.config import FraudSettings

__all__ = [
    "KINDS",
    "AccountRecord",
    "ChannelRecord",
    "EventRefs",
    "FeatureStore",
    "FunderRecord",
    "InMemoryStore",
    "KeyRecord",
    "Record",
    "UserRecord",
    "decay",
    "open_store",
]

KINDS = ("channel", "account", "funder", "user", "device", "ip")


def decay(value: float, elapsed: float, tau: float) -> float:
    """A counter decayed over ``elapsed`` seconds with time constant ``tau``."""
    if elapsed <= 0.0 or value == 0.0:
        return value
    return value * math.exp(-elapsed / tau)


class Record:
    """Base of the compact records: tuple round-trip for stores that serialise."""

    __slots__: ClassVar[tuple[str, ...]] = ()

    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    @classmethod
    def from_tuple(cls: type[R], values: tuple[Any, ...]) -> R:
        record = cls.__new__(cls)
        for name, value in zip(cls.__slots__, values, strict=True):
            setattr(record, name, value)
        return record


R = TypeVar("R", bound=Record)


class ChannelRecord(Record):
    __slots__ = (
        "cancel_after",
        "claim_count",
        "closed",
        "created_ts",
        "destination",
        "expiration",
        "funded",
        "ia_mean",
        "ia_var",
        "last_claim",
        "last_claim_ts",
        "payer",
        "public_key",
        "redeemed",
    )

    def __init__(
        self, payer: str, destination: str, public_key: str, funded: int, created_ts: float
    ) -> None:
        self.payer = sys.intern(payer)
        self.destination = sys.intern(destination)
        self.public_key = public_key
        self.funded = funded
        self.created_ts = created_ts
        self.last_claim = 0
        self.redeemed = 0
        self.claim_count = 0
        self.last_claim_ts = 0.0
        self.ia_mean = 0.0
        self.ia_var = 0.0
        self.expiration: float | None = None
        self.cancel_after: float | None = None
        self.closed = False


class AccountRecord(Record):
    """One ledger account, as payer and as destination."""

    __slots__ = (
        "amt_mean",
        "amt_var",
        "channels_opened",
        "claims",
        "device",
        "device_changed_ts",
        "first_seen",
        "funder",
        "ia_mean",
        "ia_var",
        "ip",
        "ip_changed_ts",
        "lab_fraud",
        "lab_n",
        "last_claim_ts",
        "recv_24h",
        "recv_fraud",
        "recv_lab_n",
        "recv_payers",
        "recv_ts",
        "spend_1h",
        "spend_7d",
        "spend_24h",
        "spend_count_1h",
        "spend_count_24h",
        "spend_ts",
    )

    def __init__(self, first_seen: float) -> None:
        self.first_seen = first_seen
        self.funder: str | None = None
        self.device: str | None = None
        self.ip: str | None = None
        self.device_changed_ts = 0.0
        self.ip_changed_ts = 0.0
        self.channels_opened = 0
        self.claims = 0
        self.last_claim_ts = 0.0
        self.ia_mean = 0.0
        self.ia_var = 0.0
        self.amt_mean = 0.0
        self.amt_var = 0.0
        self.spend_ts = 0.0
        self.spend_count_1h = 0.0
        self.spend_count_24h = 0.0
        self.spend_1h = 0.0
        self.spend_24h = 0.0
        self.spend_7d = 0.0
        self.recv_ts = 0.0
        self.recv_24h = 0.0
        self.recv_payers = 0
        self.lab_n = 0
        self.lab_fraud = 0
        self.recv_lab_n = 0
        self.recv_fraud = 0


class FunderRecord(Record):
    __slots__ = ("fanout", "fanout_24h", "fanout_ts", "first_seen", "lab_fraud", "lab_n")

    def __init__(self, first_seen: float) -> None:
        self.first_seen = first_seen
        self.fanout = 0
        self.fanout_24h = 0.0
        self.fanout_ts = first_seen
        self.lab_n = 0
        self.lab_fraud = 0


class UserRecord(Record):
    __slots__ = ("account", "accounts", "device", "first_seen", "ip", "links")

    def __init__(self, first_seen: float) -> None:
        self.first_seen = first_seen
        self.account: str | None = None
        self.accounts = 0
        self.device: str | None = None
        self.ip: str | None = None
        self.links = 0


class KeyRecord(Record):
    """A device or an IP address."""

    __slots__ = ("accounts", "first_seen", "lab_fraud", "lab_n", "last_account")

    def __init__(self, first_seen: float) -> None:
        self.first_seen = first_seen
        self.accounts = 0
        self.last_account: str | None = None
        self.lab_n = 0
        self.lab_fraud = 0


class EventRefs(Record):
    """What a scored event touched, kept so that its late outcome can update their counts
    (a store that outlives the process keeps these as records of kind ``event``)."""

    __slots__ = ("destination", "device", "funder", "ip", "payer")

    def __init__(
        self,
        payer: str | None,
        destination: str | None,
        funder: str | None,
        device: str | None,
        ip: str | None,
    ) -> None:
        self.payer = payer
        self.destination = destination
        self.funder = funder
        self.device = device
        self.ip = ip

    def refs(self) -> tuple[str | None, ...]:
        return (self.payer, self.destination, self.funder, self.device, self.ip)


class FeatureStore(Protocol):
    """The narrow interface: one record per (kind, key)."""

    def get(self, kind: str, key: str) -> Any | None: ...

    def put(self, kind: str, key: str, record: Record) -> None: ...

    def delete(self, kind: str, key: str) -> None: ...

    def count(self, kind: str) -> int: ...


class InMemoryStore:
    """Dicts per kind with LRU eviction beyond ``max_per_kind`` records."""

    def __init__(self, max_per_kind: int = 2_000_000) -> None:
        self.max_per_kind = max_per_kind
        self.evicted = 0
        self._tables: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}

    def get(self, kind: str, key: str) -> Any | None:
        return self._tables[kind].get(key)

    def put(self, kind: str, key: str, record: Record) -> None:
        table = self._tables[kind]
        # Re-inserting moves the key to the back: the front is the least recently used.
        if table.pop(key, None) is None and len(table) >= self.max_per_kind:
            del table[next(iter(table))]
            self.evicted += 1
        table[key] = record

    def delete(self, kind: str, key: str) -> None:
        self._tables[kind].pop(key, None)

    def count(self, kind: str) -> int:
        return len(self._tables[kind])


def open_store(settings: FraudSettings) -> FeatureStore:
    """The store the settings select: in memory (default) or Redis (``FRAUD_STORE=redis``)."""
    if settings.store == "redis":
        from fraud.redis_store import RedisStore, connect

        return RedisStore(
            connect(settings.store_url),
            settings.store_prefix,
            settings.store_ttl_seconds,
            settings.store_cache_entries,
        )
    return InMemoryStore(settings.max_entities_per_kind)
