from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from api.webhooks.events import EVENT_TYPES

URL = "https://hooks.example.com/channeldesk"


def _create(client: TestClient, headers: dict[str, str], **body: object) -> dict[str, object]:
    payload = {"url": URL, "event_types": ["fraud.alert.created"], "description": "SIEM", **body}
    response = client.post("/webhooks/subscriptions", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_secret_is_whsec_and_shown_only_on_creation(
    webhooks_client: TestClient, service_headers: dict[str, str]
) -> None:
    created = _create(webhooks_client, service_headers)
    secret = str(created["secret"])
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    listed = webhooks_client.get("/webhooks/subscriptions", headers=service_headers).json()
    assert [s["id"] for s in listed] == [created["id"]]
    assert "secret" not in listed[0]
    one = webhooks_client.get(f"/webhooks/subscriptions/{created['id']}", headers=service_headers)
    assert "secret" not in one.json() and secret not in one.text


def test_update_disable_enable_delete(
    webhooks_client: TestClient, service_headers: dict[str, str]
) -> None:
    sub_id = _create(webhooks_client, service_headers)["id"]
    path = f"/webhooks/subscriptions/{sub_id}"
    body = {"event_types": ["escalation.created", "fraud.alert.created"], "description": "cases"}
    updated = webhooks_client.patch(path, json=body, headers=service_headers).json()
    assert updated["event_types"] == ["escalation.created", "fraud.alert.created"]
    assert updated["description"] == "cases"
    disabled = webhooks_client.post(f"{path}/disable", headers=service_headers).json()
    assert disabled["enabled"] is False and disabled["disabled_reason"] == "disabled by an admin"
    enabled = webhooks_client.patch(path, json={"enabled": True}, headers=service_headers).json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None
    assert webhooks_client.delete(path, headers=service_headers).status_code == 204
    missing = webhooks_client.get(path, headers=service_headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "SubscriptionNotFound",
        "detail": f"no webhook subscription {sub_id!r}",
    }


def test_rotation_returns_a_new_secret_and_an_overlap_window(
    webhooks_client: TestClient, service_headers: dict[str, str]
) -> None:
    created = _create(webhooks_client, service_headers)
    path = f"/webhooks/subscriptions/{created['id']}/rotate-secret"
    rotated = webhooks_client.post(path, json={"overlap_seconds": 3600}, headers=service_headers)
    assert rotated.status_code == 200
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != created["secret"]
    assert body["previous_secret_expires_at"] is not None


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://hooks.example.com/x", "must use https"),
        ("https://127.0.0.1/x", "loopback address"),
        ("https://localhost/x", "loopback name"),
        ("https://[::1]/x", "loopback address"),
        ("https://10.0.0.7/x", "private or reserved address"),
        ("https://169.254.169.254/latest", "link-local address"),
        ("https://intranet.example.com/x", "private or reserved address (10.1.2.3)"),
        ("https://nowhere.invalid/x", "does not resolve"),
        ("ftp://hooks.example.com/x", "scheme must be https"),
        ("https://user:pw@hooks.example.com/x", "must not carry credentials"),
    ],
)
def test_unsafe_urls_are_refused_with_the_reason(
    webhooks_client: TestClient, service_headers: dict[str, str], url: str, detail: str
) -> None:
    body = {"url": url, "event_types": ["fraud.alert.created"]}
    response = webhooks_client.post("/webhooks/subscriptions", json=body, headers=service_headers)
    assert response.status_code == 400
    assert response.json()["error"] == "UrlRejected"
    assert detail in response.json()["detail"]


def test_unknown_event_type_is_a_422(
    webhooks_client: TestClient, service_headers: dict[str, str]
) -> None:
    body = {"url": URL, "event_types": ["fraud.everything"]}
    response = webhooks_client.post("/webhooks/subscriptions", json=body, headers=service_headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "event_types", 0]


def test_admin_routes_need_the_credential(webhooks_client: TestClient) -> None:
    response = webhooks_client.get("/webhooks/subscriptions")
    assert response.status_code == 401


def test_event_types_are_documented_with_schema_and_valid_example(
    webhooks_client: TestClient, service_headers: dict[str, str]
) -> None:
    catalog = webhooks_client.get("/webhooks/event-types", headers=service_headers).json()
    assert [entry["type"] for entry in catalog] == [
        "fraud.alert.created",
        "fraud.review.resolved",
        "escalation.created",
    ]
    for entry in catalog:
        assert entry["description"]
        assert entry["schema"]["properties"]
        assert entry["example"]["type"] == entry["type"]
        EVENT_TYPES[entry["type"]].model_validate(entry["example"]["data"])
