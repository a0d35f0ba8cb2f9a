"""The console's page shell and static files; every piece of data comes from the agents' API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC_PATH", "router", "static_files"]

_STATIC = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/console/static"

router = APIRouter(tags=["console"])


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
def console_page() -> HTMLResponse:
    """The agent console (sign-in happens in the page)."""
    return HTMLResponse(
        (_STATIC / "console.html").read_text(encoding="utf-8"),
        headers={"Cache-Control": "no-store"},
    )


def static_files() -> StaticFiles:
    return StaticFiles(directory=_STATIC)
