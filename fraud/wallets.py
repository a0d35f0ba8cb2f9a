"""Wallets for the simulator: real ed25519 / secp256k1 keys and real claim signatures.

Signing goes straight to PyNaCl and coincurve (the bytes are XRPL's claim serialisation,
``CLM\\0`` + channel id + uint64 amount); addresses come from xrpl-py.
"""

from __future__ import annotations

import hashlib
import random

import coincurve
import nacl.signing
from xrpl.core.keypairs import derive_classic_address

__all__ = ["Wallet", "high_s", "malleate_ed25519"]

_ED_L = 2**252 + 27742317777372353535851937790883648493
_SECP_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _claim_bytes(channel_id: str, amount: int) -> bytes:
    return b"CLM\0" + bytes.fromhex(channel_id) + amount.to_bytes(8, "big")


class Wallet:
    """A key pair and its classic address, derived deterministically from ``rng``."""

    __slots__ = ("_ed", "_secp", "address", "algorithm", "public_key")

    def __init__(self, rng: random.Random, algorithm: str = "ed25519") -> None:
        secret = rng.randbytes(32)
        self.algorithm = algorithm
        self._ed: nacl.signing.SigningKey | None = None
        self._secp: coincurve.PrivateKey | None = None
        if algorithm == "ed25519":
            self._ed = nacl.signing.SigningKey(secret)
            self.public_key = "ED" + bytes(self._ed.verify_key).hex().upper()
        else:
            self._secp = coincurve.PrivateKey(secret)
            self.public_key = self._secp.public_key.format(compressed=True).hex().upper()
        self.address: str = derive_classic_address(self.public_key)

    def sign_claim(self, channel_id: str, amount: int) -> str:
        message = _claim_bytes(channel_id, amount)
        if self._ed is not None:
            return self._ed.sign(message).signature.hex().upper()
        assert self._secp is not None
        digest = hashlib.sha512(message).digest()[:32]
        return self._secp.sign(digest, hasher=None).hex().upper()


def malleate_ed25519(signature: str) -> str:
    """The same ed25519 signature with S + L: verifies in lax libraries, non-canonical."""
    raw = bytes.fromhex(signature)
    s = int.from_bytes(raw[32:], "little") + _ED_L
    return (raw[:32] + s.to_bytes(32, "little")).hex().upper()


def _der_int(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big")
    return b"\x02" + bytes([len(raw)]) + raw


def high_s(signature: str) -> str:
    """The same secp256k1 DER signature with S replaced by n - S (high S, non-canonical)."""
    raw = bytes.fromhex(signature)
    r_len = raw[3]
    r = int.from_bytes(raw[4 : 4 + r_len], "big")
    s_len = raw[5 + r_len]
    s = int.from_bytes(raw[6 + r_len : 6 + r_len + s_len], "big")
    body = _der_int(r) + _der_int(_SECP_N - s)
    return (b"\x30" + bytes([len(body)]) + body).hex().upper()
