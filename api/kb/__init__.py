"""Knowledge base routes: search, "did this help?" feedback and the help articles."""

from api.kb.endpoints import router

__all__ = ["router"]
