"""Escalations: hand-offs from the assistant and the fraud service to human agents."""
