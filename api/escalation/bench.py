"""Claim race: 8 agents claiming from 1,000 open tickets at once, on PostgreSQL and SQLite.

    .venv/bin/python -m api.escalation.bench [--tickets 1000] [--agents 8]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each agent is a thread with its own session that claims the next most urgent ticket, one
transaction per claim, until the queue is empty. Reports double claims (a ticket claimed by
two agents; target 0), lost tickets (neither claimed nor open any more, or left open; target
0) and claims per second. PostgreSQL runs in a scratch database that is dropped afterwards;
SQLite in a temporary file with the api's own engine settings (WAL, busy timeout).
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, migrate
from api.escalation import repository
from api.escalation.config import EscalationSettings
from api.escalation.models import Ticket
from api.escalation.schemas import EscalationRequest
from api.escalation.service import open_ticket, utcnow

__all__ = ["RaceResult", "claim_race", "seed_tickets"]

KINDS = ("human_request", "fraud_report", "dispute", "browser", "wallet_connection")


@dataclass(frozen=True, slots=True)
class RaceResult:
    tickets: int
    claims: int
    double_claims: int
    lost: int
    seconds: float

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


def seed_tickets(factory: sessionmaker[Session], count: int) -> list[str]:
    settings = EscalationSettings()
    ids: list[str] = []
    with factory.begin() as session:
        for index in range(count):
            response = open_ticket(
                session,
                EscalationRequest(
                    conversation_id=f"race_{index}_{secrets.token_hex(3)}",
                    kind=KINDS[index % len(KINDS)],
                    summary=f"race ticket {index}",
                ),
                settings,
            )
            ids.append(response.ticket_id)
    return ids


def claim_race(factory: sessionmaker[Session], ticket_ids: list[str], agents: int) -> RaceResult:
    """``agents`` threads claim until the queue is empty; who got what is checked after."""
    claimed: dict[str, list[str]] = {f"agent_{n}": [] for n in range(agents)}
    errors: list[BaseException] = []
    start = threading.Barrier(agents + 1)

    def work(agent_id: str) -> None:
        start.wait()
        try:
            while True:
                with factory.begin() as session:
                    ticket_id = repository.claim_next(session, agent_id, utcnow())
                if ticket_id is None:
                    return
                claimed[agent_id].append(ticket_id)
        except BaseException as exc:  # reported below; the race must not hang
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(agent,)) for agent in claimed]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if errors:
        raise errors[0]

    counts = Counter(ticket for got in claimed.values() for ticket in got)
    double_claims = sum(n - 1 for n in counts.values() if n > 1)
    with factory() as session:
        rows = dict(
            session.execute(
                select(Ticket.id, Ticket.assignee_id).where(Ticket.id.in_(ticket_ids))
            ).all()
        )
        still_open = session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status == "open")
        )
    # Lost: not claimed by anyone, or the row's assignee disagrees with who claimed it.
    owner = {ticket: agent for agent, got in claimed.items() for ticket in got}
    lost = sum(
        1 for ticket in ticket_ids if ticket not in counts or rows.get(ticket) != owner[ticket]
    )
    lost += int(still_open or 0)
    return RaceResult(len(ticket_ids), sum(counts.values()), double_claims, lost, seconds)


def _run(url: str, tickets: int, agents: int) -> RaceResult:
    engine = make_engine(url)
    try:
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        ids = seed_tickets(factory, tickets)
        return claim_race(factory, ids, agents)
    finally:
        engine.dispose()


def _postgres(url: str, tickets: int, agents: int) -> RaceResult:
    name = "channeldesk_bench_" + secrets.token_hex(4)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return _run(url.rsplit("/", 1)[0] + "/" + name, tickets, agents)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _line(engine: str, result: RaceResult) -> str:
    return (
        f"{engine:<11} tickets {result.tickets:>5}  claims {result.claims:>5}  "
        f"double claims {result.double_claims}  lost {result.lost}  "
        f"{result.claims_per_second:8.1f} claims/s  ({result.seconds:.2f} s)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api.escalation.bench")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args(argv)
    print(
        f"claim race: {args.agents} agents, {args.tickets} open tickets, one claim per transaction"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = _run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.tickets, args.agents)
    print(_line("SQLite", sqlite))
    try:
        postgres = _postgres(args.postgres_url, args.tickets, args.agents)
    except Exception as exc:  # the report says why PostgreSQL was skipped
        print(f"{'PostgreSQL':<11} skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    else:
        print(_line("PostgreSQL", postgres))


if __name__ == "__main__":
    main()
