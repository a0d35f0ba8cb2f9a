"""One error root for the fraud package; every error carries a message.

FraudError
├── EventRejected        a line or payload that breaks the contract (.line, .field, .reason)
├── RulesError           the rules file is unreadable or malformed
├── PipelineNotFound     no trained pipeline in the model directory
└── PipelineIncompatible the artifact was saved under other library versions
"""

from __future__ import annotations

__all__ = [
    "EventRejected",
    "FraudError",
    "PipelineIncompatible",
    "PipelineNotFound",
    "RulesError",
]


class FraudError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EventRejected(FraudError):
    def __init__(self, reason: str, field: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.field = field
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{reason}")


class RulesError(FraudError):
    pass


class PipelineNotFound(FraudError):
    pass


class PipelineIncompatible(FraudError):
    pass
