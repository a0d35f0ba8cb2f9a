from __future__ import annotations

import os
from pathlib import Path

import pytest

from fraud.errors import RulesError
from fraud.rules import RulesEngine

RULES = """
version = "t"
[[rule]]
name = "vip"
action = "allow"
field = "account"
values = ["rVIP"]
[[rule]]
name = "bad-device"
action = "block"
field = "device"
values = ["dev-1"]
[[rule]]
name = "watch-ip"
action = "review"
field = "ip"
values = ["1.2.3.4"]
event_types = ["claim"]
"""


def test_allow_wins_over_block_and_hits_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES)
    rules = RulesEngine(path).ruleset
    entities = {"account": "rVIP", "device": "dev-1"}
    assert rules.first_match("allow", "claim", entities) is not None
    blocked = rules.first_match("block", "claim", {"account": "rX", "device": "dev-1"})
    assert blocked is not None and blocked.name == "bad-device"
    assert rules.first_match("review", "wallet.linked", {"ip": "1.2.3.4"}) is None
    assert rules.hit_counts() == {"vip": 1, "bad-device": 1, "watch-ip": 0}


def test_reload_picks_up_changes(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES)
    engine = RulesEngine(path)
    first = engine.ruleset.version
    path.write_text(RULES.replace('"rVIP"', '"rOTHER"'))
    os.utime(path, (1, 1))
    engine._checked = 0.0  # let the next call look at the file without waiting a second
    rules = engine.maybe_reload()
    assert rules.version != first
    assert rules.first_match("allow", "claim", {"account": "rOTHER"}) is not None


def test_a_broken_rules_file_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nname = "x"\naction = "deny"\nfield = "ip"\n')
    with pytest.raises(RulesError, match="action must be one of"):
        RulesEngine(path)


def test_default_rules_file_loads() -> None:
    from fraud.config import FraudSettings

    assert RulesEngine(FraudSettings().rules_path).ruleset.version.startswith("2026")
