"""A local XRP Ledger node for development, demos and tests.

It speaks rippled's JSON-RPC (API v2 shapes and error codes) and applies the ledger's real
rules to Payment and the payment-channel transactions, with fees, reserves, signatures and a
controllable clock. Start it with the ``sandbox`` command or in-process with
:func:`run_sandbox`; :data:`ledger.sandbox.demo.DEMO` describes the seeded demo world.
"""

from ledger.sandbox.config import SandboxSettings
from ledger.sandbox.errors import RpcError, SandboxError
from ledger.sandbox.node import SandboxNode
from ledger.sandbox.server import RunningSandbox, run_sandbox
from ledger.sandbox.state import GENESIS_ADDRESS, GENESIS_SECRET, RIPPLE_EPOCH

__all__ = [
    "GENESIS_ADDRESS",
    "GENESIS_SECRET",
    "RIPPLE_EPOCH",
    "RpcError",
    "RunningSandbox",
    "SandboxError",
    "SandboxNode",
    "SandboxSettings",
    "run_sandbox",
]
