"""The demo world: platform users paying creators over payment channels.

:data:`DEMO` describes it (names, roles, addresses, channel ids and the hashes of a few
notable transactions) and can be imported without starting anything. :func:`seed_demo_world`
builds it in a node by submitting real signed transactions from deterministic wallets,
moving the node's clock through the past two weeks, so that "now" is the real current time:

- five users (payers) and three creators, funded from the genesis account;
- channels in every state: healthy, nearly exhausted (at least 90 % paid out), expired
  (the payer asked to close and the settle delay has passed), closing (settle delay running),
  past its CancelAfter, and one already closed by its creator;
- daily claim redemptions over the past twelve days, ordinary payments, and two failed
  transactions (a stale claim, ``tecUNFUNDED_PAYMENT``; a payment too small to create an
  account, ``tecNO_DST_INSUF_XRP``).

Addresses, channel ids and the hashes in ``DEMO.transactions`` are the same on every run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from xrpl.constants import CryptoAlgorithm
from xrpl.core.keypairs import generate_seed
from xrpl.core.keypairs import sign as sign_bytes
from xrpl.models.transactions import (
    Payment,
    PaymentChannelClaim,
    PaymentChannelClaimFlag,
    PaymentChannelCreate,
)
from xrpl.models.transactions.transaction import Transaction
from xrpl.transaction import sign as sign_transaction
from xrpl.wallet import Wallet

from ledger.claims import claim_signing_bytes
from ledger.sandbox.errors import SandboxError
from ledger.sandbox.node import SandboxNode
from ledger.sandbox.state import GENESIS_SECRET, channel_index

__all__ = [
    "DEMO",
    "DemoAccount",
    "DemoChannel",
    "DemoWorld",
    "demo_wallet",
    "describe_demo",
    "seed_demo_world",
]

XRP = 1_000_000
DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True, slots=True)
class DemoAccount:
    name: str
    role: str
    """"user" (a fan who pays) or "creator" (who is paid)."""
    address: str
    key_type: str
    description: str


@dataclass(frozen=True, slots=True)
class DemoChannel:
    key: str
    channel_id: str
    payer: str
    creator: str
    state: str
    """healthy, nearly_exhausted, expired, closing, past_cancel_after or closed."""
    description: str


@dataclass(frozen=True, slots=True)
class DemoWorld:
    accounts: tuple[DemoAccount, ...]
    channels: tuple[DemoChannel, ...]
    transactions: dict[str, str] = field(default_factory=dict)
    """Hashes of notable transactions by a short name."""

    def account(self, name: str) -> DemoAccount:
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(name)

    def channel(self, key: str) -> DemoChannel:
        for channel in self.channels:
            if channel.key == key:
                return channel
        raise KeyError(key)

    @property
    def users(self) -> tuple[DemoAccount, ...]:
        return tuple(a for a in self.accounts if a.role == "user")

    @property
    def creators(self) -> tuple[DemoAccount, ...]:
        return tuple(a for a in self.accounts if a.role == "creator")


DEMO = DemoWorld(
    accounts=(
        DemoAccount(
            "alice",
            "user",
            "rD6tJAVyNK8bhuPCKbDEjvqxQgn3SfkJZz",
            "ed25519",
            "regular fan of two creators; healthy channel to mira",
        ),
        DemoAccount(
            "bruno",
            "user",
            "rBXmDpiFFY9XcVWNjDP3xEMvoHDq5ztdV",
            "secp256k1",
            "heavy spender; his channel to theo is nearly exhausted",
        ),
        DemoAccount(
            "chen",
            "user",
            "rwS11b8p62UKmYUzJqaR4NsnqTC4bRPVFN",
            "ed25519",
            "asked to close his channel to sol; it has expired",
        ),
        DemoAccount(
            "dana",
            "user",
            "rUPijYpqdcivqpgaDcNGu6qNYMA8azmos1",
            "secp256k1",
            "closing her channel to mira (settle delay running)",
        ),
        DemoAccount(
            "emeka",
            "user",
            "rNzvyMU5omqf4Emc9W659VBKrt4Ee28dzP",
            "ed25519",
            "channel past its CancelAfter; one failed payment",
        ),
        DemoAccount(
            "mira",
            "creator",
            "rHHfbdeBMB6mgrfBLRzxiDLVCUTcyMaeDi",
            "ed25519",
            "illustrator, paid by alice and dana",
        ),
        DemoAccount(
            "theo",
            "creator",
            "rPynHQ7gAJzvZPNEoefrdBBKeVDaGwWEyW",
            "secp256k1",
            "podcaster, paid by bruno and emeka; one stale claim",
        ),
        DemoAccount(
            "sol",
            "creator",
            "rJNLeHFeFEmuNejJ17CXPYUjSQnd3FGPGE",
            "ed25519",
            "musician, paid by chen; closed alice's channel",
        ),
    ),
    channels=(
        DemoChannel(
            "alice_mira",
            "94DA3DE1A73AD3E531E52D411A7FDC8126519BBD93F52E40E5BAF4E580DF3D1D",
            "alice",
            "mira",
            "healthy",
            "36 of 100 XRP claimed",
        ),
        DemoChannel(
            "bruno_theo",
            "582A72B5B375F77D7ED676FE098E11F65F2ABE8D465BEBD9F6FEFC04B23ADB8C",
            "bruno",
            "theo",
            "nearly_exhausted",
            "46 of 50 XRP claimed",
        ),
        DemoChannel(
            "chen_sol",
            "0F4073D741F34EBDB148581DBDA9DD1694AA74CEA05DFBA48AB2A2FE4F14DFE5",
            "chen",
            "sol",
            "expired",
            "payer closed it 3 days ago",
        ),
        DemoChannel(
            "dana_mira",
            "78029B6A4809FB0F0ACF65128B9BB000BCBD4896550BBF4D562133517F39362E",
            "dana",
            "mira",
            "closing",
            "payer asked to close 2 hours ago",
        ),
        DemoChannel(
            "emeka_theo",
            "890F29AC4ACD8954F9B089112C02F6122C8D019D7EC3FAC449918A05828CC7DE",
            "emeka",
            "theo",
            "past_cancel_after",
            "CancelAfter 2 days ago",
        ),
        DemoChannel(
            "alice_sol",
            "0AE4E104C9EE5542E1A7947B0963A87569C694B4F3A9AA13B5AF7A2DD051F2DE",
            "alice",
            "sol",
            "closed",
            "creator closed it 4 days ago",
        ),
    ),
    transactions={
        "first_funding": "CE9F9C90B2124B4DD870F28210D6E4A29D13791F0651B2E21A8185A47E133E9E",
        "channel_create": "B80BE969DE235899B4C5E652B4BBFE0A263D99CC1752FBCCD78CEC5415AB2C4A",
        "latest_claim": "F7F349DBB78646F1A7BB10E6C6236D19205EE4DAFE5315B5AA8C2A80D7908269",
        "payment": "7136335D5B726F8602DB3DBEF1120ABC00C2D9D7B014CD6A2F9D8E6B9B4595D7",
        "creator_close": "9AE605A1460F1F169864180B871F397CE2670B2DD0118D3BFB58EA3ED75AEDED",
        "payer_close_request": "C8BBACE87FD7293D53BFC4DB72F0C2486019EC78608EF2553E9F0975237CDD73",
        "payment_too_small": "A60C1993923D28F71C335B9CC2B5C76616EE55AD4B71DC60BDC16DB6F1BAA2C7",
        "stale_claim": "B240BD858FA3ACD08A37E63CBAFF35C63D8EBBE311C06DFFCB3B52DF99B49270",
        "close_request": "EA970ABD8062FCB3F72697452233C3D19E2FEF84511D39757D8F8D7E612BC85B",
    },
)
"""The demo world as :func:`seed_demo_world` builds it (checked by the tests)."""


# name, role, key type, XRP from genesis, description
_PEOPLE: tuple[tuple[str, str, str, int, str], ...] = (
    ("alice", "user", "ed25519", 500, "regular fan of two creators; healthy channel to mira"),
    ("bruno", "user", "secp256k1", 300, "heavy spender; his channel to theo is nearly exhausted"),
    ("chen", "user", "ed25519", 150, "asked to close his channel to sol; it has expired"),
    ("dana", "user", "secp256k1", 80, "closing her channel to mira (settle delay running)"),
    ("emeka", "user", "ed25519", 40, "channel past its CancelAfter; one failed payment"),
    ("mira", "creator", "ed25519", 50, "illustrator, paid by alice and dana"),
    ("theo", "creator", "secp256k1", 50, "podcaster, paid by bruno and emeka; one stale claim"),
    ("sol", "creator", "ed25519", 50, "musician, paid by chen; closed alice's channel"),
)
_KEY_TYPES = {name: key_type for name, _, key_type, _, _ in _PEOPLE}
_NEWCOMER = "newcomer"
"""An address that never gets created (the target of the too-small payment)."""

# key, payer, creator, XRP, settle delay, state, description
_CHANNELS: tuple[tuple[str, str, str, int, int, str, str], ...] = (
    ("alice_mira", "alice", "mira", 100, DAY, "healthy", "36 of 100 XRP claimed"),
    ("bruno_theo", "bruno", "theo", 50, HOUR, "nearly_exhausted", "46 of 50 XRP claimed"),
    ("chen_sol", "chen", "sol", 20, HOUR, "expired", "payer closed it 3 days ago"),
    ("dana_mira", "dana", "mira", 30, DAY, "closing", "payer asked to close 2 hours ago"),
    ("emeka_theo", "emeka", "theo", 10, HOUR, "past_cancel_after", "CancelAfter 2 days ago"),
    ("alice_sol", "alice", "sol", 15, HOUR, "closed", "creator closed it 4 days ago"),
)


def demo_wallet(name: str) -> Wallet:
    """The deterministic wallet of a demo account (its seed derives from the name)."""
    key_type = _KEY_TYPES.get(name, "ed25519")
    entropy = hashlib.sha256(f"channeldesk-demo/{name}".encode()).hexdigest()[:32]
    return Wallet.from_seed(generate_seed(entropy, CryptoAlgorithm(key_type)))


class _Seeder:
    def __init__(self, node: SandboxNode) -> None:
        self.node = node
        self.state = node.state
        self.wallets = {name: demo_wallet(name) for name, *_ in _PEOPLE}
        self.wallets["genesis"] = Wallet.from_seed(GENESIS_SECRET)
        self.channels: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.paid: dict[str, int] = {}
        self.now = self.state.now()

    def step(self, seconds_ago: int) -> None:
        """Close what is pending, then move the clock and close an empty ledger there, so
        the next transactions' rules read that moment."""
        if self.state.open_txs:
            self.node.close_ledger()
        self.state.set_now(self.now - seconds_ago)
        self.node.close_ledger()
        self.state.set_now(self.now - seconds_ago + 5)

    def submit(self, tx: Transaction, who: str, expect: str = "tesSUCCESS") -> str:
        account = self.state.account(self.wallets[who].address)
        assert account is not None
        fields: dict[str, Any] = tx.to_dict()
        fields.update(
            sequence=int(account["Sequence"]),
            fee="12",
            last_ledger_sequence=self.state.current_index + 10,
        )
        signed = sign_transaction(type(tx).from_dict(fields), self.wallets[who])
        result = self.node.engine.submit(signed.blob())
        if result["engine_result"] != expect:
            raise SandboxError(
                f"demo seeding: {tx.transaction_type} by {who} gave "
                f"{result['engine_result']} instead of {expect}"
            )
        return str(result["tx_json"]["hash"])

    def pay(self, source: str, destination: str, drops: int, expect: str = "tesSUCCESS") -> str:
        target = self.wallets[destination].address if destination in self.wallets else destination
        tx = Payment(account=self.wallets[source].address, destination=target, amount=str(drops))
        return self.submit(tx, source, expect)

    def claim(
        self, key: str, cumulative: int, close: bool = False, expect: str = "tesSUCCESS"
    ) -> str:
        """The creator redeems the payer's signed claim for ``cumulative`` drops."""
        _, payer, creator, *_ = next(c for c in _CHANNELS if c[0] == key)
        channel_id = self.channels[key]
        signature = sign_bytes(
            claim_signing_bytes(channel_id, cumulative), self.wallets[payer].private_key
        )
        tx = PaymentChannelClaim(
            account=self.wallets[creator].address,
            channel=channel_id,
            balance=str(cumulative),
            amount=str(cumulative),
            signature=signature,
            public_key=self.wallets[payer].public_key,
            flags=PaymentChannelClaimFlag.TF_CLOSE if close else 0,
        )
        return self.submit(tx, creator, expect)

    def request_close(self, key: str) -> str:
        """The payer asks to close: the channel expires after its settle delay."""
        _, payer, *_ = next(c for c in _CHANNELS if c[0] == key)
        tx = PaymentChannelClaim(
            account=self.wallets[payer].address,
            channel=self.channels[key],
            flags=PaymentChannelClaimFlag.TF_CLOSE,
        )
        return self.submit(tx, payer)

    def run(self) -> dict[str, str]:
        start = 14 * DAY
        for header in self.state.headers.values():  # a fresh node: genesis predates the world
            header.close_time = header.parent_close_time = self.now - start - 60
        self.step(start)
        for name, _, _, xrp, _ in _PEOPLE:
            self.hashes.setdefault("first_funding", self.pay("genesis", name, xrp * XRP))
        self.step(start - HOUR)
        for key, payer, creator, xrp, delay, state, _ in _CHANNELS:
            payer_address = self.wallets[payer].address
            account = self.state.account(payer_address)
            assert account is not None
            optional: dict[str, Any] = {}
            if state == "past_cancel_after":
                optional["cancel_after"] = self.state.now() + 12 * DAY
            tx = PaymentChannelCreate(
                account=payer_address,
                destination=self.wallets[creator].address,
                amount=str(xrp * XRP),
                settle_delay=delay,
                public_key=self.wallets[payer].public_key,
                **optional,
            )
            self.channels[key] = channel_index(
                payer_address, self.wallets[creator].address, int(account["Sequence"])
            )
            created = self.submit(tx, payer)
            if key == "alice_mira":
                self.hashes["channel_create"] = created
        for days_ago in range(12, 0, -1):
            self._day(days_ago)
        self.step(2 * HOUR)
        self.hashes["close_request"] = self.request_close("dana_mira")
        self.node.close_ledger()
        self.state.clock_offset = 0.0
        self.node.close_ledger()
        return self.hashes

    def _day(self, days_ago: int) -> None:
        self.step(days_ago * DAY - 9 * HOUR)
        n = 13 - days_ago  # 1 .. 12
        self.hashes["latest_claim"] = self.claim("alice_mira", 3 * XRP * n)
        self.claim("bruno_theo", 46 * XRP * n // 12)
        if days_ago >= 5:
            self.claim("chen_sol", XRP * (n))
        if 3 <= days_ago <= 10:
            self.claim("dana_mira", 1_500_000 * (11 - days_ago))
        if days_ago == 8:
            self.claim("emeka_theo", 2 * XRP)
        if days_ago == 6:
            self.claim("alice_sol", 3 * XRP)
        if days_ago == 4:
            self.hashes["creator_close"] = self.claim("alice_sol", 5 * XRP, close=True)
        if days_ago == 9:
            self.hashes["payment"] = self.pay("alice", "bruno", 10 * XRP)
        if days_ago == 7:
            self.pay("chen", "dana", 5 * XRP)
        if days_ago == 5:
            self.pay("mira", "theo", 2 * XRP)
        if days_ago == 3:
            self.hashes["payer_close_request"] = self.request_close("chen_sol")
        if days_ago == 2:
            newcomer = demo_wallet(_NEWCOMER).address
            self.hashes["payment_too_small"] = self.pay(
                "emeka", newcomer, 500_000, expect="tecNO_DST_INSUF_XRP"
            )
        if days_ago == 1:
            self.hashes["stale_claim"] = self.claim(
                "bruno_theo", 46 * XRP * 9 // 12, expect="tecUNFUNDED_PAYMENT"
            )


def seed_demo_world(node: SandboxNode) -> dict[str, str]:
    """Build the demo world in a fresh node; the hashes of its notable transactions."""
    if not node.fresh:
        raise SandboxError("the demo world can only be seeded into a fresh node")
    return _Seeder(node).run()


def describe_demo() -> str:
    """A short table of the demo accounts and channels, for the ``sandbox`` command."""
    lines = ["demo accounts:"]
    for account in DEMO.accounts:
        lines.append(
            f"  {account.role:8} {account.name:6} {account.address}  {account.description}"
        )
    lines.append("demo channels:")
    for channel in DEMO.channels:
        lines.append(f"  {channel.state:18} {channel.channel_id}  {channel.description}")
    return "\n".join(lines)
