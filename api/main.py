"""The FastAPI application: `create_app()` and the resources built in `lifespan()`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI
from sqlalchemy.orm import sessionmaker

from api.agents.config import AgentSettings
from api.agents.endpoints import router as agents_router
from api.agents.service import bootstrap as bootstrap_agents
from api.chat.endpoints import page_router
from api.chat.endpoints import router as chat_router
from api.chat.rasa_router import RasaRouter
from api.config import ApiSettings, get_settings
from api.console.endpoints import STATIC_PATH as CONSOLE_STATIC
from api.console.endpoints import router as console_router
from api.console.endpoints import static_files as console_static
from api.db import make_engine, migrate
from api.deps import require_service
from api.errors import install_error_handler
from api.escalation.config import EscalationSettings
from api.escalation.endpoints import internal_router as escalation_router
from api.escalation.endpoints import router as tickets_router
from api.fraud.endpoints import router as fraud_router
from api.fraud.service import FraudService
from api.kb.endpoints import help_router as kb_help_router
from api.kb.endpoints import router as kb_router
from api.metrics.endpoints import router as metrics_router
from api.webhooks.config import WebhookSettings
from api.webhooks.endpoints import router as webhooks_router
from api.webhooks.worker import BackgroundWorker
from api.widget.config import WidgetSettings
from api.widget.cors import WidgetCors
from api.widget.endpoints import demo_router as widget_demo_router
from api.widget.endpoints import router as widget_router

__all__ = ["create_app"]


def create_app(
    settings: ApiSettings | None = None,
    rasa_transport: httpx.BaseTransport | None = None,
    agent_settings: AgentSettings | None = None,
    escalation_settings: EscalationSettings | None = None,
    webhook_settings: WebhookSettings | None = None,
    widget_settings: WidgetSettings | None = None,
) -> FastAPI:
    """Build the app; `rasa_transport` replaces the network to Rasa in unit tests."""
    settings = settings or get_settings()
    agent_settings = agent_settings or AgentSettings()
    escalation_settings = escalation_settings or EscalationSettings()
    webhook_settings = webhook_settings or WebhookSettings()
    widget_settings = widget_settings or WidgetSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        migrate(engine)
        app.state.settings = settings
        app.state.engine = engine
        app.state.session_factory = sessionmaker(engine, expire_on_commit=False)
        app.state.agent_settings = agent_settings
        app.state.escalation_settings = escalation_settings
        app.state.widget_settings = widget_settings
        # Read once: a missing or short secret file stops start-up with a message naming it.
        app.state.widget_key = widget_settings.signing_key()
        bootstrap_agents(app.state.session_factory, agent_settings)
        params = {"token": settings.rasa_token.get_secret_value()} if settings.rasa_token else {}
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        transport = rasa_transport
        if transport is None and len(settings.rasa_urls) > 1:
            transport = RasaRouter(settings.rasa_urls, limits)
        app.state.rasa = httpx.Client(
            base_url=settings.rasa_urls[0] if settings.rasa_urls else settings.rasa_url,
            params=params,
            timeout=settings.rasa_timeout_seconds,
            limits=limits,
            transport=transport,
        )
        app.state.webhook_settings = webhook_settings
        if getattr(app.state, "fraud_service", None) is None:
            # Alerts are written to the webhook outbox in the decisions' transaction.
            app.state.fraud_service = FraudService(session_factory=app.state.session_factory)
        webhooks = BackgroundWorker(app.state.session_factory, webhook_settings)
        if webhook_settings.worker_enabled:
            webhooks.start()
        try:
            yield
        finally:
            await webhooks.stop()
            app.state.rasa.close()
            engine.dispose()

    app = FastAPI(title="channeldesk api", version="0.1.0", lifespan=lifespan)
    install_error_handler(app)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """Liveness: the api process answers."""
        return {"status": "ok"}

    app.include_router(page_router)
    app.include_router(chat_router)
    app.include_router(kb_router)
    app.include_router(kb_help_router)
    app.include_router(escalation_router)
    app.include_router(agents_router)
    app.include_router(tickets_router)
    app.include_router(metrics_router)
    app.include_router(console_router)
    app.mount(CONSOLE_STATIC, console_static(), name="console-static")
    # The platform's backend and the action server call the fraud API with the service credential.
    app.include_router(fraud_router, dependencies=[Depends(require_service)])
    # Webhook administration: admin agents, or automation with the service credential.
    app.include_router(webhooks_router)
    app.include_router(widget_router)
    if widget_settings.demo:
        app.include_router(widget_demo_router)
    # Platform pages on other origins call the chat endpoints from the browser.
    app.add_middleware(WidgetCors, allowed_origins=widget_settings.allowed_origins)
    return app
