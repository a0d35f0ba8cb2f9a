"""Claim signatures checked with verification objects cached per public key.

:func:`ledger.claims.verify_claim` parses the channel id, the amount, the public key and the
signature on every call. A platform presents thousands of claims per channel, all against the
channel's one key, so :class:`ClaimVerifier` keeps each key decoded (the raw ed25519 key, or
the parsed coincurve ``PublicKey``) and verifies a well-formed claim with the same checks, in
the same libraries. Anything else, and every claim that does not verify, goes to
``verify_claim`` itself, so the verdicts (valid or not, code and detail) are exactly its.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import coincurve

from ledger.claims import (
    CLAIM_VALID,
    MAX_DROPS,
    ClaimCheck,
    ed25519_verify_detached,
    verify_claim,
)

__all__ = ["ClaimVerifier", "claim_digest"]

_PREFIX = b"CLM\x00"
_ED25519_L = 2**252 + 27742317777372353535851937790883648493
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_SECP256K1_HALF_N = _SECP256K1_N // 2
# verify_claim's own verdict for a good claim: the fast path answers exactly as it does.
_OK: ClaimCheck = CLAIM_VALID
_sha512 = hashlib.sha512

# A decoded key: ("ed", raw 32 bytes) or ("secp", coincurve.PublicKey); None means "let
# verify_claim decide" (malformed, unknown prefix, not on the curve).
_Key = tuple[str, object] | None


def _decode_key(public_key: str) -> _Key:
    if len(public_key) != 66:
        return None
    try:
        raw = bytes.fromhex(public_key)
    except ValueError:
        return None
    if len(raw) != 33:
        return None
    if raw[0] == 0xED:
        return ("ed", raw[1:])
    if raw[0] in (0x02, 0x03):
        try:
            return ("secp", coincurve.PublicKey(raw))
        except ValueError:
            return None
    return None


def _low_s_der(sig: bytes) -> bool:
    """Strict DER (as rippled reads it) with R and S below n and S at most n/2.

    Each INTEGER must be minimally encoded and non-negative: no high bit on its first byte,
    and a leading zero only where the next byte has its high bit set.
    """
    size = len(sig)
    if not 8 <= size <= 72 or sig[0] != 0x30 or sig[1] != size - 2 or sig[2] != 0x02:
        return False
    r_len = sig[3]
    if not 1 <= r_len <= 33 or 6 + r_len >= size or sig[4 + r_len] != 0x02:
        return False
    s_len = sig[5 + r_len]
    if not 1 <= s_len <= 33 or 6 + r_len + s_len != size:
        return False
    first = sig[4]
    if first & 0x80 or (first == 0 and (r_len == 1 or not sig[5] & 0x80)):
        return False
    s_start = 6 + r_len
    first = sig[s_start]
    if first & 0x80 or (first == 0 and (s_len == 1 or not sig[s_start + 1] & 0x80)):
        return False
    return (
        int.from_bytes(sig[4 : s_start - 2], "big") < _SECP256K1_N
        and int.from_bytes(sig[s_start:], "big") <= _SECP256K1_HALF_N
    )


def claim_digest(channel_id: str, amount: str, signature: str, public_key: str) -> str:
    """A digest of the four values ``verify_claim`` decides on (see :mod:`fraud.preverify`)."""
    text = f"{channel_id}\x00{amount}\x00{signature}\x00{public_key}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class ClaimVerifier:
    """``verify_claim`` with each channel's decoded key and message prefix kept (at most
    ``max_keys`` channels, the oldest dropped)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        # channel id -> (public key text, decoded key, b"CLM\0" + channel id bytes)
        self._channels: dict[str, tuple[str, _Key, bytes]] = {}
        self._ed25519: Callable[[bytes, bytes, bytes], bool] = ed25519_verify_detached()
        # Digests of claims another process found valid (fraud.preverify); empty by default.
        self.preverified: set[str] = set()

    def _channel(self, channel_id: str, public_key: str) -> tuple[str, _Key, bytes] | None:
        """The channel's cached entry, made (or remade, for another key) when needed."""
        channels = self._channels
        entry = channels.get(channel_id)
        if entry is not None and entry[0] == public_key:
            return entry
        if len(channel_id) != 64:
            return None
        try:
            channel = bytes.fromhex(channel_id)
        except ValueError:
            return None
        # bytes.fromhex skips whitespace: the length tells whether there was any.
        if len(channel) != 32:
            return None
        if entry is None and len(channels) >= self.max_keys:
            del channels[next(iter(channels))]
        entry = channels[channel_id] = (public_key, _decode_key(public_key), _PREFIX + channel)
        return entry

    def verify(self, channel_id: str, amount: str, signature: str, public_key: str) -> ClaimCheck:
        """The verdict ``verify_claim(channel_id, amount, signature, public_key)`` gives."""
        if self.preverified and (
            claim_digest(channel_id, amount, signature, public_key) in self.preverified
        ):
            return _OK
        if self._verifies(channel_id, amount, signature, public_key):
            return _OK
        return verify_claim(channel_id, amount, signature, public_key)

    def _verifies(self, channel_id: str, amount: str, signature: str, public_key: str) -> bool:
        """True only for a claim every one of ``verify_claim``'s checks accepts."""
        entry = self._channel(channel_id, public_key)
        if entry is None or not amount.isascii() or not amount.isdigit():
            return False
        key = entry[1]
        if key is None:
            return False
        drops = int(amount)
        if not 0 < drops <= MAX_DROPS:
            return False
        try:
            sig = bytes.fromhex(signature)
        except ValueError:
            return False
        if not sig or len(sig) * 2 != len(signature):
            return False
        message = entry[2] + drops.to_bytes(8, "big")
        kind, decoded = key
        if kind == "ed":
            assert isinstance(decoded, bytes)
            return (
                len(sig) == 64
                and int.from_bytes(sig[32:], "little") < _ED25519_L
                and self._ed25519(sig, message, decoded)
            )
        assert isinstance(decoded, coincurve.PublicKey)
        if not _low_s_der(sig):
            return False
        try:
            return decoded.verify(sig, _sha512(message).digest()[:32], hasher=None)
        except ValueError:
            return False
