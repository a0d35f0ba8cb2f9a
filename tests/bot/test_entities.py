"""Entity validation: every invalid input gets a specific correction."""

from __future__ import annotations

import pytest
from xrpl.core.addresscodec import classic_address_to_xaddress

from bot.entities import check_address, check_amount, check_hash

GENESIS = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"


def test_valid_classic_address_passes() -> None:
    assert check_address(f"  {GENESIS} ").value == GENESIS


def test_x_address_becomes_its_classic_address() -> None:
    x_address = classic_address_to_xaddress(GENESIS, tag=12345, is_test_network=False)
    assert check_address(x_address).value == GENESIS


def test_mistyped_address_fails_its_checksum() -> None:
    checked = check_address(GENESIS[:-1] + "j")
    assert checked.value is None
    assert "fails its checksum" in (checked.correction or "")
    assert "last characters" in (checked.correction or "")


def test_address_with_a_zero_says_which_character_is_wrong() -> None:
    checked = check_address("rHb9CJAWyB4rj91VRWn96DkukG4bwdty0h")
    assert checked.value is None
    assert "'0'" in (checked.correction or "")


def test_hash_of_wrong_length_says_how_long_it_should_be() -> None:
    checked = check_hash("AB" * 31 + "A")
    assert checked.value is None
    assert "exactly 64 characters" in (checked.correction or "")
    assert "has 63" in (checked.correction or "")


def test_hash_with_non_hex_letters_names_them() -> None:
    checked = check_hash("G" + "A" * 63, "channel id")
    assert "channel id" in (checked.correction or "")
    assert "'G'" in (checked.correction or "")


def test_hash_is_upper_cased() -> None:
    assert check_hash("ab" * 32).value == "AB" * 32


@pytest.mark.parametrize(
    ("text", "drops"),
    [("12.5 XRP", 12_500_000), ("0,5 xrp", 500_000), ("2500000 drops", 2_500_000), ("1 drop", 1)],
)
def test_amounts_in_xrp_or_drops(text: str, drops: int) -> None:
    assert check_amount(text).drops == drops


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0.0000001 XRP", "more than 6 decimal places"),
        ("1.5 drops", "whole numbers"),
        ("0 XRP", "more than zero"),
        ("200000000000 XRP", "all the XRP in existence"),
        ("lots of XRP", "can't read"),
    ],
)
def test_bad_amounts_are_corrected(text: str, words: str) -> None:
    checked = check_amount(text)
    assert checked.drops is None
    assert words in (checked.correction or "")
