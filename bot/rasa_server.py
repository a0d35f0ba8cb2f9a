"""Start Rasa 3.6 with two fixes to its custom-action call, then run its usual command line.

Run in ``.venv-rasa`` (Python 3.10) by path, as devstack does::

    .venv-rasa/bin/python bot/rasa_server.py run --enable-api --model var/rasa/current.tar.gz ...

Every custom action answer costs Rasa 3.6 two things a canned answer does not, and together they
were most of the gap between a ledger-backed answer and a greeting (measured: 49 ms against 17 ms
straight to Rasa, of which the action server itself took 4 ms):

1. ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on the action server's
   answer. That function first validates Rasa's large event schema against the JSON Schema
   meta-schema and builds a new validator, on every call: 14 ms here. The schema never changes,
   so it is checked once at start-up and the compiled validator is reused; an invalid answer
   still raises the same ``ValidationError`` with the same message (``best_match``, as
   ``jsonschema.validate`` picks it).
2. ``EndpointConfig.request`` opens a new ``aiohttp.ClientSession`` (a new connection pool, so a
   new TCP connection) for every call to the action server. Calls to an endpoint now share one
   session per event loop, with keep-alive; timeouts, headers, auth and errors are unchanged.

Nothing else of Rasa is touched; ``rasa train`` and ``rasa test`` run unpatched.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

# Run by path: drop bot/ from the import path so its modules cannot shadow anything Rasa imports.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and str(Path(p).resolve()) != _HERE]


def compile_action_result_validation() -> None:
    """Validate action server answers with one validator compiled at start-up."""
    from jsonschema import ValidationError, validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def share_endpoint_sessions() -> None:
    """One aiohttp session per endpoint and event loop instead of one per request."""
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    original_session = EndpointConfig.session

    class _Shared:
        """Stands in for ``async with self.session() as session`` and keeps the session open."""

        def __init__(self, session: aiohttp.ClientSession) -> None:
            self._session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self._session

        async def __aexit__(self, *exc: object) -> None:
            return None

    def session(self: EndpointConfig) -> Any:
        # Kept on the endpoint itself (it is not hashable), one per event loop.
        sessions: dict[int, aiohttp.ClientSession] = self.__dict__.setdefault(
            "_shared_sessions", {}
        )
        key = id(asyncio.get_running_loop())
        shared = sessions.get(key)
        if shared is None or shared.closed:
            shared = sessions[key] = original_session(self)
        return _Shared(shared)

    EndpointConfig.session = session


def main() -> None:
    compile_action_result_validation()
    share_endpoint_sessions()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
