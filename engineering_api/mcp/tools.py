"""MCP tools: every operation of the registry is a tool, plus the runtime API's calls
(:mod:`engineering_api.mcp.runtime_tools`), ``find_tools`` and ``call_tool``.

Nothing is written twice: a tool's name, input schema, description, role and annotations all come from its
:class:`~engineering_api.jobs.operations.Operation`, and a call runs the same inline call or job as the REST
route. MCP (and the AI assistant) call :func:`call_tool`; the transports only adapt its :class:`ToolOutcome`.
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.audit import NOT_WRITTEN
from engineering_api.jobs.input_checks import confine_files, operation_input
from engineering_api.lib.security import Role
from engineering_api.lib.paths import PathNotFoundError, PathRejectedError
from engineering_api.lib.field_docs import plain
from engineering_api.mcp.profiles import ALL, in_profile
from engineering_api.mcp.results import headline, output_schema
from engineering_api.mcp.route_names import RouteNames
from engineering_api.mcp.runtime_tools import run_runtime_tool, runtime_tool_specs
from engineering_api.mcp.tool_types import ToolOutcome, ToolSpec, error_outcome, fixed, input_schema

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from engineering_api.jobs.operations import Operation, OperationRegistry
    from engineering_api.lib.security import Principal
    from engineering_api.services import Services

__all__ = (
    "CALL_TOOL", "FIND_TOOLS", "ToolCatalog", "ToolOutcome", "ToolSpec", "build_schemas", "call_tool", "catalog_ready",
    "schemas_ready", "tool_catalog", "tool_name",
)


FIND_TOOLS = "find_tools"
CALL_TOOL = "call_tool"
_MAX_FOUND = 25
"""How many tools ``find_tools`` ranks at most."""
FIND_ANSWER_BYTES = 4096
"""What one ``find_tools`` answer may take on the wire (its JSON-RPC message): about a thousand tokens, paid by an
assistant on every search. The best hits come with their input schema, the next ones with their name and one-line
summary only, as many as fit; a hit's schema is one more search away (its name as the query ranks it first)."""
_FIND_SCHEMAS = 3
"""The best hits whose input schema a ``find_tools`` answer carries."""
_FIND_FRAME_BYTES = 280
"""What wraps a ``find_tools`` answer's hits on the wire (JSON-RPC with its id, the content list, the text's and the
data's brackets): 251 bytes measured with a three-digit id, and room for a longer one. The "more" line is counted
apart, while hits may not all fit (:func:`_more_cost`): a flat 400 for both left a third hit without the schema
that fitted (issue 92)."""

# Short category slugs for the reference sections (the OpenAPI tags), for ``?categories=`` and find_tools.
_CATEGORY = {
    "TIA Portal Management": "portal", "Project Operations": "projects", "Devices": "devices", "Blocks": "blocks",
    "Block Generation": "blockgen", "Design Spec": "designspec", "Tags & Constants": "tags",
    "Data Types (UDT)": "udts", "History & Snapshots": "history", "PLCSim Simulation": "simulation",
    "Download / Upload": "download", "Watch & Force Tables": "watch", "Test Harness": "testharness",
    "Health & Status": "health", "Compilation": "compile",
}


def tool_name(operation: Operation[Any, Any]) -> str:
    """``projects.create`` → ``projects_create``: MCP tool names may not contain dots in every client."""
    return operation.name.replace(".", "_")


def _category(section: str) -> str:
    return _CATEGORY.get(section) or re.sub(r"[^a-z0-9]+", "-", section.lower()).strip("-")


_CONFIRM = "True to make the change; without it the call changes nothing and returns a preview."


def _input_schema(operation: Operation[Any, Any], destructive: bool) -> dict[str, Any]:
    return input_schema(operation.input, _CONFIRM if destructive else None)


