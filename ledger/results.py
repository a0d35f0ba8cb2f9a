"""Transaction result codes and validation status, in words a platform user understands.

rippled's result codes come in families, told apart by their first three letters:

- ``tes``: it worked.
- ``tec``: it failed, yet was included in a ledger and the fee was spent.
- ``tef``/``tem``: refused outright (malformed, already used, bad signature); no fee spent.
- ``tel``: refused by this server only (fee too low for its load...); may go through elsewhere.
- ``ter``: could not be applied yet (waiting for an earlier transaction, queued); may still go
  through.

Only a *validated* result is final. Before validation the code is the server's provisional
answer and can still change.
"""

from __future__ import annotations

__all__ = ["describe_outcome", "explain_result", "explain_validation"]

_EXPLANATIONS: dict[str, str] = {
    "tesSUCCESS": "it succeeded",
    "tecUNFUNDED_PAYMENT": (
        "the sender did not have enough spendable XRP: XRP held back as the account reserve "
        "cannot be sent"
    ),
    "tecUNFUNDED": "the account did not have enough spendable XRP above its reserve for this",
    "tecNO_DST_INSUF_XRP": (
        "the destination account does not exist yet, and the payment was too small to create "
        "it: the first payment to a new address must be at least the base reserve (1 XRP)"
    ),
    "tecNO_DST": (
        "the destination account does not exist; it must first be created by a payment of at "
        "least the base reserve (1 XRP)"
    ),
    "tecINSUFFICIENT_RESERVE": (
        "the account would have fallen below its reserve: each object it owns (such as a "
        "payment channel) raises the reserve, so it needs more XRP first"
    ),
    "tecNO_ENTRY": "the object it refers to (for example the payment channel) does not exist",
    "tecNO_PERMISSION": "the sending account is not allowed to do this",
    "tecEXPIRED": "it refers to a time that has already passed, so it expired",
    "tecPATH_DRY": (
        "no way was found to deliver the amount: there was not enough liquidity or the "
        "accounts involved could not receive it"
    ),
    "tecPATH_PARTIAL": "only part of the amount could be delivered, so nothing was sent",
    "tecNO_TARGET": "the account or object it targets does not exist or cannot accept it",
    "tecDST_TAG_NEEDED": (
        "the destination requires a destination tag (often an exchange's or platform's "
        "customer number) and the transaction had none"
    ),
    "tecDIR_FULL": "the account owns too many objects to add another",
    "tecOWNERS": "the account still owns objects that must be removed first",
    "tecINTERNAL": "the server hit an unexpected internal condition; the fee was still spent",
    "tecCLAIM": "the transaction could not be applied, but its fee was spent",
    "tecOVERSIZE": "it would have changed too much of the ledger at once",
    "tefPAST_SEQ": (
        "its sequence number was already used: an earlier transaction from this account took "
        "it, so this one can never apply (it is often a duplicate of one that did)"
    ),
    "tefMAX_LEDGER": (
        "it was not included before its LastLedgerSequence deadline and can never apply; it "
        "is safe to build and send it again"
    ),
    "tefALREADY": "the exact same transaction has already been applied",
    "tefBAD_AUTH": "the key that signed it is not authorised for this account",
    "tefNO_AUTH_REQUIRED": "the setting it needs is not enabled on this account",
    "tefWRONG_PRIOR": "it depends on a previous transaction that does not match",
    "terPRE_SEQ": (
        "its sequence number is ahead of the account's: an earlier transaction from the same "
        "account has to be applied first"
    ),
    "terQUEUED": (
        "the network was busy, so it was queued to be applied in an upcoming ledger; it is "
        "not final yet"
    ),
    "terNO_ACCOUNT": "the sending account does not exist (yet)",
    "terINSUF_FEE_B": "the account does not have enough XRP to pay the transaction fee",
    "terRETRY": "it could not be applied now and may be retried",
    "temBAD_AMOUNT": "the amount is invalid (for example zero, negative or not a valid number)",
    "temBAD_SIGNATURE": "the signature is invalid, so it was rejected",
    "temBAD_FEE": "the fee is invalid",
    "temBAD_EXPIRATION": "the expiration time is invalid",
    "temDST_IS_SRC": "the sender and the destination are the same account",
    "temMALFORMED": "the transaction is malformed",
    "temINVALID_FLAG": "it uses a flag that does not exist for this transaction type",
    "temDISABLED": "it uses a feature that is not enabled on this network",
    "temREDUNDANT": "it would change nothing",
    "telINSUF_FEE_P": (
        "the fee was too low for this server's current load, so it was not relayed; sending "
        "it again with a higher fee, or later, usually works"
    ),
    "telCAN_NOT_QUEUE": "the server was too busy to queue it; try again with a higher fee",
    "telLOCAL_ERROR": "this server refused it locally; another server may accept it",
}

