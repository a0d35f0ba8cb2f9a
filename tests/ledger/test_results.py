"""Result codes and validation status in plain words."""

from __future__ import annotations

import pytest

from ledger.results import describe_outcome, explain_result, explain_validation

NAMED_CODES = [
    "tesSUCCESS",
    "tecUNFUNDED_PAYMENT",
    "tecNO_DST_INSUF_XRP",
    "tecNO_DST",
    "tecINSUFFICIENT_RESERVE",
    "tecNO_ENTRY",
    "tecNO_PERMISSION",
    "tecEXPIRED",
    "tecPATH_DRY",
    "tecNO_TARGET",
    "tefPAST_SEQ",
    "terPRE_SEQ",
    "temBAD_AMOUNT",
    "temBAD_SIGNATURE",
    "telINSUF_FEE_P",
    "terQUEUED",
    "tecDST_TAG_NEEDED",
    "tefMAX_LEDGER",
    "tecUNFUNDED",
]


@pytest.mark.parametrize("code", NAMED_CODES)
def test_every_common_code_has_its_own_words(code: str) -> None:
    words = explain_result(code)
    assert code not in words  # a real explanation, not the family fallback
    assert len(words.split()) >= 2


def test_all_explanations_are_distinct() -> None:
    texts = [explain_result(code) for code in NAMED_CODES]
    assert len(set(texts)) == len(texts)


def test_unfunded_payment_means_a_stale_claim_on_a_channel_claim() -> None:
    on_claim = explain_result("tecUNFUNDED_PAYMENT", "PaymentChannelClaim")
    on_payment = explain_result("tecUNFUNDED_PAYMENT", "Payment")
    assert "stale" in on_claim and "already paid out" in on_claim
    assert "lacks the funds" in on_claim
    assert "reserve" in on_payment and "stale" not in on_payment


def test_too_small_to_create_the_destination() -> None:
    words = explain_result("tecNO_DST_INSUF_XRP", "Payment")
    assert "does not exist yet" in words and "1 XRP" in words


def test_unknown_codes_fall_back_to_their_family() -> None:
    assert explain_result("tecSOMETHING_NEW").startswith("it failed, but was recorded")
    assert "tecSOMETHING_NEW" in explain_result("tecSOMETHING_NEW")
    assert "unrecognised" in explain_result("xyzNOPE")
    assert explain_result("") == "the server has not reported a result yet"


def test_validated_versus_not_validated() -> None:
    assert explain_validation(True).startswith("Validated: this is final")
    assert "looks successful so far" in explain_validation(False, "tesSUCCESS")
    assert "provisional" in explain_validation(False, "terQUEUED")


def test_described_outcome_reads_as_one_answer() -> None:
    text = describe_outcome("tecNO_DST_INSUF_XRP", "Payment", True)
    assert text.startswith("tecNO_DST_INSUF_XRP: The destination account does not exist yet")
    assert text.endswith("Validated: this is final and cannot change.")