def _description(operation: Operation[Any, Any], destructive: bool) -> str:
    parts = [operation.summary.rstrip(".") + "."]
    if operation.description and operation.description != operation.summary:
        parts.append(operation.description.strip())
    # The input Struct's own doc is not repeated: each of its fields carries its description in the schema.
    if operation.long_running:
        parts.append("Long: reports progress; cancelling the call cancels its job.")
    if destructive:
        parts.append("Destructive: without confirm=true it only previews.")
    # The error codes are in the REST reference; a failed call names its code, which is all a model needs.
    parts.append(f"Needs the {operation.required_role.value} role.")
    return "\n\n".join(plain(part) for part in parts)


def _spec(operation: Operation[Any, Any]) -> ToolSpec:
    destructive = bool(getattr(operation, "destructive", False))
    method = operation.route.method if operation.route is not None else (
        operation.async_route.method if operation.async_route is not None else "POST")
    return ToolSpec(
        name=tool_name(operation), category=_category(operation.section),
        description=_description(operation, destructive),
        input_schema_of=functools.partial(_input_schema, operation, destructive),
        read_only=not operation.mutating, destructive=destructive,
        # Reads, PUTs (set to a value) and DELETEs (gone stays gone) leave the same state when repeated.
        idempotent=not operation.mutating or method in ("PUT", "DELETE"),
        required_role=operation.required_role, operation=operation,
        output_schema_of=functools.partial(output_schema, operation.output, destructive),
    )


def _meta_specs() -> list[ToolSpec]:
    find = ToolSpec(
        name=FIND_TOOLS, category="meta",
        description="Search every tool of this server by words in its name and description (and optionally a "
                    "category); returns each hit's name, summary and input schema (the best few; search "
                    "a name for its). Use it when the tool you need is not in the list you were given, then run "
                    "the tool with call_tool.",
        input_schema_of=fixed({"type": "object", "properties": {
            "query": {"type": "string", "description": "Words to look for, e.g. 'compile block'."},
            "category": {"type": ["string", "null"], "default": None,
                         "description": "Only tools of this category (blocks, tags, projects, ...)."},
        }, "required": ["query"]}),
        read_only=True, destructive=False, idempotent=True, required_role=Role.VIEWER,
        output_schema_of=fixed({"type": "object", "properties": {"tools": {"type": "array", "items": {
            "type": "object", "required": ["name", "summary"], "properties": {
                "name": {"type": "string"}, "category": {"type": "string"}, "summary": {"type": "string"},
                "readOnly": {"type": "boolean"}, "destructive": {"type": "boolean"},
                "inputSchema": {"type": "object"}}}},
            "more": {"type": "integer"}},
            "required": ["tools"]}),
    )
    call = ToolSpec(
        name=CALL_TOOL, category="meta",
        description="Run any tool of this server by name, including tools not in the current list (find them "
                    "with find_tools). Same rules as calling the tool directly: role, confirm for destructive "
                    "tools, audit.",
        input_schema_of=fixed({"type": "object", "properties": {
            "name": {"type": "string", "description": "The tool name, e.g. blocks_list."},
            "arguments": {"type": "object", "default": {}, "description": "The tool's arguments."},
        }, "required": ["name"]}),
        read_only=False, destructive=False, idempotent=False, required_role=Role.VIEWER,
        output_schema_of=fixed({"type": "object"}),  # the called tool's result, whichever it is
    )
    return [find, call]


