"""The chat widget on the demo platform page, in Debian's Chromium, against the whole stack.

One stack for the module (sandbox, Rasa, action server, api with /demo); each test a fresh
browser context, so each starts as a new visitor with empty storage.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from api.widget.tokens import sign_token
from devstack.stack import Stack
from ledger.sandbox.demo import DEMO
from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.stack, pytest.mark.slow]

ANSWER_TIMEOUT = 30_000  # ms; the first answers wait for Rasa's and the actions' warm-up


@pytest.fixture(scope="module")
def browser(demo_stack: Stack) -> Iterator[Browser]:
    path = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield created
    finally:
        created.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))


def _open_widget(page: Page) -> None:
    page.locator("channeldesk-chat .launcher").click()
    expect(page.locator("channeldesk-chat .panel")).to_be_visible()


def _ask(page: Page, text: str) -> None:
    page.locator("channeldesk-chat textarea").fill(text)
    page.keyboard.press("Enter")


def _messages(page: Page, sender: str) -> Locator:
    return page.locator(f"channeldesk-chat .log .msg.{sender} .bubble")


def _alice_balance(stack: Stack) -> str:
    """Alice's balance as the sandbox node reports it (plain JSON-RPC: xrpl-py's sync client
    runs its own event loop, which Playwright's sync API already holds)."""
    request = {"method": "account_info", "params": [{"account": DEMO.account("alice").address}]}
    result = httpx.post(stack.ledger_url, json=request, timeout=10).json()["result"]
    return f"{(Decimal(result['account_data']['Balance']) / 1_000_000).normalize():f} XRP"


def test_signed_in_user_gets_their_balance_and_uses_a_quick_reply(
    demo_stack: Stack, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(f"{demo_stack.api_url}/demo")

    # Nothing leaks either way: the page's uppercase serif buttons stay out of the widget,
    # and the widget adds no style to the page.
    launcher = page.locator("channeldesk-chat .launcher")
    expect(launcher).to_have_css("background-color", "rgb(194, 65, 12)")  # data-color
    assert page.evaluate("document.querySelectorAll('style, link[rel=stylesheet]').length") == 1
    expect(page.locator("main button").first).to_have_css("text-transform", "uppercase")

    # Keyboard: the launcher is a button; opening moves focus to the message box.
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.locator("channeldesk-chat .panel")).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.locator("channeldesk-chat textarea")).to_be_focused()
    expect(page.locator("channeldesk-chat .sub")).to_have_text("Assistant · signed in as Alice")
    expect(_messages(page, "bot").first).to_contain_text("Hi Alice!")
    page.locator("channeldesk-chat .typing").evaluate(
        "el => new MutationObserver(() => { if (!el.hidden) window.sawTyping = true; })"
        ".observe(el, {attributes: true})"
    )

    _ask(page, "what's my balance?")
    expect(_messages(page, "user").last).to_have_text("what's my balance?")
    answer = _messages(page, "bot").nth(1)
    expect(answer).to_contain_text("XRP", timeout=ANSWER_TIMEOUT)
    assert _alice_balance(demo_stack) in answer.inner_text().replace(",", "")
    assert page.evaluate("window.sawTyping") is True
    expect(page.locator("channeldesk-chat .typing")).to_be_hidden()
    expect(page.locator("channeldesk-chat .log .msg.bot time").last).to_have_text(
        re.compile(r"^\d{1,2}:\d\d")
    )
    expect(page.locator("channeldesk-chat .log")).to_have_attribute("aria-live", "polite")

    _ask(page, "my wallet won't connect")
    quick = page.locator("channeldesk-chat .quick button")
    expect(quick.first).to_have_text("Xaman (Xumm)", timeout=ANSWER_TIMEOUT)
    expect(quick.first).to_have_css("text-transform", "none")
    _shot(page, "1-quick-replies")
    quick.first.click()
    expect(_messages(page, "user").last).to_have_text("Xaman (Xumm)")  # the title, not the payload
    expect(_messages(page, "bot").last).to_contain_text("Which browser", timeout=ANSWER_TIMEOUT)
    expect(quick).to_have_count(0)  # answered quick replies go away
    _shot(page, "2-after-quick-reply")

    # Esc closes and gives focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.locator("channeldesk-chat .panel")).to_be_hidden()
    expect(launcher).to_be_focused()

    # History across reloads and tabs, without duplicates.
    shown = _messages(page, "user").all_inner_texts()
    page.reload()
    _open_widget(page)
    expect(_messages(page, "user")).to_have_text(shown)
    expect(_messages(page, "bot").filter(has_text=_alice_balance(demo_stack))).to_have_count(1)
    other_tab = context.new_page()
    other_tab.goto(f"{demo_stack.api_url}/demo")
    _open_widget(other_tab)
    expect(_messages(other_tab, "user")).to_have_text(shown)
    _shot(other_tab, "3-history-in-another-tab")


