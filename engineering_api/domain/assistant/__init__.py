"""The AI assistant: a chat that drives the service through the MCP tools with a configured model provider.

See :mod:`._routes` for the routes, :mod:`._loop` for the tool loop and its confirmation rule, :mod:`._providers`
for the OpenAI-compatible and Anthropic APIs, :mod:`._settings` for the encrypted provider settings.
"""

from __future__ import annotations

from engineering_api.domain.assistant._routes import AssistantController

__all__ = ("AssistantController",)
