"""Receiver URL checks: HTTPS outside development, no loopback, private or link-local hosts."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from api.errors import BadRequest

__all__ = ["Resolver", "UrlRejected", "check_url", "resolve_host"]

Resolver = Callable[[str], list[str]]


class UrlRejected(BadRequest):
    pass


def resolve_host(host: str) -> list[str]:
    """Every address `host` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def _forbidden(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return "a private or reserved address"
    return None


def check_url(
    url: str,
    *,
    allow_http: bool,
    allow_private: bool,
    resolver: Resolver | None = None,
) -> str:
    """The URL unchanged when a receiver may be sent to it; `UrlRejected` saying why if not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http"):
        raise UrlRejected(f"url: scheme must be https, got {parts.scheme or 'none'!r}")
    if parts.scheme == "http" and not allow_http:
        raise UrlRejected("url: must use https (plain http is accepted only in development)")
    host = parts.hostname
    if not host:
        raise UrlRejected("url: has no host")
    if parts.username or parts.password:
        raise UrlRejected("url: must not carry credentials")
    if allow_private:
        return url.strip()
    if host == "localhost" or host.endswith(".localhost"):
        raise UrlRejected(f"url: host {host!r} is a loopback name")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = (resolver or resolve_host)(host)
        if not addresses:
            raise UrlRejected(f"url: host {host!r} does not resolve") from None
    for address in addresses:
        reason = _forbidden(address)
        if reason is not None:
            raise UrlRejected(f"url: host {host!r} is {reason} ({address})")
    return url.strip()
