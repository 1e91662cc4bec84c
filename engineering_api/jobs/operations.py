"""Operations: each backend capability is defined once, and its routes are derived from that.

An :class:`Operation` names the capability, its input Struct, the handler that runs on the TIA worker
thread, and the routes that expose it (a plain or ``-sync`` route and/or an async route that answers
202 with a job). ``POST /api/jobs/execute-sync`` and ``/api/command/*`` read the same registry.

A call of the runtime API (:mod:`engineering_api.runtime.actions`) is an :class:`Operation` too, with a
:attr:`~Operation.runtime_role`: it runs against the runtime service, never on the TIA worker, and its route options
say how its caller authenticates (:attr:`~Operation.auth`). The registry keeps such calls apart
(:meth:`OperationRegistry.runtime_calls`), so execute-sync, discovery and the engineering MCP tools never run one.
A call of the server itself (its settings, keys, audit, documentation, health, the assistant) is a third kind, a
service call (:attr:`~Operation.service`), kept apart in the same way (:meth:`OperationRegistry.service_calls`).
Runtime and service calls are the inline calls: their routes take their options, security and documented answers
from the declaration, and most are built from it (:mod:`engineering_api.web.call_routes`); the rest are written by
hand.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, Protocol, TypeVar

import msgspec

from engineering_api.backend.errors import EngineeringError, OperationCanceledError
from engineering_api.lib.roles import Role
from simatic_xml.cancel import CancelToken

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.config import Settings
    from engineering_api.jobs.preview import Preview
    from engineering_api.lib.db import KeyValueStore
    from engineering_api.lib.paths import PathPolicy
    from engineering_api.lib.security import Principal

__all__ = (
    "CallRoute", "FileRule", "HttpMethod", "Operation", "OperationContext", "OperationRegistry", "RouteAuth",
    "RouteSpec", "SnapshotTaker", "SnapshotTarget", "read", "served_by_its_route",
)

InputT = TypeVar("InputT")
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
"""A route's method."""
RouteAuth = Literal["apiKey", "bearer"]
"""How a route's caller authenticates: an engineering API key (``X-API-Key``), or a runtime user's bearer token."""
OutputT = TypeVar("OutputT")


@dataclass(frozen=True)
class RouteSpec:
    """A route that exposes an operation: method and path as in the T-IA Connect reference."""

    method: HttpMethod
    path: str


@dataclass(frozen=True)
class CallRoute:
    """How the route built from an inline call's declaration looks to a client
    (:func:`~engineering_api.web.call_routes.build_call_routes`), where its other fields do not say it: the
    operation's summary, description, errors, roles and success message are the call's own."""

    route_id: str
    """The OpenAPI operation id, the name T-IA Connect's client knows the route by (``GetApiVersion``)."""
    answer: type[msgspec.Struct] | None = None
    """The success envelope, a named schema shared by the calls answering the same record
    (``class RuntimeUserResponse(Envelope[RuntimeUser])``); None: ``<route_id>Response`` of the call's output."""
    status_code: int = 200
    """The success status (201 for a creation)."""
    body: type[msgspec.Struct] | None = None
    """The JSON body when it is not the call's input: its fields and the path's make the input
    (``PATCH .../users/{userId}`` takes ``RuntimeUserChange``, the call ``RuntimeUserEdit``). None: a POST, PUT or
    PATCH takes the input itself."""
    query: type[msgspec.Struct] | None = None
    """The query string's Struct of a GET or DELETE when it is not the call's input (``tags`` comma-separated where
    the input has a list): :attr:`convert` makes the input from it."""
    convert: Callable[[Mapping[str, str], Any], Any] | None = None
    """Makes the call's input from the path's values (by wire name) and the Struct the request gives (its
    :attr:`body` or :attr:`query`), for a route whose wire is not its input's shape: T-IA Connect's ``tags=a,b``
    for a list, a path's ``{name}`` for the input's ``replaces``. None: the input is the path's, body's and
    query's fields."""
    query_docs: Mapping[str, str] = field(default_factory=dict)
    """A GET or DELETE takes the input's other fields from the query string, each with its field's bounds, pattern
    and default; this is the description of each, by wire name, as the route documents it (``limit``: "Tags per
    page")."""
    blocking: bool = False
    """Whether the call may wait (a key change waits for its notification, up to seconds): then it runs in a worker
    thread, not on the event loop, where other requests would wait with it."""
    outcome: Callable[[Any], tuple[Any, int]] | None = None
    """The answer's ``data`` and status from the call's result, for a call whose status tells what happened (an OPC
    UA server started: its info and 201; already listening: its info and 200). None: the result, with
    :attr:`status_code`."""
    any_depth: str | None = None
    """The path parameter (its wire name) that takes a path of any depth, slashes included, as text: the last of the
    path (``route`` of ``/api/command/info/{route}``, Litestar's ``{route:path}``)."""
    media_type: str | None = None
    """The answer's media type when the answer is the call's result itself, not its JSON envelope (``text/plain``:
    the whole documentation as one text). None: the envelope, as JSON."""


