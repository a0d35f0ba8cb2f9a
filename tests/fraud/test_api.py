from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handler
from api.fraud import router
from api.fraud.service import FraudService
from fraud.cli import score_file
from fraud.config import FraudSettings
from fraud.pipeline import FraudPipeline
from fraud.scorer import Scorer


def _client(model_dir: Path) -> TestClient:
    app = FastAPI()
    install_error_handler(app)
    app.include_router(router)
    app.state.fraud_service = FraudService(FraudSettings(model_dir=model_dir))
    return TestClient(app)


def test_same_stream_same_scores_as_the_cli(model_dir: Path, stream: Path, tmp_path: Path) -> None:
    lines = stream.read_text().splitlines()[:1500]
    cli_out = tmp_path / "cli.jsonl"
    scorer = Scorer(FraudPipeline.load(model_dir), FraudSettings(model_dir=model_dir))
    with cli_out.open("w") as out, (tmp_path / "rej").open("w") as rejects:
        score_file(scorer, iter(line.encode() for line in lines), out, rejects, progress=False)
    expected = [json.loads(line) for line in cli_out.read_text().splitlines()]
    client = _client(model_dir)
    got = []
    for line in lines:
        response = client.post("/fraud/events", json=json.loads(line))
        assert response.status_code == 200, response.text
        got.extend(response.json()["decisions"])
    assert got == expected


def test_a_batch_answers_one_decision_per_scored_event(model_dir: Path, stream: Path) -> None:
    events = [json.loads(line) for line in stream.read_text().splitlines()[:50]]
    response = _client(model_dir).post("/fraud/events", json=events)
    assert response.status_code == 200
    body = response.json()
    assert body["received"] == 50
    scored = [
        e["id"]
        for e in events
        if e["type"] not in {"outcome", "channel.funded", "claim.redeemed", "channel.closed"}
    ]
    assert [d["event_id"] for d in body["decisions"]] == scored


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"id": "a", "type": "claim", "ts": "2026-03-01T00:00:00Z"}, ["body", "channel_id"]),
        ([{"id": "a", "type": "nope", "ts": "2026-03-01T00:00:00Z"}], ["body", 0, "type"]),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    model_dir: Path, payload: object, loc: list[object]
) -> None:
    response = _client(model_dir).post("/fraud/events", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_account_status_in_words(model_dir: Path, stream: Path) -> None:
    client = _client(model_dir)
    events = [json.loads(line) for line in stream.read_text().splitlines()]
    client.post("/fraud/events", json=events)
    service: FraudService = client.app.state.fraud_service  # type: ignore[attr-defined]
    reviewed = {case.account for case in service.review_sink.cases}
    account = next(iter(reviewed)) if reviewed else None
    quiet = next(e["account"] for e in events if e["type"] == "account.funded")
    body = client.get(f"/fraud/accounts/{quiet}").json()
    if quiet not in reviewed:
        assert body["under_review"] is False
        assert "not under review" in body["message"]
    if account is not None:
        body = client.get(f"/fraud/accounts/{account}").json()
        assert body["under_review"] is True
        assert "being checked by our team" in body["message"]
    assert client.get("/fraud/accounts/not-an-address").status_code == 422


def test_missing_pipeline_is_a_503_with_the_fix(tmp_path: Path) -> None:
    response = _client(tmp_path).post(
        "/fraud/events",
        json={
            "id": "x",
            "type": "outcome",
            "ts": "2026-03-01T00:00:00Z",
            "event_id": "y",
            "fraud": False,
        },
    )
    assert response.status_code == 503
    assert "fraud build-default" in response.text
