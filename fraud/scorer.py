"""The scorer shared by ``fraud score`` and ``POST /fraud/events``.

Events are folded into the feature state one by one, in order; the model is then asked
once for the whole batch (its answer for a row does not depend on the other rows, so a
batch of one and a batch of thousands give the same scores). Decisions follow the order
documented in :mod:`fraud.rules`.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from fraud.config import FraudSettings
from fraud.events import Event
from fraud.features import FEATURES, FeatureEngine, Observation
from fraud.pipeline import FraudPipeline
from fraud.reasons import REASONS, Reason
from fraud.rules import Rule, RulesEngine
from fraud.sinks import AlertSink, BlockAlert, ReviewCase, ReviewSink
from fraud.store import FeatureStore, InMemoryStore, open_store

__all__ = ["Decision", "Scorer"]

_dumps = json.dumps
_thread_state = threading.local()
_LOW_RISK = Reason("model_low_risk", REASONS["model_low_risk"])


def _json_str(text: str) -> str:
    """A JSON string literal; plain ASCII skips the encoder."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return _dumps(text)


_LOW_RISK_JSON = f'{{"code":"{_LOW_RISK.code}","detail":{_json_str(_LOW_RISK.detail)}}}'
# Model versions as JSON strings (a few per process).
_versions_json: dict[str, str] = {}


@dataclass(slots=True)
class Decision:
    event_id: str
    type: str
    score: int
    probability: float
    risk_level: str
    decision: str
    reasons: list[Reason]
    model_version: str
    account: str | None = None

    def to_json(self) -> str:
        """The contract's output line (without the newline), built without a dict."""
        if len(self.reasons) == 1 and self.reasons[0] is _LOW_RISK:
            reasons = _LOW_RISK_JSON  # most decisions: built once
        else:
            reasons = ",".join(
                f'{{"code":"{r.code}","detail":{_json_str(r.detail)}}}' for r in self.reasons
            )
        version = _versions_json.get(self.model_version)
        if version is None:
            version = _versions_json[self.model_version] = _json_str(self.model_version)
        return (
            f'{{"event_id":{_json_str(self.event_id)},"type":"{self.type}","score":{self.score},'
            f'"probability":{self.probability!r},"risk_level":"{self.risk_level}",'
            f'"decision":"{self.decision}","reasons":[{reasons}],'
            f'"model_version":{version}}}'
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "score": self.score,
            "probability": self.probability,
            "risk_level": self.risk_level,
            "decision": self.decision,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "model_version": self.model_version,
        }


def _rule_action(
    first_match: Callable[[str, str, dict[str, str]], Rule | None],
    event_type: str,
    entities: dict[str, str],
    probability: float,
    settings: FraudSettings,
) -> tuple[str, list[Reason]]:
    """The action and rule reason when some rule can match (see :mod:`fraud.rules`)."""
    rule = first_match("allow", event_type, entities)
    if rule is not None:
        return "allow", [Reason("rule_allow", f"Allowed by the rule '{rule.name}'.")]
    rule = first_match("block", event_type, entities)
    if rule is not None:
        return "block", [Reason("rule_block", f"Blocked by the rule '{rule.name}'.")]
    if probability >= settings.block_threshold:
        return "block", []
    rule = first_match("review", event_type, entities)
    if rule is not None:
        return "review", [Reason("rule_review", f"Sent to review by '{rule.name}'.")]
    if probability >= settings.review_threshold:
        return "review", []
    return "allow", []


