"""The sandbox node's errors: one root, and rippled's RPC errors as values."""

from __future__ import annotations

from typing import Any

__all__ = ["RPC_ERRORS", "RpcError", "SandboxError"]


class SandboxError(Exception):
    """Anything the sandbox node cannot do, with a message saying what."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# rippled's ErrorCodes.cpp: token -> (error_code, default error_message)
RPC_ERRORS: dict[str, tuple[int, str]] = {
    "actMalformed": (35, "Account malformed."),
    "actNotFound": (19, "Account not found."),
    "channelAmtMalformed": (46, "Payment channel amount is malformed."),
    "channelMalformed": (45, "Payment channel is malformed."),
    "entryNotFound": (98, "Entry not found."),
    "internal": (73, "Internal error."),
    "invalidParams": (31, "Invalid parameters."),
    "lgrNotFound": (21, "ledgerNotFound"),
    "lgrIdxMalformed": (28, "Ledger index malformed."),
    "notStandAlone": (36, "Operation valid in debug mode only."),
    "publicMalformed": (62, "Public key is malformed."),
    "txnNotFound": (29, "Transaction not found."),
    "unexpectedLedgerType": (99, "Unexpected ledger type."),
    "unknownCmd": (32, "Unknown method."),
    "invalid_API_version": (6, "API version is not valid."),
}


class RpcError(SandboxError):
    """A JSON-RPC error answered in rippled's shape (``error``, ``error_code``, ...)."""

    def __init__(
        self, error: str, message: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        code, default = RPC_ERRORS.get(error, (-1, error))
        super().__init__(message or default)
        self.error = error
        self.error_code = code
        self.extra = extra or {}

    def result(self, request: dict[str, Any]) -> dict[str, Any]:
        """The ``result`` object rippled answers with."""
        body: dict[str, Any] = dict(self.extra)
        body["error"] = self.error
        if self.error in RPC_ERRORS:
            body["error_code"] = self.error_code
            body["error_message"] = self.message
        else:  # e.g. submit's invalidTransaction, which rippled words as an exception
            body["error_exception"] = self.message
        body["request"] = request
        body["status"] = "error"
        return body
