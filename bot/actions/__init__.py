"""Custom actions of the assistant, one module per flow (rasa-sdk imports every module here).

Each module's actions read slots and entities, call the ledger, the knowledge base or the
api, and answer in words; the shared steps live in :mod:`bot.replies`.
"""

__all__: list[str] = []
