"""The desk fixtures (app with a first admin, recording Rasa), shared with the other desk tests."""

from tests.api.desk import admin, desk, escalation_settings, recording_rasa

__all__ = ["admin", "desk", "escalation_settings", "recording_rasa"]