@dataclass(frozen=True)
class SnapshotTarget:
    """An object a mutating operation is about to change, to be snapshotted first (autoSnapshot)."""

    device: str
    kind: str
    """``block``, ``udt`` or ``tag_table``."""
    name: str


class SnapshotTaker(Protocol):
    """Takes snapshots before a change; provided by :mod:`engineering_api.snapshots`."""

    def before_change(self, context: OperationContext, targets: list[SnapshotTarget], reason: str) -> None:
        """Snapshot ``targets`` if automatic snapshots are on; objects that do not exist yet are skipped."""


@dataclass(frozen=True)
class FileRule:
    """A file-path field of an operation's input, confined to the roots before the handler runs."""

    extensions: tuple[str, ...] | None = None
    """Allowed extensions, e.g. ``(".ap19",)``; None allows any."""
    must_exist: bool = False
    """Refuse (404) when the file is missing."""
    allow_directory: bool = True
    """Whether the path may name a directory."""
    writes: bool = False
    """Whether the operation writes there (an export): such a path may not point into the open project's folder.
    The direct route of such an operation can also answer the written file itself
    (:mod:`engineering_api.jobs.transfer`)."""
    inline: bool = True
    """Whether the file may also come inside the request (``content`` / ``contentBase64``, written to a temporary
    file for the call): applies to a single file that ``must_exist`` and is read, not written. Off where the path
    itself is what counts (a project file opened in place, an application allowed through a firewall)."""

    @property
    def accepts_inline(self) -> bool:
        """Whether the field's file may be sent inline instead of named by a path."""
        return self.inline and self.must_exist and not self.writes