# The same code can mean something quite different depending on what was attempted.
_BY_TYPE: dict[tuple[str, str], str] = {
    ("tecUNFUNDED_PAYMENT", "PaymentChannelClaim"): (
        "the claim was stale or too large: a claim is cumulative, so it pays only what is "
        "above the amount the channel has already paid out, and this one was not above it; "
        "or the channel lacks the funds: the claim asked for more than the channel holds"
    ),
    ("tecUNFUNDED", "PaymentChannelCreate"): (
        "the payer did not have enough spendable XRP above the reserve to fund the channel"
    ),
    ("tecUNFUNDED", "PaymentChannelFund"): (
        "the payer did not have enough spendable XRP above the reserve to add to the channel"
    ),
    ("tecNO_ENTRY", "PaymentChannelClaim"): (
        "the payment channel does not exist: it was never created or has already been closed"
    ),
    ("tecNO_ENTRY", "PaymentChannelFund"): (
        "the payment channel does not exist: it was never created or has already been closed"
    ),
    ("tecNO_PERMISSION", "PaymentChannelClaim"): (
        "only the channel's payer or its recipient may claim from or close it, and the "
        "recipient may not extend it"
    ),
    ("tecNO_PERMISSION", "PaymentChannelFund"): "only the channel's payer can add XRP to it",
    ("temBAD_SIGNATURE", "PaymentChannelClaim"): (
        "the claim's signature does not match the channel's public key for this amount"
    ),
    ("temBAD_AMOUNT", "PaymentChannelClaim"): (
        "the claim amounts are invalid: the balance must be positive, in XRP, and not above "
        "the amount the claim signs"
    ),
    ("tecEXPIRED", "PaymentChannelCreate"): "its cancel-after time had already passed",
    ("tecNO_DST", "PaymentChannelCreate"): (
        "the channel's recipient account does not exist; it must be funded first"
    ),
    ("tecNO_TARGET", "PaymentChannelCreate"): "the recipient account does not accept channels",
}

_FAMILIES: dict[str, str] = {
    "tes": "it succeeded",
    "tec": "it failed, but was recorded in a ledger and its fee was spent",
    "tef": "it was refused and can never apply as it is; no fee was spent",
    "tem": "it was malformed and rejected; no fee was spent",
    "tel": "this server refused it locally; no fee was spent",
    "ter": "it could not be applied yet and may still go through",
}


def explain_result(result_code: str, tx_type: str | None = None) -> str:
    """One plain sentence fragment for a result code, specific to ``tx_type`` where it matters."""
    if tx_type and (specific := _BY_TYPE.get((result_code, tx_type))):
        return specific
    if known := _EXPLANATIONS.get(result_code):
        return known
    family = _FAMILIES.get(result_code[:3])
    if family:
        return f"{family} (code {result_code})"
    if not result_code:
        return "the server has not reported a result yet"
    return f"the server reported an unrecognised result code {result_code!r}"


def explain_validation(validated: bool, result_code: str = "") -> str:
    """Whether the outcome is final, in words."""
    if validated:
        return "Validated: this is final and cannot change."
    if result_code.startswith("tes"):
        return (
            "Not validated yet: it looks successful so far, but it is final only once a "
            "validated ledger includes it (usually within a few seconds)."
        )
    return (
        "Not validated yet: this result is provisional and can still change until a "
        "validated ledger includes the transaction, or its deadline passes."
    )


def describe_outcome(result_code: str, tx_type: str | None, validated: bool) -> str:
    """The sentence a support answer shows: what happened, and whether it is final."""
    what = explain_result(result_code, tx_type)
    label = f"{result_code}: " if result_code else ""
    return f"{label}{what[0].upper()}{what[1:]}. {explain_validation(validated, result_code)}"