class ToolCatalog:
    """The tools of a registry, built once."""

    def __init__(self, operations: OperationRegistry) -> None:
        self._meta = _meta_specs()
        self._specs = [*(_spec(op) for op in operations), *runtime_tool_specs(operations.runtime_calls())]
        self._by_name = {spec.name: spec for spec in [*self._meta, *self._specs]}
        self._categories = sorted({spec.category for spec in self._specs})

    @functools.cached_property
    def routes(self) -> RouteNames:
        """Errors name the tool serving a route they mention, not the route. Built by the first tool call (a
        pattern per route: a fifth of what the catalogue cost when it was built with it)."""
        return RouteNames(self._specs)

    def categories(self) -> list[str]:
        """Every category, sorted."""
        return list(self._categories)

    def tools(self, role: Role | None = None, categories: set[str] | None = None, profile: str = ALL
              ) -> list[ToolSpec]:
        """The meta tools, then the tools the role may run (all when None), of the categories when given, else
        of the profile (:mod:`engineering_api.mcp.profiles`)."""
        chosen = [
            spec for spec in self._specs
            if (role is None or role.allows(spec.required_role))
            and (spec.category in categories if categories else in_profile(spec.name, profile))
        ]
        return [*self._meta, *chosen]

    def get(self, name: str) -> ToolSpec | None:
        """A tool by exact name."""
        return self._by_name.get(name)

    def find(self, query: str, category: str | None = None, role: Role | None = None) -> list[ToolSpec]:
        """Tools ranked by how many of the query's words their name, category and description contain."""
        words = [w for w in re.split(r"[^a-z0-9]+", query.lower()) if w]
        exact = query.strip().lower()  # a tool's own name ranks it first: how a client asks for its schema
        ranked = []
        for spec in self.tools(role, {category} if category else None):
            if spec.operation is None:
                continue
            name = spec.name.lower()
            text = f"{spec.category} {spec.description}".lower()
            score = sum(3 if w in name else 1 if w in text else 0 for w in words) + (1000 if name == exact else 0)
            if score or not words:
                ranked.append((-score, spec.name, spec))
        ranked.sort(key=lambda item: item[:2])
        return [spec for _, _, spec in ranked[:_MAX_FOUND]]


_BUILT: list[tuple[list[object], ToolCatalog]] = []
"""Catalogs built in this process, with the operations each was built of (a few: one per registry content)."""
_BUILT_LOCK = threading.Lock()


def _catalog_of(operations: OperationRegistry) -> ToolCatalog:
    """The catalog of ``operations``: built once per set of operation objects in a process. A catalog is immutable,
    and services built again over the same operations (a restart in-process, a second app) share it."""
    made_of: list[object] = [*operations, *operations.runtime_calls()]
    with _BUILT_LOCK:
        for ops, catalog in _BUILT:
            if len(ops) == len(made_of) and all(a is b for a, b in zip(ops, made_of, strict=True)):
                return catalog
    catalog = ToolCatalog(operations)
    with _BUILT_LOCK:
        _BUILT[:] = [*_BUILT[-3:], (made_of, catalog)]
    return catalog


def tool_catalog(services: Services) -> ToolCatalog:
    """The catalog of ``services.operations``, cached on the services.

    Building it costs ~10 ms of CPU (each tool's schemas are built on first use, :class:`ToolSpec`); code on the
    event loop awaits :func:`catalog_ready` first all the same, so that this only ever returns the cached catalog
    there.
    """
    catalog = services.notes.get("mcp.catalog")
    if catalog is None:
        catalog = services.notes["mcp.catalog"] = _catalog_of(services.operations)
    return catalog


async def catalog_ready(services: Services) -> ToolCatalog:
    """The catalog, built in a worker thread the first time it is needed.

    Built on the event loop it would stall every other request for 0.7-1.3 s (the vendor client's 1-second
    telemetry call then aborts); concurrent first callers share one build.
    """
    catalog = services.notes.get("mcp.catalog")
    if catalog is not None:
        return catalog
    building: asyncio.Future[ToolCatalog] | None = services.notes.get("mcp.catalog.building")
    if building is None or building.get_loop() is not asyncio.get_running_loop():
        building = services.notes["mcp.catalog.building"] = asyncio.ensure_future(
            asyncio.to_thread(_catalog_of, services.operations))
    try:
        built = await asyncio.shield(building)
    finally:
        if building.done():
            services.notes.pop("mcp.catalog.building", None)  # a failed build is tried again by the next caller
    catalog = services.notes.setdefault("mcp.catalog", built)
    return catalog


