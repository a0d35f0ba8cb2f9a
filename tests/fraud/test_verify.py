"""The cached claim verifier answers exactly as ledger.claims.verify_claim does."""

from __future__ import annotations

import random

import pytest

from fraud.verify import ClaimVerifier
from fraud.wallets import Wallet, high_s, malleate_ed25519
from ledger.claims import verify_claim

CHANNEL = "C0FFEE" + "00" * 29


def _variants(wallet: Wallet, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Good claims and every kind of bad one, each as verify_claim's four arguments."""
    key = wallet.public_key
    other = Wallet(random.Random(99), wallet.algorithm).public_key
    cases: list[tuple[str, str, str, str]] = []
    for amount in (1, 2, 5_000, 10**17, rng.randrange(1, 10**12)):
        sig = wallet.sign_claim(CHANNEL, amount)
        cases += [
            (CHANNEL, str(amount), sig, key),
            (CHANNEL.lower(), str(amount), sig.lower(), key.lower()),
            (CHANNEL, "000" + str(amount), sig, key),
            (CHANNEL, str(amount + 1), sig, key),
            (CHANNEL, str(amount), sig, other),
            ("AB" + CHANNEL[2:], str(amount), sig, key),
            (CHANNEL, str(amount), sig[:-2], key),
            (CHANNEL, str(amount), sig + "00", key),
            (CHANNEL, str(amount), sig[:10] + " " + sig[11:], key),
            (CHANNEL, str(amount), high_s(sig) if wallet.algorithm != "ed25519" else sig, key),
        ]
        if wallet.algorithm == "ed25519":
            cases.append((CHANNEL, str(amount), malleate_ed25519(sig), key))
        flipped = bytearray.fromhex(sig)
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        cases.append((CHANNEL, str(amount), flipped.hex().upper(), key))
    sig = wallet.sign_claim(CHANNEL, 7)
    cases += [
        (CHANNEL, "0", sig, key),
        (CHANNEL, str(10**17 + 1), sig, key),
        (CHANNEL, "+7", sig, key),
        (CHANNEL, "7.0", sig, key),
        (CHANNEL, "", sig, key),
        (CHANNEL[:-2], "7", sig, key),
        (CHANNEL + "00", "7", sig, key),
        (CHANNEL[:-1] + "G", "7", sig, key),
        (CHANNEL, "7", "", key),
        (CHANNEL, "7", "zz", key),
        (CHANNEL, "7", sig, key[:-2]),
        (CHANNEL, "7", sig, "04" + key[2:]),
        (CHANNEL, "7", sig, "02" + "FF" * 32),
    ]
    return cases


@pytest.mark.parametrize("algorithm", ["ed25519", "secp256k1"])
def test_cached_verdicts_equal_verify_claims(algorithm: str) -> None:
    rng = random.Random(11)
    wallet = Wallet(rng, algorithm)
    verifier = ClaimVerifier(max_keys=2)
    cases = _variants(wallet, rng)
    verdicts = [verifier.verify(*case) for case in cases]
    assert verdicts == [verify_claim(*case) for case in cases]
    assert sum(v.valid for v in verdicts) >= 15  # good claims, in several spellings
    assert {v.code for v in verdicts} >= {
        "ok",
        "signature_invalid",
        "signature_malformed",
        "amount_out_of_range",
        "amount_malformed",
        "channel_id_malformed",
        "public_key_malformed",
    }
    if algorithm == "secp256k1":
        assert "signature_non_canonical" in {v.code for v in verdicts}
