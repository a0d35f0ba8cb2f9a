"""Streaming features, computed from what was known at each event's time.

:meth:`FeatureEngine.observe` first reads the state (events and outcomes with ``ts`` at
or before this one, which the reader guarantees by rejecting out-of-order lines), builds
the feature row, then folds the event into the state. Outcomes update the labelled
counts of the entities the labelled event touched (payer, destination, funder, device,
IP) from the outcome's own time on. Amounts become floats only here, at the model
boundary (``log1p`` of drops).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

from fraud.checks import check_claim
from fraud.events import Event
from fraud.reasons import Reason
from fraud.store import (
    AccountRecord,
    ChannelRecord,
    EventRefs,
    FeatureStore,
    FunderRecord,
    KeyRecord,
    UserRecord,
)
from fraud.verify import ClaimVerifier

__all__ = ["FEATURES", "FEATURE_PHRASES", "FeatureEngine", "Observation", "RecentEvent"]

NAN = math.nan
_HOUR = 3600.0
_DAY = 86400.0
_WEEK = 604800.0
_ALPHA = 0.1
_EXP = math.exp
_LOG = math.log1p
_SQRT = math.sqrt

FEATURE_PHRASES: dict[str, str] = {
    "is_claim": "the event is a claim",
    "is_channel_created": "the event opens a channel",
    "is_wallet_linked": "the event links a wallet",
    "is_account_funded": "the event funds a new account",
    "hour_of_day": "the time of day is unusual",
    "payer_age_hours": "the paying account is new",
    "funder_age_hours": "the account that funded it is new",
    "funder_fanout_24h": "its funder created many accounts in the last day",
    "funder_fanout_total": "its funder is behind many accounts",
    "funder_fraud_outcomes": "accounts from the same funder were confirmed fraudulent",
    "funder_labelled_outcomes": "the funder's accounts have a history of reviewed activity",
    "funder_fraud_rate": "the funder's accounts have a high confirmed fraud rate",
    "shared_funder": "the payer and the creator were funded by the same account",
    "destination_fraud_rate": "the creator receives a high share of confirmed fraud",
    "destination_fraud_outcomes": "the creator received confirmed fraudulent payments",
    "destination_payers": "the creator's number of paying channels is unusual",
    "destination_age_hours": "the creator's account is new",
    "payer_fraud_outcomes": "the payer has confirmed fraud on record",
    "device_accounts": "the device is shared by many accounts",
    "ip_accounts": "the IP address is shared by many accounts",
    "device_fraud_outcomes": "the device was used in confirmed fraud",
    "ip_fraud_outcomes": "the IP address was used in confirmed fraud",
    "hours_since_device_change": "the device changed shortly before this",
    "hours_since_ip_change": "the IP address changed shortly before this",
    "claim_increment_log": "the payment is large",
    "increment_z": "the payment is much larger than this payer's usual ones",
    "spend_count_1h": "many payments in the last hour",
    "spend_count_24h": "many payments in the last day",
    "spend_total_1h_log": "high spending in the last hour",
    "spend_total_24h_log": "high spending in the last day",
    "spend_spike_ratio": "spending spiked compared with the past week",
    "seconds_since_last_claim_log": "payments follow each other unusually fast or slow",
    "interarrival_cv": "payments arrive at machine-like regular intervals",
    "channel_interarrival_cv": "the channel's payments are machine-like regular",
    "channel_age_hours": "the channel is new",
    "channel_claims": "the channel's number of payments is unusual",
    "channel_drain_fraction": "the channel is being drained",
    "channel_drain_per_hour": "the channel is being drained fast",
    "amount_log": "the amount is unusual",
    "settle_delay_hours": "the channel's settle delay is unusual",
    "payer_channels_opened": "the payer opened many channels",
    "user_accounts": "the user linked many wallets",
    "user_device_changed": "the user linked from a new device",
    "new_device": "the payment came from a device not seen before for this account",
}
FEATURES: tuple[str, ...] = tuple(FEATURE_PHRASES)
_N = len(FEATURES)
# A claim's row before its features are filled in (what ``_base(event, 0)`` builds).
_CLAIM_ROW = [1.0, 0.0, 0.0, 0.0] + [NAN] * (_N - 4)


class RecentEvent(NamedTuple):
    ts: str
    event_id: str
    type: str
    account: str | None
    channel_id: str | None
    amount: int


@dataclass(slots=True)
class Observation:
    """What the engine knew when the event arrived: feature row, checks, entities."""

    event: Event
    features: list[float]
    check_reasons: list[Reason]
    payer: str | None = None
    destination: str | None = None
    funder: str | None = None
    channel: ChannelRecord | None = None
    entities: dict[str, str] = field(default_factory=dict)


class FeatureEngine:
    """Folds events into the store; ``refs_in_store`` keeps the references late outcomes
    need in the store too (kind ``event``), for a store shared by processes; otherwise they
    stay in this process, the oldest dropped beyond ``max_pending``."""

    def __init__(
        self,
        store: FeatureStore,
        max_pending: int = 2_000_000,
        recent: int = 20_000,
        refs_in_store: bool = False,
    ):
        self.store = store
        self.max_pending = max_pending
        self.refs_in_store = refs_in_store
        # event id -> (payer, destination, funder, device, ip) for late outcomes.
        self._pending: dict[str, tuple[str | None, ...]] = {}
        self.recent: deque[RecentEvent] = deque(maxlen=recent)
        self.verifier = ClaimVerifier()

    # -- entity access -------------------------------------------------------------
    def _account(self, key: str, ts: float) -> AccountRecord:
        record: AccountRecord | None = self.store.get("account", key)
        if record is None:
            record = AccountRecord(ts)
        return record

    def _key(self, kind: str, key: str, ts: float) -> KeyRecord:
        record: KeyRecord | None = self.store.get(kind, key)
        return record if record is not None else KeyRecord(ts)

    def channel(self, channel_id: str) -> ChannelRecord | None:
        record: ChannelRecord | None = self.store.get("channel", channel_id)
        return record

    def account(self, address: str) -> AccountRecord | None:
        record: AccountRecord | None = self.store.get("account", address)
        return record

    # -- main entry -------------------------------------------------------------------
    def observe(self, event: Event) -> Observation | None:
        """Features and checks for a scored event (then fold it in); None for the others."""
        kind = event.type
        if kind == "claim":
            obs = self._claim(event)
        elif kind == "outcome":
            self._outcome(event)
            return None
        elif kind == "channel.created":
            obs = self._channel_created(event)
        elif kind == "wallet.linked":
            obs = self._wallet_linked(event)
        elif kind == "account.funded":
            obs = self._account_funded(event)
        else:
            self._channel_event(event)
            return None
        entities = obs.entities
        if self.refs_in_store:
            refs = EventRefs(
                obs.payer, obs.destination, obs.funder, entities.get("device"), entities.get("ip")
            )
            self.store.put("event", event.id, refs)
        else:
            pending = self._pending
            if len(pending) >= self.max_pending:
                del pending[next(iter(pending))]
            pending[event.id] = (
                obs.payer,
                obs.destination,
                obs.funder,
                entities.get("device"),
                entities.get("ip"),
            )
        self.recent.append(
            RecentEvent(event.ts_text, event.id, kind, obs.payer, event.channel_id, event.amount)
        )
        return obs

    def _base(self, event: Event, type_index: int) -> list[float]:
        row = [NAN] * _N
        row[0] = row[1] = row[2] = row[3] = 0.0
        row[type_index] = 1.0
        row[4] = (event.ts % _DAY) / _HOUR
        return row

    def _funder_features(self, row: list[float], funder_key: str | None, ts: float) -> None:
        if funder_key is None:
            return
        funder: FunderRecord | None = self.store.get("funder", funder_key)
        if funder is None:
            return
        row[6] = (ts - funder.first_seen) / _HOUR
        row[7] = funder.fanout_24h * _EXP(-(ts - funder.fanout_ts) / _DAY)
        row[8] = float(funder.fanout)
        row[9] = float(funder.lab_fraud)
        row[10] = float(funder.lab_n)
        row[11] = (funder.lab_fraud + 0.1) / (funder.lab_n + 2.0)

    def _destination_features(self, row: list[float], dest: AccountRecord | None, ts: float):
        if dest is None:
            return
        row[13] = (dest.recv_fraud + 0.1) / (dest.recv_lab_n + 2.0)
        row[14] = float(dest.recv_fraud)
        row[15] = float(dest.recv_payers)
        row[16] = (ts - dest.first_seen) / _HOUR

    def _device_ip_features(
        self, row: list[float], device: str | None, ip: str | None, entities: dict[str, str]
    ) -> tuple[KeyRecord | None, KeyRecord | None]:
        dev_record: KeyRecord | None = None
        ip_record: KeyRecord | None = None
        if device is not None:
            entities["device"] = device
            dev_record = self.store.get("device", device)
            if dev_record is not None:
                row[18] = float(dev_record.accounts)
                row[20] = float(dev_record.lab_fraud)
        if ip is not None:
            entities["ip"] = ip
            ip_record = self.store.get("ip", ip)
            if ip_record is not None:
                row[19] = float(ip_record.accounts)
                row[21] = float(ip_record.lab_fraud)
        return dev_record, ip_record

    def _touch_key(
        self, kind: str, key: str | None, record: KeyRecord | None, account: str, ts: float
    ) -> None:
        if key is None:
            return
        if record is None:
            record = KeyRecord(ts)
        if record.last_account != account:
            record.accounts += 1
            record.last_account = account
        self.store.put(kind, key, record)

    # -- claims -------------------------------------------------------------------------
    def _claim(self, event: Event) -> Observation:
        # The hottest path (most events are claims): the per-entity helpers the other event
        # types use are written out here, with the same reads and writes in the same order.
        ts = event.ts
        store = self.store
        get = store.get
        channel_id = event.channel_id or ""
        channel: ChannelRecord | None = get("channel", channel_id)
        reasons = check_claim(event, channel, self.verifier)
        row = _CLAIM_ROW.copy()
        row[4] = (ts % _DAY) / _HOUR
        obs = Observation(event, row, reasons, channel=channel)
        if channel is None:
            return obs
        payer_key = channel.payer
        dest_key = channel.destination
        obs.payer = payer_key
        obs.destination = dest_key
        entities = obs.entities
        entities["account"] = payer_key
        entities["destination"] = dest_key
        if event.user_id is not None:
            entities["user"] = event.user_id
        payer: AccountRecord | None = get("account", payer_key)
        if payer is None:
            payer = AccountRecord(ts)
        dest: AccountRecord | None = get("account", dest_key)
        funder_key = obs.funder = payer.funder
        if funder_key is not None:
            entities["funder"] = funder_key
        row[5] = (ts - payer.first_seen) / _HOUR
        self._funder_features(row, funder_key, ts)
        if dest is not None:
            row[12] = 1.0 if funder_key is not None and funder_key == dest.funder else 0.0
            row[13] = (dest.recv_fraud + 0.1) / (dest.recv_lab_n + 2.0)
            row[14] = float(dest.recv_fraud)
            row[15] = float(dest.recv_payers)
            row[16] = (ts - dest.first_seen) / _HOUR
        row[17] = float(payer.lab_fraud)
        device = event.device_id
        ip = event.ip
        dev_record: KeyRecord | None = None
        ip_record: KeyRecord | None = None
        if device is not None:
            entities["device"] = device
            dev_record = get("device", device)
            if dev_record is not None:
                row[18] = float(dev_record.accounts)
                row[20] = float(dev_record.lab_fraud)
        if ip is not None:
            entities["ip"] = ip
            ip_record = get("ip", ip)
            if ip_record is not None:
                row[19] = float(ip_record.accounts)
                row[21] = float(ip_record.lab_fraud)
        new_device = device is not None and payer.device is not None and device != payer.device
        if device is not None and device != payer.device:
            if payer.device is not None:
                payer.device_changed_ts = ts
            payer.device = device
        if ip is not None and ip != payer.ip:
            if payer.ip is not None:
                payer.ip_changed_ts = ts
            payer.ip = ip
        row[43] = 1.0 if new_device else 0.0
        if payer.device_changed_ts:
            row[22] = (ts - payer.device_changed_ts) / _HOUR
        if payer.ip_changed_ts:
            row[23] = (ts - payer.ip_changed_ts) / _HOUR
        increment = event.amount - channel.last_claim
        log_inc = _LOG(increment) if increment > 0 else 0.0
        row[24] = log_inc
        if payer.claims >= 3:
            row[25] = (log_inc - payer.amt_mean) / _SQRT(payer.amt_var + 0.05)
        # Decay the spending counters to now, then read them (before this claim).
        elapsed = ts - payer.spend_ts
        if elapsed > 0.0:
            d_hour = _EXP(-elapsed / _HOUR)
            d_day = _EXP(-elapsed / _DAY)
            payer.spend_count_1h *= d_hour
            payer.spend_1h *= d_hour
            payer.spend_count_24h *= d_day
            payer.spend_24h *= d_day
            payer.spend_7d *= _EXP(-elapsed / _WEEK)
            payer.spend_ts = ts
        row[26] = payer.spend_count_1h
        row[27] = payer.spend_count_24h
        row[28] = _LOG(payer.spend_1h)
        row[29] = _LOG(payer.spend_24h)
        row[30] = (payer.spend_1h + increment) / (payer.spend_7d / 168.0 + 1000.0)
        if payer.last_claim_ts:
            gap = ts - payer.last_claim_ts
            row[31] = _LOG(gap)
            if payer.claims >= 4 and payer.ia_mean > 0.0:
                row[32] = _SQRT(payer.ia_var) / payer.ia_mean
        if channel.claim_count >= 4 and channel.ia_mean > 0.0:
            row[33] = _SQRT(channel.ia_var) / channel.ia_mean
        age_hours = (ts - channel.created_ts) / _HOUR
        row[34] = age_hours
        row[35] = float(channel.claim_count)
        fraction = event.amount / channel.funded if channel.funded else NAN
        row[36] = fraction
        row[37] = fraction / (age_hours + 0.1)
        row[38] = _LOG(event.amount)
        row[40] = float(payer.channels_opened)
        if not reasons:
            self._accept_claim(event, channel, payer, dest, increment, log_inc)
        put = store.put
        put("account", payer_key, payer)
        if device is not None:
            self._touch_key("device", device, dev_record, payer_key, ts)
        if ip is not None:
            self._touch_key("ip", ip, ip_record, payer_key, ts)
        return obs

    def _accept_claim(
        self,
        event: Event,
        channel: ChannelRecord,
        payer: AccountRecord,
        dest: AccountRecord | None,
        increment: int,
        log_inc: float,
    ) -> None:
        ts = event.ts
        # Running mean and variance of the gaps; the first gap seeds the mean.
        if payer.last_claim_ts:
            gap = ts - payer.last_claim_ts
            if payer.ia_mean == 0.0:
                payer.ia_mean = gap
            else:
                delta = gap - payer.ia_mean
                payer.ia_mean += _ALPHA * delta
                payer.ia_var = (1 - _ALPHA) * (payer.ia_var + _ALPHA * delta * delta)
        if channel.last_claim_ts:
            gap = ts - channel.last_claim_ts
            if channel.ia_mean == 0.0:
                channel.ia_mean = gap
            else:
                delta = gap - channel.ia_mean
                channel.ia_mean += _ALPHA * delta
                channel.ia_var = (1 - _ALPHA) * (channel.ia_var + _ALPHA * delta * delta)
        delta = log_inc - payer.amt_mean
        if payer.claims == 0:
            payer.amt_mean = log_inc
        else:
            payer.amt_mean += _ALPHA * delta
            payer.amt_var = (1 - _ALPHA) * (payer.amt_var + _ALPHA * delta * delta)
        payer.claims += 1
        payer.last_claim_ts = ts
        payer.spend_count_1h += 1.0
        payer.spend_count_24h += 1.0
        payer.spend_1h += increment
        payer.spend_24h += increment
        payer.spend_7d += increment
        channel.last_claim = event.amount
        channel.last_claim_ts = ts
        channel.claim_count += 1
        if dest is not None:
            dest.recv_24h = dest.recv_24h * _EXP(-(ts - dest.recv_ts) / _DAY) + increment
            dest.recv_ts = ts
            self.store.put("account", channel.destination, dest)
        self.store.put("channel", event.channel_id or "", channel)

    # -- other scored events ------------------------------------------------------------
    def _channel_created(self, event: Event) -> Observation:
        ts = event.ts
        payer_key = event.account or ""
        dest_key = event.destination or ""
        row = self._base(event, 1)
        obs = Observation(event, row, [], payer=payer_key, destination=dest_key)
        obs.entities.update(account=payer_key, destination=dest_key)
        if event.user_id is not None:
            obs.entities["user"] = event.user_id
        payer = self._account(payer_key, ts)
        dest = self._account(dest_key, ts)
        obs.funder = payer.funder
        if payer.funder is not None:
            obs.entities["funder"] = payer.funder
        row[5] = (ts - payer.first_seen) / _HOUR
        self._funder_features(row, payer.funder, ts)
        row[12] = 1.0 if payer.funder is not None and payer.funder == dest.funder else 0.0
        self._destination_features(row, dest, ts)
        row[17] = float(payer.lab_fraud)
        if payer.device_changed_ts:
            row[22] = (ts - payer.device_changed_ts) / _HOUR
        row[38] = _LOG(event.amount)
        row[39] = event.settle_delay / _HOUR
        row[40] = float(payer.channels_opened)
        channel = ChannelRecord(payer_key, dest_key, event.public_key or "", event.amount, ts)
        channel.cancel_after = event.cancel_after
        self.store.put("channel", event.channel_id or "", channel)
        payer.channels_opened += 1
        dest.recv_payers += 1
        self.store.put("account", payer_key, payer)
        self.store.put("account", dest_key, dest)
        return obs

    def _wallet_linked(self, event: Event) -> Observation:
        ts = event.ts
        account_key = event.account or ""
        user_key = event.user_id or ""
        row = self._base(event, 2)
        obs = Observation(event, row, [], payer=account_key)
        obs.entities.update(account=account_key, user=user_key)
        account = self._account(account_key, ts)
        user: UserRecord | None = self.store.get("user", user_key)
        if user is None:
            user = UserRecord(ts)
        obs.funder = account.funder
        if account.funder is not None:
            obs.entities["funder"] = account.funder
        row[5] = (ts - account.first_seen) / _HOUR
        self._funder_features(row, account.funder, ts)
        row[17] = float(account.lab_fraud)
        dev_record, ip_record = self._device_ip_features(
            row, event.device_id, event.ip, obs.entities
        )
        changed = user.device is not None and event.device_id not in (None, user.device)
        row[41] = float(user.accounts)
        row[42] = 1.0 if changed else 0.0
        row[43] = 1.0 if account.device is not None and event.device_id != account.device else 0.0
        if event.device_id is not None and event.device_id != account.device:
            if account.device is not None:
                account.device_changed_ts = ts
            account.device = event.device_id
        if event.ip is not None and event.ip != account.ip:
            if account.ip is not None:
                account.ip_changed_ts = ts
            account.ip = event.ip
        if user.account != account_key:
            user.accounts += 1
            user.account = account_key
        user.links += 1
        user.device = event.device_id or user.device
        user.ip = event.ip or user.ip
        self.store.put("user", user_key, user)
        self.store.put("account", account_key, account)
        self._touch_key("device", event.device_id, dev_record, account_key, ts)
        self._touch_key("ip", event.ip, ip_record, account_key, ts)
        return obs

    def _account_funded(self, event: Event) -> Observation:
        ts = event.ts
        account_key = event.account or ""
        funder_key = event.funder or ""
        row = self._base(event, 3)
        obs = Observation(event, row, [], payer=account_key, funder=funder_key)
        obs.entities.update(account=account_key, funder=funder_key)
        self._funder_features(row, funder_key, ts)
        row[5] = 0.0
        row[38] = _LOG(event.amount)
        account = self._account(account_key, ts)
        if account.funder is None:
            account.funder = funder_key
        funder: FunderRecord | None = self.store.get("funder", funder_key)
        if funder is None:
            funder = FunderRecord(ts)
        funder.fanout += 1
        funder.fanout_24h = funder.fanout_24h * _EXP(-(ts - funder.fanout_ts) / _DAY) + 1.0
        funder.fanout_ts = ts
        self.store.put("funder", funder_key, funder)
        self.store.put("account", account_key, account)
        return obs

    # -- state-only events ----------------------------------------------------------------
    def _channel_event(self, event: Event) -> None:
        channel = self.channel(event.channel_id or "")
        if channel is None:
            return
        if event.type == "channel.funded":
            channel.funded += event.amount
            if event.expiration is not None:
                channel.expiration = event.expiration
        elif event.type == "claim.redeemed":
            channel.redeemed = max(channel.redeemed, event.amount)
        elif event.type == "channel.closed":
            channel.closed = True
        self.store.put("channel", event.channel_id or "", channel)

    def _outcome(self, event: Event) -> None:
        if self.refs_in_store:
            stored: EventRefs | None = self.store.get("event", event.event_id or "")
            refs = None if stored is None else stored.refs()
        else:
            refs = self._pending.get(event.event_id or "")
        if refs is None:
            return
        fraud = 1 if event.fraud else 0
        payer_key, dest_key, funder_key, device, ip = refs
        store = self.store
        if payer_key is not None:
            payer: AccountRecord | None = store.get("account", payer_key)
            if payer is not None:
                payer.lab_n += 1
                payer.lab_fraud += fraud
                store.put("account", payer_key, payer)
        if dest_key is not None:
            dest: AccountRecord | None = store.get("account", dest_key)
            if dest is not None:
                dest.recv_lab_n += 1
                dest.recv_fraud += fraud
                store.put("account", dest_key, dest)
        if funder_key is not None:
            funder: FunderRecord | None = store.get("funder", funder_key)
            if funder is not None:
                funder.lab_n += 1
                funder.lab_fraud += fraud
                store.put("funder", funder_key, funder)
        for kind, key in (("device", device), ("ip", ip)):
            if key is not None:
                record: KeyRecord | None = store.get(kind, key)
                if record is not None:
                    record.lab_n += 1
                    record.lab_fraud += fraud
                    store.put(kind, key, record)
