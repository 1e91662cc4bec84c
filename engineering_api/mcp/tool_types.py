"""What the MCP layer knows of a tool (:class:`ToolSpec`) and of one call's result (:class:`ToolOutcome`).

Kept apart from :mod:`engineering_api.mcp.tools` so that each family of tools (registry operations, runtime API
calls) builds its specs without importing the dispatcher.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import EngineeringError
from engineering_api.lib.field_docs import document
from engineering_api.lib.responses import status_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.jobs.operations import Operation
    from engineering_api.lib.security import Role

__all__ = ("ToolOutcome", "ToolSpec", "error_outcome", "fixed", "input_schema")


def fixed(schema: dict[str, Any] | None) -> Callable[[], dict[str, Any] | None]:
    """A schema source for a schema written out (a meta tool's)."""
    return lambda: schema


@dataclass(frozen=True, eq=False)
class ToolSpec:
    """One tool as clients see it.

    Its schemas are built on first use (:attr:`input_schema`, :attr:`output_schema`), not with the catalogue:
    building all of them is about a second of CPU (msgspec's schemas and the fields' docstrings of 350 operations),
    which every server start paid, though a client reads a profile's few dozen and a pipeline none."""

    name: str
    category: str
    description: str
    input_schema_of: Callable[[], dict[str, Any] | None]
    """Builds :attr:`input_schema` (never returns None for it)."""
    read_only: bool
    destructive: bool
    idempotent: bool
    required_role: Role
    output_schema_of: Callable[[], dict[str, Any] | None] = fixed(None)
    """Builds :attr:`output_schema`."""
    operation: Operation[Any, Any] | None = None
    """The registry operation the tool runs (a runtime call for the runtime API's tools,
    :mod:`engineering_api.mcp.runtime_tools`); None for the meta tools."""

    @functools.cached_property
    def input_schema(self) -> dict[str, Any]:
        """The JSON schema of the tool's arguments (MCP's ``inputSchema``)."""
        schema = self.input_schema_of()
        if schema is None:
            raise TypeError(f"tool {self.name} has no input schema")
        return schema

    @functools.cached_property
    def output_schema(self) -> dict[str, Any] | None:
        """The JSON schema of the call's ``structuredContent`` (MCP's ``outputSchema``)."""
        return self.output_schema_of()


@dataclass
class ToolOutcome:
    """What a tool call produced; transports turn it into a ``CallToolResult``."""

    data: Any
    """JSON-able: the REST ``data``, a preview of an unconfirmed destructive call, or an error's details."""
    text: str
    """The outcome in a sentence for people and models (the transports add the data after it)."""
    is_error: bool = False
    code: str | None = None
    """The domain error code when ``is_error``."""
    preview: bool = False
    """True when a destructive call without ``confirm`` returned a preview and changed nothing."""
    status: int = 200
    """The HTTP status the REST route would have answered (for the audit)."""
    job_id: str | None = None


def error_outcome(exc: EngineeringError) -> ToolOutcome:
    """A domain error as a tool result with ``isError``: its code, message and details."""
    details = {"code": exc.code, "message": exc.message, **({"details": exc.details} if exc.details else {})}
    return ToolOutcome(data=details, text=f"{exc.code}: {exc.message}", is_error=True, code=exc.code,
                       status=status_for(exc))


def input_schema(struct: type[Any] | None, confirm: str | None = None) -> dict[str, Any]:
    """A tool's input schema: the Struct's JSON schema at the root (nested Structs keep their ``$refs``, which must
    resolve from the tool's own schema root), plus a ``confirm`` flag described by ``confirm`` when given."""
    if struct is None:
        schema: dict[str, Any] = {"type": "object", "properties": {}}
    else:
        full = msgspec.json.schema(struct)
        defs = dict(full.get("$defs", {}))
        schema = dict(defs.pop(full["$ref"].rsplit("/", 1)[-1]))
        schema.pop("title", None)
        schema.pop("description", None)  # the Struct's doc: the tool's description says what the call does
        if defs:
            schema["$defs"] = defs
        document(schema, struct)
    if confirm is not None:
        schema["properties"] = {
            **schema.get("properties", {}),
            "confirm": {"type": "boolean", "default": False, "description": confirm},
        }
    return schema
