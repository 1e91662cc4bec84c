"""The two provider APIs the assistant speaks, over their documented REST interfaces (non-streaming).

- OpenAI-compatible: ``POST {baseUrl}/chat/completions`` with ``tools`` and ``GET {baseUrl}/models``
  (OpenAI, Ollama, vLLM, LM Studio, Groq, Mistral all serve this shape).
- Anthropic: ``POST {baseUrl}/v1/messages`` with ``tools`` and ``GET {baseUrl}/v1/models``.

The conversation is kept provider-neutral (:class:`Item`) and translated per call. Every failure becomes
:class:`ProviderFailedError` with the provider's status and a short, key-free reason.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio

from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.domain.assistant.endpoint import check_api_key, redact_key
from engineering_api.errors import codes
from engineering_api.lib.outbound_targets import refused_target, resolves_to_refused

if TYPE_CHECKING:
    import httpx

    from engineering_api.domain.assistant.settings import ProviderConfig

__all__ = ("Item", "ModelInfo", "ProviderFailedError", "Reply", "ToolCall", "ToolDef", "complete", "list_models")

ANTHROPIC_VERSION = "2023-06-01"
_REASON_MAX = 300


class ProviderFailedError(EngineeringError):
    """The model provider could not be reached or answered with an error (answered as 502)."""

    default_code = codes.ASSISTANT_PROVIDER_FAILED


@dataclass(frozen=True)
class ToolDef:
    """A tool as offered to the model."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass
class ToolCall:
    """One tool call the model asked for."""

    id: str
    name: str
    arguments: dict[str, Any]
    bad_arguments: str | None = None
    """Why the arguments could not be read (not JSON, not an object); the call is then answered with that."""


@dataclass
class Item:
    """One conversation entry: ``user``, ``assistant`` (with its tool calls) or ``tool`` (a result)."""

    role: str
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    call_id: str | None = None
    is_error: bool = False


@dataclass
class Reply:
    """What one model call answered."""

    text: str
    tool_calls: list[ToolCall]
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class ModelInfo:
    """A model the provider offers."""

    id: str
    name: str | None = None
    owned_by: str | None = None


def _scrub(text: str, config: ProviderConfig) -> str:
    # Some providers (and the HTTP library, for a key it cannot send) echo the key in their error text; none of
    # it may reach a response, a stored history or a log.
    text = " ".join(redact_key(text, config.api_key).split())
    return text[:_REASON_MAX]


def _fail(config: ProviderConfig, what: str, status: int | None, reason: str) -> ProviderFailedError:
    where = f"{config.provider} provider at {config.base_url}"
    said = f"answered HTTP {status}" if status is not None else "could not be reached"
    return ProviderFailedError(
        f"The {where} {said} while {what}: {_scrub(reason, config)}",
        details={"provider": config.provider, "baseUrl": config.base_url, "providerStatus": status},
    )


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error or body)


async def _call(config: ProviderConfig, method: str, url: str, what: str, headers: dict[str, str],
                body: dict[str, Any] | None = None) -> Any:
    refused = refused_target(url) or await resolves_to_refused(url)
    if refused is not None:  # settings stored before base URLs were checked, or a name for such an address
        raise _fail(config, what, None, f"the assistant never calls {refused}; an admin sets another baseUrl")
    try:
        check_api_key(config.api_key)  # a key stored before keys were checked
    except ValidationError:
        raise _fail(config, what, None, "the stored API key holds characters an HTTP header cannot carry; an admin "
                                        "enters it again") from None
    # imported by the first call, on a thread (a first turn holds no other request while it loads), not at start;
    # later calls find it loaded without taking a worker thread
    http: Any = sys.modules.get("httpx") or await anyio.to_thread.run_sync(importlib.import_module, "httpx")
    try:
        async with http.AsyncClient(timeout=config.timeout_seconds, follow_redirects=False) as client:
            response = await client.request(method, url, headers=headers, json=body)
    except Exception as exc:  # whatever the HTTP library raises, its text is redacted before use
        raise _fail(config, what, None, f"{type(exc).__name__}: {exc}") from None
    if response.status_code >= 400:
        raise _fail(config, what, response.status_code, _error_text(response))
    try:
        return response.json()
    except ValueError:
        raise _fail(config, what, response.status_code, "the answer is not JSON") from None


def _openai_headers(config: ProviderConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}


def _anthropic_headers(config: ProviderConfig) -> dict[str, str]:
    headers = {"anthropic-version": ANTHROPIC_VERSION}
    if config.api_key:
        headers["x-api-key"] = config.api_key
    return headers


def _anthropic_url(config: ProviderConfig, tail: str) -> str:
    base = config.base_url.rstrip("/")
    return f"{base}{tail}" if base.endswith("/v1") else f"{base}/v1{tail}"


def _arguments(raw: Any) -> tuple[dict[str, Any], str | None]:
    if isinstance(raw, dict):
        return raw, None
    if raw in (None, ""):
        return {}, None
    try:
        value = json.loads(raw)
    except (TypeError, ValueError) as exc:
        return {}, f"the arguments are not valid JSON ({exc})"
    return (value, None) if isinstance(value, dict) else ({}, "the arguments must be a JSON object")


