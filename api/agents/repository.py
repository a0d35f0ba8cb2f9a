"""Every query of the agents domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.agents.models import Agent, AgentSession

__all__ = [
    "add_agent",
    "add_session",
    "count_agents",
    "delete_session",
    "get_agent",
    "get_agent_by_username",
    "get_session",
    "list_agents",
]


def get_agent(session: Session, agent_id: str) -> Agent | None:
    return session.get(Agent, agent_id)


def get_agent_by_username(session: Session, username: str) -> Agent | None:
    return session.scalars(select(Agent).where(Agent.username == username)).first()


def list_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.username)).all())


def count_agents(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agent)) or 0


def add_agent(session: Session, agent: Agent) -> Agent:
    session.add(agent)
    session.flush()
    return agent


def add_session(session: Session, row: AgentSession) -> None:
    session.add(row)


def get_session(session: Session, token_hash: str) -> AgentSession | None:
    return session.get(AgentSession, token_hash)


def delete_session(session: Session, token_hash: str) -> None:
    session.execute(delete(AgentSession).where(AgentSession.token_hash == token_hash))


def purge_expired(session: Session, now: datetime) -> None:
    session.execute(delete(AgentSession).where(AgentSession.expires_at < now))
