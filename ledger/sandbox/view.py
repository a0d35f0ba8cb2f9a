"""A copy-on-write view of the ledger entries for one transaction, and its metadata."""

from __future__ import annotations

from typing import Any

from ledger.sandbox.state import LedgerState, account_index

__all__ = ["View"]

# Fields that are bookkeeping, not state: never reported as changed.
_THREADING = ("PreviousTxnID", "PreviousTxnLgrSeq")


class View:
    """Reads through to the state; writes stay here until :meth:`commit`."""

    def __init__(self, state: LedgerState) -> None:
        self.state = state
        self._changed: dict[str, dict[str, Any] | None] = {}

    def read(self, index: str) -> dict[str, Any] | None:
        if index in self._changed:
            return self._changed[index]
        return self.state.entries.get(index)

    def peek(self, index: str) -> dict[str, Any] | None:
        """A writable copy of an entry (None if it does not exist)."""
        if index in self._changed:
            return self._changed[index]
        entry = self.state.entries.get(index)
        if entry is None:
            return None
        copy = dict(entry)
        self._changed[index] = copy
        return copy

    def peek_account(self, address: str) -> dict[str, Any] | None:
        return self.peek(account_index(address))

    def insert(self, index: str, entry: dict[str, Any]) -> None:
        self._changed[index] = entry

    def erase(self, index: str) -> None:
        self._changed[index] = None

    def commit(self, tx_hash: str, ledger_index: int) -> list[dict[str, Any]]:
        """Write the changes to the state; rippled's ``AffectedNodes``, sorted by index."""
        nodes: list[tuple[str, dict[str, Any]]] = []
        for index, new in self._changed.items():
            old = self.state.entries.get(index)
            if old is None and new is None:
                continue
            if old is None and new is not None:
                new.update(PreviousTxnID=tx_hash, PreviousTxnLgrSeq=ledger_index)
                fields = {k: v for k, v in new.items() if k not in ("LedgerEntryType", *_THREADING)}
                node = {
                    "LedgerEntryType": new["LedgerEntryType"],
                    "LedgerIndex": index,
                    "NewFields": _without_defaults(fields),
                }
                nodes.append((index, {"CreatedNode": node}))
            elif new is None and old is not None:
                final = {k: v for k, v in old.items() if k != "LedgerEntryType"}
                node = {
                    "FinalFields": final,
                    "LedgerEntryType": old["LedgerEntryType"],
                    "LedgerIndex": index,
                }
                nodes.append((index, {"DeletedNode": node}))
            elif new is not None and old is not None:
                previous = {k: v for k, v in old.items() if k not in _THREADING and new.get(k) != v}
                if not previous and new == old:
                    continue
                node = {
                    "FinalFields": {
                        k: v for k, v in new.items() if k not in ("LedgerEntryType", *_THREADING)
                    },
                    "LedgerEntryType": old["LedgerEntryType"],
                    "LedgerIndex": index,
                    "PreviousFields": previous,
                    "PreviousTxnID": old.get("PreviousTxnID"),
                    "PreviousTxnLgrSeq": old.get("PreviousTxnLgrSeq"),
                }
                new.update(PreviousTxnID=tx_hash, PreviousTxnLgrSeq=ledger_index)
                nodes.append((index, {"ModifiedNode": node}))
            self.state.write(index, new)
        return [node for _, node in sorted(nodes, key=lambda pair: pair[0])]


def _without_defaults(fields: dict[str, Any]) -> dict[str, Any]:
    """rippled leaves zero-valued default fields out of ``NewFields``."""
    return {k: v for k, v in fields.items() if v not in (0, "0")}
