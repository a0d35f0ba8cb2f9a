"""Claim verifications per second on one core: ``verify_claim`` against xrpl-py.

Run ``python -m ledger.bench [--seconds S] [--claims N]``. The process pins itself to one
CPU, builds N distinct claims per key type (16 channel keys each, as a platform sees a few
keys many times), then calls ``ledger.claims.verify_claim`` on the hex strings exactly as a
caller would, and xrpl-py's ``xrpl.core.keypairs.is_valid_message`` on the same claims
(message bytes built beforehand, so xrpl-py is timed on verification alone), and the bare C
verification (libsodium's crypto_sign_verify_detached, libsecp256k1 through coincurve) on
pre-decoded bytes, the floor under verify_claim. Every result is checked to be "valid", so
nothing is measured that failed early. The three are interleaved round by round so that load
from other processes falls on all of them alike.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import coincurve
import nacl.signing
from xrpl.core.keypairs import is_valid_message

from ledger.claims import _ed25519_verifier, _secp256k1_key, claim_signing_bytes, verify_claim

__all__ = ["BenchResult", "main", "run"]

_KEYS_PER_TYPE = 16
_TARGET_ED25519_PER_SECOND = 20_000


@dataclass(frozen=True, slots=True)
class _Claim:
    channel_id: str
    amount: str
    signature: str
    public_key: str
    message: bytes
    signature_bytes: bytes


@dataclass(frozen=True, slots=True)
class BenchResult:
    key_type: str
    ours_per_second: float
    xrpl_py_per_second: float
    library_per_second: float

    @property
    def ratio(self) -> float:
        return self.ours_per_second / self.xrpl_py_per_second

    @property
    def share_of_library(self) -> float:
        """How close verify_claim comes to the C library's bare verification rate."""
        return self.ours_per_second / self.library_per_second


def _claims(key_type: str, count: int) -> list[_Claim]:
    claims = []
    for index in range(count):
        key_seed = hashlib.sha256(f"bench-{key_type}-{index % _KEYS_PER_TYPE}".encode()).digest()
        channel_id = hashlib.sha256(f"channel-{index % _KEYS_PER_TYPE}".encode()).hexdigest()
        channel_id = channel_id.upper()
        drops = 1_000 * (index + 1)
        message = claim_signing_bytes(channel_id, drops)
        if key_type == "ed25519":
            signing_key = nacl.signing.SigningKey(key_seed)
            signature = signing_key.sign(message).signature
            public_key = "ED" + bytes(signing_key.verify_key).hex().upper()
        else:
            private_key = coincurve.PrivateKey(key_seed)
            signature = private_key.sign(hashlib.sha512(message).digest()[:32], hasher=None)
            public_key = private_key.public_key.format(compressed=True).hex().upper()
        claims.append(
            _Claim(channel_id, str(drops), signature.hex().upper(), public_key, message, signature)
        )
    return claims


def _rate(call: Callable[[_Claim], bool], claims: Sequence[_Claim], seconds: float) -> float:
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        for claim in claims:
            if not call(claim):
                raise AssertionError(f"a valid benchmark claim was rejected: {claim}")
        done += len(claims)
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - started)


def _ours(claim: _Claim) -> bool:
    return verify_claim(claim.channel_id, claim.amount, claim.signature, claim.public_key).valid


def _xrpl_py(claim: _Claim) -> bool:
    return is_valid_message(claim.message, claim.signature_bytes, claim.public_key)


def _library_call(key_type: str) -> Callable[[_Claim], bool]:
    """The bare C verification on pre-decoded inputs: the floor verify_claim stands on."""
    if key_type == "ed25519":
        ed25519 = _ed25519_verifier()
        keys: dict[str, bytes] = {}

        def bare_ed25519(claim: _Claim) -> bool:
            key = keys.get(claim.public_key)
            if key is None:
                key = keys[claim.public_key] = bytes.fromhex(claim.public_key)[1:]
            return ed25519(claim.signature_bytes, claim.message, key)

        return bare_ed25519
    digests: dict[bytes, bytes] = {}

    def bare_secp256k1(claim: _Claim) -> bool:
        digest = digests.get(claim.message)
        if digest is None:
            digest = digests[claim.message] = hashlib.sha512(claim.message).digest()[:32]
        key = _secp256k1_key(bytes.fromhex(claim.public_key))
        return key is not None and bool(key.verify(claim.signature_bytes, digest, hasher=None))

    return bare_secp256k1


def run(seconds: float = 2.0, claim_count: int = 1_000, rounds: int = 3) -> list[BenchResult]:
    """Median rates over ``rounds`` alternating rounds, ours and xrpl-py's, per key type."""
    results = []
    for key_type in ("ed25519", "secp256k1"):
        claims = _claims(key_type, claim_count)
        xrpl_py_claims = claims[: max(1, claim_count // 20)]  # xrpl-py is ~100 times slower
        library = _library_call(key_type)
        ours, theirs, bare = [], [], []
        for _ in range(rounds):
            ours.append(_rate(_ours, claims, seconds))
            theirs.append(_rate(_xrpl_py, xrpl_py_claims, seconds))
            bare.append(_rate(library, claims, seconds))
        results.append(
            BenchResult(
                key_type,
                statistics.median(ours),
                statistics.median(theirs),
                statistics.median(bare),
            )
        )
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ledger.bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--claims", type=int, default=1_000, help="distinct claims per key type")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    args = parser.parse_args(argv)

    allowed = os.sched_getaffinity(0)
    cpu = min(allowed)
    os.sched_setaffinity(0, {cpu})
    try:
        _report(args.seconds, args.claims, args.rounds, cpu)
    finally:
        os.sched_setaffinity(0, allowed)


def _report(seconds: float, claim_count: int, rounds: int, cpu: int) -> None:
    print(
        f"Claim verification, one core (CPU {cpu}), {claim_count} distinct claims per key type, "
        f"median of {rounds} x {seconds:g} s"
    )
    print(
        f"{'key type':<10} {'verify_claim/s':>15} {'xrpl-py/s':>10} {'ratio':>7} "
        f"{'C library alone/s':>18} {'verify_claim share':>19}"
    )
    results = run(seconds, claim_count, rounds)
    for result in results:
        print(
            f"{result.key_type:<10} {result.ours_per_second:>15,.0f} "
            f"{result.xrpl_py_per_second:>10,.0f} {result.ratio:>6.0f}x "
            f"{result.library_per_second:>18,.0f} {result.share_of_library:>18.0%}"
        )
    ed25519 = results[0].ours_per_second
    verdict = "met" if ed25519 >= _TARGET_ED25519_PER_SECOND else "NOT met"
    print(f"target >= {_TARGET_ED25519_PER_SECOND:,} ed25519 verifications/s: {verdict}")


if __name__ == "__main__":
    main()
