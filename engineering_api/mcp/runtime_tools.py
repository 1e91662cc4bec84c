"""The runtime API's calls as MCP tools: ``runtime_tags_read``, ``runtime_tags_write``, ``runtime_alarms_current``…

Each tool runs the same runtime call (an operation of the registry with a runtime role,
:data:`~engineering_api.runtime.actions.RUNTIME_OPERATIONS`) as its REST route. An MCP session
is opened with an engineering API key, not a runtime user's bearer token, so the key's role stands for runtime
roles: a viewer key reads (``read``), an engineer key also writes tags and acknowledges alarms (``write``,
``alarmAck``): an engineer key may already download programs and force values, which reaches further than a tag
write. Every call that changes the plant is audited with the key, like any mutating tool, and an alarm
acknowledged through MCP names the key (``apikey:<name>``) as who acknowledged it.

A tag write is destructive: without ``confirm: true`` it changes nothing and returns what each tag holds now and
what it would get.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.responses import status_for
from engineering_api.lib.field_docs import plain
from engineering_api.mcp.results import headline
from engineering_api.mcp.tool_types import ToolOutcome, ToolSpec, error_outcome, fixed, input_schema
from engineering_api.runtime.actions import call_context
from engineering_api.runtime.users import RuntimeRole

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.jobs.operations import Operation
    from engineering_api.lib.security import Principal
    from engineering_api.services import Services

__all__ = ("CATEGORY", "run_runtime_tool", "runtime_tool_specs")

CATEGORY = "runtime"


_CONFIRM = ("Must be true to change the running PLC; without it the call changes nothing and returns what each "
            "tag holds now and would get.")


def _description(action: Operation[Any, Any]) -> str:
    runtime_role = RuntimeRole(action.runtime_role)
    route = action.route
    assert route is not None, f"runtime call {action.name} has no route"
    parts = [action.summary, f"Runtime API: the same call as {route.method} {route.path}.",
             "Input: " + " ".join((action.input.__doc__ or "").split())]
    if action.preview is not None:
        parts.append("Changes the running PLC: only with confirm=true; without it, returns a preview.")
    if action.errors:
        codes = ", ".join(sorted({f"{e.default_code} ({status_for(e('x'))})" for e in action.errors
                                  if issubclass(e, EngineeringError)}))
        parts.append(f"Errors: {codes}.")
    parts.append(f"Needs the {action.required_role.value} role (runtime role {runtime_role.value}).")
    return "\n\n".join(plain(part) for part in parts)


def runtime_tool_specs(calls: Iterable[Operation[Any, Any]]) -> list[ToolSpec]:
    """One tool per runtime call (:meth:`~engineering_api.jobs.operations.OperationRegistry.runtime_calls`)."""
    return [
        ToolSpec(
            name=action.name.replace(".", "_"), category=CATEGORY, description=_description(action),
            input_schema_of=functools.partial(input_schema, action.input, _CONFIRM if action.preview else None),
            read_only=not action.mutating, destructive=action.destructive,
            # reading, writing a value and acknowledging leave the same state when repeated (a second
            # acknowledgement is refused, the alarm stays acknowledged)
            idempotent=True, required_role=action.required_role, operation=action,
            output_schema_of=fixed({"type": "object"}),  # the runtime API's answers are objects (lists come wrapped)
        )
        for action in calls if not action.no_mcp_tool
    ]


async def run_runtime_tool(
    services: Services, spec: ToolSpec, arguments: dict[str, Any], principal: Principal, *, confirm: bool,
) -> ToolOutcome:
    """Run a runtime tool as ``principal`` (whose role the caller has checked); domain errors come back as
    outcomes with ``is_error``."""
    action = spec.operation
    assert action is not None and action.is_runtime_call
    context = call_context(services, f"apikey:{principal.name}")
    try:
        try:
            data = msgspec.convert(arguments, action.input, str_keys=True)
        except msgspec.ValidationError as exc:
            raise ValidationError(f"invalid arguments: {exc}", code=codes.VALIDATION_FAILED) from None
        if action.preview is not None and not confirm:
            # reading the PLC may wait for the TIA worker or a real PLC: off the event loop, like the REST route
            preview = await asyncio.to_thread(action.preview, context, data)
            if preview.changes:
                return ToolOutcome(data=msgspec.to_builtins(preview), preview=True,
                                   text=f"Nothing was changed. {preview.summary} Call {spec.name} again with "
                                        "confirm=true to do it.")
        result = await asyncio.to_thread(action.handler, context, data)
    except EngineeringError as exc:
        return error_outcome(exc)
    built = msgspec.to_builtins(result)
    return ToolOutcome(data=built, text=headline(spec.name, built))