@dataclass(frozen=True)
class Operation(Generic[InputT, OutputT]):
    """One capability of the service, defined once."""

    name: str
    """Stable dotted name, e.g. ``projects.create``; used by execute-sync and discovery."""
    summary: str
    """One line for OpenAPI, docs and discovery."""
    section: str
    """Reference section (OpenAPI tag), e.g. ``Project Operations``."""
    handler: Callable[[OperationContext, InputT], OutputT]
    """Runs on the TIA worker thread with the validated input. A service call's may be a coroutine function, which
    its built route awaits on the event loop (it waits for the TIA worker with a bound, or for a generation); such a
    call is no MCP tool."""
    input: type[InputT] | None
    """msgspec Struct of the input (path, query and body fields together)."""
    output: Any
    """Type of ``data`` in the success envelope."""
    route: RouteSpec | None = None
    """The direct route (a read, or a ``-sync`` twin that waits for the job)."""
    async_route: RouteSpec | None = None
    """The route that answers 202 with a job id."""
    long_running: bool = False
    """Whether the direct route also runs as a recorded job (and uses the job timeout)."""
    role: Role | None = None
    """Role needed; default viewer for reads, engineer for changes."""
    errors: tuple[type[EngineeringError], ...] = ()
    """Domain errors documented in OpenAPI."""
    files: dict[str, FileRule] = field(default_factory=dict)
    """Input fields that are file paths, with their rules."""
    mutating: bool = True
    """Whether the operation changes anything (for audit, role defaults and docs)."""
    description: str = ""
    """Longer text for docs; the summary is used when empty."""
    example: dict[str, Any] | None = None
    """A request example (body and query fields, camelCase) shown in OpenAPI and the docs."""
    snapshot_targets: Callable[[Any], list[SnapshotTarget]] | None = None
    """The objects this operation changes, snapshotted first when ``autoSnapshot`` is on."""
    query: tuple[str, ...] = ()
    """Input fields (snake_case) that a POST/PUT route also reads from the query string, winning over the body:
    T-IA Connect's client sends some of them there (``POST /api/testharness/run?testName=*``)."""
    destructive: bool = False
    """Whether the call deletes, closes, restores, stops a CPU, downloads or overwrites something. An operation
    that overwrites only when its input says so (``overwrite: true``) is destructive too; its preview then says
    that nothing would be overwritten. Destructive operations need a :attr:`preview` (the registry refuses one
    without); their routes take ``dryRun`` and MCP marks their tools ``destructiveHint``."""
    preview: Callable[[OperationContext, InputT], Preview] | None = None
    """What the call would do, exactly, without doing it (:mod:`engineering_api.jobs.preview`). Runs on the TIA
    worker, only reads, and raises the domain errors the handler would raise for the same bad input."""

    client_routes: tuple[RouteSpec, ...] = ()
    """Further direct routes to this operation at the paths T-IA Connect's client calls where they differ from the
    reference's (``POST /api/projects/devices`` for ``devices.add``): the same handler, input, role and audit."""
    client_async_routes: tuple[RouteSpec, ...] = ()
    """Client paths that answer 202 with a job, like :attr:`async_route`."""
    client_path_context: dict[str, str] = field(default_factory=dict)
    """Path parameters of a client path that are not input fields, with why they are not used (the client puts
    the device it was invoked on into a path whose operation needs none); they are documented, not used."""
    needs_tia: bool = True
    """False for an operation that never reaches TIA (it reads the service's own state, such as the farm's agent
    registry): it runs on a thread of its own instead of queueing behind the caller's TIA calls, so a caller whose
    long call is running can still see, for one, what the farm is doing. Such an operation cannot be mutating."""
    message: Callable[[Any], str] | None = None
    """The success envelope's ``message`` from the result (default ``<name> succeeded``): T-IA Connect's client
    shows it as the outcome of source-control merge, push and pull."""
    runtime_role: str | None = None
    """Set for a call of the runtime API: the runtime role it needs (``read``, ``write``, ``alarmAck``, ``admin``).
    Its handler reads :attr:`OperationContext.runtime` and :attr:`OperationContext.caller` and runs on a thread of
    its own; on MCP an API key's role stands for it (:data:`engineering_api.runtime.actions.KEY_ROLE_FOR`)."""
    no_mcp_tool: str = ""
    """Why this call is no MCP tool (a secret in its answer, a session of its own); empty: it is one."""
    auth: RouteAuth = "apiKey"
    """Route option: ``bearer`` for a route a runtime user calls with ``Authorization: Bearer`` (and the
    :attr:`runtime_role`), ``apiKey`` for one called with an API key of :attr:`required_role`."""
    service: bool = False
    """Set for a call of the server itself (its settings, keys, audit, documentation, health, the assistant, the
    client-compatibility routes): like a runtime call, it runs inline off the TIA worker, against the app's services
    (:attr:`OperationContext.services`), and its route takes its options from this declaration; one that names its
    :attr:`built_route` has its route built from it (:mod:`engineering_api.web.call_routes`)."""
    public: bool = False
    """Route option: callable without a key (health, ping, the documentation's sections); only for a read."""
    built_route: CallRoute | None = None
    """Set for an inline call whose route is built from this declaration
    (:func:`~engineering_api.web.call_routes.build_call_routes`): what a client knows the route by that the other
    fields do not say (its OpenAPI operation id, the answer's schema name, the success status)."""

    @property
    def required_role(self) -> Role:
        """The effective role requirement."""
        return self.role or (Role.ENGINEER if self.mutating else Role.VIEWER)

    @property
    def is_runtime_call(self) -> bool:
        """Whether this is a call of the runtime API (it runs against the runtime service, not the backend)."""
        return self.runtime_role is not None

    @property
    def is_inline_call(self) -> bool:
        """Whether this call runs inline off the TIA worker, with a route of its own: a runtime or a service call."""
        return self.is_runtime_call or self.service

    def route_options(self) -> dict[str, Any]:
        """The guard's options (a route handler's ``opt``) for this operation's routes: the runtime role a bearer
        token needs, or the API key role; a read is not audited, whatever its method (a bulk read is a POST); a
        runtime call that changes something names itself under ``idempotent``: it runs inline, without a job, so the
        guard keeps its ``Idempotency-Key`` (:mod:`engineering_api.lib.idempotency`); so does a service call's."""
        opt: dict[str, Any]
        if self.public:
            opt = {"public": True}
        elif self.auth == "bearer":
            opt = {"runtime": self.runtime_role}
        else:
            opt = {"role": self.required_role.value}
        if not self.mutating:
            opt["audit"] = False
        elif self.is_inline_call:
            opt["idempotent"] = self.name
        return opt

    def success_message(self, result: Any) -> str:
        """The success envelope's message (and a pipeline step's): :attr:`message` of the result, or
        ``<name> succeeded``."""
        if self.message is not None:
            return self.message(result)
        return f"{self.name} succeeded"

    def stored_message(self, stored: Any) -> str:
        """:meth:`success_message` of a result read back from its job record, which holds the JSON form: the
        message is computed from the result typed as :attr:`output`, as an inline call's is."""
        if self.message is None:
            return self.success_message(stored)
        if isinstance(stored, msgspec.Raw):  # the row's JSON itself (JobManager.wait with stored)
            return self.message(msgspec.json.decode(stored, type=self.output))
        return self.message(msgspec.convert(stored, self.output))

    def routes(self) -> Iterator[tuple[RouteSpec, bool]]:
        """Each route with whether it is the async (202) one, the client paths last."""
        if self.route is not None:
            yield self.route, False
        if self.async_route is not None:
            yield self.async_route, True
        for spec in self.client_routes:
            yield spec, False
        for spec in self.client_async_routes:
            yield spec, True


