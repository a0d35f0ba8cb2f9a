"""Fraud scoring for XRP Ledger micropayment platforms.

Events in (``fraud.events``), deterministic claim checks (``fraud.checks``), streaming
features over a bounded store (``fraud.features``, ``fraud.store``), ordered rules
(``fraud.rules``), one calibrated pipeline (``fraud.pipeline``, ``fraud.train``), and
the scorer shared by the CLI and the HTTP API (``fraud.scorer``). Reason codes are
documented in ``fraud.reasons``.
"""

from fraud.config import FraudSettings
from fraud.errors import (
    EventRejected,
    FraudError,
    PipelineIncompatible,
    PipelineNotFound,
    RulesError,
)
from fraud.events import Event, EventReader, parse_event
from fraud.pipeline import FraudPipeline
from fraud.reasons import REASONS, Reason
from fraud.scorer import Decision, Scorer

__all__ = [
    "REASONS",
    "Decision",
    "Event",
    "EventReader",
    "EventRejected",
    "FraudError",
    "FraudPipeline",
    "FraudSettings",
    "PipelineIncompatible",
    "PipelineNotFound",
    "Reason",
    "RulesError",
    "Scorer",
    "parse_event",
]
