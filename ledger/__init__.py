"""XRP Ledger access for channeldesk.

- :func:`verify_claim`: fast, canonical payment-channel claim verification, as rippled does it.
- :class:`LedgerClient`: async queries (account overview, channels, transactions, history)
  returning the typed results in :mod:`ledger.types`, failing with :mod:`ledger.errors`.
- :mod:`ledger.results`: result codes and validation status in plain words.
- :class:`LedgerSettings`: where the node is (``LEDGER_URL``) and how long to wait for it.
- ``ledger.sandbox``: a local node speaking rippled's JSON-RPC, for development and tests.
"""

from ledger.claims import ClaimCheck, claim_signing_bytes, verify_claim
from ledger.client import LedgerClient, classic_address, normalize_tx_hash
from ledger.config import LedgerSettings
from ledger.errors import (
    AccountNotFound,
    ChannelNotFound,
    InvalidAddress,
    InvalidTransactionHash,
    LedgerError,
    LedgerRequestFailed,
    LedgerTimeout,
    LedgerUnreachable,
    TransactionNotFound,
)
from ledger.results import describe_outcome, explain_result, explain_validation
from ledger.types import (
    AccountOverview,
    ChannelState,
    TransactionPage,
    TransactionStatus,
    drops_to_xrp_text,
    ripple_time_to_datetime,
)

__all__ = [
    "AccountNotFound",
    "AccountOverview",
    "ChannelNotFound",
    "ChannelState",
    "ClaimCheck",
    "InvalidAddress",
    "InvalidTransactionHash",
    "LedgerClient",
    "LedgerError",
    "LedgerRequestFailed",
    "LedgerSettings",
    "LedgerTimeout",
    "LedgerUnreachable",
    "TransactionNotFound",
    "TransactionPage",
    "TransactionStatus",
    "claim_signing_bytes",
    "classic_address",
    "describe_outcome",
    "drops_to_xrp_text",
    "explain_result",
    "explain_validation",
    "normalize_tx_hash",
    "ripple_time_to_datetime",
    "verify_claim",
]