def test_agent_replies_reach_the_widget_live_and_after_a_network_drop(
    demo_stack: Stack, browser: Browser, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(f"{demo_stack.api_url}/demo")
    _open_widget(page)
    _ask(page, "I want to talk to a human")
    expect(page.locator("channeldesk-chat .log")).to_contain_text(
        "support team", timeout=ANSWER_TIMEOUT
    )

    password = (demo_stack.settings.secrets_dir / "demo-agent-password").read_text().strip()
    agent_context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        console = agent_context.new_page()
        console.goto(f"{demo_stack.api_url}/console")
        console.fill("#login-username", "demo")
        console.fill("#login-password", password)
        console.click("#login-form button")
        console.click("#claim-next")
        expect(console.locator("#t-meta")).to_contain_text("assigned to you")

        expect(_messages(page, "system").last).to_have_text("An agent has joined the conversation.")
        expect(page.locator("channeldesk-chat .sub")).to_contain_text("An agent is with you")

        # Closed widget: the reply raises the unread badge.
        page.keyboard.press("Escape")
        console.fill("#reply-text", "Hi Alice, I'm Dana from support. Looking at it now.")
        console.click("#reply-form button")
        badge = page.locator("channeldesk-chat .badge")
        expect(badge).to_have_text("1")
        expect(page.locator("channeldesk-chat .launcher")).to_have_attribute(
            "aria-label", "Open support chat, 1 unread"
        )
        _shot(page, "4-unread-badge")
        _open_widget(page)
        expect(badge).to_be_hidden()
        expect(_messages(page, "agent")).to_have_text(
            ["Hi Alice, I'm Dana from support. Looking at it now."]
        )

        # Simple formatting and links; markup in a message stays text.
        console.fill(
            "#reply-text",
            "**Good news**: see https://xrpl.org/docs/concepts <img src=x onerror=alert(1)>",
        )
        console.click("#reply-form button")
        formatted = _messages(page, "agent").nth(1)
        expect(formatted.locator("strong")).to_have_text("Good news")
        expect(formatted.locator("a")).to_have_attribute("href", "https://xrpl.org/docs/concepts")
        expect(formatted).to_contain_text("<img src=x onerror=alert(1)>")
        expect(formatted.locator("img")).to_have_count(0)

        # The network drops; the agent writes meanwhile; the widget catches up exactly once.
        context.set_offline(True)
        expect(page.locator("channeldesk-chat .notice")).to_have_text(
            "Connection lost. Reconnecting…"
        )
        console.fill("#reply-text", "Your channel to Mira is fine; the claim was just late.")
        console.click("#reply-form button")
        expect(console.locator("#t-transcript")).to_contain_text("claim was just late")
        _shot(page, "5-offline")
        context.set_offline(False)
        expect(_messages(page, "agent")).to_have_text(
            [
                "Hi Alice, I'm Dana from support. Looking at it now.",
                "Good news: see https://xrpl.org/docs/concepts <img src=x onerror=alert(1)>",
                "Your channel to Mira is fine; the claim was just late.",
            ],
            timeout=20_000,
        )
        expect(page.locator("channeldesk-chat .notice")).to_be_hidden()

        console.fill("#act-summary", "Late claim; channel healthy.")
        console.click("#act-handback")
        expect(_messages(page, "system").last).to_contain_text("back with the assistant")
        expect(page.locator("channeldesk-chat .sub")).to_contain_text("Assistant ·")
        _shot(page, "6-handed-back")
        page.wait_for_timeout(1500)  # a further poll of the stream: still no repeats
        assert _messages(page, "agent").count() == 3
    finally:
        agent_context.close()


class _PlatformSite:
    """A platform's web server on another origin (localhost, not 127.0.0.1: both loopback, so
    Chromium's private-network rules let its pages call the api, as a real deployment's would)."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path, "not found").encode()
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def platform_site() -> Iterator[_PlatformSite]:
    site = _PlatformSite()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


def test_a_bad_or_expired_token_is_refused_with_the_reason_shown(
    demo_stack: Stack, context: BrowserContext, platform_site: _PlatformSite
) -> None:
    secret = (demo_stack.settings.secrets_dir / "widget_secret").read_text().strip().encode()
    expired = sign_token(secret, "fan_9", [], "Sam", 60, now=1_700_000_000)
    forged = sign_token(b"a-secret-this-server-never-had-0000", "fan_9", [], "Sam", 600)
    for name, token, reason in (
        ("forged", forged, "the user token's signature does not match"),
        ("expired", expired, "the user token expired at 2023-11-14T22:14:20+00:00"),
    ):
        # Another site embeds the widget with one script tag.
        platform_site.pages[f"/{name}"] = (
            "<!doctype html><html lang='en'><head><title>A platform</title></head><body>"
            "<h1>A platform page</h1>"
            f"<script src='{demo_stack.api_url}/widget.js' data-token='{token}' async></script>"
            "</body></html>"
        )
        page = context.new_page()
        page.goto(f"{platform_site.url}/{name}")
        _open_widget(page)
        notice = page.locator("channeldesk-chat .notice")
        expect(notice).to_contain_text("You could not be signed in to the chat: " + reason)
        expect(notice).to_have_attribute("role", "alert")
        expect(page.locator("channeldesk-chat textarea")).to_be_disabled()
        _shot(page, f"7-{name}-token")


def test_an_expired_token_is_renewed_from_the_platforms_token_url(
    demo_stack: Stack, context: BrowserContext, platform_site: _PlatformSite
) -> None:
    secret = (demo_stack.settings.secrets_dir / "widget_secret").read_text().strip().encode()
    expired = sign_token(secret, "fan_9", [], "Sam", 60, now=1_700_000_000)
    platform_site.pages["/token"] = json.dumps(
        {"token": sign_token(secret, "fan_9", [], "Sam", 300)}
    )
    platform_site.pages["/fr"] = (
        "<!doctype html><html><head><title>Une plateforme</title></head><body>"
        f"<script src='{demo_stack.api_url}/widget.js' data-token='{expired}' "
        "data-token-url='/token' data-lang='fr' data-position='left' data-title='Aide' "
        "async></script></body></html>"
    )
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{platform_site.url}/fr")
    launcher = page.locator("channeldesk-chat .launcher")
    expect(launcher).to_have_attribute("aria-label", "Ouvrir le chat d'assistance")
    assert launcher.bounding_box()["x"] < 100  # type: ignore[index]  # data-position="left"
    launcher.click()
    expect(page.locator("channeldesk-chat .sub")).to_have_text(
        "Assistant · connecté en tant que Sam"
    )
    expect(page.locator("channeldesk-chat .notice")).to_be_hidden()
    expect(page.locator("channeldesk-chat h2")).to_have_text("Aide")
    # Chat from the platform's origin: preflighted POST, then the event stream.
    with page.expect_response(
        lambda r: "/events?" in r.url and r.status == 200, timeout=ANSWER_TIMEOUT
    ):
        _ask(page, "hello")
    expect(_messages(page, "bot").nth(1)).not_to_have_text("")
    assert [e for e in console_errors if "CORS" in e or "blocked" in e] == []
    _shot(page, "10-renewed-token-fr-left")


def test_phone_sized_screen_gets_a_full_screen_panel(demo_stack: Stack, browser: Browser) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True)
    try:
        page = phone.new_page()
        page.goto(f"{demo_stack.api_url}/demo")
        _shot(page, "8-phone-closed")
        _open_widget(page)
        box = page.locator("channeldesk-chat .panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
        expect(page.locator("channeldesk-chat .launcher")).to_be_hidden()
        _ask(page, "what is a payment channel?")
        answer = _messages(page, "bot").nth(1)
        expect(answer).to_contain_text("payment channel", timeout=ANSWER_TIMEOUT)
        # The help centre link the assistant gives is a link to the api's help page.
        expect(answer.locator("a").first).to_have_attribute(
            "href", re.compile("^" + re.escape(demo_stack.api_url) + "/help/[a-z0-9-]+$")
        )
        _shot(page, "9-phone-open")
        page.locator("channeldesk-chat .close").click()
        expect(page.locator("channeldesk-chat .launcher")).to_be_visible()
        expect(page.locator("channeldesk-chat .launcher")).to_be_focused()
    finally:
        phone.close()
