"""Pydantic schemas of the widget endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["DemoToken", "WidgetSession"]


class WidgetSession(BaseModel):
    signed_in: bool
    user_id: str | None = None
    display_name: str | None = None
    wallets: list[str] = Field(default_factory=list)
    expires_at: int | None = Field(None, description="The token's expiry, Unix seconds")


class DemoToken(BaseModel):
    token: str
    expires_at: int
