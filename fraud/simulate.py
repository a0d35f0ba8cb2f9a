"""Labelled event streams for a platform of any size (``fraud simulate``).

Legitimate payers have their own habits (sessions a day, payments a session, pace,
payment size, active hours, favourite creators, occasional new phones and top-ups);
creators redeem now and then. Fraud scenarios, each event tagged with ``scenario``:

deterministic (the ledger would reject them):
    forged_signature, non_canonical_signature, replay, over_funded, closed_channel,
    expired_channel
behavioural (for the model):
    sybil_farm, account_takeover, bot_probing, wash_trading

Outcomes arrive late (hours to days) for most fraud and a few legitimate events.
``shift=True`` moves every parameter for a held-out stream.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fraud.events import format_ts
from fraud.wallets import Wallet, high_s, malleate_ed25519

__all__ = ["DETERMINISTIC_SCENARIOS", "SCENARIOS", "SimParams", "simulate", "write_stream"]

START = 1_772_323_200.0  # 2026-03-01T00:00:00Z
DETERMINISTIC_SCENARIOS = (
    "forged_signature",
    "non_canonical_signature",
    "replay",
    "over_funded",
    "closed_channel",
    "expired_channel",
)
BEHAVIOURAL_SCENARIOS = ("sybil_farm", "account_takeover", "bot_probing", "wash_trading")
SCENARIOS = DETERMINISTIC_SCENARIOS + BEHAVIOURAL_SCENARIOS


@dataclass(frozen=True)
class SimParams:
    users: int = 1000
    days: int = 7
    seed: int = 7
    shift: bool = False

    @property
    def scale(self) -> float:
        return 1.6 if self.shift else 1.0


class _Stream:
    """Collects events; assigns ids; schedules delayed outcomes."""

    def __init__(self, rng: random.Random, end: float, prefix: str) -> None:
        self.rng = rng
        self.end = end
        self.prefix = prefix
        self.count = 0
        self.heap: list[tuple[float, int, dict[str, Any]]] = []

    def emit(self, ts: float, kind: str, scenario: str, **fields: Any) -> str:
        self.count += 1
        event_id = f"{self.prefix}{self.count}"
        record = {"id": event_id, "type": kind, "ts": ts, **fields, "scenario": scenario}
        self.heap.append((ts, self.count, record))
        if kind in ("claim", "channel.created", "wallet.linked", "account.funded"):
            fraud = scenario != "legit"
            chance = (0.85 if scenario in DETERMINISTIC_SCENARIOS else 0.7) if fraud else 0.06
            if self.rng.random() < chance:
                delay = self.rng.lognormvariate(math.log(8 * 3600), 1.0)
                if ts + delay < self.end:
                    self.count += 1
                    outcome = {
                        "id": f"{self.prefix}{self.count}",
                        "type": "outcome",
                        "ts": ts + delay,
                        "event_id": event_id,
                        "fraud": fraud,
                        "reason": "chargeback" if fraud else "cleared",
                        "scenario": scenario,
                    }
                    self.heap.append((ts + delay, self.count, outcome))
        return event_id


class _Channel:
    def __init__(self, channel_id: str, wallet: Wallet, funded: int) -> None:
        self.id = channel_id
        self.wallet = wallet
        self.funded = funded
        self.amount = 0
        self.signed: list[tuple[int, str]] = []


def _ip(rng: random.Random) -> str:
    return (
        f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    )


class _World:
    def __init__(self, params: SimParams) -> None:
        self.p = params
        self.rng = random.Random(params.seed * 1_000_003 + (17 if params.shift else 0))
        self.end = START + params.days * 86400.0
        self.s = _Stream(self.rng, self.end, "evt_" if not params.shift else "hev_")
        self.exchanges = [Wallet(self.rng).address for _ in range(6)]
        self.creators: list[str] = []
        self.user_seq = 0

    # helpers ----------------------------------------------------------------------
    def wallet(self) -> Wallet:
        # secp256k1 is the default key type of XRPL wallets; ed25519 is the minority.
        share = 0.8 if self.p.shift else 0.7
        return Wallet(self.rng, "secp256k1" if self.rng.random() < share else "ed25519")

    def new_user(self) -> str:
        self.user_seq += 1
        return f"u{self.user_seq}"

    def linked(
        self,
        ts: float,
        scenario: str,
        user: str,
        account: str,
        ip: str,
        device: str,
        user_agent: str | None = None,
    ) -> None:
        """A user links a wallet from a device and IP (``wallet.linked``)."""
        extra = {"user_agent": user_agent} if user_agent is not None else {}
        self.s.emit(
            ts,
            "wallet.linked",
            scenario,
            user_id=user,
            account=account,
            ip=ip,
            device_id=device,
            **extra,
        )

    def funded(self, ts: float, address: str, funder: str, scenario: str) -> None:
        amount = str(self.rng.randint(20, 400) * 1_000_000)
        self.s.emit(ts, "account.funded", scenario, account=address, funder=funder, amount=amount)

    def open_channel(
        self,
        ts: float,
        wallet: Wallet,
        dest: str,
        funded: int,
        scenario: str,
        user: str,
        cancel_after: float | None = None,
    ) -> _Channel:
        channel = _Channel(self.rng.randbytes(32).hex().upper(), wallet, funded)
        fields: dict[str, Any] = {
            "channel_id": channel.id,
            "account": wallet.address,
            "destination": dest,
            "amount": str(funded),
            "settle_delay": self.rng.choice([3600, 86400, 259200]),
            "public_key": wallet.public_key,
            "user_id": user,
        }
        if cancel_after is not None:
            fields["cancel_after"] = format_ts(cancel_after)
        self.s.emit(ts, "channel.created", scenario, **fields)
        return channel

    def claim(
        self,
        ts: float,
        channel: _Channel,
        increment: int,
        scenario: str,
        user: str,
        device: str,
        ip: str,
        signature: str | None = None,
        amount: int | None = None,
    ) -> None:
        if amount is None:
            channel.amount += increment
            amount = channel.amount
        if signature is None:
            signature = channel.wallet.sign_claim(channel.id, amount)
            channel.signed.append((amount, signature))
            if len(channel.signed) > 8:
                channel.signed.pop(0)
        self.s.emit(
            ts,
            "claim",
            scenario,
            channel_id=channel.id,
            amount=str(amount),
            signature=signature,
            user_id=user,
            content_id=f"c{self.rng.randint(1, 5000)}",
            ip=ip,
            device_id=device,
        )

    # actors -------------------------------------------------------------------------
    def setup_creators(self) -> None:
        for _ in range(max(8, self.p.users // 25)):
            wallet = Wallet(self.rng)
            ts = START - self.rng.uniform(30, 400) * 86400 if self.rng.random() < 0.9 else START
            self.funded(max(ts, START), wallet.address, self.rng.choice(self.exchanges), "legit")
            self.creators.append(wallet.address)

    def legit_payer(self) -> None:
        rng, scale = self.rng, self.p.scale
        wallet = self.wallet()
        user = self.new_user()
        device, ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        joined = START + (rng.uniform(0, self.end - START) * 0.8 if rng.random() < 0.3 else 0.0)
        ts = joined + rng.uniform(0, 3600)
        self.funded(ts, wallet.address, rng.choice(self.exchanges), "legit")
        ts += rng.uniform(60, 7200)
        self.linked(ts, "legit", user, wallet.address, ip, device, user_agent="Wallet/3.1")
        increment = int(rng.lognormvariate(math.log(1500 * scale), 0.8)) + 10
        pace = rng.lognormvariate(math.log(25 / scale), 0.5)
        sessions_per_day = rng.lognormvariate(math.log(1.2), 0.6)
        per_session = rng.lognormvariate(math.log(12), 0.7)
        peak_hour = rng.gauss(20, 3)
        favourites = rng.sample(self.creators, k=min(len(self.creators), rng.randint(1, 4)))
        channels: dict[str, _Channel] = {}
        ts += rng.uniform(60, 3600)
        day = math.floor((ts - START) / 86400)
        while True:
            count = int(rng.expovariate(1.0 / sessions_per_day) + 0.5)
            starts = sorted(
                START + day * 86400 + (rng.gauss(peak_hour, 2.5) % 24) * 3600 for _ in range(count)
            )
            for start in starts:
                if start < ts:
                    continue
                if start >= self.end:
                    return
                ts = start
                if rng.random() < 0.01:  # a new phone: legitimately new device and IP
                    device, ip = f"d{rng.getrandbits(40):x}", _ip(rng)
                    self.linked(
                        ts, "legit", user, wallet.address, ip, device, user_agent="Wallet/3.2"
                    )
                    ts += rng.uniform(5, 60)
                dest = rng.choice(favourites)
                channel = channels.get(dest)
                if channel is None or channel.funded - channel.amount < increment * 30:
                    if channel is not None and rng.random() < 0.5:
                        top_up = increment * rng.randint(300, 1500)
                        channel.funded += top_up
                        self.s.emit(
                            ts, "channel.funded", "legit", channel_id=channel.id, amount=str(top_up)
                        )
                    else:
                        if channel is not None:
                            self.s.emit(
                                ts,
                                "channel.closed",
                                "legit",
                                channel_id=channel.id,
                                closed_by="source",
                            )
                        funded = increment * rng.randint(400, 2000)
                        channel = self.open_channel(ts, wallet, dest, funded, "legit", user)
                        channels[dest] = channel
                    ts += rng.uniform(5, 120)
                for _ in range(max(1, int(rng.expovariate(1.0 / per_session)))):
                    ts += rng.expovariate(1.0 / pace) + 1.0
                    step = max(1, int(increment * rng.lognormvariate(0, 0.35)))
                    if channel.amount + step > channel.funded or ts >= self.end:
                        break
                    self.claim(ts, channel, step, "legit", user, device, ip)
                self.maybe_inject(ts, channel, user, device, ip)
                if rng.random() < 0.25 and channel.amount:
                    self.s.emit(
                        ts + rng.uniform(600, 7200),
                        "claim.redeemed",
                        "legit",
                        channel_id=channel.id,
                        amount=str(channel.amount),
                        tx_hash=rng.randbytes(32).hex().upper(),
                    )
            day += 1
            if START + day * 86400 >= self.end:
                return

    def maybe_inject(self, ts: float, ch: _Channel, user: str, device: str, ip: str) -> None:
        """Deterministic-scenario claims against a legitimate channel."""
        rng = self.rng
        if rng.random() > 0.02 or not ch.signed:
            return
        scenario = rng.choice(DETERMINISTIC_SCENARIOS[:4])
        ts += rng.uniform(1, 600)
        other_device, other_ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        if scenario == "forged_signature":
            amount = ch.amount + rng.randint(1000, 100_000)
            forged = Wallet(rng, ch.wallet.algorithm).sign_claim(ch.id, amount)
            self.claim(ts, ch, 0, scenario, user, other_device, other_ip, forged, amount)
        elif scenario == "non_canonical_signature":
            amount = ch.amount + rng.randint(100, 5000)
            good = ch.wallet.sign_claim(ch.id, amount)
            bad = malleate_ed25519(good) if ch.wallet.algorithm == "ed25519" else high_s(good)
            self.claim(ts, ch, 0, scenario, user, other_device, other_ip, bad, amount)
        elif scenario == "replay":
            amount, signature = rng.choice(ch.signed)
            self.claim(ts, ch, 0, scenario, user, other_device, other_ip, signature, amount)
        else:
            amount = ch.funded + rng.randint(1, 10_000_000)
            signature = ch.wallet.sign_claim(ch.id, amount)
            self.claim(ts, ch, 0, scenario, user, device, ip, signature, amount)

    def fraud_start(self) -> float:
        return START + self.rng.uniform(0.05, 0.95) * (self.end - START)

    def closed_or_expired(self, scenario: str) -> None:
        rng = self.rng
        wallet, user = self.wallet(), self.new_user()
        device, ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        ts = self.fraud_start()
        self.funded(ts, wallet.address, rng.choice(self.exchanges), "legit")
        ts += rng.uniform(60, 3600)
        self.linked(ts, "legit", user, wallet.address, ip, device)
        ts += 60
        cancel = ts + rng.uniform(600, 3600) if scenario == "expired_channel" else None
        ch = self.open_channel(
            ts, wallet, rng.choice(self.creators), 5_000_000, "legit", user, cancel_after=cancel
        )
        for _ in range(rng.randint(3, 10)):
            ts += rng.uniform(10, 60)
            self.claim(ts, ch, rng.randint(500, 3000), "legit", user, device, ip)
        if scenario == "closed_channel":
            ts += 30
            self.s.emit(ts, "channel.closed", "legit", channel_id=ch.id, closed_by="source")
        else:
            ts = max(ts, cancel or ts) + 1
        for _ in range(rng.randint(2, 6)):
            ts += rng.uniform(5, 120)
            self.claim(ts, ch, rng.randint(500, 3000), scenario, user, device, ip)

    def sybil_farm(self) -> None:
        rng = self.rng
        funder = Wallet(rng).address
        ts = self.fraud_start()
        target = Wallet(rng).address
        self.funded(ts, target, rng.choice(self.exchanges), "sybil_farm")
        devices = [f"d{rng.getrandbits(40):x}" for _ in range(rng.randint(1, 3))]
        subnet = _ip(rng).rsplit(".", 1)[0]
        size = rng.randint(12, 30) if not self.p.shift else rng.randint(8, 40)
        for _ in range(size):
            ts += rng.uniform(30, 900)
            wallet, user = self.wallet(), self.new_user()
            device, ip = rng.choice(devices), f"{subnet}.{rng.randint(1, 254)}"
            t = ts
            self.funded(t, wallet.address, funder, "sybil_farm")
            t += rng.uniform(20, 300)
            self.linked(t, "sybil_farm", user, wallet.address, ip, device, user_agent="okhttp/4.9")
            t += rng.uniform(20, 300)
            dest = target if rng.random() < 0.8 else rng.choice(self.creators)
            ch = self.open_channel(
                t, wallet, dest, rng.randint(5, 30) * 1_000_000, "sybil_farm", user
            )
            for _ in range(rng.randint(5, 25)):
                t += rng.uniform(3, 40)
                step = rng.randint(20_000, 400_000)
                if ch.amount + step > ch.funded:
                    break
                self.claim(t, ch, step, "sybil_farm", user, device, ip)

    def account_takeover(self) -> None:
        rng = self.rng
        wallet, user = self.wallet(), self.new_user()
        device, ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        ts = START + rng.uniform(0, 0.3) * (self.end - START)
        self.funded(ts, wallet.address, rng.choice(self.exchanges), "legit")
        ts += 600
        self.linked(ts, "legit", user, wallet.address, ip, device)
        funded = rng.randint(20, 200) * 1_000_000
        ch = self.open_channel(ts + 60, wallet, rng.choice(self.creators), funded, "legit", user)
        ts += 120
        increment = rng.randint(500, 4000)
        takeover = ts + rng.uniform(0.5, 3) * 86400
        while ts < takeover:
            ts += (
                rng.expovariate(1 / 40)
                + 1
                + (rng.uniform(3, 20) * 3600 if rng.random() < 0.05 else 0)
            )
            self.claim(
                ts,
                ch,
                max(1, int(increment * rng.lognormvariate(0, 0.3))),
                "legit",
                user,
                device,
                ip,
            )
        if ts >= self.end:
            return
        new_device, new_ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        self.linked(
            ts,
            "account_takeover",
            user,
            wallet.address,
            new_ip,
            new_device,
            user_agent="Mozilla/5.0",
        )
        ts += rng.uniform(30, 600)
        mule = Wallet(rng).address
        self.funded(ts, mule, Wallet(rng).address, "account_takeover")
        drain = self.open_channel(ts + 5, wallet, mule, funded, "account_takeover", user)
        remaining = ch.funded - ch.amount
        speed = 8 if not self.p.shift else 5
        for target, channel in ((remaining, ch), (funded, drain)):
            spent = 0
            for _ in range(rng.randint(4, 12)):
                ts += rng.uniform(2, 30)
                step = int(target / speed * rng.uniform(0.5, 1.0))
                if spent + step > target or step < 1:
                    break
                spent += step
                self.claim(ts, channel, step, "account_takeover", user, new_device, new_ip)

    def bot_probing(self) -> None:
        rng = self.rng
        wallet, user = self.wallet(), self.new_user()
        device, ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        ts = self.fraud_start()
        self.funded(ts, wallet.address, rng.choice(self.exchanges), "legit")
        ts += rng.uniform(60, 600)
        self.linked(
            ts, "legit", user, wallet.address, ip, device, user_agent="python-requests/2.31"
        )
        period = rng.uniform(2, 8) * (0.6 if self.p.shift else 1.0)
        for dest in rng.sample(self.creators, k=min(3, len(self.creators))):
            ch = self.open_channel(ts + 5, wallet, dest, 2_000_000, "bot_probing", user)
            ts += 10
            for _ in range(rng.randint(40, 150)):
                ts += period + rng.gauss(0, period * 0.01)
                self.claim(ts, ch, rng.randint(1, 12), "bot_probing", user, device, ip)

    def wash_trading(self) -> None:
        rng = self.rng
        funder = Wallet(rng).address
        ts = self.fraud_start()
        payer, creator, user = self.wallet(), Wallet(rng).address, self.new_user()
        device, ip = f"d{rng.getrandbits(40):x}", _ip(rng)
        self.funded(ts, creator, funder, "wash_trading")
        self.funded(ts + rng.uniform(60, 3600), payer.address, funder, "wash_trading")
        ts += 4000
        self.linked(ts, "legit", user, payer.address, ip, device)
        funded = rng.randint(100, 2000) * 1_000_000
        ch = self.open_channel(ts + 60, payer, creator, funded, "wash_trading", user)
        ts += 120
        for _ in range(rng.randint(10, 40)):
            ts += rng.uniform(20, 300)
            step = int(funded * rng.uniform(0.01, 0.04))
            if ch.amount + step > ch.funded:
                break
            self.claim(ts, ch, step, "wash_trading", user, device, ip)
        self.s.emit(
            ts + 600,
            "claim.redeemed",
            "wash_trading",
            channel_id=ch.id,
            amount=str(ch.amount),
            tx_hash=rng.randbytes(32).hex().upper(),
        )

    def run(self) -> None:
        self.setup_creators()
        n = self.p.users
        for _ in range(n):
            self.legit_payer()
        per_k = max(1, n // 1000)
        actors = {
            "closed_channel": (lambda: self.closed_or_expired("closed_channel"), 6),
            "expired_channel": (lambda: self.closed_or_expired("expired_channel"), 6),
            "sybil_farm": (self.sybil_farm, 3),
            "account_takeover": (self.account_takeover, 8),
            "bot_probing": (self.bot_probing, 4),
            "wash_trading": (self.wash_trading, 6),
        }
        for action, per_thousand in actors.values():
            for _ in range(max(1, round(per_thousand * n / 1000)) if per_k else 1):
                action()


def simulate(params: SimParams) -> Iterator[dict[str, Any]]:
    """The stream in ``ts`` order, timestamps as RFC 3339 strings."""
    world = _World(params)
    world.run()
    events = world.s.heap
    heapq.heapify(events)
    while events:
        ts, _, record = heapq.heappop(events)
        if ts >= world.end:
            continue
        record["ts"] = format_ts(ts)
        yield record


def write_stream(params: SimParams, out: Path) -> dict[str, int]:
    """Write the stream as JSON Lines; counts per scenario."""
    counts: dict[str, int] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for record in simulate(params):
            key = record["scenario"] if record["type"] != "outcome" else "outcome"
            counts[key] = counts.get(key, 0) + 1
            handle.write(json.dumps(record, separators=(",", ":")))
            handle.write("\n")
    return counts