def _openai_messages(system: str, items: list[Item]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
    for item in items:
        if item.role == "tool":
            messages.append({"role": "tool", "tool_call_id": item.call_id, "content": item.content})
        elif item.role == "assistant" and item.tool_calls:
            messages.append({"role": "assistant", "content": item.content or None, "tool_calls": [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": json.dumps(c.arguments)}} for c in item.tool_calls]})
        else:
            messages.append({"role": item.role, "content": item.content})
    return messages


def _anthropic_messages(items: list[Item]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for item in items:
        if item.role == "tool":
            block = {"type": "tool_result", "tool_use_id": item.call_id, "content": item.content,
                     "is_error": item.is_error}
            # Results of one round go together in one user message, as the Messages API asks.
            if messages and messages[-1]["role"] == "user" and isinstance(messages[-1]["content"], list):
                messages[-1]["content"].append(block)
            else:
                messages.append({"role": "user", "content": [block]})
        elif item.role == "assistant" and item.tool_calls:
            content: list[dict[str, Any]] = [{"type": "text", "text": item.content}] if item.content else []
            content += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
                        for c in item.tool_calls]
            messages.append({"role": "assistant", "content": content})
        elif item.content:
            messages.append({"role": item.role, "content": item.content})
    return messages


async def complete(config: ProviderConfig, system: str, items: list[Item], tools: list[ToolDef]) -> Reply:
    """One model call with the conversation and the tools; the model answers text, tool calls or both.

    Raises:
        ProviderFailedError: the provider was unreachable or answered an error or an unreadable body.
    """
    if config.provider == "anthropic":
        return await _anthropic_complete(config, system, items, tools)
    return await _openai_complete(config, system, items, tools)


async def _openai_complete(config: ProviderConfig, system: str, items: list[Item], tools: list[ToolDef]) -> Reply:
    body: dict[str, Any] = {"model": config.model, "messages": _openai_messages(system, items),
                            "max_tokens": config.max_tokens}
    if tools:
        body["tools"] = [{"type": "function", "function": {"name": t.name, "description": t.description,
                                                           "parameters": t.parameters}} for t in tools]
    answer = await _call(config, "POST", f"{config.base_url}/chat/completions", "answering the chat",
                         _openai_headers(config), body)
    try:
        message = answer["choices"][0]["message"]
        calls: list[ToolCall] = []
        for raw in message.get("tool_calls") or ():
            arguments, bad = _arguments(raw["function"].get("arguments"))
            calls.append(ToolCall(id=str(raw.get("id") or f"call_{len(calls)}"), name=raw["function"]["name"],
                                  arguments=arguments, bad_arguments=bad))
        usage = answer.get("usage") or {}
        return Reply(text=message.get("content") or "", tool_calls=calls,
                     prompt_tokens=int(usage.get("prompt_tokens") or 0),
                     completion_tokens=int(usage.get("completion_tokens") or 0))
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise _fail(config, "answering the chat", 200, f"unexpected answer shape ({exc!r})") from None


async def _anthropic_complete(config: ProviderConfig, system: str, items: list[Item], tools: list[ToolDef]) -> Reply:
    body: dict[str, Any] = {"model": config.model, "max_tokens": config.max_tokens, "system": system,
                            "messages": _anthropic_messages(items)}
    if tools:
        body["tools"] = [{"name": t.name, "description": t.description, "input_schema": t.parameters} for t in tools]
    answer = await _call(config, "POST", _anthropic_url(config, "/messages"), "answering the chat",
                         _anthropic_headers(config), body)
    try:
        texts, calls = [], []
        for block in answer["content"]:
            if block.get("type") == "text":
                texts.append(block.get("text") or "")
            elif block.get("type") == "tool_use":
                arguments, bad = _arguments(block.get("input"))
                calls.append(ToolCall(id=str(block["id"]), name=block["name"], arguments=arguments, bad_arguments=bad))
        usage = answer.get("usage") or {}
        return Reply(text="\n".join(t for t in texts if t), tool_calls=calls,
                     prompt_tokens=int(usage.get("input_tokens") or 0),
                     completion_tokens=int(usage.get("output_tokens") or 0))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise _fail(config, "answering the chat", 200, f"unexpected answer shape ({exc!r})") from None


async def list_models(config: ProviderConfig) -> list[ModelInfo]:
    """The provider's models.

    Raises:
        ProviderFailedError: the provider was unreachable or answered an error or an unreadable body.
    """
    if config.provider == "anthropic":
        answer = await _call(config, "GET", _anthropic_url(config, "/models"), "listing models",
                             _anthropic_headers(config))
    else:
        answer = await _call(config, "GET", f"{config.base_url}/models", "listing models", _openai_headers(config))
    try:
        return [ModelInfo(id=str(m["id"]), name=m.get("display_name") or m.get("name"), owned_by=m.get("owned_by"))
                for m in answer["data"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise _fail(config, "listing models", 200, f"unexpected answer shape ({exc!r})") from None
