"""Conversation-level evaluation: whole inquiries, end to end, judged by what the user got.

``python -m devstack.conversations bot/eval/conversations-test.yml --check`` starts a stack on
free ports (sandbox with the demo world, Rasa, the action server, the api), plays every
conversation through the api as a user would, and judges each one:

- ``expect: answer`` (an answerable inquiry) is *resolved* when no ticket was opened, the
  assistant still owns the conversation, every ``says`` text appears in its replies
  (case-insensitive; ``{balance:alice}`` and the like are read live from the sandbox), one of the
  ``help`` articles is linked when any are given, and its last reply is not the "I'm not sure I
  understood" clarification.
- ``expect: escalate`` (a must-escalate inquiry) is *escalated* when a ticket exists for the
  conversation, of one of the ``kind`` values when given, whose diagnostics hold every key in
  ``diagnostics``.

The targets (issue 3): at least 85% of answerable inquiries resolved, 100% of must-escalate
ones escalated. ``--check`` exits 1 when either is missed. Conversations with ``user: <name>``
are signed in as that demo user (the api's widget token binds that user's wallet); the others
are anonymous visitors.

File format (YAML)::

    conversations:
      - id: balance-typed-address        # unique
        flow: balance                    # for the per-flow table
        user: alice                      # optional: signed in as this demo user
        turns: ["how much XRP is in {address:alice}?"]
        expect: answer                   # answer | escalate
        says: ["{balance:alice}"]        # answer: all must appear in the replies
        help: [reserves-explained]       # answer: one of these /help/<id> links must appear
        kind: [fraud_report]             # escalate: acceptable ticket kinds
        diagnostics: [account_overview]  # escalate: keys the ticket's diagnostics must hold

Placeholders: ``{address:NAME}``, ``{balance:NAME}``, ``{spendable:NAME}`` (demo accounts),
``{channel:KEY}``, ``{remaining:KEY}`` (demo channels), ``{tx:KEY}`` (demo transactions).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import yaml

from devstack.config import ROOT, StackSettings
from devstack.local_secrets import local_secret

__all__ = ["Conversation", "Outcome", "evaluate", "load_conversations", "main"]

ANSWERED_TARGET = 0.85
ESCALATED_TARGET = 1.0
CLARIFY = "I'm not sure I understood"
_PLACEHOLDER = re.compile(r"\{(address|balance|spendable|channel|remaining|tx):([a-z_]+)\}")


class ConversationFileError(ValueError):
    """The conversation file is malformed; the message names the conversation and the field."""


@dataclass(frozen=True)
class Conversation:
    id: str
    flow: str
    turns: list[str]
    expect: str
    user: str | None = None
    says: list[str] = field(default_factory=list)
    help: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    conversation: Conversation
    ok: bool
    why: str
    replies: list[str]
    ticket_kind: str | None = None


def _strings(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConversationFileError(f"{where}: '{key}' must be a list of non-empty strings")
    return value


def load_conversations(path: Path) -> list[Conversation]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConversationFileError(f"{path}: cannot read it as YAML: {error}") from error
    entries = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConversationFileError(f"{path}: expected a non-empty 'conversations' list")
    seen: set[str] = set()
    result = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}, conversation {number}"
        if not isinstance(entry, dict):
            raise ConversationFileError(f"{where}: expected a mapping")
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident:
            raise ConversationFileError(f"{where}: 'id' is missing")
        where = f"{path.name}, conversation {ident!r}"
        if ident in seen:
            raise ConversationFileError(f"{where}: the id is used twice")
        seen.add(ident)
        expect = entry.get("expect")
        if expect not in ("answer", "escalate"):
            raise ConversationFileError(f"{where}: 'expect' must be 'answer' or 'escalate'")
        turns = _strings(entry, "turns", where)
        if not turns:
            raise ConversationFileError(f"{where}: 'turns' is empty")
        user = entry.get("user")
        if user is not None and not isinstance(user, str):
            raise ConversationFileError(f"{where}: 'user' must be a demo user's name")
        result.append(
            Conversation(
                id=ident,
                flow=str(entry.get("flow") or "other"),
                turns=turns,
                expect=expect,
                user=user,
                says=_strings(entry, "says", where),
                help=_strings(entry, "help", where),
                kind=_strings(entry, "kind", where),
                diagnostics=_strings(entry, "diagnostics", where),
            )
        )
    return result


class LiveFacts:
    """Fills placeholders from the demo world's names and the sandbox's current state."""

    def __init__(self, ledger_url: str) -> None:
        from ledger.sandbox.demo import DEMO

        self._demo = DEMO
        self._ledger = httpx.Client(base_url=ledger_url, timeout=10)

    def _rpc(self, method: str, **params: Any) -> dict[str, Any]:
        response = self._ledger.post("/", json={"method": method, "params": [params]})
        response.raise_for_status()
        result: dict[str, Any] = response.json()["result"]
        return result

    @staticmethod
    def _xrp(drops: int) -> str:
        return f"{(Decimal(drops) / 1_000_000).normalize():f} XRP"

    def value(self, kind: str, name: str) -> str:
        if kind == "address":
            return self._demo.account(name).address
        if kind == "tx":
            return self._demo.transactions[name]
        if kind == "channel":
            return self._demo.channel(name).channel_id
        if kind in ("balance", "spendable"):
            info = self._rpc(
                "account_info", account=self._demo.account(name).address, ledger_index="validated"
            )
            balance = int(info["account_data"]["Balance"])
            if kind == "balance":
                return self._xrp(balance)
            state = self._rpc("server_state")["state"]["validated_ledger"]
            owners = int(info["account_data"].get("OwnerCount", 0))
            reserve = int(state["reserve_base"]) + owners * int(state["reserve_inc"])
            return self._xrp(balance - reserve)
        # remaining: the channel's amount less what its claims paid out
        channel = self._demo.channel(name)
        payer = self._demo.account(channel.payer).address
        for entry in self._rpc("account_channels", account=payer)["channels"]:
            if entry["channel_id"] == channel.channel_id:
                return self._xrp(int(entry["amount"]) - int(entry.get("balance", 0)))
        raise KeyError(f"channel {name} is not open in the sandbox")

    def close(self) -> None:
        self._ledger.close()

    def fill(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.value(m.group(1), m.group(2)), text)


class Desk:
    """The api as a user and an agent see it: chat turns, and the tickets they opened."""

    def __init__(self, api_url: str, agent_password: str, sign_user: Any) -> None:
        self.chat = httpx.Client(base_url=api_url, timeout=30)
        self._sign_user = sign_user
        token = self.chat.post(
            "/agents/login", json={"username": "demo", "password": agent_password}
        )
        token.raise_for_status()
        self._agent = {"Authorization": f"Bearer {token.json()['token']}"}

    def close(self) -> None:
        self.chat.close()

    def say(self, conversation_id: str, text: str, user: str | None) -> tuple[list[str], str]:
        headers = {}
        if user is not None:
            headers["X-User-Token"] = self._sign_user(user)
        response = self.chat.post(
            "/chat/messages",
            json={"conversation_id": conversation_id, "text": text},
            headers=headers,
        )
        if response.status_code != 200:
            return [f"(api answered {response.status_code}: {response.text[:200]})"], "bot"
        body = response.json()
        return [m["text"] for m in body["messages"] if m["sender"] == "bot"], body["owner"]

    def ticket(self, conversation_id: str) -> dict[str, Any] | None:
        response = self.chat.get("/tickets", headers=self._agent, params={"limit": 1000})
        response.raise_for_status()
        for summary in response.json():
            if summary["conversation_id"] == conversation_id:
                detail = self.chat.get(f"/tickets/{summary['ticket_id']}", headers=self._agent)
                detail.raise_for_status()
                found: dict[str, Any] = detail.json()
                return found
        return None


def _judge(
    conversation: Conversation, replies: list[str], owner: str, ticket: Any, facts: LiveFacts
) -> Outcome:
    said = "\n".join(replies)
    lowered = said.lower()
    if conversation.expect == "escalate":
        if ticket is None:
            return Outcome(conversation, False, "no ticket was opened", replies)
        kind = ticket.get("kind")
        if conversation.kind and kind not in conversation.kind:
            return Outcome(conversation, False, f"ticket of kind {kind!r}", replies, kind)
        missing = [k for k in conversation.diagnostics if not ticket.get("diagnostics", {}).get(k)]
        if missing:
            return Outcome(
                conversation, False, f"diagnostics lack {', '.join(missing)}", replies, kind
            )
        return Outcome(conversation, True, "escalated", replies, kind)
    if ticket is not None or owner != "bot":
        return Outcome(
            conversation, False, "handed to a human", replies, ticket and ticket.get("kind")
        )
    missing = [s for s in (facts.fill(s) for s in conversation.says) if s.lower() not in lowered]
    if missing:
        return Outcome(conversation, False, "reply lacks " + "; ".join(map(repr, missing)), replies)
    if conversation.help and not any(f"/help/{a}" in said for a in conversation.help):
        return Outcome(conversation, False, "no link to " + " or ".join(conversation.help), replies)
    if not replies or CLARIFY.lower() in replies[-1].lower():
        return Outcome(conversation, False, "ended in a clarification", replies)
    return Outcome(conversation, True, "answered", replies)


def evaluate(
    conversations: list[Conversation], desk: Desk, facts: LiveFacts, progress: bool = True
) -> list[Outcome]:
    outcomes = []
    run = secrets.token_hex(3)
    for number, conversation in enumerate(conversations, start=1):
        conversation_id = f"eval_{run}_{number:03d}"
        replies: list[str] = []
        owner = "bot"
        for turn in conversation.turns:
            answer, owner = desk.say(conversation_id, facts.fill(turn), conversation.user)
            replies.extend(answer)
        outcome = _judge(conversation, replies, owner, desk.ticket(conversation_id), facts)
        outcomes.append(outcome)
        if progress:
            mark = "ok " if outcome.ok else "MISS"
            print(f"  {mark} {conversation.id:<40} {outcome.why}", flush=True)
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.conversation.expect == "answer"]
    escalate = [o for o in outcomes if o.conversation.expect == "escalate"]
    flows: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        flows[o.conversation.flow]["total"] += 1
        flows[o.conversation.flow]["ok"] += o.ok
    resolved = sum(o.ok for o in answerable) / len(answerable) if answerable else 1.0
    escalated = sum(o.ok for o in escalate) / len(escalate) if escalate else 1.0
    return {
        "answerable": len(answerable),
        "resolved": sum(o.ok for o in answerable),
        "resolved_rate": round(resolved, 4),
        "must_escalate": len(escalate),
        "escalated": sum(o.ok for o in escalate),
        "escalated_rate": round(escalated, 4),
        "flows": {flow: dict(counts) for flow, counts in sorted(flows.items())},
        "misses": [
            {"id": o.conversation.id, "why": o.why, "replies": o.replies}
            for o in outcomes
            if not o.ok
        ],
        "targets_met": resolved >= ANSWERED_TARGET and escalated >= ESCALATED_TARGET,
    }


def _widget_signer(secrets_dir: Path) -> Any:
    """Signs demo users in as the host platform's backend would (api/widget/tokens.py)."""
    from api.widget.tokens import sign_token
    from ledger.sandbox.demo import DEMO

    key = local_secret(secrets_dir, "widget_secret").encode()

    def sign(name: str) -> str:
        return sign_token(key, f"demo-{name}", [DEMO.account(name).address], name.title(), 600)

    return sign


