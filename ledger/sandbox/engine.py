"""Submitting a signed transaction: decode, verify, check, apply, and record it.

The pipeline follows rippled's: the signature is checked first (a bad one is refused
with ``invalidTransaction`` and never gets a result code), then ``preflight`` (``tem``),
then the account's sequence, LastLedgerSequence and fee (``tef``/``ter``/``tel``), then the
transaction's own rules. ``tes`` and ``tec`` results are included in the open ledger and
cost the fee; every other result leaves no trace.
"""

from __future__ import annotations

from typing import Any

import coincurve
import nacl.exceptions
import nacl.signing
from xrpl.core.binarycodec import decode, encode_for_signing
from xrpl.core.keypairs import derive_classic_address

from ledger.sandbox.codes import ter_code, ter_message
from ledger.sandbox.errors import RpcError
from ledger.sandbox.state import BASE_FEE_DROPS, LedgerState, TxRecord, account_index, sha512_half
from ledger.sandbox.transactors import TRANSACTORS, Context
from ledger.sandbox.view import View

__all__ = ["Engine", "transaction_hash"]

_ACCOUNT_FIELDS = ("Account", "Destination")


def transaction_hash(blob: bytes) -> str:
    return sha512_half(b"TXN\x00" + blob).hex().upper()


def _signature_valid(tx: dict[str, Any]) -> bool:
    """Single signature over the transaction's signing fields, canonical, as rippled checks."""
    try:
        key = bytes.fromhex(str(tx.get("SigningPubKey", "")))
        signature = bytes.fromhex(str(tx.get("TxnSignature", "")))
        message = bytes.fromhex(encode_for_signing(tx))
    except (ValueError, TypeError):
        return False
    if len(key) != 33 or not signature:
        return False
    if key[0] == 0xED:
        try:
            nacl.signing.VerifyKey(key[1:]).verify(message, signature)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            return False
        return True
    if key[0] in (0x02, 0x03):
        try:
            # libsecp256k1 refuses high-S signatures: fully canonical only, as rippled.
            return bool(
                coincurve.PublicKey(key).verify(signature, sha512_half(message), hasher=None)
            )
        except (ValueError, TypeError):
            return False
    return False


