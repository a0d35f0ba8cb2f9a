"""The two fixes bot/rasa_server.py makes to Rasa 3.6, checked inside .venv-rasa against Rasa itself."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest

from devstack.config import ROOT
from tests.conftest import IN_CI

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

_SCRIPT = textwrap.dedent(
    """
    import asyncio, importlib.util, json, sys
    import jsonschema
    from aiohttp import web
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    spec = importlib.util.spec_from_file_location("rasa_server", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    action = RemoteAction("action_check_balance", None)
    good = {"events": [{"event": "slot", "timestamp": None, "name": "address", "value": "r1"}],
            "responses": [{"text": "Account r1: 10 XRP"}]}
    bad = {"events": [{"event": "slot", "name": 7}], "responses": "not a list"}
    stock = {}
    try:
        action._validate_action_result(bad)
    except jsonschema.ValidationError as error:
        stock = {"message": error.message, "path": list(error.absolute_path)}

    module.compile_action_result_validation()
    module.share_endpoint_sessions()
    result = {"stock": stock, "good": action._validate_action_result(good)}
    try:
        action._validate_action_result(bad)
    except jsonschema.ValidationError as error:
        result["patched"] = {"message": error.message, "path": list(error.absolute_path)}

    async def serve_and_call():
        peers = []
        async def handler(request):
            peers.append(request.transport.get_extra_info("peername"))
            return web.json_response({"events": [], "responses": []})
        app = web.Application()
        app.router.add_post("/webhook", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        answers = [await endpoint.request(json={"n": i}, method="post") for i in range(3)]
        await runner.cleanup()
        return answers, len(set(peers))

    answers, connections = asyncio.run(serve_and_call())
    result["answers"] = answers
    result["connections"] = connections
    print(json.dumps(result))
    """
)


@pytest.fixture(scope="module")
def outcome() -> dict[str, object]:
    if not RASA_PYTHON.exists():
        if IN_CI:
            pytest.fail("no .venv-rasa: run 'make setup'")
        pytest.skip("no .venv-rasa: run 'make setup'")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", _SCRIPT, str(ROOT / "bot" / "rasa_server.py")],
        capture_output=True,
        text=True,
        timeout=180,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_valid_action_answer_passes(outcome: dict[str, object]) -> None:
    assert outcome["good"] is True


def test_an_invalid_action_answer_fails_as_rasa_reports_it(outcome: dict[str, object]) -> None:
    stock, patched = outcome["stock"], outcome["patched"]
    assert (
        isinstance(stock, dict) and "Failed to validate Action server response" in stock["message"]
    )
    assert patched == stock


def test_calls_to_the_action_server_share_one_connection(outcome: dict[str, object]) -> None:
    assert outcome["answers"] == [{"events": [], "responses": []}] * 3
    assert outcome["connections"] == 1
