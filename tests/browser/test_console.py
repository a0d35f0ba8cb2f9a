"""The agent console in Debian's Chromium: sign in, work the queue, reply, note, hand back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.conftest import ADMIN_PASSWORD, ARTIFACTS, LiveApi

pytestmark = pytest.mark.browser

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _escalate(api: LiveApi, conversation_id: str, **fields: Any) -> str:
    body: dict[str, Any] = {
        "conversation_id": conversation_id,
        "kind": "human_request",
        "summary": f"Help wanted in {conversation_id}",
        "transcript": [{"sender": "user", "text": "I need a person"}],
    }
    body.update(fields)
    response = api.service.post("/internal/escalations", json=body)
    assert response.status_code == 201, response.text
    ticket_id: str = response.json()["ticket_id"]
    return ticket_id


def _fraud_ticket(api: LiveApi) -> str:
    return _escalate(
        api,
        "conv_console_fraud",
        kind="fraud_report",
        summary="Fan reports payments they did not make from their wallet.",
        user_words="someone is spending my XRP",
        user={"user_id": "u_77", "wallets": ["rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"]},
        diagnostics={
            "fraud": {
                "score": 88,
                "risk_level": "highest",
                "reasons": [
                    {"code": "claims_burst", "detail": "14 claims in the last hour, 10x usual"}
                ],
            },
            "channels": [{"channel_id": "5DB0" * 16, "amount": "5000000", "balance": "4100000"}],
            "claim_checks": [
                {"valid": False, "reason": "signature does not match the channel key"}
            ],
            "transactions": [
                {"type": "PaymentChannelClaim", "amount": "900000", "hash": "AB12" * 16}
            ],
            "account_overview": {"balance_drops": "25000000", "paid_30d_drops": "150000000"},
        },
    )


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def test_agent_works_a_fraud_ticket_end_to_end(live_api: LiveApi, chromium_path: str) -> None:
    ticket_id = _fraud_ticket(live_api)
    _escalate(live_api, "conv_console_browser", kind="browser", summary="Wallet pop-up blocked")

    lead = live_api.service.post(
        "/agents/login", json={"username": "lead", "password": ADMIN_PASSWORD}
    ).json()["token"]
    created = live_api.service.post(
        "/agents",
        json={"username": "sam", "display_name": "Sam", "password": "sam-password-123"},
        headers={"Authorization": f"Bearer {lead}"},
    )
    assert created.status_code == 201, created.text

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{live_api.url}/console")
            page.fill("#login-username", "lead")
            page.fill("#login-password", "wrong password")
            page.click("#login-form button")
            expect(page.locator("#login-error")).to_have_text("wrong username or password")
            page.fill("#login-password", ADMIN_PASSWORD)
            page.click("#login-form button")

            rows = page.locator("#queue-table tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.nth(0)).to_contain_text("fraud report")
            expect(rows.nth(0).locator(".badge")).to_have_text("urgent 82")
            expect(rows.nth(0)).to_contain_text("fraud score 88 (+35)")
            expect(rows.nth(0)).to_contain_text("paid 150 XRP in 30 days (+12)")
            expect(rows.nth(0).locator(".sla")).to_contain_text("first reply in")
            expect(rows.nth(1)).to_contain_text("browser")
            page.select_option("#filter-priority", "low")
            expect(rows).to_have_count(1)
            page.select_option("#filter-priority", "")
            expect(rows).to_have_count(2)
            _shot(page, "1-queue")

            page.click("#claim-next")
            expect(page.locator("#t-title")).to_contain_text(ticket_id)
            expect(page.locator("#t-meta")).to_contain_text("assigned to you")
            expect(page.locator("#t-sla")).to_have_text(re.compile(r"^first reply in \d+m \d+s$"))
            expect(page.locator("#d-fraud")).to_contain_text("score 88")
            expect(page.locator("#d-fraud")).to_contain_text("14 claims in the last hour")
            expect(page.locator("#d-channels")).to_contain_text("4100000")
            expect(page.locator("#d-claims")).to_contain_text("✗ signature does not match")
            expect(page.locator("#d-transactions")).to_contain_text("PaymentChannelClaim")
            expect(page.locator("#t-transcript")).to_contain_text("An agent has joined")

            page.fill("#reply-text", "Hi, I'm looking at those claims now.")
            page.click("#reply-form button")
            expect(page.locator("#t-transcript .msg.agent")).to_contain_text("looking at those")
            chat = live_api.service.get("/chat/conv_console_fraud/messages").json()["messages"]
            assert chat[-1] == {
                **chat[-1],
                "sender": "agent",
                "text": "Hi, I'm looking at those claims now.",
            }

            page.fill("#note-text", "Matches the burst pattern from last week")
            page.click("#note-form button")
            expect(page.locator("#t-notes")).to_contain_text("Matches the burst pattern")

            # Live updates without a reload: the user writes, a new urgent ticket arrives.
            user_turn = live_api.service.post(
                "/chat/messages",
                json={"conversation_id": "conv_console_fraud", "text": "Thank you, hurry!"},
            )
            assert user_turn.json()["owner"] == "human"
            expect(page.locator("#t-transcript")).to_contain_text("Thank you, hurry!")
            _escalate(
                live_api,
                "conv_console_new",
                kind="account_security",
                priority_hint="urgent",
                summary="Account takeover suspected",
            )
            expect(rows.filter(has_text="Account takeover suspected")).to_have_count(1)
            _shot(page, "2-ticket")

            page.fill("#act-summary", "Fraud team blocked the channel; refund pending.")
            page.click("#act-handback")
            expect(page.locator("#t-meta")).to_contain_text("resolved")
            expect(page.locator("#t-meta")).to_contain_text("chat owner: bot")
            expect(page.locator("#ticket-error")).to_contain_text("could not be told")
            expect(page.locator("#t-events")).to_contain_text("handed back")
            expect(page.locator("#t-events")).to_contain_text("lead: claimed")

            # Claim the new urgent ticket from the queue and give it to Sam.
            rows.filter(has_text="Account takeover suspected").click()
            expect(page.locator("#t-title")).to_contain_text("account security")
            page.click("#act-claim")
            expect(page.locator("#t-meta")).to_contain_text("assigned to you")
            page.select_option("#act-transfer-to", label="Sam")
            page.click("#act-transfer")
            expect(page.locator("#t-meta")).to_contain_text("assigned to Sam")
            expect(rows.filter(has_text="Account takeover suspected")).to_contain_text("(Sam)")

            page.click("#tab-dashboard")
            expect(page.locator("#queue-view")).to_be_hidden()
            expect(page.locator("#dash-tiles")).to_contain_text("Handoff rate")
            expect(page.locator("#dash-tiles")).to_contain_text("Time to first agent response")
            _shot(page, "3-dashboard")
        finally:
            browser.close()
