"""Claim verification against published vectors, fresh signatures, malleations and garbage."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from xrpl.constants import CryptoAlgorithm
from xrpl.core.binarycodec import encode_for_signing_claim
from xrpl.core.keypairs import derive_keypair, generate_seed, is_valid_message, sign

from ledger.claims import (
    CLAIM_CODES,
    MAX_DROPS,
    ClaimCheck,
    _ed25519_verifier,
    _ed25519_verify_with_open,
    claim_signing_bytes,
    verify_claim,
)

# xrpl.org, "Use Payment Channels" tutorial (and the channel_verify reference): a secp256k1
# claim for 1 XRP; the key is the channel's public_key_hex (base58
# aB44YfzW24VDEJQ2UuLPV2PvqcPCSoLnL7y5M1EzhdW4LnK5xMS3).
TUTORIAL_CHANNEL = "5DB01B7FFED6B67E6B0414DED11E051D2EE2B7619CE0EAA6286D67A3A4D5BDB3"
TUTORIAL_AMOUNT = "1000000"
TUTORIAL_KEY = "023693F15967AE357D0327974AD46FE3C127113B1110D6044FD41E723689F81CC6"
TUTORIAL_SIGNATURE = (
    "304402204EF0AFB78AC23ED1C472E74F4299C0C21F1B21D07EFC0A3838A420F76D783A40"
    "0220154FB11B6F54320666E4C36CA7F686C16A3A0456800BBC43746F34AF50290064"
)

# xrpl-py's (and ripple-binary-codec's) encode_for_signing_claim vector.
CODEC_CHANNEL = "43904CBFCDCEC530B4037871F86EE90BF799DF8D2E0EA564BC8A3F332E4F5FB1"
CODEC_ENCODED = (
    "434C4D0043904CBFCDCEC530B4037871F86EE90BF799DF8D2E0EA564BC8A3F332E4F5FB100000000000003E8"
)

ED25519_L = 2**252 + 27742317777372353535851937790883648493
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _keypair(algorithm: CryptoAlgorithm, entropy_byte: str) -> tuple[str, str]:
    return derive_keypair(generate_seed(entropy_byte * 32, algorithm=algorithm))


def _signed(algorithm: CryptoAlgorithm, drops: int = 2_500_000, entropy: str = "1") -> dict:
    public_key, private_key = _keypair(algorithm, entropy)
    message = claim_signing_bytes(CODEC_CHANNEL, drops)
    return {
        "channel_id": CODEC_CHANNEL,
        "amount": str(drops),
        "signature": sign(message, private_key),
        "public_key": public_key,
    }


def _der(r: int, s: int) -> bytes:
    def integer(value: int) -> bytes:
        body = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
        if body[0] & 0x80:
            body = b"\x00" + body
        return b"\x02" + bytes([len(body)]) + body

    content = integer(r) + integer(s)
    return b"\x30" + bytes([len(content)]) + content


def _der_parts(signature_hex: str) -> tuple[int, int]:
    raw = bytes.fromhex(signature_hex)
    r_len = raw[3]
    r = int.from_bytes(raw[4 : 4 + r_len], "big")
    s_len = raw[5 + r_len]
    s = int.from_bytes(raw[6 + r_len : 6 + r_len + s_len], "big")
    return r, s


# -- published vectors -------------------------------------------------------------------


def test_tutorial_claim_is_valid() -> None:
    check = verify_claim(TUTORIAL_CHANNEL, TUTORIAL_AMOUNT, TUTORIAL_SIGNATURE, TUTORIAL_KEY)
    assert check == ClaimCheck(True, "ok", check.detail)
    assert check.valid and check.code == "ok"


def test_tutorial_claim_for_another_amount_or_channel_is_invalid() -> None:
    more = verify_claim(TUTORIAL_CHANNEL, "1000001", TUTORIAL_SIGNATURE, TUTORIAL_KEY)
    other_channel = verify_claim(CODEC_CHANNEL, TUTORIAL_AMOUNT, TUTORIAL_SIGNATURE, TUTORIAL_KEY)
    assert (more.valid, more.code) == (False, "signature_invalid")
    assert (other_channel.valid, other_channel.code) == (False, "signature_invalid")
    assert "does not match" in more.detail


def test_hex_is_read_case_insensitively_as_rippled_does() -> None:
    check = verify_claim(
        TUTORIAL_CHANNEL.lower(), TUTORIAL_AMOUNT, TUTORIAL_SIGNATURE.lower(), TUTORIAL_KEY.lower()
    )
    assert check.valid


def test_signing_bytes_match_xrpl_py_vector() -> None:
    ours = claim_signing_bytes(CODEC_CHANNEL, 1000)
    assert ours.hex().upper() == CODEC_ENCODED
    assert ours.hex().upper() == encode_for_signing_claim(
        {"channel": CODEC_CHANNEL, "amount": "1000"}
    )
    assert claim_signing_bytes(TUTORIAL_CHANNEL, 10**17)[-8:] == (10**17).to_bytes(8, "big")


@pytest.mark.parametrize(
    ("channel_id", "drops"),
    [("AB" * 31, 1), (CODEC_CHANNEL, -1), (CODEC_CHANNEL, 2**64), ("zz" * 32, 1)],
)
def test_signing_bytes_refuse_bad_arguments(channel_id: str, drops: int) -> None:
    with pytest.raises(ValueError, match=r"channel_id|amount_drops"):
        claim_signing_bytes(channel_id, drops)


# -- fresh signatures --------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", [CryptoAlgorithm.ED25519, CryptoAlgorithm.SECP256K1])
def test_freshly_signed_claim_is_valid_and_xrpl_py_agrees(algorithm: CryptoAlgorithm) -> None:
    claim = _signed(algorithm)
    assert claim["public_key"].startswith("ED" if algorithm is CryptoAlgorithm.ED25519 else "0")
    assert verify_claim(**claim).code == "ok"
    message = claim_signing_bytes(claim["channel_id"], int(claim["amount"]))
    assert is_valid_message(message, bytes.fromhex(claim["signature"]), claim["public_key"])


@pytest.mark.parametrize("algorithm", [CryptoAlgorithm.ED25519, CryptoAlgorithm.SECP256K1])
def test_claim_for_a_different_amount_is_invalid(algorithm: CryptoAlgorithm) -> None:
    claim = _signed(algorithm, drops=2_500_000) | {"amount": "2500001"}
    check = verify_claim(**claim)
    assert (check.valid, check.code) == (False, "signature_invalid")


@pytest.mark.parametrize("algorithm", [CryptoAlgorithm.ED25519, CryptoAlgorithm.SECP256K1])
def test_claim_checked_against_the_wrong_key_is_invalid(algorithm: CryptoAlgorithm) -> None:
    other_key, _ = _keypair(algorithm, "2")
    check = verify_claim(**(_signed(algorithm) | {"public_key": other_key}))
    assert (check.valid, check.code) == (False, "signature_invalid")


def test_signature_of_one_key_type_under_the_other_is_refused() -> None:
    ed_claim = _signed(CryptoAlgorithm.ED25519)
    secp_key, _ = _keypair(CryptoAlgorithm.SECP256K1, "1")
    check = verify_claim(**(ed_claim | {"public_key": secp_key}))
    assert (check.valid, check.code) == (False, "signature_malformed")
    assert "DER" in check.detail


def test_libsodium_fast_path_agrees_with_pynacl_api() -> None:
    claim = _signed(CryptoAlgorithm.ED25519)
    message = claim_signing_bytes(claim["channel_id"], int(claim["amount"]))
    signature = bytes.fromhex(claim["signature"])
    key = bytes.fromhex(claim["public_key"])[1:]
    for verify in (_ed25519_verifier(), _ed25519_verify_with_open):
        assert verify(signature, message, key)
        assert not verify(signature, message + b"\x00", key)


# -- malleated signatures ----------------------------------------------------------------


def test_ed25519_signature_with_s_plus_l_is_non_canonical() -> None:
    claim = _signed(CryptoAlgorithm.ED25519)
    raw = bytes.fromhex(claim["signature"])
    s = int.from_bytes(raw[32:], "little")
    malleated = raw[:32] + (s + ED25519_L).to_bytes(32, "little")
    check = verify_claim(**(claim | {"signature": malleated.hex().upper()}))
    assert (check.valid, check.code) == (False, "signature_non_canonical")
    assert check.detail == "the signature's S value is not below the curve order (malleated)"


def test_secp256k1_high_s_is_non_canonical_though_xrpl_py_accepts_it() -> None:
    claim = _signed(CryptoAlgorithm.SECP256K1)
    r, s = _der_parts(claim["signature"])
    assert s <= SECP256K1_N // 2  # xrpl-py signs low-S
    high_s = _der(r, SECP256K1_N - s)
    message = claim_signing_bytes(claim["channel_id"], int(claim["amount"]))
    assert is_valid_message(message, high_s, claim["public_key"])  # the gap this closes
    check = verify_claim(**(claim | {"signature": high_s.hex().upper()}))
    assert (check.valid, check.code) == (False, "signature_non_canonical")
    assert "high-S" in check.detail


def test_tutorial_signature_with_high_s_is_non_canonical() -> None:
    r, s = _der_parts(TUTORIAL_SIGNATURE)
    high_s = _der(r, SECP256K1_N - s).hex()
    check = verify_claim(TUTORIAL_CHANNEL, TUTORIAL_AMOUNT, high_s, TUTORIAL_KEY)
    assert check.code == "signature_non_canonical"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda der: der + b"\x00", "signature_malformed"),  # trailing byte
        (lambda der: der[:1] + bytes([der[1] + 1]) + der[2:], "signature_malformed"),
        (lambda der: b"\x31" + der[1:], "signature_malformed"),
        (lambda der: der[:6], "signature_malformed"),
    ],
    ids=["trailing-byte", "wrong-length-byte", "not-a-sequence", "truncated"],
)
def test_non_strict_der_is_malformed(mutate: Callable[[bytes], bytes], expected: str) -> None:
    der = bytes.fromhex(TUTORIAL_SIGNATURE)
    check = verify_claim(TUTORIAL_CHANNEL, TUTORIAL_AMOUNT, mutate(der).hex(), TUTORIAL_KEY)
    assert (check.valid, check.code) == (False, expected)
    assert check.detail.startswith("the signature is not strict DER")


def test_der_with_padded_or_negative_integers_is_malformed() -> None:
    r, s = _der_parts(TUTORIAL_SIGNATURE)
    r_bytes = r.to_bytes(32, "big")
    padded = b"\x02\x21\x00" + r_bytes  # R's top bit is clear, so the zero is excess
    s_part = _der(1, s)[5:]
    sig = b"\x30" + bytes([len(padded) + len(s_part)]) + padded + s_part
    assert r_bytes[0] < 0x80
    check = verify_claim(TUTORIAL_CHANNEL, TUTORIAL_AMOUNT, sig.hex(), TUTORIAL_KEY)
    assert check.code == "signature_malformed" and "padding" in check.detail
    negative = b"\x02\x01\x80"
    sig = b"\x30" + bytes([len(negative) + len(s_part)]) + negative + s_part
    check = verify_claim(TUTORIAL_CHANNEL, TUTORIAL_AMOUNT, sig.hex(), TUTORIAL_KEY)
    assert check.code == "signature_malformed" and "negative" in check.detail


def test_r_at_or_above_the_order_is_non_canonical() -> None:
    _, s = _der_parts(TUTORIAL_SIGNATURE)
    sig = _der(SECP256K1_N, s).hex()
    check = verify_claim(TUTORIAL_CHANNEL, TUTORIAL_AMOUNT, sig, TUTORIAL_KEY)
    assert check.code == "signature_non_canonical"


# -- garbage -----------------------------------------------------------------------------

GOOD = {
    "channel_id": TUTORIAL_CHANNEL,
    "amount": TUTORIAL_AMOUNT,
    "signature": TUTORIAL_SIGNATURE,
    "public_key": TUTORIAL_KEY,
}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("channel_id", "", "channel_id_malformed"),
        ("channel_id", TUTORIAL_CHANNEL[:-1], "channel_id_malformed"),
        ("channel_id", TUTORIAL_CHANNEL + "00", "channel_id_malformed"),
        ("channel_id", "G" + TUTORIAL_CHANNEL[1:], "channel_id_malformed"),
        ("channel_id", " " + TUTORIAL_CHANNEL[1:], "channel_id_malformed"),
        ("channel_id", TUTORIAL_CHANNEL[:32] + " " + TUTORIAL_CHANNEL[32:], "channel_id_malformed"),
        ("channel_id", None, "channel_id_malformed"),
        ("amount", "", "amount_malformed"),
        ("amount", "-1000000", "amount_malformed"),
        ("amount", "+1000000", "amount_malformed"),
        ("amount", "1.5", "amount_malformed"),
        ("amount", "1e6", "amount_malformed"),
        ("amount", " 1000000", "amount_malformed"),
        ("amount", "1000000\n", "amount_malformed"),
        ("amount", "1_000_000", "amount_malformed"),
        ("amount", "١٠٠", "amount_malformed"),  # Arabic-Indic digits: int() would take them
        ("amount", 1000000, "amount_malformed"),
        ("amount", "0", "amount_out_of_range"),
        ("amount", "000", "amount_out_of_range"),
        ("amount", str(MAX_DROPS + 1), "amount_out_of_range"),
        ("amount", "18446744073709551616", "amount_out_of_range"),
        ("amount", "9" * 5000, "amount_out_of_range"),
        ("public_key", "", "public_key_malformed"),
        ("public_key", TUTORIAL_KEY[:-1], "public_key_malformed"),
        ("public_key", TUTORIAL_KEY[:-2], "public_key_malformed"),
        ("public_key", "04" + TUTORIAL_KEY[2:], "public_key_malformed"),
        ("public_key", "02" + "FF" * 32, "public_key_malformed"),  # not on the curve
        (
            "public_key",
            "aB44YfzW24VDEJQ2UuLPV2PvqcPCSoLnL7y5M1EzhdW4LnK5xMS3",
            "public_key_malformed",
        ),
        ("public_key", "ZZ" * 33, "public_key_malformed"),
        ("signature", "", "signature_malformed"),
        ("signature", TUTORIAL_SIGNATURE[:-1], "signature_malformed"),
        ("signature", "XY" * 70, "signature_malformed"),
        ("signature", TUTORIAL_SIGNATURE + " ", "signature_malformed"),
        ("signature", "30" * 200, "signature_malformed"),
    ],
)
def test_garbage_gets_a_reason_not_an_exception(field: str, value: object, code: str) -> None:
    claim: dict[str, Any] = GOOD | {field: value}
    check = verify_claim(**claim)
    assert (check.valid, check.code) == (False, code)
    assert check.detail and check.detail[0].islower()


def test_ed25519_signature_of_the_wrong_length_is_malformed() -> None:
    claim = _signed(CryptoAlgorithm.ED25519)
    check = verify_claim(**(claim | {"signature": claim["signature"][:-2]}))
    assert check.code == "signature_malformed"
    assert "63 bytes" in check.detail


def test_leading_zeros_in_the_amount_are_read_as_rippled_reads_them() -> None:
    check = verify_claim(**(GOOD | {"amount": "000" + TUTORIAL_AMOUNT}))
    assert check.valid


def test_largest_amount_is_in_range() -> None:
    claim = _signed(CryptoAlgorithm.ED25519, drops=MAX_DROPS)
    assert verify_claim(**claim).valid


def test_random_corruption_never_raises_and_never_passes() -> None:
    rng = random.Random(20240611)
    alphabet = "0123456789ABCDEFabcdef -+.xZ\u00e9\u0661"
    claims = [GOOD, _signed(CryptoAlgorithm.ED25519), _signed(CryptoAlgorithm.SECP256K1)]
    for _ in range(3000):
        claim = dict(rng.choice(claims))
        field = rng.choice(list(claim))
        chars = list(claim[field])
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(chars) + 1)
            action = rng.randrange(3)
            if action == 0 and chars and position < len(chars):
                chars[position] = rng.choice(alphabet)
            elif action == 1:
                chars.insert(position, rng.choice(alphabet))
            elif chars and position < len(chars):
                del chars[position]
        corrupted = "".join(chars)
        claim[field] = corrupted
        check = verify_claim(**claim)
        assert check.code in CLAIM_CODES and check.detail
        if check.valid:  # only case changes and leading zeros keep a claim valid
            assert _same_claim(claims, claim), claim


def _same_claim(claims: list[dict], claim: dict) -> bool:
    normalised = {
        k: v.upper().lstrip("0") if k == "amount" else v.upper() for k, v in claim.items()
    }
    for original in claims:
        expected = {
            k: v.upper().lstrip("0") if k == "amount" else v.upper() for k, v in original.items()
        }
        if normalised == expected:
            return True
    return False


@pytest.mark.parametrize("algorithm", [CryptoAlgorithm.ED25519, CryptoAlgorithm.SECP256K1])
def test_agrees_with_xrpl_py_on_many_fresh_claims(algorithm: CryptoAlgorithm) -> None:
    rng = random.Random(7)
    public_key, private_key = _keypair(algorithm, "3")
    other_key, _ = _keypair(algorithm, "4")
    for _ in range(25):
        channel_id = rng.randbytes(32).hex().upper()
        drops = rng.randint(1, MAX_DROPS)
        message = claim_signing_bytes(channel_id, drops)
        signature = sign(message, private_key)
        for key in (public_key, other_key):
            ours = verify_claim(channel_id, str(drops), signature, key)
            theirs = is_valid_message(message, bytes.fromhex(signature), key)
            assert ours.valid is theirs, (channel_id, drops, key)