async def schemas_ready(specs: list[ToolSpec]) -> list[ToolSpec]:
    """``specs``, with their schemas built: in a worker thread when one is not built yet (``?tools=all`` lists 350,
    about a second of CPU the first time, which on the event loop would stall every other request)."""
    if any("input_schema" not in spec.__dict__ or "output_schema" not in spec.__dict__ for spec in specs):
        await asyncio.to_thread(build_schemas, specs)
    return specs


def build_schemas(specs: list[ToolSpec]) -> None:
    """Build the schemas of ``specs`` (each once; off the event loop)."""
    for spec in specs:
        _ = spec.input_schema, spec.output_schema


async def call_tool(
    services: Services, name: str, arguments: dict[str, Any] | None, principal: Principal, *, via: str,
    session_id: str | None = None, progress: Callable[[float, str], Awaitable[None]] | None = None,
) -> ToolOutcome:
    """Run one tool as ``principal``; every mutating or refused call is audited with ``via`` and the session.

    Domain errors (unknown object, bad input, wrong role, a failed job) come back as an outcome with
    ``is_error``, never as an exception; only an unexpected fault propagates. Cancelling the awaiting task
    cancels the job it started.
    """
    catalog = await catalog_ready(services)
    spec = catalog.get(name)
    arguments = dict(arguments or {})
    if spec is None:
        return ToolOutcome(data={"code": codes.UNKNOWN_TOOL, "message": f"no tool named {name!r}"},
                           text=f"UNKNOWN_TOOL: no tool named {name!r}; use find_tools to search.", is_error=True,
                           code=codes.UNKNOWN_TOOL, status=404)
    if spec.name == FIND_TOOLS:
        return _find(services, arguments, principal)
    if spec.name == CALL_TOOL:
        inner = arguments.get("name")
        if not isinstance(inner, str) or inner in (CALL_TOOL, FIND_TOOLS):
            return error_outcome(ValidationError("call_tool needs 'name', the tool to run (not a meta tool)",
                                          code=codes.VALIDATION_FAILED))
        inner_args = arguments.get("arguments") or {}
        if not isinstance(inner_args, dict):
            return error_outcome(ValidationError("call_tool: 'arguments' must be an object",
                                                 code=codes.VALIDATION_FAILED))
        return await call_tool(services, inner, inner_args, principal, via=via, session_id=session_id,
                               progress=progress)
    record_id = None
    if not spec.read_only:  # a change's record is written first: one that cannot be written does not run
        try:
            record_id = services.audit.begin(method="TOOL", path=spec.name, key_id=principal.key_id,
                                             role=principal.role.value, client=None, via=via, session_id=session_id)
        except NOT_WRITTEN as exc:  # as on REST: the change does not run, and the error says so
            return error_outcome(exc)
    outcome = catalog.routes.outcome(await _run(services, spec, arguments, principal, progress))
    _audit(services, spec, outcome, principal, via, session_id, record_id)
    return outcome


