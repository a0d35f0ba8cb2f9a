"""Pydantic schemas of the agents API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AgentCreate", "AgentOut", "LoginRequest", "LoginResponse", "Role"]

Role = Literal["agent", "admin"]


class AgentOut(BaseModel):
    """Who is signed in (or listed): never carries the password hash."""

    id: str
    username: str
    display_name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginResponse(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds until the token expires")
    agent: AgentOut


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=128)
    role: Role = "agent"
    password: str = Field(min_length=12, max_length=256)
