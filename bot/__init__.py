"""The channeldesk support assistant: a Rasa 3.6 project (config, domain, data, tests) and its
custom actions in :mod:`bot.actions`, served by rasa-sdk (``python -m rasa_sdk --actions
bot.actions``).

The modules next to ``actions/`` hold what the actions share: settings (:mod:`bot.config`),
entity validation (:mod:`bot.entities`), ledger access (:mod:`bot.ledger_access`), answers in
words (:mod:`bot.formatting`), the knowledge base (:mod:`bot.knowledge`) and hand-offs
(:mod:`bot.escalation`).
"""

from bot.config import BotSettings, get_settings
from bot.errors import BotError, EscalationFailed

__all__ = ["BotError", "BotSettings", "EscalationFailed", "get_settings"]