def read(name: str, section: str, summary: str, path: str, handler: Callable[[OperationContext, Any], Any],
         input: Any, output: Any, *, errors: tuple[type[EngineeringError], ...] = (), description: str = "",
         example: dict[str, Any] | None = None, async_path: str | None = None, role: Role | None = None,
         needs_tia: bool = True, client_routes: tuple[RouteSpec, ...] = ()) -> Operation[Any, Any]:
    """An operation that only reads, at ``GET <path>``: the one way a read is declared. It needs the viewer role
    unless ``role`` says otherwise, is not audited and runs without a job; ``async_path`` adds its ``GET`` twin that
    answers 202 with a job (a long listing), ``needs_tia`` false a read of the service's own state."""
    return Operation(name=name, summary=summary, section=section, handler=handler, input=input, output=output,
                     route=RouteSpec("GET", path), mutating=False, errors=errors, description=description,
                     example=example, async_route=None if async_path is None else RouteSpec("GET", async_path),
                     role=role, needs_tia=needs_tia, client_routes=client_routes)


@dataclass(eq=False, repr=False)  # compared and hashed by identity; no repr of the backend and services
class OperationContext:
    """What a handler may use on the worker thread."""

    backend: EngineeringBackend
    settings: Settings
    paths: PathPolicy
    on_progress: Callable[[int, str], None] | None = None
    """Where :meth:`progress` reports (the job's watchers); None reports nowhere."""
    state: KeyValueStore | None = None
    """Server-side state that is not TIA's (e.g. the loaded design spec), kept in SQLite."""
    token: CancelToken = field(default_factory=CancelToken)
    """Installed on the worker thread while the handler runs (the worker sets it on timeout too), so the
    checkpoints inside the parser, compiler and the fake's loops see a cancel request."""
    principal: Principal | None = None
    """Who started the job; None for inline calls, previews and work the server starts on its own."""
    job_id: str | None = None
    """The job this handler runs as, when it runs as one."""
    operations: OperationRegistry | None = None
    """Every operation, for a job that runs others (a pipeline)."""
    run_nested: Callable[[Operation[Any, Any], OperationContext, Any], Any] | None = None
    """Runs another operation inside this job, on this thread, as its route would (files confined, targets in
    the open project refused, autoSnapshot taken); set by the job manager for jobs."""
    runtime: object | None = None
    """For a runtime call (:attr:`Operation.runtime_role`): the runtime service it runs against."""
    caller: str = ""
    """For a runtime call: who acts (the runtime user, or ``apikey:<name>`` on MCP), e.g. who acknowledged."""
    services: object | None = None
    """For an inline call (:attr:`Operation.is_inline_call`): the app's services
    (:func:`engineering_api.web.call_routes.services_in` reads them typed)."""
    app: object | None = None
    """For a service call run by its route: the running app, whose OpenAPI document and route table some calls
    read (the documentation's sections); None on MCP, where no such call is a tool."""

    def derive(self, token: CancelToken, progress: Callable[[int, str], None] | None) -> OperationContext:
        """A context for one part of this job (a pipeline step): the same backend, state and caller, its own
        cancel token and progress."""
        return OperationContext(
            self.backend, self.settings, self.paths, on_progress=progress, state=self.state, token=token,
            principal=self.principal, job_id=self.job_id, operations=self.operations, run_nested=self.run_nested,
        )

    def progress(self, percent: int, message: str = "") -> None:
        """Report progress 0–100 to the job's watchers."""
        if self.on_progress is not None:
            self.on_progress(max(0, min(100, int(percent))), message)

    @property
    def cancel_requested(self) -> bool:
        """Whether the job was canceled or its call timed out."""
        return self.token.canceled

    def request_cancel(self) -> None:
        """Ask the handler to stop at its next :meth:`check_canceled` or checkpoint (from any thread)."""
        self.token.cancel(OperationCanceledError("the job was canceled"))

    def check_canceled(self) -> None:
        """Raise when the job was canceled or its call timed out; call between steps.

        Raises:
            OperationCanceledError: cancellation was requested (the worker tells the caller the reason).
        """
        if self.token.canceled:
            raise OperationCanceledError(str(self.token.reason or "the job was canceled"))


