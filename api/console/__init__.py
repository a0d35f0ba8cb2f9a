"""The agent console: one HTML page with plain JS and CSS, served by the api (no build step)."""

from api.console.endpoints import router

__all__ = ["router"]
