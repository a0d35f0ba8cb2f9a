"""The api: the chat widget's backend, the escalation queue, the fraud API and the knowledge base."""

from api.main import create_app

__all__ = ["create_app"]
