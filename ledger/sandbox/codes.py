"""Transaction engine results (TER): rippled's tokens, numbers and messages."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import xrpl

__all__ = ["ter_code", "ter_message"]

# rippled's TER.cpp messages for the results this node can produce.
_MESSAGES = {
    "tesSUCCESS": "The transaction was applied. Only final in a validated ledger.",
    "tecDST_TAG_NEEDED": "A destination tag is required.",
    "tecEXPIRED": "Expiration time is passed.",
    "tecINSUFFICIENT_RESERVE": "Insufficient reserve to complete requested operation.",
    "tecNO_DST": "Destination does not exist. Send XRP to create it.",
    "tecNO_DST_INSUF_XRP": "Destination does not exist. Too little XRP sent to create it.",
    "tecNO_ENTRY": "No matching entry found.",
    "tecNO_PERMISSION": "No permission to perform requested operation.",
    "tecNO_TARGET": "Target of transaction does not exist.",
    "tecUNFUNDED": "Not enough XRP to satisfy the reserve requirement.",
    "tecUNFUNDED_PAYMENT": "Insufficient XRP balance to send.",
    "tefALREADY": "The exact transaction was already in this ledger.",
    "tefBAD_AUTH": "Transaction's public key is not authorized.",
    "tefMAX_LEDGER": "Ledger sequence too high.",
    "tefPAST_SEQ": "This sequence number has already passed.",
    "telINSUF_FEE_P": "Fee insufficient.",
    "temBAD_AMOUNT": "Malformed: Bad amount.",
    "temBAD_EXPIRATION": "Malformed: Bad expiration.",
    "temBAD_FEE": "Invalid fee, negative or not XRP.",
    "temBAD_SEND_XRP_LIMIT": "Malformed: Limit quality is not allowed for XRP to XRP.",
    "temBAD_SEND_XRP_MAX": "Malformed: Send max is not allowed for XRP to XRP.",
    "temBAD_SEND_XRP_NO_DIRECT": "Malformed: No Ripple direct is not allowed for XRP to XRP.",
    "temBAD_SEND_XRP_PARTIAL": "Malformed: Partial payment is not allowed for XRP to XRP.",
    "temBAD_SEND_XRP_PATHS": "Malformed: Paths are not allowed for XRP to XRP.",
    "temBAD_SIGNATURE": "Malformed: Bad signature.",
    "temBAD_SIGNER": "Malformed: No signer may duplicate account or other signers.",
    "temBAD_SRC_ACCOUNT": "Malformed: Bad source account.",
    "temDISABLED": "The transaction requires logic that is currently disabled.",
    "temDST_IS_SRC": "Destination may not be source.",
    "temDST_NEEDED": "Destination not specified.",
    "temINVALID_FLAG": "The transaction has an invalid flag.",
    "temMALFORMED": "Malformed transaction.",
    "temREDUNDANT": "The transaction is redundant.",
    "terINSUF_FEE_B": "Account balance can't pay fee.",
    "terNO_ACCOUNT": "The source account does not exist.",
    "terPRE_SEQ": "Missing/inapplicable prior transaction.",
}


@functools.cache
def _numbers() -> dict[str, int]:
    path = Path(xrpl.__file__).parent / "core" / "binarycodec" / "definitions" / "definitions.json"
    table: dict[str, int] = json.loads(path.read_text())["TRANSACTION_RESULTS"]
    return table


def ter_code(token: str) -> int:
    """rippled's number for a result token (``tecUNFUNDED_PAYMENT`` -> 104)."""
    return _numbers()[token]


def ter_message(token: str) -> str:
    """rippled's one-line description of a result token."""
    return _MESSAGES.get(token, token)
