"""Agent accounts and sessions: login, token check, creation, start-up bootstrap."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.agents import repository
from api.agents.config import AgentSettings
from api.agents.models import Agent, AgentSession
from api.agents.passwords import hash_password, verify_password
from api.agents.schemas import AgentCreate, AgentOut, LoginResponse
from api.errors import Conflict, NotAuthenticated

__all__ = ["authenticate", "bootstrap", "create_agent", "list_agents", "login", "logout"]

log = logging.getLogger(__name__)
_BAD_LOGIN = "wrong username or password"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _out(agent: Agent) -> AgentOut:
    return AgentOut(
        id=agent.id,
        username=agent.username,
        display_name=agent.display_name,
        role=agent.role,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def login(session: Session, settings: AgentSettings, username: str, password: str) -> LoginResponse:
    agent = repository.get_agent_by_username(session, username)
    if agent is None or not agent.active or not verify_password(password, agent.password_hash):
        raise NotAuthenticated(_BAD_LOGIN)
    now = datetime.now(UTC)
    repository.purge_expired(session, now)
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(hours=settings.session_hours)
    repository.add_session(
        session,
        AgentSession(
            token_hash=_token_hash(token),
            agent_id=agent.id,
            created_at=now,
            expires_at=now + lifetime,
        ),
    )
    return LoginResponse(token=token, expires_in=int(lifetime.total_seconds()), agent=_out(agent))


def authenticate(session: Session, token: str) -> AgentOut:
    row = repository.get_session(session, _token_hash(token))
    if row is None or _aware(row.expires_at) <= datetime.now(UTC):
        raise NotAuthenticated("the session token is unknown or expired; sign in again")
    agent = repository.get_agent(session, row.agent_id)
    if agent is None or not agent.active:
        raise NotAuthenticated("this agent account is disabled")
    return _out(agent)


def logout(session: Session, token: str) -> None:
    repository.delete_session(session, _token_hash(token))


def create_agent(session: Session, settings: AgentSettings, body: AgentCreate) -> AgentOut:
    if repository.get_agent_by_username(session, body.username) is not None:
        raise Conflict(f"an agent named {body.username!r} already exists")
    agent = Agent(
        id="a_" + secrets.token_hex(6),
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        password_hash=hash_password(body.password, settings.scrypt_n),
        active=True,
        created_at=datetime.now(UTC),
    )
    try:
        repository.add_agent(session, agent)
    except IntegrityError:
        raise Conflict(f"an agent named {body.username!r} already exists") from None
    return _out(agent)


def list_agents(session: Session) -> list[AgentOut]:
    return [_out(agent) for agent in repository.list_agents(session) if agent.active]


def _demo_password(settings: AgentSettings) -> str:
    path = settings.demo_password_file
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


def bootstrap(factory: sessionmaker[Session], settings: AgentSettings) -> None:
    """Create the configured first admin (when no agent exists) and the demo agent."""
    with factory.begin() as session:
        if (
            settings.bootstrap_admin_username
            and settings.bootstrap_admin_password
            and repository.count_agents(session) == 0
        ):
            create_agent(
                session,
                settings,
                AgentCreate(
                    username=settings.bootstrap_admin_username,
                    display_name=settings.bootstrap_admin_username,
                    role="admin",
                    password=settings.bootstrap_admin_password.get_secret_value(),
                ),
            )
            log.info("created the first admin %r", settings.bootstrap_admin_username)
        if settings.demo_agent and repository.get_agent_by_username(session, "demo") is None:
            create_agent(
                session,
                settings,
                AgentCreate(
                    username="demo",
                    display_name="Demo Agent",
                    role="admin",
                    password=_demo_password(settings),
                ),
            )
            log.info("created agent 'demo'; its password is in %s", settings.demo_password_file)