def _find(services: Services, arguments: dict[str, Any], principal: Principal) -> ToolOutcome:
    query = arguments.get("query")
    if not isinstance(query, str):
        return error_outcome(ValidationError("find_tools needs 'query', a string", code=codes.VALIDATION_FAILED))
    category = arguments.get("category")
    found = tool_catalog(services).find(query, category if isinstance(category, str) else None, principal.role)
    items: list[dict[str, Any]] = []
    lines: list[str] = []
    room, more = FIND_ANSWER_BYTES - _FIND_FRAME_BYTES, _more_cost(len(found))
    for rank, spec in enumerate(found):
        # room for the "more" line is kept while a later hit may not fit
        fits = room if rank == len(found) - 1 else room - more
        item: dict[str, Any] = {"name": spec.name, "summary": _first_sentence(spec.description)}
        if spec.destructive:
            item["destructive"] = True
        line = f"{spec.name}({', '.join(_arguments(spec.input_schema))}): {item['summary']}"
        if rank < _FIND_SCHEMAS:
            item["inputSchema"] = spec.input_schema
        cost = _wire_cost(item, line)
        if cost > fits and "inputSchema" in item:  # a large schema: its arguments' names and types only
            item["inputSchema"] = _brief_schema(spec.input_schema)
            cost = _wire_cost(item, line)
        if cost > fits and "inputSchema" in item:
            del item["inputSchema"]
            cost = _wire_cost(item, line)
        if cost > fits:
            break
        room -= cost
        items.append(item)
        lines.append(line)
    data: dict[str, Any] = {"tools": items}
    if len(items) < len(found):
        data["more"] = len(found) - len(items)
        lines.append(_more_line(len(found) - len(items)))
    return ToolOutcome(data=data, text="\n".join(lines) or "No tool matches; try other words.")


def _more_line(count: int) -> str:
    return f"... {count} more: narrow the query or give a category."


def _more_cost(count: int) -> int:
    """The most the "more" line of an answer of ``count`` hits adds on the wire: the line (escaped, and its newline)
    and the ``more`` field, in the data and in the text's JSON of it."""
    field = f',"more":{count}'
    return len(msgspec.json.encode(_more_line(count))) + 2 + len(field) + len(msgspec.json.encode(field)) - 2


def _wire_cost(item: dict[str, Any], line: str) -> int:
    """The bytes a hit adds to a ``find_tools`` answer: it is there twice (the structured content, and the JSON
    after the sentence, escaped in a JSON string), and its line in the sentence (escaped too)."""
    encoded = msgspec.json.encode(item)
    return len(encoded) + len(msgspec.json.encode(encoded.decode())) + len(msgspec.json.encode(line))


def _brief_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its arguments' names, JSON types and the required ones only (no descriptions, no nested
    definitions): what a call needs, when the whole schema would not fit a ``find_tools`` answer."""
    properties: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        kinds = [member.get("type", "object") for member in prop.get("anyOf", ())] if "anyOf" in prop else \
            [prop.get("type", "object")]
        flat = sorted({kind for each in kinds for kind in (each if isinstance(each, list) else [each])})
        properties[name] = {"type": flat[0] if len(flat) == 1 else flat}
        if "enum" in prop:
            properties[name]["enum"] = prop["enum"]
    brief: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        brief["required"] = schema["required"]
    return brief


def _first_sentence(description: str) -> str:
    """A tool's one-line summary: the first sentence of its description."""
    first = description.split("\n\n", 1)[0].strip()
    end = first.find(". ")
    return (first[:end + 1] if end > 0 else first).replace("\n", " ")


def _arguments(schema: dict[str, Any]) -> list[str]:
    """A schema's argument names, required ones first and unmarked, optional ones with ``?``."""
    required = schema.get("required", [])
    optional = [name for name in schema.get("properties", {}) if name not in required]
    return [*required, *(f"{name}?" for name in optional)]



def _takes_confirm(operation: Operation[Any, Any] | None) -> bool:
    """Whether the operation's input has a ``confirm`` field of its own (stopping a CPU in RUN asks for it as the MCP
    tool's destructive flag does)."""
    fields = getattr(operation.input, "__struct_fields__", ()) if operation is not None else ()
    return "confirm" in fields

