"""The escalation settings, built in lifespan() and reached by type."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.escalation.config import EscalationSettings

__all__ = ["EscalationSettingsDep"]


def _escalation_settings(request: Request) -> EscalationSettings:
    settings: EscalationSettings = request.app.state.escalation_settings
    return settings


EscalationSettingsDep = Annotated[EscalationSettings, Depends(_escalation_settings)]
