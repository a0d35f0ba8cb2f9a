"""Reason codes: the stable machine codes every decision carries, with a human detail.

Deterministic claim checks (each blocks the claim on its own, whatever the model says):

| code | when |
|---|---|
| ``channel_unknown`` | the claim names a channel the service never saw created |
| ``channel_closed`` | the channel was closed on ledger before the claim |
| ``channel_expired`` | the claim came at or after the channel's Expiration or CancelAfter |
| ``claim_public_key_mismatch`` | the claim's public key is not the channel's key |
| ``claim_channel_id_malformed`` | the channel id is not 64 hex characters |
| ``claim_amount_malformed`` | the amount is not a decimal string of drops |
| ``claim_amount_out_of_range`` | the amount is zero or above 10^17 drops |
| ``claim_public_key_malformed`` | the channel's public key cannot be parsed |
| ``claim_signature_malformed`` | the signature is not hex or not a well-formed signature |
| ``claim_signature_non_canonical`` | the signature is malleated (ed25519 S >= L, secp256k1 high S) |
| ``claim_signature_invalid`` | the signature does not verify with the channel's key |
| ``claim_amount_stale`` | the amount is not above the last accepted claim (stale or replayed) |
| ``claim_amount_above_funded`` | the amount exceeds what the channel holds |

Rules (from the rules file, see :mod:`fraud.rules`):

| code | when |
|---|---|
| ``rule_allow`` | an allow rule matched: allowed without the model |
| ``rule_block`` | a block rule matched |
| ``rule_review`` | a review rule matched |

Model reasons (the features that pushed the calibrated probability up the most):

| code | when |
|---|---|
| ``model_<feature>`` | the feature named moved the score up; the detail says how in words |
| ``model_low_risk`` | the model saw nothing unusual (allowed events) |
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DETERMINISTIC_CODES", "REASONS", "Reason"]


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail}


REASONS: dict[str, str] = {
    "channel_unknown": "The claim is on a payment channel that was never opened.",
    "channel_closed": "The claim is on a payment channel that is already closed.",
    "channel_expired": "The claim came after the channel's expiration or cancel-after time.",
    "claim_public_key_mismatch": "The claim was signed for a key that is not the channel's key.",
    "claim_channel_id_malformed": "The channel id is not 64 hexadecimal characters.",
    "claim_amount_malformed": "The claim amount is not a whole number of drops.",
    "claim_amount_out_of_range": "The claim amount is zero or larger than XRP can hold.",
    "claim_public_key_malformed": "The channel's public key is not a valid key.",
    "claim_signature_malformed": "The claim signature is not a well-formed signature.",
    "claim_signature_non_canonical": "The claim signature is malleated; the ledger rejects it.",
    "claim_signature_invalid": "The claim signature does not match the channel's key.",
    "claim_amount_stale": "The amount is not above the channel's last accepted claim "
    "(a stale or replayed claim).",
    "claim_amount_above_funded": "The amount is more than the channel holds.",
    "rule_allow": "An allow rule matched.",
    "rule_block": "A block rule matched.",
    "rule_review": "A review rule matched.",
    "model_low_risk": "Nothing unusual compared with this platform's normal activity.",
}

DETERMINISTIC_CODES: frozenset[str] = frozenset(
    code for code in REASONS if code.startswith(("channel_", "claim_"))
)
