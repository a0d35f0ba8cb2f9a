"""Agent login and accounts."""

from __future__ import annotations

from fastapi import APIRouter

from api.agents import service
from api.agents.auth import AdminAgent, AgentSettingsDep, BearerToken, CurrentAgent
from api.agents.schemas import AgentCreate, AgentOut, LoginRequest, LoginResponse
from api.deps import SessionDep

__all__ = ["router"]

router = APIRouter(prefix="/agents", tags=["agents"])


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, session: SessionDep, settings: AgentSettingsDep) -> LoginResponse:
    """Exchange a username and password for a bearer session token."""
    return service.login(session, settings, body.username, body.password)


@router.post("/logout", status_code=204)
def logout(session: SessionDep, token: BearerToken, _: CurrentAgent) -> None:
    """End this session."""
    service.logout(session, token)


@router.get("/me", response_model=AgentOut)
def me(agent: CurrentAgent) -> AgentOut:
    """The signed-in agent."""
    return agent


@router.get("", response_model=list[AgentOut])
def list_agents(session: SessionDep, _: CurrentAgent) -> list[AgentOut]:
    """Active agents (to transfer a ticket to)."""
    return service.list_agents(session)


@router.post("", response_model=AgentOut, status_code=201)
def create_agent(
    body: AgentCreate, session: SessionDep, settings: AgentSettingsDep, _: AdminAgent
) -> AgentOut:
    """Create an agent or admin (admins only)."""
    return service.create_agent(session, settings, body)
