"""The api: the chat widget's backend, the escalation queue, the fraud API and the knowledge base.

`create_app` is imported lazily so that importing one domain (``api.kb``, ``api.webhooks.worker``)
does not pull in every other domain's heavy dependencies.
"""

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from api.main import create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from api.main import create_app

        return create_app
    raise AttributeError(name)
