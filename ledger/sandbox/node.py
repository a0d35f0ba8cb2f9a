"""The sandbox node: ledger state, transaction engine, clock and persistence in one object."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ledger.sandbox.engine import Engine
from ledger.sandbox.state import LedgerHeader, LedgerState

__all__ = ["SandboxNode"]

log = logging.getLogger(__name__)


class SandboxNode:
    """What the JSON-RPC methods act on. Not thread-safe: one event loop drives it."""

    def __init__(self, state_file: Path | None = None) -> None:
        self.state_file = state_file
        if state_file is not None and state_file.exists():
            self.state = LedgerState.load(state_file)
            log.info("loaded ledger %d from %s", self.state.validated_index, state_file)
        else:
            self.state = LedgerState()
        self.engine = Engine(self.state)
        self.started = time.monotonic()

    @property
    def fresh(self) -> bool:
        """True while nothing but the genesis ledgers exists."""
        return not self.state.txs

    def close_ledger(self) -> LedgerHeader:
        """Close the open ledger (``ledger_accept``) and save the state if a file is set."""
        header = self.state.close_ledger()
        if self.state_file is not None:
            self.state.save(self.state_file)
        return header

    def shutdown(self) -> None:
        """Close a ledger holding pending transactions so they are saved, then save."""
        if self.state.open_txs:
            self.close_ledger()
        elif self.state_file is not None:
            self.state.save(self.state_file)
