"""The channeldesk support assistant: a Rasa 3.6 project (config, domain, data, tests) and its
custom actions in :mod:`bot.actions`, served by rasa-sdk (``python -m bot.action_server``).

The modules next to ``actions/`` hold what the actions share: settings (:mod:`bot.config`),
entity validation (:mod:`bot.entities`), ledger access (:mod:`bot.ledger_access`), answers in
words (:mod:`bot.formatting`), the knowledge base (:mod:`bot.knowledge`) and hand-offs
(:mod:`bot.escalation`). :mod:`bot.nlu_features` is a Rasa NLU component, imported by Rasa
itself in ``.venv-rasa``: so this package imports nothing when it is imported.
"""
