"""Async access to an XRP Ledger node over JSON-RPC, returning typed results in plain terms.

Built on xrpl-py's ``AsyncJsonRpcClient`` and request models. The only change to xrpl-py's
client is how a request travels: one pooled ``httpx.AsyncClient`` per ``LedgerClient``
(xrpl-py opens a new connection per request), an overall deadline of ``timeout_seconds``,
and transport failures turned into :mod:`ledger.errors`. ``LedgerClient.xrpl_client`` is a
regular xrpl-py async client, so ``xrpl.asyncio`` helpers (``submit_and_wait``,
``get_balance``...) can share its connection.

Never use xrpl-py's synchronous helpers here: they call ``asyncio.run()`` and fail inside
a running event loop (Rasa's action server, FastAPI). A ``LedgerClient`` belongs to the
event loop it is first used in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any, Self

import httpx
from xrpl.asyncio.clients import AsyncJsonRpcClient
from xrpl.asyncio.clients.client import REQUEST_TIMEOUT
from xrpl.asyncio.clients.utils import json_to_response, request_to_json_rpc
from xrpl.core.addresscodec import (
    XRPL_ALPHABET,
    XRPLAddressCodecException,
    decode_classic_address,
    is_valid_xaddress,
    xaddress_to_classic_address,
)
from xrpl.models.requests import (
    AccountChannels,
    AccountInfo,
    AccountTx,
    LedgerEntry,
    ServerInfo,
    Tx,
)
from xrpl.models.requests.request import Request
from xrpl.models.response import Response

from ledger.config import LedgerSettings
from ledger.errors import (
    AccountNotFound,
    ChannelNotFound,
    InvalidAddress,
    InvalidTransactionHash,
    LedgerRequestFailed,
    LedgerTimeout,
    LedgerUnreachable,
    TransactionNotFound,
)
from ledger.types import AccountOverview, ChannelState, TransactionPage, TransactionStatus

__all__ = ["LedgerClient", "classic_address", "normalize_tx_hash"]

_DROPS_PER_XRP = Decimal(1_000_000)
_ALPHABET = frozenset(XRPL_ALPHABET.decode())
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_ERROR_HINTS = {
    "lgrNotFound": "the node does not have that ledger (it may still be syncing)",
    "noNetwork": "the node is not connected to the XRP Ledger network",
    "noCurrent": "the node does not know the current ledger yet (it is still syncing)",
    "noClosed": "the node has not closed a ledger yet (it is still syncing)",
    "tooBusy": "the node is too busy to answer; try again shortly",
    "slowDown": "the node is rate-limiting these requests; try again shortly",
    "unknownCmd": "the node does not support this request",
}


def classic_address(address: str) -> str:
    """The classic ``r...`` address for a classic or X-address, or ``InvalidAddress`` saying
    exactly what is wrong. Surrounding whitespace is ignored."""
    if not isinstance(address, str) or not address.strip():
        raise InvalidAddress(str(address), "an XRP Ledger address is needed; none was given")
    text = address.strip()
    foreign = sorted({c for c in text if c not in _ALPHABET})
    if foreign:
        shown = ", ".join(repr(c) for c in foreign)
        raise InvalidAddress(
            text,
            f"{text!r} is not an XRP Ledger address: it contains {shown}, "
            f"{'which never appears' if len(foreign) == 1 else 'which never appear'} in "
            "addresses (they use letters and digits except 0, O, I and l)",
        )
    if text[0] in "XT":
        if is_valid_xaddress(text):
            return str(xaddress_to_classic_address(text)[0])
        raise InvalidAddress(
            text,
            f"{text!r} looks like an X-address but its checksum does not match: a character "
            "is probably mistyped or missing",
        )
    if text[0] != "r":
        raise InvalidAddress(
            text,
            f"{text!r} is not an XRP Ledger address: classic addresses start with 'r', "
            "X-addresses with 'X' (or 'T' on test networks)",
        )
    if not 25 <= len(text) <= 35:
        raise InvalidAddress(
            text,
            f"{text!r} is {len(text)} characters long; classic addresses have 25 to 35",
        )
    try:
        decode_classic_address(text)
    except (XRPLAddressCodecException, ValueError):
        raise InvalidAddress(
            text,
            f"{text!r} is not a valid XRP Ledger address: its checksum does not match, so a "
            "character is probably mistyped",
        ) from None
    return text


def normalize_tx_hash(tx_hash: str, what: str = "transaction hash") -> str:
    """A transaction hash (or channel id: ``what``) in upper-case, or ``InvalidTransactionHash``."""
    text = tx_hash.strip() if isinstance(tx_hash, str) else ""
    if len(text) != 64 or not set(text) <= _HEX_DIGITS:
        raise InvalidTransactionHash(
            str(tx_hash),
            f"{tx_hash!r} is not a {what}: it must be 64 hexadecimal characters (0-9, A-F)",
        )
    return text.upper()


class _PooledJsonRpcClient(AsyncJsonRpcClient):
    """xrpl-py's JSON-RPC client over one pooled httpx client, with errors mapped."""

    def __init__(
        self, url: str, timeout_seconds: float, transport: httpx.AsyncBaseTransport | None
    ) -> None:
        super().__init__(url)
        self._timeout_seconds = timeout_seconds
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    async def _request_impl(
        self, request: Request, *, timeout: float = REQUEST_TIMEOUT
    ) -> Response:
        limit = min(timeout, self._timeout_seconds)
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=limit, transport=self._transport)
        method = _method_name(request)
        try:
            async with asyncio.timeout(limit):
                reply = await self._http.post(self.url, json=request_to_json_rpc(request))
        except (TimeoutError, httpx.TimeoutException):
            raise LedgerTimeout(
                f"the ledger node at {self.url} did not answer the {method} request "
                f"within {limit:g} s"
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise LedgerUnreachable(
                f"the ledger URL {self.url!r} is not usable ({error}); check LEDGER_URL"
            ) from None
        except httpx.TransportError as error:
            raise LedgerUnreachable(
                f"cannot reach the ledger node at {self.url} ({_reason(error)}); "
                "is it running, and is LEDGER_URL right?"
            ) from None
        try:
            body = reply.json()
            return json_to_response(body)
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
            snippet = reply.text[:120].strip()
            raise LedgerRequestFailed(
                f"http_{reply.status_code}",
                f"the ledger node at {self.url} gave an unusable answer to {method} "
                f"(HTTP {reply.status_code}: {snippet!r})",
            ) from None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


def _method_name(request: Request) -> str:
    # Typed requests carry a RequestMethod enum; GenericRequest a plain string.
    method = request.method
    return str(getattr(method, "value", method))


def _reason(error: httpx.TransportError) -> str:
    """What went wrong underneath httpx's message ("All connection attempts failed")."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        cause = cause.__cause__ or cause.__context__
    text = str(error) or type(error).__name__
    if "refused" in text.lower():
        return "connection refused"
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return "host name not found"
    return text


class LedgerClient:
    """Typed, async queries against one XRP Ledger node."""

    def __init__(
        self,
        url: str | None = None,
        timeout_seconds: float | None = None,
        *,
        settings: LedgerSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = settings or LedgerSettings()
        self.url = url or self._settings.url
        self.timeout_seconds = timeout_seconds or self._settings.timeout_seconds
        self.xrpl_client = _PooledJsonRpcClient(self.url, self.timeout_seconds, transport)
        self._reserves: tuple[int, int, float] | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.xrpl_client.aclose()

    # -- queries ---------------------------------------------------------------------------

    async def server_info(self) -> dict[str, Any]:
        """rippled's ``server_info`` ``info`` object."""
        result = await self._call(ServerInfo())
        info = result.get("info")
        if not isinstance(info, dict):
            raise LedgerRequestFailed("malformed_response", "server_info returned no info")
        return info

    async def account_overview(self, address: str) -> AccountOverview:
        """Balance, reserve, spendable XRP and XRP locked in channels of one account."""
        account = classic_address(address)
        result, ledger = await self._account_info(account)
        with _expected_shape("account_info"):
            data = result["account_data"]
            balance = int(data["Balance"])
            owner_count = int(data.get("OwnerCount", 0))
            sequence = int(data["Sequence"])
            ledger_index = int(result.get("ledger_index") or result["ledger_current_index"])
        (base, increment), channels = await asyncio.gather(
            self._reserve_drops(), self._channels(account, None, ledger)
        )
        reserve = base + owner_count * increment
        return AccountOverview(
            address=account,
            balance_drops=balance,
            reserve_drops=reserve,
            base_reserve_drops=base,
            owner_reserve_drops=increment,
            owner_count=owner_count,
            spendable_drops=max(0, balance - reserve),
            locked_in_channels_drops=sum(
                c.remaining_drops for c in channels if c.account == account
            ),
            channel_count=len(channels),
            sequence=sequence,
            ledger_index=ledger_index,
            validated=bool(result.get("validated", False)),
        )

    async def channels(self, address: str, destination: str | None = None) -> list[ChannelState]:
        """Channels ``address`` pays into (optionally only those to ``destination``)."""
        account = classic_address(address)
        recipient = classic_address(destination) if destination is not None else None
        return await self._channels(account, recipient, "validated")

    async def channel(self, channel_id: str) -> ChannelState:
        """One channel by its id, from the validated ledger, or ``ChannelNotFound``."""
        normalized = normalize_tx_hash(channel_id, "channel id")
        request = LedgerEntry(payment_channel=normalized, ledger_index="validated")
        result = await self._call(request, channel_id=normalized)
        with _expected_shape("ledger_entry"):
            return ChannelState.from_ledger_entry({**result["node"], "index": result["index"]})

    async def transaction(self, tx_hash: str) -> TransactionStatus:
        """One transaction's status, its result explained."""
        normalized = normalize_tx_hash(tx_hash)
        result = await self._call(Tx(transaction=normalized), tx_hash=normalized)
        with _expected_shape("tx"):
            return TransactionStatus.from_rpc(result)

    async def history(
        self,
        address: str,
        limit: int = 10,
        marker: object | None = None,
        since: datetime | None = None,
    ) -> TransactionPage:
        """Recent transactions of an account, newest first, ``limit`` at most per page.

        With ``since`` (an aware datetime), older transactions are left out and paging stops
        at the first one older than it.
        """
        if not 1 <= limit <= 400:
            raise ValueError(f"limit must be between 1 and 400, got {limit}")
        if since is not None and since.tzinfo is None:
            raise ValueError("since must be timezone-aware (for example datetime.now(UTC))")
        account = classic_address(address)
        request = AccountTx(account=account, limit=limit, marker=marker, forward=False)
        result = await self._call(request, address=account)
        with _expected_shape("account_tx"):
            transactions = [TransactionStatus.from_rpc(entry) for entry in result["transactions"]]
        next_marker = result.get("marker")
        if since is not None:
            recent = [t for t in transactions if t.close_time is None or t.close_time >= since]
            if len(recent) < len(transactions):
                next_marker = None
            transactions = recent
        return TransactionPage(account=account, transactions=transactions, marker=next_marker)

    # -- internals -------------------------------------------------------------------------

    async def _account_info(self, account: str) -> tuple[dict[str, Any], str]:
        """account_info from the validated ledger, else the open one (not yet validated)."""
        try:
            result = await self._call(
                AccountInfo(account=account, ledger_index="validated"), address=account
            )
            return result, "validated"
        except AccountNotFound:
            pass
        except LedgerRequestFailed as error:
            if error.error != "lgrNotFound":
                raise
        result = await self._call(
            AccountInfo(account=account, ledger_index="current"), address=account
        )
        return result, "current"

    async def _channels(
        self, account: str, destination: str | None, ledger: str
    ) -> list[ChannelState]:
        channels: list[ChannelState] = []
        marker: Any = None
        for _ in range(self._settings.max_channel_pages):
            request = AccountChannels(
                account=account,
                destination_account=destination,
                ledger_index=ledger,
                limit=self._settings.channel_page_limit,
                marker=marker,
            )
            result = await self._call(request, address=account)
            with _expected_shape("account_channels"):
                channels.extend(ChannelState.from_rpc(c) for c in result.get("channels", []))
            marker = result.get("marker")
            if marker is None:
                break
        return channels

    async def _reserve_drops(self) -> tuple[int, int]:
        """(base reserve, owner reserve) in drops from server_info, cached briefly."""
        now = time.monotonic()
        if self._reserves is not None and now - self._reserves[2] < (
            self._settings.reserve_cache_seconds
        ):
            return self._reserves[0], self._reserves[1]
        info = await self.server_info()
        ledger = info.get("validated_ledger") or info.get("closed_ledger") or {}
        try:
            base = _xrp_to_drops(ledger["reserve_base_xrp"])
            increment = _xrp_to_drops(ledger["reserve_inc_xrp"])
        except (KeyError, InvalidOperation, TypeError, ValueError):
            raise LedgerRequestFailed(
                "noValidatedLedger",
                "the ledger node reported no reserve figures: it has no validated ledger yet",
            ) from None
        self._reserves = (base, increment, now)
        return base, increment

    async def _call(
        self,
        request: Request,
        *,
        address: str | None = None,
        tx_hash: str | None = None,
        channel_id: str | None = None,
    ) -> dict[str, Any]:
        response = await self.xrpl_client.request(request)
        result = response.result
        if response.is_successful():
            return result
        error = str(result.get("error", "unknown"))
        if error == "actNotFound" and address is not None:
            raise AccountNotFound(address)
        if error == "txnNotFound" and tx_hash is not None:
            raise TransactionNotFound(tx_hash)
        if error in ("entryNotFound", "unexpectedLedgerType") and channel_id is not None:
            raise ChannelNotFound(channel_id)
        if error == "actMalformed":
            raise InvalidAddress(address or "", f"the node rejected the address {address!r}")
        detail = _ERROR_HINTS.get(error) or result.get("error_message") or error
        raise LedgerRequestFailed(
            error, f"the ledger node refused the {_method_name(request)} request: {detail}"
        )


@contextlib.contextmanager
def _expected_shape(method: str) -> Iterator[None]:
    """Turn a reply that lacks the fields rippled always sends into a LedgerRequestFailed."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise LedgerRequestFailed(
            "malformed_response",
            f"the ledger node's answer to {method} lacks or garbles a field rippled always "
            f"sends ({type(error).__name__}: {error})",
        ) from None


def _xrp_to_drops(value: object) -> int:
    # server_info gives XRP as JSON numbers (0.2); via str() they convert exactly.
    drops = Decimal(str(value)) * _DROPS_PER_XRP
    if drops != drops.to_integral_value():
        raise ValueError(f"{value} XRP is not a whole number of drops")
    return int(drops)