class Scorer:
    def __init__(
        self,
        pipeline: FraudPipeline,
        settings: FraudSettings | None = None,
        rules: RulesEngine | None = None,
        store: FeatureStore | None = None,
        review_sink: ReviewSink | None = None,
        alert_sink: AlertSink | None = None,
        autoflush: bool = True,
    ) -> None:
        """``store`` defaults to the one the settings select; a store that buffers writes
        (Redis) is flushed after every :meth:`score` unless ``autoflush`` is False (the
        queue worker commits them itself, with the stream position)."""
        self.settings = settings or FraudSettings()
        self.pipeline = pipeline
        self.rules = rules if rules is not None else RulesEngine(self.settings.rules_path)
        self.store: FeatureStore = store if store is not None else open_store(self.settings)
        self.engine = FeatureEngine(
            self.store,
            self.settings.max_pending_outcomes,
            self.settings.recent_events,
            refs_in_store=not isinstance(self.store, InMemoryStore),
        )
        flush: Callable[[], None] | None = getattr(self.store, "flush", None)
        self._flush = flush if autoflush else None
        self.review_sink = review_sink
        self.alert_sink = alert_sink
        self.counts: dict[str, int] = {"allow": 0, "review": 0, "block": 0}

    def _limit_model_threads(self) -> None:
        # OpenMP thread limits are per calling thread: a web server's worker threads would
        # each start a team of all cores, whose barriers stall for milliseconds when the
        # cores are busy. Set the limit once in every thread that scores.
        if getattr(_thread_state, "limited", None) != self.settings.model_threads:
            threadpool_limits(limits=self.settings.model_threads, user_api="openmp")
            _thread_state.limited = self.settings.model_threads

    def score(self, events: Sequence[Event]) -> list[Decision]:
        """One decision per scored event of ``events``, in order."""
        settings = self.settings
        self._limit_model_threads()
        ruleset = self.rules.maybe_reload()
        version = f"{self.pipeline.model_version}+{ruleset.version}"
        observe = self.engine.observe
        observations: list[Observation] = []
        append = observations.append
        # The model's rows, packed as doubles while they are gathered (one buffer, no
        # nested lists for numpy to walk).
        packed = array("d")
        pack = packed.extend
        for event in events:
            obs = observe(event)
            if obs is not None:
                append(obs)
                if not obs.check_reasons:
                    pack(obs.features)
        matrix = np.frombuffer(packed, dtype=np.float64).reshape(-1, len(FEATURES))
        # The model's answers, in the order of the observations that reach the model.
        next_probability = iter(self.pipeline.predict_proba(matrix).tolist()).__next__
        decisions: list[Decision] = []
        explain: list[int] = []
        first_match = ruleset.first_match
        active = ruleset.active
        block_threshold = settings.block_threshold
        review_threshold = settings.review_threshold
        highest = settings.highest_threshold
        elevated = settings.elevated_threshold
        for obs in observations:
            event = obs.event
            if obs.check_reasons:
                decision = Decision(
                    event.id,
                    event.type,
                    100,
                    1.0,
                    "highest",
                    "block",
                    obs.check_reasons[: settings.max_reasons],
                    version,
                    obs.payer,
                )
                decisions.append(decision)
                continue
            probability = next_probability()
            score = round(probability * 100)
            action: str = "allow"
            reasons: list[Reason] = []
            if active:
                action, reasons = _rule_action(
                    first_match, event.type, obs.entities, probability, settings
                )
            elif probability >= block_threshold:
                action = "block"
            elif probability >= review_threshold:
                action = "review"
            if action != "allow":
                explain.append(len(decisions))
            elif not reasons:
                reasons = [_LOW_RISK]
            if probability >= highest:
                risk_level = "highest"
            elif probability >= elevated:
                risk_level = "elevated"
            else:
                risk_level = "normal"
            decisions.append(
                Decision(
                    event.id,
                    event.type,
                    score,
                    probability,
                    risk_level,
                    action,
                    reasons,
                    version,
                    obs.payer,
                )
            )
        if explain:
            self._explain(observations, decisions, explain)
        counts = self.counts
        for index, decision in enumerate(decisions):
            counts[decision.decision] += 1
            if decision.decision != "allow":
                self._escalate(observations[index], decision)
        if self._flush is not None:
            self._flush()
        return decisions

    def _explain(
        self, observations: list[Observation], decisions: list[Decision], indexes: list[int]
    ) -> None:
        rows = np.array([observations[i].features for i in indexes], dtype=np.float64)
        probabilities = np.array([decisions[i].probability for i in indexes])
        top = self.settings.max_reasons
        for i, model_reasons in zip(
            indexes, self.pipeline.explain(rows, probabilities, top), strict=True
        ):
            decisions[i].reasons = (decisions[i].reasons + model_reasons)[:top]

    def _recent_events(self, account: str | None, event_id: str) -> tuple[dict[str, Any], ...]:
        """The account's last ten events up to and including ``event_id`` (newest last)."""
        found: list[dict[str, Any]] = []
        seen_self = False
        for r in reversed(self.engine.recent):
            if not seen_self:
                seen_self = r.event_id == event_id
                if not seen_self:
                    continue
            if r.account == account:
                found.append(
                    {
                        "ts": r.ts,
                        "event_id": r.event_id,
                        "type": r.type,
                        "channel_id": r.channel_id,
                        "amount_drops": r.amount,
                    }
                )
                if len(found) == 10:
                    break
        return tuple(reversed(found))

    def _escalate(self, obs: Observation, decision: Decision) -> None:
        event = obs.event
        if decision.decision == "block" and self.alert_sink is not None:
            self.alert_sink.raise_alert(
                BlockAlert(
                    event.id,
                    event.type,
                    obs.payer,
                    event.ts_text,
                    decision.score,
                    tuple(decision.reasons),
                )
            )
        if decision.decision == "review" and self.review_sink is not None:
            channel = obs.channel
            channel_state = None
            if channel is not None:
                channel_state = {
                    "channel_id": event.channel_id,
                    "payer": channel.payer,
                    "destination": channel.destination,
                    "funded_drops": channel.funded,
                    "last_claim_drops": channel.last_claim,
                    "redeemed_drops": channel.redeemed,
                    "claims": channel.claim_count,
                    "closed": channel.closed,
                }
            recent = self._recent_events(obs.payer, event.id)
            features = {
                name: value
                for name, value in zip(FEATURES, obs.features, strict=True)
                if value == value  # not NaN
            }
            self.review_sink.open_review(
                ReviewCase(
                    event.id,
                    event.type,
                    obs.payer,
                    event.ts_text,
                    decision.score,
                    tuple(decision.reasons),
                    features,
                    channel_state,
                    recent,
                )
            )
