"""Declarative, ordered rules from a TOML file, reloadable, with hit counts.

Evaluation order (Stripe Radar's, per its rules reference: allow rules first, then
block, then review; the first match decides and nothing after it is evaluated):

1. deterministic claim checks (:mod:`fraud.checks`): what the ledger rejects is blocked,
   and no rule can allow it;
2. ``allow`` rules, in file order;
3. ``block`` rules, in file order, then the built-in block rule
   ``probability >= block_threshold``;
4. ``review`` rules, in file order, then the built-in review rule
   ``probability >= review_threshold``;
5. otherwise the event is allowed.

Radar leaves rules of one action unordered; here file order breaks ties so that the
reported rule is reproducible. A rule matches when the event's entity named by
``field`` (``account``, ``destination``, ``funder``, ``user``, ``device``, ``ip``) is in
``values``, optionally restricted to ``event_types``::

    version = "2026-03-01"

    [[rule]]
    name = "exchange-hot-wallet"
    action = "allow"
    field = "funder"
    values = ["rExample..."]
"""

from __future__ import annotations

import hashlib
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fraud.errors import RulesError

__all__ = ["ACTIONS", "FIELDS", "Rule", "RuleSet", "RulesEngine"]

ACTIONS = ("allow", "block", "review")
FIELDS = ("account", "destination", "funder", "user", "device", "ip")


@dataclass(slots=True)
class Rule:
    name: str
    action: str
    field: str
    values: frozenset[str]
    event_types: frozenset[str] | None = None
    hits: int = 0

    def matches(self, event_type: str, entities: dict[str, str]) -> bool:
        if self.event_types is not None and event_type not in self.event_types:
            return False
        value = entities.get(self.field)
        return value is not None and value in self.values


@dataclass(slots=True)
class RuleSet:
    version: str
    by_action: dict[str, list[Rule]] = field(default_factory=dict)
    # Actions with at least one rule that can match (rules with no values never do).
    active: frozenset[str] = frozenset()

    def first_match(self, action: str, event_type: str, entities: dict[str, str]) -> Rule | None:
        if action not in self.active:
            return None
        for rule in self.by_action.get(action, ()):
            if rule.matches(event_type, entities):
                rule.hits += 1
                return rule
        return None

    def hit_counts(self) -> dict[str, int]:
        return {r.name: r.hits for rules in self.by_action.values() for r in rules}


def _parse(text: str, source: str) -> RuleSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source} is not valid TOML: {exc}") from None
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    version = f"{data.get('version', 'rules')}.{digest}"
    ruleset = RuleSet(version, {action: [] for action in ACTIONS})
    names: set[str] = set()
    for index, item in enumerate(data.get("rule", []), start=1):
        where = f"{source}: rule {index}"
        if not isinstance(item, dict):
            raise RulesError(f"{where} must be a table")
        name = item.get("name")
        action = item.get("action")
        field_name = item.get("field")
        values = item.get("values", [])
        types = item.get("event_types")
        if not isinstance(name, str) or not name or name in names:
            raise RulesError(f"{where} needs a unique non-empty name")
        if action not in ACTIONS:
            raise RulesError(f"{where} ({name}): action must be one of {', '.join(ACTIONS)}")
        if field_name not in FIELDS:
            raise RulesError(f"{where} ({name}): field must be one of {', '.join(FIELDS)}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RulesError(f"{where} ({name}): values must be a list of strings")
        if types is not None and not (
            isinstance(types, list) and all(isinstance(t, str) for t in types)
        ):
            raise RulesError(f"{where} ({name}): event_types must be a list of strings")
        names.add(name)
        ruleset.by_action[action].append(
            Rule(
                name,
                action,
                field_name,
                frozenset(values),
                frozenset(types) if types is not None else None,
            )
        )
    ruleset.active = frozenset(
        action for action, rules in ruleset.by_action.items() if any(r.values for r in rules)
    )
    return ruleset


class RulesEngine:
    """Holds the current rule set; reloads it when the file changes (checked at most 1/s)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._mtime = 0.0
        self._checked = 0.0
        self.ruleset = RuleSet("none", {action: [] for action in ACTIONS})
        if path is not None:
            self.reload()

    def reload(self) -> RuleSet:
        if self.path is None:
            return self.ruleset
        try:
            text = self.path.read_text(encoding="utf-8")
            mtime = self.path.stat().st_mtime
        except OSError as exc:
            raise RulesError(f"cannot read rules file {self.path}: {exc.strerror}") from None
        self.ruleset = _parse(text, str(self.path))
        self._mtime = mtime
        return self.ruleset

    def maybe_reload(self) -> RuleSet:
        now = time.monotonic()
        if self.path is not None and now - self._checked >= 1.0:
            self._checked = now
            try:
                changed = self.path.stat().st_mtime != self._mtime
            except OSError:
                changed = False
            if changed:
                self.reload()
        return self.ruleset
