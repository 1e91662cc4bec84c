"""The AI assistant: a chat that drives the service through the MCP tools with a configured model provider.

See :mod:`.routes` for the routes, :mod:`.loop` for the tool loop and its confirmation rule, :mod:`.providers`
for the OpenAI-compatible and Anthropic APIs, :mod:`.settings` for the encrypted provider settings.
"""

from __future__ import annotations

from engineering_api.domain.assistant.routes import AssistantController

__all__ = ("AssistantController",)