class Engine:
    """Applies signed transactions to a :class:`LedgerState`."""

    def __init__(self, state: LedgerState) -> None:
        self.state = state

    def submit(self, blob_hex: str) -> dict[str, Any]:
        """rippled's ``submit`` result for one signed transaction blob."""
        try:
            blob = bytes.fromhex(blob_hex)
            tx = decode(blob_hex)
        except Exception as error:  # the codec raises a variety of errors on garbage
            raise RpcError("invalidTransaction", f"fails local checks: {error}") from error
        if not isinstance(tx, dict) or "TransactionType" not in tx or "Account" not in tx:
            raise RpcError("invalidTransaction", "fails local checks: not a transaction")
        if "Signers" in tx or not tx.get("SigningPubKey"):
            raise RpcError(
                "invalidTransaction",
                "fails local checks: multi-signed transactions are not supported by the sandbox",
            )
        if not _signature_valid(tx):
            raise RpcError("invalidTransaction", "fails local checks: Invalid signature.")
        tx_hash = transaction_hash(blob)
        token = self._run(tx, tx_hash, blob_hex)
        applied = token.startswith(("tes", "tec"))
        account = self.state.account(str(tx["Account"]))
        next_sequence = int(account["Sequence"]) if account else 0
        return {
            "accepted": applied,
            "account_sequence_available": next_sequence,
            "account_sequence_next": next_sequence,
            "applied": applied,
            "broadcast": applied,
            "engine_result": token,
            "engine_result_code": ter_code(token),
            "engine_result_message": ter_message(token),
            "kept": applied,
            "open_ledger_cost": str(BASE_FEE_DROPS),
            "queued": False,
            "tx_blob": blob_hex.upper(),
            "tx_json": {**tx, "hash": tx_hash},
            "validated_ledger_index": self.state.validated_index,
        }

    def _run(self, tx: dict[str, Any], tx_hash: str, blob_hex: str) -> str:
        transactor = TRANSACTORS.get(str(tx["TransactionType"]))
        if transactor is None:
            return "temDISABLED"  # a transaction type the sandbox does not implement
        if "TicketSequence" in tx:
            return "temDISABLED"
        fee = tx.get("Fee")
        if not isinstance(fee, str) or not fee.isdigit():
            return "temBAD_FEE"
        token = transactor.preflight(tx)
        if token is not None:
            return token
        token = self._preclaim(tx, tx_hash)
        if token is not None:
            return token
        account = self.state.account(str(tx["Account"]))
        assert account is not None
        prior_balance = int(account["Balance"])
        view = View(self.state)
        self._charge(view, tx)
        token = transactor.apply(Context(tx, view, self.state, prior_balance))
        if token.startswith("tec"):
            view = View(self.state)
            self._charge(view, tx)
        elif not token.startswith("tes"):
            return token
        self._record(tx, tx_hash, blob_hex, token, view)
        return token

    def _preclaim(self, tx: dict[str, Any], tx_hash: str) -> str | None:
        if tx_hash in self.state.txs:
            return "tefALREADY"
        account = self.state.account(str(tx["Account"]))
        if account is None:
            return "terNO_ACCOUNT"
        sequence = int(tx.get("Sequence", 0))
        if sequence < int(account["Sequence"]):
            return "tefPAST_SEQ"
        if sequence > int(account["Sequence"]):
            return "terPRE_SEQ"
        last = tx.get("LastLedgerSequence")
        if last is not None and int(last) < self.state.current_index:
            return "tefMAX_LEDGER"
        fee = int(tx["Fee"])
        if fee < BASE_FEE_DROPS:
            return "telINSUF_FEE_P"
        if int(account["Balance"]) < fee:
            return "terINSUF_FEE_B"
        if derive_classic_address(str(tx["SigningPubKey"])) != tx["Account"]:
            return "tefBAD_AUTH"  # no regular keys or multi-signing in the sandbox
        return None

    def _charge(self, view: View, tx: dict[str, Any]) -> None:
        """Take the fee (burned) and consume the sequence number."""
        account = view.peek(account_index(str(tx["Account"])))
        assert account is not None
        fee = int(tx["Fee"])
        account["Balance"] = str(int(account["Balance"]) - fee)
        account["Sequence"] = int(account["Sequence"]) + 1

    def _record(
        self, tx: dict[str, Any], tx_hash: str, blob_hex: str, token: str, view: View
    ) -> None:
        nodes = view.commit(tx_hash, self.state.current_index)
        self.state.total_coins -= int(tx["Fee"])
        meta: dict[str, Any] = {
            "AffectedNodes": nodes,
            "TransactionIndex": len(self.state.open_txs),
            "TransactionResult": token,
        }
        if tx["TransactionType"] == "Payment" and token == "tesSUCCESS":
            meta["delivered_amount"] = tx["Amount"]
        self.state.txs[tx_hash] = TxRecord(
            hash=tx_hash,
            tx_json=tx,
            meta=meta,
            blob=blob_hex.upper(),
            accounts=_affected_accounts(tx, nodes),
            ledger_index=self.state.current_index,
        )
        self.state.open_txs.append(tx_hash)


def _affected_accounts(tx: dict[str, Any], nodes: list[dict[str, Any]]) -> list[str]:
    """Accounts named in the metadata (rippled's getAffectedAccounts), sender first."""
    found = [str(tx["Account"])]
    for wrapper in nodes:
        for node in wrapper.values():
            for part in ("FinalFields", "NewFields", "PreviousFields"):
                for field in _ACCOUNT_FIELDS:
                    value = node.get(part, {}).get(field)
                    if value and value not in found:
                        found.append(str(value))
    return found