def served_by_its_route(_context: OperationContext, _data: Any) -> NoReturn:
    """The handler of a service call that only its route can serve (it reads the request itself or the running
    app): nothing else runs it, and :class:`OperationRegistry` refuses such a call unless it says why it is no MCP
    tool."""
    raise TypeError("this call is served by its route handler only")


class OperationRegistry:
    """All operations by name; refuses duplicates so a route or name is never defined twice.

    Iterating and :meth:`get` give the operations that run on the engineering backend (what execute-sync, discovery,
    the derived routes and the engineering MCP tools serve); :meth:`runtime_calls` gives the runtime API's calls and
    :meth:`service_calls` the server's own.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, Operation[Any, Any]] = {}
        self._runtime: dict[str, Operation[Any, Any]] = {}
        self._service: dict[str, Operation[Any, Any]] = {}
        self._routes: dict[tuple[str, str], str] = {}

    def add(self, *operations: Operation[Any, Any]) -> None:
        """Register operations.

        Raises:
            ValueError: a name or route is already registered; a destructive operation has no preview, a read
                is marked destructive, a change is marked as needing no TIA worker, a bearer route has no
                runtime role, a service call has no route or a runtime role, or a change is public.
        """
        for operation in operations:
            if any(operation.name in kept for kept in (self._by_name, self._runtime, self._service)):
                raise ValueError(f"operation {operation.name!r} defined twice")
            if operation.destructive and operation.preview is None:
                raise ValueError(f"operation {operation.name!r} is destructive but has no preview")
            if operation.destructive and not operation.mutating:
                raise ValueError(f"operation {operation.name!r} is a read and cannot be destructive")
            if operation.mutating and not operation.needs_tia and not operation.is_inline_call:
                raise ValueError(f"operation {operation.name!r} changes something, so it runs on the TIA worker "
                                 "(needs_tia)")
            if operation.auth == "bearer" and not operation.is_runtime_call:
                raise ValueError(f"operation {operation.name!r} takes a bearer token but names no runtime role")
            if operation.is_inline_call and (operation.needs_tia or operation.long_running or operation.files):
                raise ValueError(f"inline call {operation.name!r} runs off the TIA worker, inline, without files")
            if operation.service and (operation.is_runtime_call or operation.route is None or operation.async_route):
                raise ValueError(f"service call {operation.name!r} has one route of its own and no runtime role")
            if inspect.iscoroutinefunction(operation.handler) and not (operation.service and operation.no_mcp_tool):
                raise ValueError(f"operation {operation.name!r} waits on the event loop: only a service call's route "
                                 "awaits it, so it says why it is no MCP tool")
            if operation.handler is served_by_its_route and not (operation.service and operation.no_mcp_tool):
                raise ValueError(f"operation {operation.name!r} is served by its route only: a service call that "
                                 "says why it is no MCP tool")
            if operation.public and (operation.mutating or not operation.service):
                raise ValueError(f"operation {operation.name!r}: only a service call that reads may be public")
            for spec, _ in operation.routes():
                key = (spec.method, spec.path)
                if key in self._routes:
                    raise ValueError(f"route {spec.method} {spec.path} used by {self._routes[key]} and "
                                     f"{operation.name}")
                self._routes[key] = operation.name
            kept = self._runtime if operation.is_runtime_call else self._service if operation.service \
                else self._by_name
            kept[operation.name] = operation

    def get(self, name: str) -> Operation[Any, Any] | None:
        """An operation of the engineering backend by name (case-insensitive); never a runtime call."""
        return self._by_name.get(name) or next(
            (op for key, op in self._by_name.items() if key.lower() == name.lower()), None
        )

    def runtime_calls(self) -> tuple[Operation[Any, Any], ...]:
        """The runtime API's calls, in the order they were added."""
        return tuple(self._runtime.values())

    def service_calls(self) -> tuple[Operation[Any, Any], ...]:
        """The server's own calls (:attr:`Operation.service`), in the order they were added."""
        return tuple(self._service.values())

    def __iter__(self) -> Iterator[Operation[Any, Any]]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)