async def _run(
    services: Services, spec: ToolSpec, arguments: dict[str, Any], principal: Principal,
    progress: Callable[[float, str], Awaitable[None]] | None,
) -> ToolOutcome:
    if not principal.role.allows(spec.required_role):
        return ToolOutcome(
            data={"code": codes.FORBIDDEN, "message": f"{spec.name} needs the {spec.required_role.value} role"},
            text=f"FORBIDDEN: {spec.name} needs the {spec.required_role.value} role; your key has the "
                 f"{principal.role.value} role.", is_error=True, code=codes.FORBIDDEN, status=403)
    confirm = arguments.pop("confirm", False) is True if spec.destructive else False
    if confirm and _takes_confirm(spec.operation):
        arguments["confirm"] = True  # the operation's own confirm (a CPU's stop): the same consent, given once
    if spec.operation is not None and spec.operation.is_runtime_call:
        return await run_runtime_tool(services, spec, arguments, principal, confirm=confirm)
    operation = spec.operation
    assert operation is not None
    try:
        data = operation_input(operation, arguments, what="arguments")
        if spec.destructive and not confirm:
            preview = await services.jobs.preview(operation, data)
            built = msgspec.to_builtins(preview)
            # A call that may destroy (an import with overwrite) but this time only adds loses nothing: it runs.
            if not all(change.action == "create" for change in preview.changes):
                also = "".join(f"\n- {warning}" for warning in preview.warnings)
                return ToolOutcome(
                    data=built, preview=True,
                    text=f"Nothing was changed. {preview.summary} Call {spec.name} again with confirm=true to do "
                         f"it.{chr(10) + 'It also affects:' + also if also else ''}")
        data = confine_files(operation, data, services.paths)
        if not operation.long_running:
            result = await services.jobs.run_inline(operation, data)
            built = msgspec.to_builtins(result)
            return ToolOutcome(data=built, text=headline(spec.name, built))
        return await _run_job(services, spec, operation, data, principal, progress)
    except EngineeringError as exc:
        return error_outcome(exc)
    except (PathRejectedError, PathNotFoundError) as exc:
        return error_outcome(ValidationError(str(exc), code=codes.PATH_REJECTED))


async def _run_job(
    services: Services, spec: ToolSpec, operation: Operation[Any, Any], data: Any, principal: Principal,
    progress: Callable[[float, str], Awaitable[None]] | None,
) -> ToolOutcome:
    job = await services.jobs.start(operation, data, principal=principal, idempotency_key=None)
    try:
        async for record in services.jobs.events(job.job_id):
            if progress is not None and not record.terminal:
                await progress(float(record.progress), record.message)
    except asyncio.CancelledError:
        # The MCP request was cancelled (or its session closed): the job must not go on changing the project.
        try:
            services.jobs.cancel(job.job_id)
        except EngineeringError:
            pass  # it had already ended
        raise
    final = services.jobs.get(job.job_id)
    if final.status == "Completed":
        built = msgspec.to_builtins(final.result)
        return ToolOutcome(data=built, text=headline(spec.name, built), job_id=final.job_id)
    failure = final.failure
    code = failure.code if failure else codes.JOB_FAILED
    message = failure.message if failure else final.message
    body = {"code": code, "message": message, "jobId": final.job_id,
            **({"details": failure.details} if failure and failure.details else {})}
    return ToolOutcome(data=body, text=f"{code}: {message}", is_error=True, code=code,
                       status=failure.status if failure else 500, job_id=final.job_id)


def _audit(
    services: Services, spec: ToolSpec, outcome: ToolOutcome, principal: Principal, via: str, session_id: str | None,
    record_id: int | None,
) -> None:
    # As on REST: changes and refusals are audited, plain reads are not.
    word = "dry run" if outcome.preview else None
    if record_id is not None:  # never raises: a completion the database refuses is kept (audit's rule)
        services.audit.finish(record_id, status=outcome.status, job_id=outcome.job_id, outcome=word,
                              call=f"tool {spec.name}")
    elif outcome.status == 403:
        services.audit.record_refusal(
            method="TOOL", path=spec.name, status=outcome.status, key_id=principal.key_id,
            role=principal.role.value, client=None, job_id=outcome.job_id, via=via, session_id=session_id,
            outcome=word,
        )
