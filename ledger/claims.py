"""Payment-channel claim verification, as rippled's ``channel_verify`` and
``PaymentChannelClaim`` decide it.

A claim authorises the channel's destination to take a cumulative amount of XRP from
the channel. It is the 44 bytes ``b"CLM\\0" + channel id (32 bytes) + drops (uint64,
big-endian)`` signed with the key recorded on the channel:

- ed25519 keys (``ED`` + 32 bytes): an Ed25519 signature over the raw claim bytes.
  rippled refuses any signature whose S is not below the group order L before it
  verifies, so a malleated ``S + L`` copy of a good signature is refused here too.
- secp256k1 keys (``02``/``03`` + 32 bytes): ECDSA over SHA-512Half of the claim bytes,
  strict DER, and *fully canonical*: S must be at most n/2. The high-S twin ``n - S`` of a
  good signature verifies mathematically (xrpl-py accepts it) but rippled refuses it.

``verify_claim`` never raises: it returns a :class:`ClaimCheck` naming the first
problem found, checking the channel id, then the amount, then the key, then the signature.

Where this follows rippled to the letter, and the few places it is stricter:

- Hex is read case-insensitively, as rippled's ``strUnHex``/``parseHex`` do: an
  all-lower-case key or signature is as valid as the upper-case one.
- rippled's ``strUnHex`` reads an odd number of hex digits as if a ``0`` led them; here an
  odd length is ``*_malformed``. Whitespace anywhere is malformed too.
- The amount is a string of ASCII digits (leading zeros allowed, as rippled's integer parse
  allows them; no sign, no ``+``, no decimal point) between 1 drop and 10^17 drops (all
  XRP that exists). rippled's ``channel_verify`` alone would accept 0 and values up to
  2^64-1, but no claim outside 1..10^17 can ever be redeemed on the ledger.
- Ed25519 verification runs in libsodium (through PyNaCl), which also refuses public keys and
  R values of small order; rippled's ed25519-donna does not. Honest signers never produce
  those, so the answers differ only for deliberately degenerate keys.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import coincurve
import nacl
import nacl.bindings
import nacl.exceptions

__all__ = [
    "CLAIM_CODES",
    "CLAIM_VALID",
    "MAX_DROPS",
    "ClaimCheck",
    "claim_signing_bytes",
    "ed25519_verify_detached",
    "verify_claim",
]

MAX_DROPS = 10**17
"""All the XRP there is, in drops: no claim can be larger."""

CLAIM_CODES = (
    "ok",
    "channel_id_malformed",
    "amount_malformed",
    "amount_out_of_range",
    "public_key_malformed",
    "signature_malformed",
    "signature_non_canonical",
    "signature_invalid",
)

_CLAIM_PREFIX = b"CLM\x00"
# Order of the Ed25519 prime-order subgroup.
_ED25519_L = 2**252 + 27742317777372353535851937790883648493
# Order of the secp256k1 group.
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_SECP256K1_HALF_N = _SECP256K1_N // 2


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """The verdict on one claim: ``valid`` with ``code == "ok"``, or one reason why not."""

    valid: bool
    code: str
    detail: str


_OK = ClaimCheck(True, "ok", "the claim is signed by the channel's key for this amount")
CLAIM_VALID = _OK
"""The verdict :func:`verify_claim` returns for every valid claim (for callers that check
claims another way and must answer exactly as it does)."""


def _fail(code: str, detail: str) -> ClaimCheck:
    return ClaimCheck(False, code, detail)


def claim_signing_bytes(channel_id: str, amount_drops: int) -> bytes:
    """The 44 bytes a claim signs: ``b"CLM\\0"`` + channel id + drops as a big-endian uint64.

    Raises ``ValueError`` naming the bad argument (this is a builder, not a verdict).
    """
    channel = _unhex(channel_id)
    if channel is None or len(channel) != 32:
        raise ValueError(f"channel_id must be 64 hex digits, got {channel_id!r}")
    if type(amount_drops) is not int or not 0 <= amount_drops < 2**64:
        raise ValueError(f"amount_drops must be an int between 0 and 2^64-1, got {amount_drops!r}")
    return _CLAIM_PREFIX + channel + amount_drops.to_bytes(8, "big")


def verify_claim(channel_id: str, amount: str, signature: str, public_key: str) -> ClaimCheck:
    """Say whether rippled would accept this claim, and if not, why. Never raises."""
    channel = _unhex(channel_id)
    if channel is None or len(channel) != 32:
        return _fail(
            "channel_id_malformed",
            f"the channel id must be 64 hex digits; got {_describe(channel_id)}",
        )

    drops_or_failure = _parse_drops(amount)
    if isinstance(drops_or_failure, ClaimCheck):
        return drops_or_failure
    message = _CLAIM_PREFIX + channel + drops_or_failure.to_bytes(8, "big")

    key = _unhex(public_key)
    if key is None or len(key) != 33:
        return _fail(
            "public_key_malformed",
            f"the public key must be 66 hex digits (33 bytes); got {_describe(public_key)}",
        )
    sig = _unhex(signature)
    if not sig:
        return _fail(
            "signature_malformed",
            f"the signature must be a non-empty even number of hex digits; "
            f"got {_describe(signature)}",
        )

    prefix = key[0]
    if prefix == 0xED:
        return _verify_ed25519(message, sig, key[1:])
    if prefix in (0x02, 0x03):
        return _verify_secp256k1(message, sig, key)
    return _fail(
        "public_key_malformed",
        "the public key must start with ED (ed25519) or 02/03 (compressed secp256k1); "
        f"it starts with {key[:1].hex().upper()}",
    )


# -- parsing -----------------------------------------------------------------------------


def _unhex(text: object) -> bytes | None:
    """Hex digits of either case to bytes; None for anything else (odd length, spaces...)."""
    if type(text) is not str or len(text) % 2:
        return None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        return None
    # bytes.fromhex skips whitespace between pairs; a shorter result means there was some.
    return raw if len(raw) * 2 == len(text) else None


def _describe(value: object) -> str:
    if type(value) is not str:
        return f"a {type(value).__name__}, not a string"
    if not value:
        return "an empty string"
    shown = value if len(value) <= 24 else value[:21] + "..."
    return f"{len(value)} characters ({shown!r})"


def _parse_drops(amount: object) -> int | ClaimCheck:
    if type(amount) is not str or not amount:
        return _fail(
            "amount_malformed",
            f"the amount must be a whole number of drops written in digits; "
            f"got {_describe(amount)}",
        )
    if not (amount.isascii() and amount.isdigit()):
        return _fail(
            "amount_malformed",
            "the amount must be a whole number of drops in plain digits, with no sign, "
            f"decimal point or spaces; got {_describe(amount)}",
        )
    significant = amount.lstrip("0")
    if len(significant) > 18 or (drops := int(significant or "0")) > MAX_DROPS:
        return _fail(
            "amount_out_of_range",
            f"the amount exceeds 10^17 drops (all the XRP that exists); got {_describe(amount)}",
        )
    if drops == 0:
        return _fail("amount_out_of_range", "the amount must be at least 1 drop; got 0")
    return drops


# -- ed25519 -----------------------------------------------------------------------------


def _verify_ed25519(message: bytes, sig: bytes, key: bytes) -> ClaimCheck:
    if len(sig) != 64:
        return _fail(
            "signature_malformed",
            f"an ed25519 signature is 64 bytes (128 hex digits); this one is {len(sig)} bytes",
        )
    if int.from_bytes(sig[32:], "little") >= _ED25519_L:
        return _fail(
            "signature_non_canonical",
            "the signature's S value is not below the curve order (malleated)",
        )
    if _ed25519_verifier()(sig, message, key):
        return _OK
    return _fail(
        "signature_invalid",
        "the ed25519 signature does not match this channel, amount and public key",
    )


@functools.cache
def _ed25519_verifier() -> Callable[[bytes, bytes, bytes], bool]:
    """libsodium's ``crypto_sign_verify_detached`` from the library PyNaCl ships.

    PyNaCl's Python API only offers ``crypto_sign_open``, which needs the signature and
    message concatenated and copies the message out again; calling the detached function of
    the same library is about a fifth faster. Falls back to the public API if the symbol is
    not reachable.
    """
    try:
        library_file = next(Path(nacl.__file__).parent.glob("_sodium*.so"))
        sodium = ctypes.CDLL(str(library_file))
        detached = sodium.crypto_sign_verify_detached
    except (StopIteration, OSError, AttributeError):
        return _ed25519_verify_with_open
    if sodium.sodium_init() < 0:
        return _ed25519_verify_with_open
    detached.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p]
    detached.restype = ctypes.c_int

    def verify(sig: bytes, message: bytes, key: bytes) -> bool:
        return detached(sig, message, len(message), key) == 0

    return verify


def ed25519_verify_detached() -> Callable[[bytes, bytes, bytes], bool]:
    """The Ed25519 check :func:`verify_claim` uses, as ``verify(signature, message, key)``:
    libsodium's detached verification (created once). It does not check S < L itself;
    :func:`verify_claim` does that first, and so must any caller that wants its verdicts."""
    return _ed25519_verifier()


def _ed25519_verify_with_open(sig: bytes, message: bytes, key: bytes) -> bool:
    try:
        nacl.bindings.crypto_sign_open(sig + message, key)
    except nacl.exceptions.BadSignatureError:
        return False
    return True


# -- secp256k1 ---------------------------------------------------------------------------


def _verify_secp256k1(message: bytes, sig: bytes, key: bytes) -> ClaimCheck:
    parts = _strict_der(sig)
    if isinstance(parts, str):
        return _fail("signature_malformed", f"the signature is not strict DER: {parts}")
    r, s = parts
    if r >= _SECP256K1_N or s >= _SECP256K1_N:
        return _fail(
            "signature_non_canonical",
            "the signature's R or S value is not below the curve order",
        )
    if s > _SECP256K1_HALF_N:
        return _fail(
            "signature_non_canonical",
            "the signature's S value is in the upper half of the curve order "
            "(high-S, a malleated copy; rippled only accepts low-S signatures)",
        )
    public_key = _secp256k1_key(key)
    if public_key is None:
        return _fail(
            "public_key_malformed",
            "the public key is not a point on the secp256k1 curve",
        )
    digest = hashlib.sha512(message).digest()[:32]
    try:
        matches = public_key.verify(sig, digest, hasher=None)
    except ValueError:
        return _fail("signature_malformed", "the signature could not be decoded as DER")
    if matches:
        return _OK
    return _fail(
        "signature_invalid",
        "the secp256k1 signature does not match this channel, amount and public key",
    )


@functools.lru_cache(maxsize=4096)
def _secp256k1_key(key: bytes) -> coincurve.PublicKey | None:
    # Parsing a compressed key costs a square root; platforms see the same few keys again
    # and again, so parsed keys are kept.
    try:
        return coincurve.PublicKey(key)
    except ValueError:
        return None


def _strict_der(sig: bytes) -> tuple[int, int] | str:
    """R and S of a strictly DER-encoded signature, or what is wrong with it (as rippled)."""
    if not 8 <= len(sig) <= 72:
        return f"it is {len(sig)} bytes long, outside 8..72"
    if sig[0] != 0x30:
        return "it does not start with a DER SEQUENCE (30)"
    if sig[1] != len(sig) - 2:
        return "its length byte does not match its size"
    r, rest = _der_integer(sig[2:], "R")
    if isinstance(r, str):
        return r
    s, rest = _der_integer(rest, "S")
    if isinstance(s, str):
        return s
    if rest:
        return "there are bytes after S"
    return r, s


def _der_integer(buf: bytes, name: str) -> tuple[int | str, bytes]:
    if len(buf) < 3 or buf[0] != 0x02:
        return f"{name} is not a DER INTEGER", b""
    length = buf[1]
    body = buf[2 : 2 + length]
    if length < 1 or length > 33 or len(body) < length:
        return f"{name} has a bad length", b""
    if body[0] & 0x80:
        return f"{name} is negative", b""
    if body[0] == 0 and (length == 1 or not body[1] & 0x80):
        return f"{name} is zero or has excess zero padding", b""
    return int.from_bytes(body, "big"), buf[2 + length :]
