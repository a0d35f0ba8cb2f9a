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

from ledger import claims as ledger_claims
from ledger.claims import MAX_DROPS, ClaimCheck, verify_claim

__all__ = ["ClaimVerifier"]

_PREFIX = b"CLM\x00"
_ED25519_L = 2**252 + 27742317777372353535851937790883648493
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_SECP256K1_HALF_N = _SECP256K1_N // 2
# verify_claim's own verdict for a good claim, and its libsodium entry point (ledger's
# private helpers, read once: the fast path must answer exactly as verify_claim does).
_OK: ClaimCheck = ledger_claims._OK
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


def _der_int(sig: bytes, start: int, end: int) -> int | None:
    """A minimally encoded non-negative DER INTEGER body ``sig[start:end]``, else None."""
    first = sig[start]
    if first & 0x80 or (first == 0 and (end - start == 1 or not sig[start + 1] & 0x80)):
        return None
    return int.from_bytes(sig[start:end], "big")


def _low_s_der(sig: bytes) -> bool:
    """Strict DER (as rippled reads it) with R and S below n and S at most n/2."""
    size = len(sig)
    if not 8 <= size <= 72 or sig[0] != 0x30 or sig[1] != size - 2 or sig[2] != 0x02:
        return False
    r_len = sig[3]
    if not 1 <= r_len <= 33 or 6 + r_len >= size or sig[4 + r_len] != 0x02:
        return False
    s_len = sig[5 + r_len]
    if not 1 <= s_len <= 33 or 6 + r_len + s_len != size:
        return False
    r = _der_int(sig, 4, 4 + r_len)
    s = _der_int(sig, 6 + r_len, size)
    return r is not None and s is not None and r < _SECP256K1_N and s <= _SECP256K1_HALF_N


class ClaimVerifier:
    """``verify_claim`` with decoded keys kept (at most ``max_keys``, the oldest dropped)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._keys: dict[str, _Key] = {}
        self._ed25519: Callable[[bytes, bytes, bytes], bool] = ledger_claims._ed25519_verifier()

    def _key(self, public_key: str) -> _Key:
        keys = self._keys
        try:
            return keys[public_key]
        except KeyError:
            pass
        if len(keys) >= self.max_keys:
            del keys[next(iter(keys))]
        key = keys[public_key] = _decode_key(public_key)
        return key

    def verify(self, channel_id: str, amount: str, signature: str, public_key: str) -> ClaimCheck:
        """The verdict ``verify_claim(channel_id, amount, signature, public_key)`` gives."""
        if self._verifies(channel_id, amount, signature, public_key):
            return _OK
        return verify_claim(channel_id, amount, signature, public_key)

    def _verifies(self, channel_id: str, amount: str, signature: str, public_key: str) -> bool:
        """True only for a claim every one of ``verify_claim``'s checks accepts."""
        key = self._key(public_key)
        if key is None or len(channel_id) != 64 or not amount.isascii() or not amount.isdigit():
            return False
        drops = int(amount)
        if not 0 < drops <= MAX_DROPS:
            return False
        try:
            channel = bytes.fromhex(channel_id)
            sig = bytes.fromhex(signature)
        except ValueError:
            return False
        # bytes.fromhex skips whitespace: the lengths tell whether there was any.
        if len(channel) != 32 or not sig or len(sig) * 2 != len(signature):
            return False
        message = _PREFIX + channel + drops.to_bytes(8, "big")
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
