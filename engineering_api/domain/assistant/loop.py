"""One chat turn: the model, the tools of the caller's role, at most :data:`MAX_ROUNDS` tool rounds.

Tools are the MCP tools (:mod:`engineering_api.mcp.tools`), run through the same :func:`call_tool` with
``via="assistant"``, so roles, previews of destructive calls and the audit are the same as over MCP.

Confirmation: a destructive tool called without ``confirm`` answers a preview and changes nothing. The
preview is kept as a *pending action* of the conversation. Only in the user's **next** message may the model
call that same tool with the same arguments and ``confirm: true``; a ``confirm`` the model sends in the turn
that produced the preview, or for arguments nobody saw previewed, is dropped, so the call previews again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.domain.assistant.providers import Item, ToolDef, complete
from engineering_api.domain.assistant.schema import ChatResult, PendingAction, TokenUsage, ToolCallRecord
from engineering_api.errors import codes
from engineering_api.lib.redact import redacted
from engineering_api.mcp.results import TEXT_BUDGET
from engineering_api.mcp.tools import CALL_TOOL, call_tool, catalog_ready, schemas_ready, tool_catalog

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from engineering_api.domain.assistant.settings import ProviderConfig
    from engineering_api.lib.security import Principal
    from engineering_api.mcp.tools import ToolSpec
    from engineering_api.services import Services

__all__ = ("DEFAULT_CATEGORIES", "MAX_ROUNDS", "Turn", "tools_for")

MAX_ROUNDS = 10
DEFAULT_CATEGORIES = frozenset({"projects", "devices", "blocks"})
"""Tools every model gets (with ``find_tools``/``call_tool`` for the rest): small enough for 128-tool limits."""
_MAX_TOOLS = 120
_KEYWORDS = {
    "tag": "tags", "constant": "tags", "udt": "udts", "data type": "udts", "simulat": "simulation",
    "plcsim": "simulation", "watch": "watch", "force": "watch", "download": "download", "upload": "download",
    "test": "testharness", "snapshot": "history", "generat": "blockgen", "spec": "designspec",
    "portal": "portal", "instance": "portal", "health": "health",
}
"""Words in the user's message that add a category to the tool list (T-IA's "contextual category selection")."""
_RESULT_MAX = TEXT_BUDGET
"""Characters of a tool result the model sees, as over MCP; the rest is cut (the model can ask for less)."""
_DESCRIPTION_MAX = 1000



def _categories(message: str, available: list[str]) -> set[str]:
    text = message.lower()
    chosen = set(DEFAULT_CATEGORIES)
    chosen |= {category for word, category in _KEYWORDS.items() if word in text}
    chosen |= {category for category in available if category in text}
    return chosen


async def tools_for(services: Services, principal: Principal, message: str) -> list[ToolSpec]:
    """The meta tools plus the tools of the default and mentioned categories the caller's role may run."""
    catalog = await catalog_ready(services)  # the first turn builds it, off the event loop
    specs = catalog.tools(principal.role, _categories(message, catalog.categories()))
    return await schemas_ready(specs[:_MAX_TOOLS])  # the first turn builds those not built, off the event loop


def _tool_def(spec: ToolSpec) -> ToolDef:
    paragraphs = spec.description.split("\n\n")
    text = paragraphs[0]
    if spec.destructive:
        text += " Destructive: without confirm=true it only returns a preview."
    return ToolDef(name=spec.name, description=text[:_DESCRIPTION_MAX], parameters=spec.input_schema)


def _key(tool: str, arguments: dict[str, Any]) -> str:
    plain = {k: v for k, v in arguments.items() if k != "confirm"}
    return tool + " " + json.dumps(plain, sort_keys=True, separators=(",", ":"), default=str)


def system_prompt(project_key: str | None, locale: str | None, pending: list[PendingAction]) -> str:
    """The instructions the model gets before the conversation."""
    lines = [
        "You are the assistant of engineering-api, a service that automates Siemens TIA Portal projects "
        "(projects, devices, PLC blocks, tags, UDTs, compile, simulation). Act through the tools; answer briefly.",
        "The tool list holds the common tools; find_tools searches all of them and call_tool runs any by name.",
        f"At most {MAX_ROUNDS} rounds of tool calls per message.",
        "Destructive tools (delete, close, overwrite, stop, download) change nothing without confirm=true and "
        "answer a preview instead. Show the preview to the user and ask them to confirm. Call the tool with "
        "confirm=true only when the user's NEXT message confirms it, with exactly the previewed arguments.",
    ]
    if project_key:
        lines.append(f"The user is working on the project {project_key!r}.")
    if locale:
        lines.append(f"Answer in the language of the locale {locale}.")
    for action in pending:
        lines.append(f"Waiting for the user's confirmation (from your previous answer): {action.tool} with "
                     f"{json.dumps(action.arguments)} - {action.summary}")
    return "\n".join(lines)


