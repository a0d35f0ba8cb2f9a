"""Agents and admins of the console: accounts, password login, bearer sessions, roles."""

from api.agents.auth import AdminAgent, CurrentAgent, MetricsReader
from api.agents.schemas import AgentOut, Role

__all__ = ["AdminAgent", "AgentOut", "CurrentAgent", "MetricsReader", "Role"]
