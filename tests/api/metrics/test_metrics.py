"""Support metrics from real conversations and tickets, in Prometheus format and as JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.api.desk import escalate


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_handoffs_and_agent_times(
    desk: TestClient, admin: dict[str, str], service_headers: dict[str, str]
) -> None:
    for conversation_id in ("conv_m_bot_1", "conv_m_bot_2", "conv_m_human"):
        desk.post("/chat/messages", json={"conversation_id": conversation_id, "text": "hi"})
    ticket_id = escalate(desk, service_headers, "conv_m_human")
    escalate(desk, service_headers, "conv_m_waiting")  # no user turn: not a conversation yet
    desk.post(f"/tickets/{ticket_id}/claim", headers=admin)
    desk.post(f"/tickets/{ticket_id}/reply", headers=admin, json={"text": "On it."})
    desk.post(f"/tickets/{ticket_id}/resolve", headers=admin, json={"resolution_code": "fixed"})

    assert desk.get("/metrics").status_code == 401
    response = desk.get("/metrics", headers=service_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    assert samples[("channeldesk_conversations", ())] == 3
    assert samples[("channeldesk_conversations_handed_off", ())] == 1
    assert round(samples[("channeldesk_resolved_without_human_ratio", ())], 3) == 0.667
    assert round(samples[("channeldesk_handoff_ratio", ())], 3) == 0.333
    assert samples[("channeldesk_time_to_first_agent_response_seconds_count", ())] == 1
    assert samples[("channeldesk_time_to_resolution_seconds_count", ())] == 1
    assert samples[("channeldesk_tickets", (("status", "resolved"),))] == 1
    assert samples[("channeldesk_open_tickets", (("priority", "normal"),))] == 1
    assert samples[("channeldesk_open_tickets", (("priority", "low"),))] == 0

    # A signed-in agent reads the same figures for the dashboard.
    assert desk.get("/metrics", headers=admin).status_code == 200
    summary = desk.get("/metrics/summary", headers=admin).json()
    assert summary["handoff_rate"] == 0.3333
    assert summary["first_agent_response"]["count"] == 1
    assert summary["first_agent_response"]["p50_seconds"] >= 0
    assert desk.get("/metrics/summary", headers=service_headers).status_code == 401


def test_metrics_of_an_empty_desk_say_nothing_rather_than_zero_percent(
    desk: TestClient, service_headers: dict[str, str]
) -> None:
    samples = _samples(desk.get("/metrics", headers=service_headers).text)
    assert samples[("channeldesk_conversations", ())] == 0
    assert ("channeldesk_handoff_ratio", ()) not in samples
