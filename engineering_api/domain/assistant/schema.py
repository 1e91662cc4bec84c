"""Wire shapes of the assistant routes (camelCase; T-IA Connect's PascalCase bodies are accepted too)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "ChatAccepted", "ChatMessage", "ChatRequest", "ChatResult", "HistoryEntry", "ModelInfoView", "ModelList",
    "ModelsRequest",
    "PendingAction",
    "StopResult", "TokenUsage", "ToolCallRecord",
)

_Text = Annotated[str, msgspec.Meta(max_length=100_000)]
_ProjectKey = Annotated[str, msgspec.Meta(max_length=500)]


class ChatMessage(CamelStruct):
    """One earlier message a client sends along (T-IA Connect's ``History[{Role, Content}]``)."""

    role: Literal["user", "assistant"]
    content: _Text


class ChatRequest(CamelStruct):
    """A user message for the assistant (T-IA Connect's ``{Message, History, Locale}``, plus ``projectKey``)."""

    message: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    project_key: _ProjectKey | None = None
    """The conversation (and its stored history) this message belongs to, e.g. the project's name or path."""
    history: Annotated[list[ChatMessage], msgspec.Meta(max_length=200)] | None = None
    """Earlier messages as the client keeps them; when absent, the stored history of ``projectKey`` is used."""
    locale: Annotated[str, msgspec.Meta(max_length=35)] | None = None
    """The language to answer in, e.g. ``de-DE``."""
    stream: bool = False
    """Answer as Server-Sent Events (the same as sending ``Accept: text/event-stream``)."""


class TokenUsage(CamelStruct):
    """Tokens the provider counted."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ToolCallRecord(CamelStruct):
    """One tool the assistant ran."""

    round: int
    tool: str
    arguments: dict[str, Any]
    is_error: bool = False
    preview: bool = False
    """A destructive tool answered a preview: nothing was changed."""
    code: str | None = None
    summary: str = ""


class PendingAction(CamelStruct):
    """A destructive call that was previewed and waits for the user's confirmation in the next message."""

    tool: str
    arguments: dict[str, Any]
    summary: str


class ChatResult(CamelStruct):
    """The assistant's answer to one message."""

    content: str
    project_key: str | None
    provider: str
    model: str
    rounds: int
    """Tool rounds run (at most 10)."""
    limit_reached: bool
    stopped: bool
    """``POST /api/assistant/stop`` ended this answer early."""
    tool_calls: list[ToolCallRecord]
    pending_confirmations: list[PendingAction]
    usage: TokenUsage


class ChatAccepted(CamelStruct):
    """A message the assistant has started answering (``POST /api/assistant/chat`` without streaming)."""

    project_key: str | None
    started_at: str
    running: bool
    """True while the answer is being generated; the answer follows as SignalR ``onAssistantResponse``
    (assistanthub) and in the history."""


class HistoryEntry(CamelStruct):
    """A stored message (T-IA Connect's ``{Role, Content, Timestamp}``)."""

    # The OpenAPI component's name: backend.models.HistoryEntry (a project's history) is another schema, and two
    # components of one title make client generators drop both (openapi-python-client).
    __schema_name__: ClassVar[str] = "AssistantHistoryEntry"

    role: str
    content: str
    timestamp: str
    project_key: str | None = None
    tool_calls: list[ToolCallRecord] | None = None


class StopResult(CamelStruct):
    """The generation ``POST /api/assistant/stop`` ended."""

    stopped: bool
    project_key: str | None
    started_at: str


class ModelsRequest(CamelStruct):
    """Optional provider settings to list models for (admin only); absent fields come from the stored settings."""

    provider: Literal["openai", "anthropic"] | None = None
    base_url: Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/?#]+[^\s]*$", max_length=2000)] | None = None
    api_key: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    """Used for this one call, never stored."""


class ModelInfoView(CamelStruct):
    """A model the provider offers."""

    id: str
    name: str | None = None
    owned_by: str | None = None


class ModelList(CamelStruct):
    """The provider's models."""

    provider: str
    base_url: str
    current: str | None
    """The model the stored settings name (when the provider is the stored one)."""
    models: list[ModelInfoView]
