"""Whole conversations through the real stack, judged as the issue's targets are (dev set), and
the judge itself on hand-made outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.config import ROOT
from devstack.conversations import (
    Conversation,
    ConversationFileError,
    _judge,
    load_conversations,
    run,
)
from tests.conftest import require_rasa_model

DEV_SET = ROOT / "bot" / "eval" / "conversations-dev.yml"


class _Facts:
    def fill(self, text: str) -> str:
        return text.replace("{balance:alice}", "384.999964 XRP")


def test_every_shipped_conversation_set_loads() -> None:
    for path in sorted((ROOT / "bot" / "eval").glob("conversations-*.yml")):
        assert len(load_conversations(path)) >= 30, path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("conversations: []\n", "non-empty 'conversations' list"),
        ("conversations:\n  - {id: a, turns: [hi], expect: maybe}\n", "'expect' must be"),
        (
            "conversations:\n  - {id: a, turns: [hi], expect: answer}\n"
            "  - {id: a, turns: [hi], expect: answer}\n",
            "the id is used twice",
        ),
        ("conversations:\n  - {id: a, turns: [], expect: answer}\n", "'turns' is empty"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "set.yml"
    path.write_text(text)
    with pytest.raises(ConversationFileError, match=message):
        load_conversations(path)


def test_the_judge() -> None:
    answer = Conversation("b", "balance", ["balance?"], "answer", says=["{balance:alice}"])
    facts = _Facts()
    assert _judge(answer, ["total balance: 384.999964 XRP"], "bot", None, facts).ok  # type: ignore[arg-type]
    assert not _judge(answer, ["total balance: 12 XRP"], "bot", None, facts).ok  # type: ignore[arg-type]
    assert not _judge(answer, ["384.999964 XRP"], "human", {"kind": "human_request"}, facts).ok  # type: ignore[arg-type]
    clarify = ["384.999964 XRP", "I'm not sure I understood. Did you mean one of these?"]
    assert not _judge(answer, clarify, "bot", None, facts).ok  # type: ignore[arg-type]
    escalate = Conversation("h", "human", ["a person"], "escalate", kind=["human_request"])
    assert _judge(escalate, [], "human", {"kind": "human_request"}, facts).ok  # type: ignore[arg-type]
    assert not _judge(escalate, [], "human", {"kind": "complaint"}, facts).ok  # type: ignore[arg-type]
    assert not _judge(escalate, [], "bot", None, facts).ok  # type: ignore[arg-type]


@pytest.mark.stack
@pytest.mark.slow
def test_the_dev_conversations_meet_the_targets(tmp_path: Path) -> None:
    require_rasa_model()
    result = run(DEV_SET, tmp_path / "report.json")
    assert result["misses"] == [], result["misses"]
    assert result["resolved_rate"] >= 0.85
    assert result["escalated_rate"] == 1.0
