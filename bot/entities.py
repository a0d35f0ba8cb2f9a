"""Validation of what users type: addresses, hashes and channel ids, amounts.

Each check returns the normalised value or a correction the user can act on; nothing here
talks to the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ledger import InvalidAddress, classic_address

__all__ = ["MAX_DROPS", "Checked", "check_address", "check_amount", "check_hash"]

MAX_DROPS = 10**17
"""All XRP that exists (100 billion XRP), in drops."""
_HEX = frozenset("0123456789abcdefABCDEF")
_AMOUNT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(xrp|drops?)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Checked:
    """``value`` when the input is usable, otherwise ``correction`` in words."""

    value: str | None = None
    correction: str | None = None
    drops: int | None = None


def check_address(raw: str) -> Checked:
    """A classic address (X-addresses are converted), or what is wrong with the input."""
    try:
        return Checked(value=classic_address(raw))
    except InvalidAddress as error:
        text = raw.strip()
        if "checksum" in error.message:
            correction = (
                f"The address {text} fails its checksum, so a character is mistyped; check it "
                "against your wallet, especially the last characters, or copy and paste it again."
            )
        else:
            correction = f"That doesn't work as an address: {error.message}. Please check it."
        return Checked(correction=correction)


def check_hash(raw: str, what: str = "transaction hash") -> Checked:
    """A 64-hex transaction hash or channel id in upper case, or what is wrong with it."""
    text = raw.strip()
    if text.lower().startswith("0x"):
        text = text[2:]
    foreign = sorted({c for c in text if c not in _HEX})
    if foreign:
        shown = ", ".join(repr(c) for c in foreign)
        return Checked(
            correction=f"A {what} uses only the digits 0-9 and letters A-F, but {raw.strip()} "
            f"contains {shown}. Please copy it again from your wallet or the explorer."
        )
    if len(text) != 64:
        return Checked(
            correction=f"A {what} is exactly 64 characters long; the one you sent has "
            f"{len(text)}. Part of it is probably missing or repeated: please copy it again."
        )
    return Checked(value=text.upper())


def check_amount(raw: str) -> Checked:
    """An amount in XRP ("12.5 XRP") or drops ("2500000 drops") as int drops."""
    match = _AMOUNT.match(raw)
    if not match:
        return Checked(
            correction=f"I can't read {raw.strip()!r} as an amount. Write it in XRP (for example "
            "12.5 XRP) or in drops (for example 2500000 drops; 1 XRP is 1,000,000 drops)."
        )
    number, unit = match.group(1).replace(",", "."), match.group(2).lower()
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return Checked(correction=f"I can't read {number!r} as a number.")
    if unit == "xrp":
        drops_exact = value * 1_000_000
        if drops_exact != drops_exact.to_integral_value():
            return Checked(
                correction=f"{number} XRP has more than 6 decimal places; the smallest unit is "
                "one drop, 0.000001 XRP."
            )
    else:
        drops_exact = value
        if drops_exact != drops_exact.to_integral_value():
            return Checked(correction="Drops are whole numbers: 1 drop is 0.000001 XRP.")
    drops = int(drops_exact)
    if drops <= 0:
        return Checked(correction="The amount must be more than zero.")
    if drops > MAX_DROPS:
        return Checked(
            correction="That is more than all the XRP in existence (100 billion XRP); "
            "please check the amount."
        )
    return Checked(value=f"{drops}", drops=drops)
