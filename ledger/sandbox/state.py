"""The node's ledger state: entries, closed ledger headers, transactions and the clock.

Ledger entries are kept in rippled's JSON form (``AccountRoot``, ``PayChannel``), keyed by
their ledger index. An entry dict is never changed in place once stored: a transaction
writes new dicts, so a snapshot of the validated ledger is a shallow copy of the mapping.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xrpl.core.addresscodec import decode_classic_address

from ledger.sandbox.errors import SandboxError

__all__ = [
    "BASE_FEE_DROPS",
    "GENESIS_ADDRESS",
    "GENESIS_SECRET",
    "OWNER_RESERVE_DROPS",
    "RESERVE_BASE_DROPS",
    "RIPPLE_EPOCH",
    "TOTAL_COINS_DROPS",
    "LedgerHeader",
    "LedgerState",
    "TxRecord",
    "account_index",
    "channel_index",
    "ripple_time_iso",
    "sha512_half",
]

RIPPLE_EPOCH = 946_684_800
"""Unix time of 2000-01-01T00:00:00Z, where the XRP Ledger counts time from."""
GENESIS_ADDRESS = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
GENESIS_SECRET = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"
"""The well-known genesis secret of every standalone rippled (not a secret)."""
TOTAL_COINS_DROPS = 100_000_000_000 * 1_000_000
RESERVE_BASE_DROPS = 1_000_000
OWNER_RESERVE_DROPS = 200_000
BASE_FEE_DROPS = 10
FIRST_CLOSED_LEDGER = 2
ZERO_HASH = "0" * 64


def sha512_half(data: bytes) -> bytes:
    return hashlib.sha512(data).digest()[:32]


def account_index(address: str) -> str:
    """Ledger index of an AccountRoot (space ``a``)."""
    return sha512_half(b"\x00a" + decode_classic_address(address)).hex().upper()


def channel_index(source: str, destination: str, sequence: int) -> str:
    """Ledger index (channel id) of a PayChannel (space ``x``)."""
    data = (
        b"\x00x"
        + decode_classic_address(source)
        + decode_classic_address(destination)
        + sequence.to_bytes(4, "big")
    )
    return sha512_half(data).hex().upper()


def ripple_time_iso(ripple_seconds: int) -> str:
    moment = datetime.fromtimestamp(ripple_seconds + RIPPLE_EPOCH, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class LedgerHeader:
    """A closed (and, on this single node, validated) ledger."""

    index: int
    hash: str
    parent_hash: str
    close_time: int
    parent_close_time: int
    total_coins: int
    tx_hashes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TxRecord:
    """A transaction applied to the open ledger or contained in a closed one."""

    hash: str
    tx_json: dict[str, Any]
    meta: dict[str, Any]
    blob: str
    accounts: list[str]
    ledger_index: int
    """The ledger it is (or will be) in."""
    validated: bool = False


class LedgerState:
    """Entries of the open ledger, the last validated snapshot, history and the clock."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.validated_entries: dict[str, dict[str, Any]] = {}
        self.headers: dict[int, LedgerHeader] = {}
        self.txs: dict[str, TxRecord] = {}
        self.open_txs: list[str] = []
        self.account_txs: dict[str, list[str]] = {}
        """Validated transaction hashes per affected account, oldest first."""
        self.channels_by_account: dict[str, set[str]] = {}
        self._recently_deleted: dict[str, set[str]] = {}
        self.clock_offset = 0.0
        self.total_coins = TOTAL_COINS_DROPS
        self.current_index = FIRST_CLOSED_LEDGER + 1
        self._genesis()

    # -- clock -------------------------------------------------------------------------------

    def now(self) -> int:
        """The node's clock in seconds since the Ripple epoch."""
        return int(time.time() + self.clock_offset) - RIPPLE_EPOCH

    def set_now(self, ripple_seconds: int) -> None:
        self.clock_offset = ripple_seconds + RIPPLE_EPOCH - time.time()

    # -- ledgers -----------------------------------------------------------------------------

    @property
    def validated_index(self) -> int:
        return self.current_index - 1

    @property
    def last_closed(self) -> LedgerHeader:
        return self.headers[self.validated_index]

    def parent_close_time(self) -> int:
        """What the open ledger's rules read as "now": the last closed ledger's close time."""
        return self.last_closed.close_time

    def _genesis(self) -> None:
        genesis = {
            "Account": GENESIS_ADDRESS,
            "Balance": str(TOTAL_COINS_DROPS),
            "Flags": 0,
            "LedgerEntryType": "AccountRoot",
            "OwnerCount": 0,
            "PreviousTxnID": ZERO_HASH,
            "PreviousTxnLgrSeq": 0,
            "Sequence": 1,
        }
        self.entries[account_index(GENESIS_ADDRESS)] = genesis
        close_time = self.now() - 1
        parent = ZERO_HASH
        for index in range(1, FIRST_CLOSED_LEDGER + 1):
            header = LedgerHeader(index, "", parent, close_time, close_time, self.total_coins)
            header.hash = self._header_hash(header)
            self.headers[index] = header
            parent = header.hash
        self.validated_entries = dict(self.entries)

    def _header_hash(self, header: LedgerHeader) -> str:
        text = json.dumps(
            [
                header.index,
                header.parent_hash,
                header.close_time,
                header.total_coins,
                *header.tx_hashes,
            ]
        )
        return sha512_half(b"LWR\x00" + text.encode()).hex().upper()

    def close_ledger(self) -> LedgerHeader:
        """Close the open ledger: its transactions become validated; a new ledger opens."""
        parent = self.last_closed
        close_time = max(self.now(), parent.close_time + 1)
        header = LedgerHeader(
            index=self.current_index,
            hash="",
            parent_hash=parent.hash,
            close_time=close_time,
            parent_close_time=parent.close_time,
            total_coins=self.total_coins,
            tx_hashes=list(self.open_txs),
        )
        header.hash = self._header_hash(header)
        self.headers[header.index] = header
        for position, tx_hash in enumerate(self.open_txs):
            record = self.txs[tx_hash]
            record.meta["TransactionIndex"] = position
            record.validated = True
            for account in record.accounts:
                self.account_txs.setdefault(account, []).append(tx_hash)
        self.open_txs = []
        self.validated_entries = dict(self.entries)
        self._recently_deleted = {}
        self.current_index += 1
        return header

    # -- entries -----------------------------------------------------------------------------

    def account(self, address: str, validated: bool = False) -> dict[str, Any] | None:
        source = self.validated_entries if validated else self.entries
        return source.get(account_index(address))

    def channels_of(
        self, address: str, validated: bool = False
    ) -> list[tuple[str, dict[str, Any]]]:
        """(channel id, PayChannel) where ``address`` is source or destination, by id.

        The per-account lists follow the open ledger; a channel created since the last close
        is missing from the validated mapping and left out, one deleted since is kept by
        also looking at the validated mapping's own channels of this account.
        """
        source = self.validated_entries if validated else self.entries
        keys = set(self.channels_by_account.get(address, ()))
        if validated:
            keys |= self._recently_deleted.get(address, set())
        found = ((key, source.get(key)) for key in sorted(keys))
        return [(key, entry) for key, entry in found if entry is not None]

    def write(self, index: str, entry: dict[str, Any] | None) -> None:
        """Store (or with None delete) an entry, keeping the per-account channel lists."""
        if entry is None:
            old = self.entries.pop(index, None)
            if old is not None and old.get("LedgerEntryType") == "PayChannel":
                for who in (old["Account"], old["Destination"]):
                    self.channels_by_account.get(who, set()).discard(index)
                    self._recently_deleted.setdefault(who, set()).add(index)
            return
        self.entries[index] = entry
        if entry.get("LedgerEntryType") == "PayChannel":
            for who in (entry["Account"], entry["Destination"]):
                self.channels_by_account.setdefault(who, set()).add(index)

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the closed state to ``path`` atomically (the open ledger is not saved)."""
        data = {
            "version": 1,
            "entries": self.validated_entries,
            "headers": [asdict(h) for h in self.headers.values()],
            "txs": [asdict(self.txs[h]) for h in self._validated_hashes()],
            "clock_offset": self.clock_offset,
            "total_coins": self.total_coins,
            "current_index": self.current_index,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(data, separators=(",", ":")))
        os.replace(partial, path)

    def _validated_hashes(self) -> list[str]:
        return [h for header in self.headers.values() for h in header.tx_hashes]

    @classmethod
    def load(cls, path: Path) -> LedgerState:
        try:
            data = json.loads(path.read_text())
            state = cls()
            state.entries = {}
            state.channels_by_account = {}
            for index, entry in data["entries"].items():
                state.write(index, entry)
            state.validated_entries = dict(state.entries)
            state.headers = {h["index"]: LedgerHeader(**h) for h in data["headers"]}
            state.clock_offset = float(data["clock_offset"])
            state.total_coins = int(data["total_coins"])
            state.current_index = int(data["current_index"])
            state.txs = {}
            state.account_txs = {}
            for raw in data["txs"]:
                record = TxRecord(**raw)
                state.txs[record.hash] = record
                for account in record.accounts:
                    state.account_txs.setdefault(account, []).append(record.hash)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SandboxError(f"cannot load the sandbox state file {path}: {error}") from error
        return state
