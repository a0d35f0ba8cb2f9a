"""Conversations: the chat backend that routes user turns to the assistant or to an agent."""
