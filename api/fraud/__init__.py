"""Fraud scoring over HTTP: ``POST /fraud/events``, ``GET /fraud/accounts/{account}``."""

from api.fraud.endpoints import router

__all__ = ["router"]
