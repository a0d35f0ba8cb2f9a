"""XRP Ledger access for channeldesk: claim verification, typed results, an async client."""

from ledger.claims import ClaimCheck, claim_signing_bytes, verify_claim

__all__ = ["ClaimCheck", "claim_signing_bytes", "verify_claim"]
