"""Driving a sandbox node through xrpl-py as an application would, for tests of any package.

``Node(url)`` signs with xrpl-py's own autofill and signing, submits over HTTP, closes ledgers
with ``ledger_accept`` and moves the clock with ``sandbox_clock``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from xrpl.asyncio.clients import AsyncJsonRpcClient
from xrpl.asyncio.clients.client import REQUEST_TIMEOUT
from xrpl.asyncio.clients.utils import json_to_response, request_to_json_rpc
from xrpl.asyncio.transaction import autofill, submit
from xrpl.constants import CryptoAlgorithm
from xrpl.models.requests import AccountInfo, GenericRequest
from xrpl.models.requests.request import Request
from xrpl.models.response import Response
from xrpl.models.transactions import Payment
from xrpl.models.transactions.transaction import Transaction
from xrpl.transaction import sign
from xrpl.wallet import Wallet

from ledger.sandbox.state import GENESIS_SECRET

__all__ = ["XRP", "Applied", "KeepAliveJsonRpcClient", "Node"]

XRP = 1_000_000


class KeepAliveJsonRpcClient(AsyncJsonRpcClient):
    """xrpl-py's JSON-RPC client with one kept-alive HTTP connection pool.

    The stock client opens a new ``httpx.AsyncClient`` (and TLS context) per request, about
    0.1 s each; requests and responses still go through xrpl-py's own (de)serialisation.
    """

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._http: httpx.AsyncClient | None = None

    async def _request_impl(
        self, request: Request, *, timeout: float = REQUEST_TIMEOUT
    ) -> Response:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=timeout)
        reply = await self._http.post(self.url, json=request_to_json_rpc(request))
        return json_to_response(reply.json())

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


@dataclass
class Applied:
    """The submit result and the transaction as the node has it after the ledger closed."""

    submitted: dict[str, Any]
    tx: dict[str, Any]

    @property
    def result(self) -> str:
        return str(self.tx["meta"]["TransactionResult"])

    @property
    def hash(self) -> str:
        return str(self.tx["hash"])


class Node:
    """What a test does to the ledger, all through xrpl-py against the sandbox's JSON-RPC."""

    def __init__(self, url: str, keep_alive: bool = True) -> None:
        self.client: AsyncJsonRpcClient = (
            KeepAliveJsonRpcClient(url) if keep_alive else AsyncJsonRpcClient(url)
        )
        self.genesis = Wallet.from_seed(GENESIS_SECRET)

    async def aclose(self) -> None:
        if isinstance(self.client, KeepAliveJsonRpcClient):
            await self.client.aclose()

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        response = await self.client.request(GenericRequest(method=method, **params))
        return dict(response.result)

    async def sign(self, tx: Transaction, wallet: Wallet) -> Transaction:
        return sign(await autofill(tx, self.client), wallet)

    async def submit(self, tx: Transaction, wallet: Wallet) -> dict[str, Any]:
        """Autofill, sign and submit; the submit result (no ledger close)."""
        response = await submit(await self.sign(tx, wallet), self.client)
        return dict(response.result)

    async def apply(self, tx: Transaction, wallet: Wallet) -> Applied:
        """Submit, close the ledger, and read the validated transaction back."""
        submitted = await self.submit(tx, wallet)
        if not submitted["engine_result"].startswith(("tes", "tec")):
            raise AssertionError(f"not applied: {submitted}")
        await self.close()
        found = await self.call("tx", transaction=submitted["tx_json"]["hash"])
        assert found["validated"] is True
        return Applied(submitted, found)

    async def close(self) -> None:
        result = await self.call("ledger_accept")
        assert "ledger_current_index" in result

    async def advance(self, seconds: int) -> None:
        """Move the node's clock and close a ledger so the rules see the new time."""
        result = await self.call("sandbox_clock", advance_seconds=seconds)
        assert "now" in result
        await self.close()

    async def funded(self, drops: int, algorithm: str = "ed25519") -> Wallet:
        wallet = Wallet.create(CryptoAlgorithm(algorithm))
        payment = Payment(
            account=self.genesis.address, destination=wallet.address, amount=str(drops)
        )
        assert (await self.apply(payment, self.genesis)).result == "tesSUCCESS"
        return wallet

    async def account(self, address: str) -> dict[str, Any]:
        response = await self.client.request(AccountInfo(account=address, ledger_index="validated"))
        assert response.is_successful(), response.result
        return dict(response.result["account_data"])

    async def balance(self, address: str) -> int:
        return int((await self.account(address))["Balance"])
