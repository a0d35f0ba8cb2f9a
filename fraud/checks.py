"""Deterministic claim checks: what the XRP Ledger would reject, decided before any model.

Order (the first failing check is the primary reason; all failing state checks are listed):

1. ``channel_unknown``: no ``channel.created`` for the channel id.
2. ``channel_closed``: a ``channel.closed`` came before the claim.
3. ``channel_expired``: the claim's time is at or after the channel's Expiration or
   CancelAfter (rippled closes such a channel on the next transaction touching it).
4. ``claim_public_key_mismatch``: the claim names a key other than the channel's.
5. Signature, via :func:`ledger.claims.verify_claim` over ``CLM\\0`` + channel id + amount
   with the channel's public key: ``claim_signature_invalid``,
   ``claim_signature_non_canonical`` and the malformed-claim codes.
6. ``claim_amount_stale``: the amount is not above the last accepted claim (replays too).
7. ``claim_amount_above_funded``: the amount exceeds the channel's funded amount.

A claim that passes every check is *accepted*: it becomes the channel's last accepted claim.
"""

from __future__ import annotations

from fraud.events import Event
from fraud.reasons import REASONS, Reason
from fraud.store import ChannelRecord
from fraud.verify import ClaimVerifier
from ledger.claims import verify_claim

__all__ = ["check_claim", "drops_text"]

_VERIFIER_CODES = {
    "channel_id_malformed": "claim_channel_id_malformed",
    "amount_malformed": "claim_amount_malformed",
    "amount_out_of_range": "claim_amount_out_of_range",
    "public_key_malformed": "claim_public_key_malformed",
    "signature_malformed": "claim_signature_malformed",
    "signature_non_canonical": "claim_signature_non_canonical",
    "signature_invalid": "claim_signature_invalid",
}


def drops_text(drops: int) -> str:
    return f"{drops:,} drops"


def check_claim(
    event: Event, channel: ChannelRecord | None, verifier: ClaimVerifier | None = None
) -> list[Reason]:
    """Every deterministic reason to block ``event`` (a claim); empty when it is acceptable.

    ``verifier`` (kept by the caller across claims) gives ``verify_claim``'s verdicts faster.
    """
    if channel is None:
        return [Reason("channel_unknown", REASONS["channel_unknown"])]
    reasons: list[Reason] = []
    if channel.closed:
        reasons.append(Reason("channel_closed", REASONS["channel_closed"]))
    ts = event.ts
    if channel.expiration is not None and ts >= channel.expiration:
        reasons.append(
            Reason("channel_expired", "The claim came after the channel's expiration time.")
        )
    elif channel.cancel_after is not None and ts >= channel.cancel_after:
        reasons.append(
            Reason("channel_expired", "The claim came after the channel's cancel-after time.")
        )
    if event.public_key is not None and event.public_key != channel.public_key:
        reasons.append(Reason("claim_public_key_mismatch", REASONS["claim_public_key_mismatch"]))
    else:
        verify = verify_claim if verifier is None else verifier.verify
        check = verify(
            event.channel_id or "", event.amount_text, event.signature, channel.public_key
        )
        if not check.valid:
            code = _VERIFIER_CODES.get(check.code, "claim_signature_invalid")
            reasons.append(Reason(code, check.detail or REASONS[code]))
    if event.amount <= channel.last_claim:
        reasons.append(
            Reason(
                "claim_amount_stale",
                f"The amount {drops_text(event.amount)} is not above the channel's last "
                f"accepted claim of {drops_text(channel.last_claim)} (stale or replayed).",
            )
        )
    if event.amount > channel.funded:
        reasons.append(
            Reason(
                "claim_amount_above_funded",
                f"The amount {drops_text(event.amount)} is more than the channel holds "
                f"({drops_text(channel.funded)}).",
            )
        )
    return reasons