def run(path: Path, out: Path | None, only: list[str] | None = None) -> dict[str, Any]:
    from devstack.stack import settings_on_free_ports

    conversations = load_conversations(path)
    if only:
        unknown = sorted(set(only) - {c.id for c in conversations})
        if unknown:
            raise ConversationFileError(f"{path}: no conversation with the id {', '.join(unknown)}")
        conversations = [c for c in conversations if c.id in only]
    print(f"\n== conversations: {len(conversations)} from {path} ==", flush=True)
    started = time.perf_counter()
    # A database of its own: every ticket in it is this run's (the judge lists them all).
    with tempfile.TemporaryDirectory(prefix="conversations-") as scratch:
        settings = settings_on_free_ports(
            log_dir=ROOT / "var" / "log" / "conversations",
            api_database_url=f"sqlite:///{Path(scratch) / 'api.sqlite'}",
        )
        return _play(conversations, settings, started, out)


def _play(
    conversations: list[Conversation], settings: StackSettings, started: float, out: Path | None
) -> dict[str, Any]:
    from devstack.stack import Stack

    with Stack(settings) as stack:
        facts = LiveFacts(stack.ledger_url)
        password = local_secret(settings.secrets_dir, "demo-agent-password")
        desk = Desk(stack.api_url, password, _widget_signer(settings.secrets_dir))
        try:
            outcomes = evaluate(conversations, desk, facts)
        finally:
            desk.close()
            facts.close()
    result = summary(outcomes)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(
        f"answerable inquiries resolved: {result['resolved']}/{result['answerable']} "
        f"= {result['resolved_rate']:.1%} (target >= {ANSWERED_TARGET:.0%})\n"
        f"must-escalate inquiries escalated: {result['escalated']}/{result['must_escalate']} "
        f"= {result['escalated_rate']:.1%} (target {ESCALATED_TARGET:.0%})",
        flush=True,
    )
    for flow, counts in result["flows"].items():
        print(f"  {flow:<22} {counts.get('ok', 0)}/{counts['total']}")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        print(f"report: {out}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("conversations", type=Path, help="YAML file of conversations")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--only", nargs="+", metavar="ID", help="play only these conversations (by id)"
    )
    args = parser.parse_args(argv)
    try:
        result = run(args.conversations, args.out, args.only)
    except ConversationFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1 if args.check and not result["targets_met"] else 0


if __name__ == "__main__":
    sys.exit(main())
