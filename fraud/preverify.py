"""Claim signatures checked ahead of the fold, by the workers that are not folding.

Checking signatures is half the cost of scoring, and it needs no feature state: whether
``verify_claim(channel_id, amount, signature, public_key)`` accepts a claim depends on those
four values alone, and a channel's public key never changes after ``channel.created``. So
while one worker folds the stream (see :mod:`fraud.worker`), the others take the same
batches from the ``<prefix>.verify`` queue (competing consumers, any order), check the
claims, and record each claim that verifies as the key ``{prefix}:ok:<digest>``, where the
digest covers the four values. Before folding a batch, the folding worker reads those keys
for its claims (one MGET) and its verifier answers "valid" for a claim whose four values, the
public key taken from its own state, have a recorded digest; every other claim it checks
itself.

Decisions cannot change: a recorded digest means ``verify_claim`` accepts exactly those four
values, and a claim without one is checked as before. What may vary is only who spends the
time. The verify queue is bounded (``x-max-length``, oldest dropped, and a message time to
live): it is an accelerator, never the record of the stream.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis
from pamqp.common import FieldTable

from fraud.events import Event, EventReader
from fraud.verify import ClaimVerifier, claim_digest

__all__ = ["VERIFY_QUEUE_ARGUMENTS", "PreVerifier", "claim_digest", "known_valid"]

VERIFY_QUEUE_ARGUMENTS: FieldTable = {
    "x-max-length": 2_000,
    "x-overflow": "drop-head",
    "x-message-ttl": 120_000,
}
_VERDICT_TTL = 600  # seconds: long enough for the fold to reach the batch


def known_valid(
    client: redis.Redis, prefix: str, claims: Iterable[tuple[str, str, str, str]]
) -> set[str]:
    """The digests of ``claims`` (channel id, amount, signature, public key) recorded as valid."""
    digests = [claim_digest(*claim) for claim in claims]
    if not digests:
        return set()
    found = client.mget([f"{{{prefix}}}:ok:{digest}" for digest in digests])
    return {digest for digest, value in zip(digests, found, strict=True) if value is not None}


class PreVerifier:
    """Checks the claims of batches and records the valid ones (see the module docstring)."""

    def __init__(self, client: redis.Redis, prefix: str, key_ttl: int = 30 * 86_400) -> None:
        self.client = client
        self.key_ttl = key_ttl
        self.prefix = f"{{{prefix}}}"
        self.verifier = ClaimVerifier()
        # channel id -> public key, from channel.created (also in Redis for the other workers)
        self._keys: dict[str, str] = {}
        self.checked = 0

    def _public_keys(self, channel_ids: set[str]) -> dict[str, str]:
        known = {cid: self._keys[cid] for cid in channel_ids if cid in self._keys}
        missing = sorted(channel_ids - known.keys())
        if missing:
            values = self.client.mget([f"{self.prefix}:pk:{cid}" for cid in missing])
            for channel_id, value in zip(missing, values, strict=True):
                if value is not None:
                    key = value.decode() if isinstance(value, bytes) else str(value)
                    known[channel_id] = self._keys[channel_id] = key
        return known

    def check(self, body: bytes) -> int:
        """Check one batch's claims; returns how many were recorded as valid."""
        reader = EventReader()
        events: list[Event] = []
        for index, line in enumerate(body.split(b"\n")):
            if line and not line.isspace():
                item = reader.read_line(line, index)
                if item.event is not None:
                    events.append(item.event)
        created = {
            e.channel_id: e.public_key
            for e in events
            if e.type == "channel.created" and e.channel_id and e.public_key
        }
        self._keys.update(created)
        claims = [e for e in events if e.type == "claim" and e.channel_id]
        keys = self._public_keys({e.channel_id for e in claims if e.channel_id})
        pipe = self.client.pipeline(transaction=False)
        for created_id, created_key in created.items():
            pipe.set(f"{self.prefix}:pk:{created_id}", created_key, ex=self.key_ttl)
        recorded = 0
        for claim in claims:
            channel_id = claim.channel_id or ""
            channel_key = keys.get(channel_id)
            if channel_key is None or claim.public_key not in (None, channel_key):
                continue
            args = (channel_id, claim.amount_text, claim.signature, channel_key)
            if self.verifier.verify(*args).valid:
                digest = claim_digest(*args)
                pipe.set(f"{self.prefix}:ok:{digest}", b"1", ex=_VERDICT_TTL)
                recorded += 1
        pipe.execute()
        self.checked += len(claims)
        return recorded