@dataclass
class Turn:
    """The state of one running chat turn; after a stop it still holds what was done so far."""

    services: Services
    config: ProviderConfig
    principal: Principal
    project_key: str | None
    session_id: str
    confirmable: list[PendingAction]
    """Actions previewed in the previous turn: the only calls that may carry ``confirm: true`` now."""
    emit: Callable[[str, dict[str, Any]], Awaitable[None]]
    rounds: int = 0
    limit_reached: bool = False
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    pending: list[PendingAction] = field(default_factory=list)
    usage: TokenUsage = field(default_factory=TokenUsage)
    said: list[str] = field(default_factory=list)
    """Text the model produced alongside its tool calls."""

    async def run(self, items: list[Item], system: str, tools: list[ToolSpec]) -> str:
        """Ask the model until it answers without tool calls or the round limit is reached; returns the answer."""
        definitions = [_tool_def(spec) for spec in tools]
        while True:
            reply = await complete(self.config, system, items, definitions)
            self._count(reply.prompt_tokens, reply.completion_tokens)
            await self.emit("onTokenUsage", {
                "round": self.rounds, "promptTokens": reply.prompt_tokens,
                "completionTokens": reply.completion_tokens, "total": msgspec.to_builtins(self.usage)})
            if not reply.tool_calls:
                return reply.text
            if self.rounds >= MAX_ROUNDS:
                self.limit_reached = True
                done = "; ".join(f"{c.tool}{' (error)' if c.is_error else ''}" for c in self.tool_calls[-5:])
                return (f"I stopped after {MAX_ROUNDS} rounds of tool calls without finishing (the limit per "
                        f"message). Last tools run: {done}. Send another message to continue.")
            self.rounds += 1
            if reply.text:
                self.said.append(reply.text)
                await self.emit("onIntermediateResponse", {"round": self.rounds, "content": reply.text})
            items.append(Item(role="assistant", content=reply.text, tool_calls=reply.tool_calls))
            for call in reply.tool_calls:
                items.append(await self._tool(call.id, call.name, call.arguments, call.bad_arguments))

    def _count(self, prompt: int, completion: int) -> None:
        usage = self.usage
        self.usage = TokenUsage(prompt_tokens=usage.prompt_tokens + prompt,
                                completion_tokens=usage.completion_tokens + completion,
                                total_tokens=usage.total_tokens + prompt + completion)

    async def _tool(self, call_id: str, name: str, arguments: dict[str, Any], bad: str | None) -> Item:
        tool, args = name, dict(arguments)
        if tool == CALL_TOOL and isinstance(args.get("name"), str) and isinstance(args.get("arguments") or {}, dict):
            # Unwrapped so the confirmation rule sees the real tool (call_tool would run the same thing).
            tool, args = args["name"], dict(args.get("arguments") or {})
        await self.emit("onToolExecution", {"round": self.rounds, "tool": tool, "arguments": redacted(args),
                                            "status": "started"})
        note = ""
        if bad is not None:
            record = ToolCallRecord(round=self.rounds, tool=tool, arguments={}, is_error=True,
                                    code=codes.VALIDATION_FAILED, summary=bad)
            content, is_error = f"VALIDATION_FAILED: {bad}", True
        else:
            note = self._guard_confirm(tool, args)
            outcome = await call_tool(self.services, tool, args, self.principal, via="assistant",
                                      session_id=self.session_id)
            record = ToolCallRecord(round=self.rounds, tool=tool, arguments=redacted(args),  # answered, and emitted
                                    is_error=outcome.is_error, preview=outcome.preview, code=outcome.code,
                                    summary=outcome.text[:500])
            if outcome.preview:
                self.pending.append(PendingAction(tool=tool, arguments={k: v for k, v in args.items()
                                                                         if k != "confirm"}, summary=outcome.text))
                note += (" This is a preview; nothing was changed. Show it to the user and ask for confirmation; "
                         "do not call it with confirm=true before the user's next message.")
            data = json.dumps(outcome.data, default=str)
            content = f"{outcome.text}{note}\n{data[:_RESULT_MAX]}"
            is_error = outcome.is_error
        self.tool_calls.append(record)
        await self.emit("onToolExecution", {"round": self.rounds, "tool": tool, "arguments": record.arguments,
                                            "status": "finished", "isError": record.is_error,
                                            "preview": record.preview, "code": record.code,
                                            "summary": record.summary})
        return Item(role="tool", content=content, call_id=call_id, is_error=is_error)

    def _guard_confirm(self, tool: str, args: dict[str, Any]) -> str:
        """Drop a ``confirm`` the user has not given; returns a note for the model when one was dropped."""
        spec = tool_catalog(self.services).get(tool)
        if spec is None or not spec.destructive or args.get("confirm") is not True:
            return ""
        key = _key(tool, args)
        for index, action in enumerate(self.confirmable):
            if _key(action.tool, action.arguments) == key:
                del self.confirmable[index]  # one confirmation runs one call
                return ""
        del args["confirm"]
        return (" confirm=true was ignored: the user has not confirmed this exact call in a message after its "
                "preview.")

    def result(self, content: str, *, stopped: bool = False) -> ChatResult:
        """The answer as the route returns it."""
        return ChatResult(
            content=content, project_key=self.project_key, provider=self.config.provider, model=self.config.model,
            rounds=self.rounds, limit_reached=self.limit_reached, stopped=stopped, tool_calls=self.tool_calls,
            pending_confirmations=self.pending, usage=self.usage,
        )
