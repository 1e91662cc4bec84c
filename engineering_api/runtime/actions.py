"""What the runtime API does, once: the REST routes and the MCP tools both call these actions.

Each call of the runtime API (browse, read, write, alarms, history) is an :class:`~engineering_api.jobs.operations.
Operation` of the one registry, with the runtime role it needs (:attr:`~engineering_api.jobs.operations.Operation.
runtime_role`), its input Struct and whether it changes the plant. The REST routes are built from
these declarations (:mod:`.call_routes`), or parse their query strings into the same inputs (:mod:`.routes`,
:mod:`.event_routes`), and call the same functions;
:mod:`engineering_api.mcp.runtime_tools` turns :data:`RUNTIME_OPERATIONS` into tools. Nothing here knows who calls.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from engineering_api.backend.errors import (
    AlreadyExistsError, ConflictError, EngineeringError, NotFoundError, NotSupportedError, PermissionDeniedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.web.call_routes import inline_context
from engineering_api.jobs.operations import CallRoute, Operation, OperationContext, RouteSpec
from engineering_api.jobs.preview import PlannedChange, Preview, names, plural
from engineering_api.lib.responses import Envelope
from engineering_api.lib.security import Role
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.runtime.alarms import Alarm, AlarmDefinition, AlarmPage, decode_point
from engineering_api.runtime.answers import (
    RuntimeAlarmArchiveResponse, RuntimeAlarmDefinitionResponse, RuntimeAlarmDefinitionsResponse, RuntimeAlarmResponse,
    RuntimeAlarmsResponse, RuntimeLoggingSettingResponse, RuntimeLoggingSettingsResponse, RuntimeTagListResponse,
    RuntimeTagValuesResponse,
)
from engineering_api.runtime.tag_logging import (
    MAX_POINTS, HistoryPoint, LoggingSetting, format_ms, parse_interval, parse_time,
)
from engineering_api.runtime.tag_logging_paging import Continuation, raw_page
from engineering_api.runtime.schemas import (
    BULK_MAX, BulkRead, BulkWrite, ItemErrorOut, RuntimeTagInfo, TagList, TagName, TagValueResult,
)
from engineering_api.runtime.service import RuntimeService, runtime_of
from engineering_api.runtime.simulated import canonical_name
from engineering_api.runtime.sources import RuntimeFaultError, RuntimeNotRunningError, TagWrite
from engineering_api.runtime.users import RuntimeRole

if TYPE_CHECKING:
    from engineering_api.runtime.sources import TagReading
    from engineering_api.services import Services

__all__ = (
    "KEY_ROLE_FOR", "RUNTIME_OPERATIONS", "SECTION", "AlarmAcknowledge", "AlarmArchiveQuery", "AlarmClassQuery",
    "HistoryQuery", "HistoryQueryString", "HistorySeries", "RuntimeHistoryResponse", "NoInput", "TagNamesRead",
    "TagPageQuery", "acknowledge", "alarm_archive", "call_context", "current_alarms", "delete_definition",
    "history_series", "read_values", "reading_result", "remove_logging", "runtime_call", "save_definition",
    "save_logging", "split_tags", "tag_page", "write_values",
)

SOURCE_ERRORS = (RuntimeNotRunningError, RuntimeFaultError, ConflictError, NotSupportedError, PermissionDeniedError)
"""What any call that reaches the PLC may raise (503 not running, 500 fault, 409, 501, 403 protection level)."""
_TIME = Annotated[str, msgspec.Meta(max_length=64, description="ISO 8601")]
# A history query's options, shared by its JSON body (MCP, POST) and its query string (GET /api/runtime/history):
# one bound each, so the two ways of asking cannot drift apart.
_AGGREGATION = Literal["raw", "avg", "min", "max", "count", "first", "last"]
_INTERVAL = Annotated[str, msgspec.Meta(max_length=32)]
_POINTS = Annotated[int, msgspec.Meta(ge=1, le=MAX_POINTS)]
_CONTINUATION = Annotated[str, msgspec.Meta(max_length=1024)]
_CLASS_DOC = "Alarm class (Errors, Warnings)"
_CLASS = Annotated[str, msgspec.Meta(max_length=64, description=_CLASS_DOC)]
MAX_HISTORY_TAGS = 100


class TagPageQuery(CamelStruct):
    """One page of the released tags: at most ``limit``, after the previous page's ``continuationPoint``."""

    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    continuation_point: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    """The continuationPoint of the previous page, to get the next one; the first page when omitted."""


class TagNamesRead(CamelStruct):
    """Released tags to read, by name as the PLC spells them (``"Motor_DB".Speed``)."""

    tag_names: Annotated[list[TagName], msgspec.Meta(min_length=1, max_length=BULK_MAX)]
    """Names of the released tags to read, as the PLC spells them (Start, "Motor_DB".Speed)."""


class AlarmClassQuery(CamelStruct):
    """Current alarms, optionally of one class."""

    alarm_class: _CLASS | None = None
    """Only alarms of this class (Errors, Warnings...); every class when omitted."""


class AlarmArchiveQuery(CamelStruct):
    """Archived alarm changes by time range (``from`` inclusive, ``to`` exclusive), class and text, paged."""

    from_: _TIME | None = msgspec.field(default=None, name="from")
    """Start of the time range, inclusive, as an ISO 8601 time (2026-01-31T08:00:00Z); no lower bound when omitted."""
    to: _TIME | None = None
    """End of the time range, exclusive, as an ISO 8601 time; no upper bound when omitted."""
    alarm_class: _CLASS | None = None
    """Only changes of alarms of this class (Errors, Warnings...); every class when omitted."""
    text: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    """Only changes of alarms whose text or name contains this (case-insensitive)."""
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    continuation_point: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    """The continuationPoint of the previous page, to get the next one; the first page when omitted."""


class AlarmAcknowledge(CamelStruct):
    """The current alarm to acknowledge (its ``alarmId`` from the current alarms)."""

    alarm_id: Annotated[int, msgspec.Meta(ge=0)]
    """Id of the current alarm to acknowledge, as the current alarms list it."""


class HistoryQuery(CamelStruct):
    """Logged values of 1..100 tags from ``from`` (inclusive) to ``to`` (exclusive): raw, or one aggregate per
    ``interval`` (seconds, or 30s, 15m, 8h, 1d)."""

    tag_names: Annotated[list[TagName], msgspec.Meta(min_length=1, max_length=MAX_HISTORY_TAGS)]
    """Names of the logged tags, 1 to 100."""
    from_: _TIME = msgspec.field(name="from")
    to: _TIME
    aggregation: _AGGREGATION = "raw"
    interval: _INTERVAL | None = None
    """Length of each aggregate's interval: seconds (900) or 30s, 15m, 8h, 1d; needed for every aggregation but raw."""
    limit: _POINTS = 1000
    """Raw values per tag (a page)."""
    continuation_point: _CONTINUATION | None = None
    """Raw only: a series' ``continuationPoint`` from the previous page of this query; answers that tag's next page."""


class HistoryQueryString(CamelStruct):
    """A history query as ``GET /api/runtime/history`` takes it: the tag names in one comma-separated ``tags``.

    Its other fields are :class:`HistoryQuery`'s, written again with the same types and defaults
    (tests/api/test_call_query_routes.py holds them equal) rather than inherited from a shared base: a Struct lists its
    base's fields first, which would move ``tags`` from the first documented query parameter to the last, and
    ``tagNames`` to the end of the MCP tool's schema, the order a generated client takes its arguments in."""

    tags: Annotated[str, msgspec.Meta(min_length=1, max_length=16_384)]
    from_: _TIME = msgspec.field(name="from")
    to: _TIME
    aggregation: _AGGREGATION = "raw"
    interval: _INTERVAL | None = None
    limit: _POINTS = 1000
    continuation_point: _CONTINUATION | None = None

    def query(self) -> HistoryQuery:
        """The query, with its tag names split."""
        fields = msgspec.structs.asdict(self)
        return HistoryQuery(tag_names=split_tags(fields.pop("tags")), **fields)


def split_tags(text: str) -> list[str]:
    """Comma-separated names; a comma inside quotes (``"A,B".x``) belongs to the name."""
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    return [*out, "".join(current)]


class HistorySeries(CamelStruct):
    """One tag's values or aggregates."""

    name: str
    aggregation: str
    interval_ms: int | None
    values: list[HistoryPoint]
    continuation_point: str | None = None
    """Raw values only: more remain in the range; send the query again with this ``continuationPoint``."""


class RuntimeHistoryResponse(Envelope[list[HistorySeries]]): ...


SECTION = "Runtime API"
"""The OpenAPI tag of the runtime API's routes."""
KEY_ROLE_FOR = {
    RuntimeRole.READ: Role.VIEWER, RuntimeRole.WRITE: Role.ENGINEER, RuntimeRole.ALARM_ACK: Role.ENGINEER,
    RuntimeRole.ADMIN: Role.ADMIN,
}
"""The API key role that stands for a runtime role where the caller holds a key, not a runtime user's token (MCP; the
admin calls' REST routes): an engineer key may already download programs and force values, which reaches further
than a tag write or an acknowledgement."""


def call_context(services: Services, caller: str) -> OperationContext:
    """The context a runtime call runs in: the app's runtime service and who acts (for the audit trail of an
    acknowledgement: the runtime user, or ``apikey:<name>`` on MCP)."""
    context = inline_context(services, caller)
    context.runtime = runtime_of(services)
    return context


def _runtime(context: OperationContext) -> RuntimeService:
    runtime = context.runtime
    if not isinstance(runtime, RuntimeService):
        raise TypeError(f"a runtime call ran without the runtime service ({type(runtime).__name__})")
    return runtime


def _on_runtime(run: Callable[[RuntimeService, Any, str], Any]) -> Callable[[OperationContext, Any], Any]:
    """An operation handler for ``run(runtime, input, caller)``."""

    def handler(context: OperationContext, data: Any) -> Any:
        return run(_runtime(context), data, context.caller)

    handler.__doc__ = run.__doc__
    return handler


def _previewed(preview: Callable[[RuntimeService, Any], Preview]) -> Callable[[OperationContext, Any], Preview]:
    """An operation preview for ``preview(runtime, input)``."""
    return lambda context, data: preview(_runtime(context), data)


def runtime_call(
    name: str, summary: str, input_type: type[CamelStruct], output: Any, runtime_role: RuntimeRole,
    run: Callable[[RuntimeService, Any, str], Any], route: RouteSpec, errors: tuple[type[EngineeringError], ...] = (),
    *, mutating: bool = False, preview: Callable[[RuntimeService, Any], Preview] | None = None, no_mcp_tool: str = "",
    built_route: CallRoute | None = None, description: str = "", message: Callable[[Any], str] | None = None,
) -> Operation[Any, Any]:
    """One call of the runtime API as an operation: a bearer route unless it needs the runtime's admin role, which
    an engineering admin key holds (as for runtime users and settings). One that names its ``built_route`` gets its
    route built (:func:`engineering_api.runtime.call_routes.build_runtime_routes`), with ``description`` as its
    OpenAPI text and ``message`` the answer's."""
    admin = runtime_role is RuntimeRole.ADMIN
    return Operation(
        name=name, summary=summary, section=SECTION, handler=_on_runtime(run), input=input_type, output=output,
        route=route,
        role=KEY_ROLE_FOR[runtime_role], errors=errors, mutating=mutating, needs_tia=False,
        destructive=preview is not None, preview=_previewed(preview) if preview is not None else None,
        runtime_role=runtime_role.value, auth="apiKey" if admin else "bearer", no_mcp_tool=no_mcp_tool,
        built_route=built_route, description=description, message=message,
    )


# ----- tags ---------------------------------------------------------------------------------------------------
def _decode_point(point: str) -> str:
    try:
        return base64.urlsafe_b64decode(point.encode("ascii") + b"=" * (-len(point) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise ValidationError("continuationPoint is not one this server gave out",
                              code=codes.INVALID_CONTINUATION_POINT) from None


def _encode_point(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")


def tag_page(runtime: RuntimeService, query: TagPageQuery, _caller: str = "") -> TagList:
    """Released tags (names, data types, access), paged by limit and continuation point.

    Raises RuntimeNotRunningError (503), ValidationError (a continuation point this server did not give).
    """
    tags = runtime.source.browse()
    start = 0
    if query.continuation_point:
        after = _decode_point(query.continuation_point).lower()
        start = next((i + 1 for i, t in enumerate(tags) if t.name.lower() == after), -1)
        if start < 0:
            raise ValidationError("continuationPoint names a tag the runtime no longer has (a new program was "
                                  "downloaded); start again without it", code=codes.INVALID_CONTINUATION_POINT)
    page = tags[start:start + query.limit]
    more = start + query.limit < len(tags)
    return TagList(
        tags=[RuntimeTagInfo(name=t.name, data_type=t.data_type, access="readWrite" if t.writable else "read")
              for t in page],
        continuation_point=_encode_point(page[-1].name) if more and page else None,
    )


def reading_result(reading: TagReading) -> TagValueResult:
    """One item of a bulk answer: the value, or its own error."""
    error = reading.error
    return TagValueResult(
        name=reading.name, value=reading.value, data_type=reading.data_type, quality=reading.quality,
        timestamp=reading.timestamp,
        error=ItemErrorOut(code=error.code, description=error.description) if error is not None else None,
    )


def read_values(runtime: RuntimeService, names: list[str]) -> list[TagValueResult]:
    """Released tags read in bulk from one PLC cycle: one result per name, each with its own error."""
    return [reading_result(r) for r in runtime.source.read(names)]


def _read(runtime: RuntimeService, query: TagNamesRead, _caller: str) -> list[TagValueResult]:
    return read_values(runtime, list(query.tag_names))


def write_values(runtime: RuntimeService, data: BulkWrite, _caller: str = "") -> list[TagValueResult]:
    """Values written in order: one result per item (the value read back, or its error)."""
    return [reading_result(r) for r in runtime.source.write([TagWrite(item.name, item.value) for item in data.values])]


def _write_preview(runtime: RuntimeService, data: BulkWrite) -> Preview:
    """The values each tag has now and would get; unknown, unreleased or read-only tags as warnings."""
    now = {r.name.lower(): r for r in runtime.source.read([item.name for item in data.values])}
    writable = {t.name.lower() for t in runtime.source.browse() if t.writable}
    changes, warnings = [], []
    for item in data.values:
        reading = now.get(item.name.lower())
        if reading is None or reading.error is not None:
            why = reading.error.description if reading is not None and reading.error is not None else "not found"
            warnings.append(f"{item.name}: {why}; the write would fail for this item.")
        elif item.name.lower() not in writable:
            warnings.append(f"{item.name} is read-only; the write would fail for this item.")
        else:
            changes.append(PlannedChange(action="overwrite", kind="tagValue", name=reading.name,
                                         detail=f"{reading.value!r} now ({reading.data_type}); would become "
                                                f"{item.value!r}"))
    summary = (f"Would write {plural(len(changes), 'tag')} of the running PLC: {names(c.name for c in changes)}."
               if changes else "Would write no tag: every item would fail.")
    return Preview(operation="runtime.tags.write", summary=summary, changes=changes, warnings=warnings)


# ----- alarms -------------------------------------------------------------------------------------------------
def current_alarms(runtime: RuntimeService, query: AlarmClassQuery, _caller: str = "") -> list[Alarm]:
    """Alarms active, or gone but not yet acknowledged, oldest first (after a pump: what the CPU did counts)."""
    runtime.monitor.pump()
    return runtime.alarms.current(query.alarm_class)


def _normalised(text: str | None, what: str) -> str | None:
    """An ISO time as the archive stores times (UTC, milliseconds, Z), so they compare as text."""
    return None if text is None else format_ms(parse_time(text, what))


def alarm_archive(runtime: RuntimeService, query: AlarmArchiveQuery, _caller: str = "") -> AlarmPage:
    """Archived alarm changes; raises ValidationError (a time that is not ISO 8601, a foreign continuation point)."""
    start, end = _normalised(query.from_, "from"), _normalised(query.to, "to")
    after = decode_point(query.continuation_point)
    runtime.monitor.pump()
    return runtime.alarms.archive(start=start, end=end, alarm_class=query.alarm_class, text=query.text,
                                  after=after, limit=query.limit)


def acknowledge(runtime: RuntimeService, query: AlarmAcknowledge, caller: str) -> Alarm:
    """Acknowledge a current alarm in ``caller``'s name. Raises NotFoundError, ConflictError (see AlarmService)."""
    runtime.monitor.pump()
    try:  # on the PLC's clock, like the alarm's incoming and outgoing
        at = runtime.source.now()
    except EngineeringError:  # the runtime stopped meanwhile: the alarm is still current, so it is acknowledged
        at = utc_now()
    return runtime.alarms.acknowledge(query.alarm_id, caller, at=at)


# ----- history ------------------------------------------------------------------------------------------------
def history_series(runtime: RuntimeService, query: HistoryQuery, _caller: str = "") -> list[HistorySeries]:
    """Each tag's logged values or aggregates.

    Raises ValidationError (times, interval, more than 10000 intervals, ``to`` not after ``from``, no tag names).
    """
    start, end = parse_time(query.from_, "from"), parse_time(query.to, "to")
    if end <= start:
        raise ValidationError("to must be after from.", code=codes.INVALID_TIME_RANGE)
    step = parse_interval(query.interval)
    tag_names = [n.strip() for n in query.tag_names if n.strip()]
    if not tag_names or len(tag_names) > MAX_HISTORY_TAGS:
        raise ValidationError(f"Name 1..{MAX_HISTORY_TAGS} tags.", code=codes.INVALID_TAGS)
    runtime.monitor.pump()
    history = runtime.history
    if query.aggregation != "raw":
        if query.continuation_point:
            raise ValidationError("continuationPoint pages raw values only.", code=codes.INVALID_CONTINUATION_POINT)
        return [HistorySeries(name=n, aggregation=query.aggregation, interval_ms=step,
                              values=history.query(n, start, end, query.aggregation, step, query.limit))
                for n in tag_names]
    after = Continuation.decode(query.continuation_point) if query.continuation_point else None
    if after is not None:
        tag_names = [n for n in tag_names if canonical_name(n) == after.tag]
        if not tag_names or (after.start_ms, after.end_ms) != (start, end):
            raise ValidationError("continuationPoint belongs to another query (its tags, from and to).",
                                  code=codes.INVALID_CONTINUATION_POINT)
    series = []
    for name in tag_names:
        values, more = raw_page(history.store, canonical_name(name), start, end, query.limit, after)
        series.append(HistorySeries(name=name, aggregation="raw", interval_ms=step, values=values,
                                    continuation_point=more.encode() if more else None))
    return series


# ----- configuration (admin) ------------------------------------------------------------------------------------
class NoInput(CamelStruct):
    """No arguments."""


class AlarmDefinitionName(CamelStruct):
    """The alarm definition, by name."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    """Name of the alarm definition."""


class AlarmDefinitionEdit(AlarmDefinition):
    """The definition that replaces the one named ``replaces`` (it may rename it)."""

    replaces: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] = ""
    """Name of the alarm definition replaced (the ``{name}`` of the route's path)."""


class LoggedTag(CamelStruct):
    """The tag whose logging stops (its logged values stay)."""

    tag: TagName
    """Name of the tag whose logging stops, as the PLC spells it."""


def _definitions(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[AlarmDefinition]:
    return runtime.alarms.definitions()


def save_definition(runtime: RuntimeService, new: AlarmDefinition, replace: str | None = None) -> AlarmDefinition:
    """Create (``replace`` None) or replace an alarm definition; the CPU's monitor picks it up at once.

    Raises ValidationError, AlreadyExistsError (``ALARM_DEFINITION_EXISTS``), NotFoundError.
    """
    saved = runtime.alarms.save_definition(new, replace=replace)
    runtime.monitor.changed()
    return saved


def _create_definition(runtime: RuntimeService, new: AlarmDefinition, _caller: str) -> AlarmDefinition:
    return save_definition(runtime, new)


def _replace_definition(runtime: RuntimeService, edit: AlarmDefinitionEdit, _caller: str) -> AlarmDefinition:
    fields = {name: getattr(edit, name) for name in AlarmDefinition.__struct_fields__}
    return save_definition(runtime, AlarmDefinition(**fields), replace=edit.replaces)


def delete_definition(runtime: RuntimeService, query: AlarmDefinitionName, _caller: str = "") -> AlarmDefinition:
    """Delete an alarm definition; its current alarm goes (archived as outgoing). Raises NotFoundError."""
    old = runtime.alarms.delete_definition(query.name)
    runtime.monitor.changed()
    return old


def _delete_definition_preview(runtime: RuntimeService, query: AlarmDefinitionName) -> Preview:
    old = runtime.alarms.definition(query.name)
    active = [a for a in runtime.alarms.current() if a.name.lower() == old.name.lower()]
    detail = f"{old.kind} alarm of class {old.alarm_class}" + ("; its current alarm goes" if active else "")
    return Preview(operation="runtime.alarm-definitions.delete", summary=f"Would delete the alarm definition "
                   f"'{old.name}'.", changes=[PlannedChange(action="delete", kind="alarmDefinition", name=old.name,
                                                            detail=detail)])


def _logging_settings(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[LoggingSetting]:
    return runtime.history.settings()


def save_logging(runtime: RuntimeService, setting: LoggingSetting, _caller: str = "") -> LoggingSetting:
    """Log a tag cyclically or on change from now on (replacing its earlier setting; logged values stay)."""
    saved = runtime.history.save_setting(setting)
    runtime.monitor.changed()
    return saved


def remove_logging(runtime: RuntimeService, query: LoggedTag, _caller: str = "") -> LoggingSetting:
    """Stop logging a tag; its logged values stay. Raises NotFoundError (``LOGGING_NOT_CONFIGURED``)."""
    old = runtime.history.delete_setting(query.tag)
    runtime.monitor.changed()
    return old


_AT = "/api/runtime"
_call = runtime_call
RUNTIME_OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _call("runtime.tags.list", "List the released tags of the PLC runtime (names, data types, access), paged.",
          TagPageQuery, TagList, RuntimeRole.READ, tag_page, RouteSpec("GET", f"{_AT}/tags"),
          (*SOURCE_ERRORS, ValidationError),
          built_route=CallRoute("ListRuntimeTags", RuntimeTagListResponse, query_docs={
              "limit": "Tags per page", "continuationPoint": "From the previous page's continuationPoint"}),
          description="Released tags (names, data types, access), paged by limit and continuation point.\n\n"
                      "Raises RuntimeNotRunningError (503), ValidationError (a continuation point this server did not "
                      "give)."),
    _call("runtime.tags.read", "Read released tags of the running PLC from one cycle: value, quality and timestamp per "
          "tag, each item with its own error.", TagNamesRead, list[TagValueResult], RuntimeRole.READ, _read,
          RouteSpec("POST", f"{_AT}/tags/values"), SOURCE_ERRORS,
          # the body also reads the names under their first spelling (names)
          built_route=CallRoute("ReadRuntimeTagValues", RuntimeTagValuesResponse, body=BulkRead,
                                convert=lambda _path, read: TagNamesRead(tag_names=read.wanted)),
          description="Read tags in bulk from one PLC cycle: 200 with one result per name, each with its own error."),
    _call("runtime.tags.write", "Write values to writable released tags of the running PLC, in order: one result per "
          "item (the value read back, or its error).", BulkWrite, list[TagValueResult], RuntimeRole.WRITE,
          write_values, RouteSpec("PUT", f"{_AT}/tags/values"), SOURCE_ERRORS, mutating=True, preview=_write_preview,
          built_route=CallRoute("WriteRuntimeTagValues", RuntimeTagValuesResponse),
          description="Write tags in bulk, in order: 200 with one result per item (the value read back, or its "
                      "error)."),
    _call("runtime.alarms.current", "List the current alarms (active, or gone but not yet acknowledged), oldest first.",
          AlarmClassQuery, list[Alarm], RuntimeRole.READ, current_alarms, RouteSpec("GET", f"{_AT}/alarms/current"),
          built_route=CallRoute("ListRuntimeCurrentAlarms", RuntimeAlarmsResponse,
                                query_docs={"alarmClass": _CLASS_DOC}),
          description="Alarms that are active, or gone but not yet acknowledged, oldest first."),
    _call("runtime.alarms.archive", "Query the alarm archive (incoming, outgoing, acknowledged) by time range, class "
          "and text, paged.", AlarmArchiveQuery, AlarmPage, RuntimeRole.READ, alarm_archive,
          RouteSpec("GET", f"{_AT}/alarms/archive"), (ValidationError,),
          built_route=CallRoute("ListRuntimeAlarmArchive", RuntimeAlarmArchiveResponse, query_docs={
              "from": "ISO 8601, inclusive", "to": "ISO 8601, exclusive", "alarmClass": _CLASS_DOC,
              "text": "Part of the text or name"}),
          description="Archived alarm changes (incoming, outgoing, acknowledged) by time range, class and text, "
                      "paged.\n\nRaises ValidationError (a time that is not ISO 8601, a continuation point this "
                      "server did not give)."),
    _call("runtime.alarms.acknowledge", "Acknowledge a current alarm.", AlarmAcknowledge, Alarm, RuntimeRole.ALARM_ACK,
          acknowledge, RouteSpec("POST", _AT + "/alarms/{alarmId}/acknowledge"), (NotFoundError, ConflictError),
          mutating=True,
          built_route=CallRoute("AcknowledgeRuntimeAlarm", RuntimeAlarmResponse),
          description="Acknowledge a current alarm (NotFoundError: unknown or no longer current; ConflictError: "
                      "already acknowledged, or its class needs no acknowledgement).",
          message=lambda alarm: f"alarm {alarm.alarm_id} acknowledged by {alarm.acknowledged_by}"),
    _call("runtime.history.query", "Query logged tag values: raw, or avg/min/max/count/first/last per interval.",
          HistoryQuery, list[HistorySeries], RuntimeRole.READ, history_series, RouteSpec("GET", f"{_AT}/history"),
          (ValidationError,),
          built_route=CallRoute("QueryRuntimeHistory", RuntimeHistoryResponse, query=HistoryQueryString,
                                convert=lambda _path, given: given.query(), query_docs={
                                    "tags": "Comma-separated tag names", "from": "ISO 8601, inclusive",
                                    "to": "ISO 8601, exclusive",
                                    "aggregation": "raw values, or one aggregate per interval",
                                    "interval": "Seconds, or with a unit: 30s, 15m, 8h, 1d (needed for aggregates)",
                                    "limit": "Raw values per tag (a page)",
                                    "continuationPoint": "A series' continuationPoint from the previous page of this "
                                                         "query: that tag's next page of raw values"}),
          description="A tag's logged values (raw) or their avg/min/max/count/first/last per interval, for each tag. "
                      "Raw values\ncome in pages of ``limit``: a series with more has ``continuationPoint``; send the "
                      "query again with it.\n\nRaises ValidationError (times, interval, more than 10000 intervals, to "
                      "before from, a continuation point\nof another query)."),
    _call("runtime.alarm-definitions.list", "List the alarm definitions: tag alarms (discrete, analog) and the texts "
          "and classes of Program_Alarm instances.", NoInput, list[AlarmDefinition], RuntimeRole.ADMIN, _definitions,
          RouteSpec("GET", f"{_AT}/alarm-definitions"),
          built_route=CallRoute("ListRuntimeAlarmDefinitions", RuntimeAlarmDefinitionsResponse),
          description="Every alarm definition by name."),
    _call("runtime.alarm-definitions.create", "Create an alarm definition: a discrete alarm (a bit set), an analog "
          "alarm (a limit with hysteresis) or the text and class of a Program_Alarm instance.", AlarmDefinition,
          AlarmDefinition, RuntimeRole.ADMIN, _create_definition, RouteSpec("POST", f"{_AT}/alarm-definitions"),
          (ValidationError, AlreadyExistsError), mutating=True,
          built_route=CallRoute("CreateRuntimeAlarmDefinition", RuntimeAlarmDefinitionResponse, 201),
          description="Create an alarm definition (ValidationError: fields that do not fit its kind; "
                      "AlreadyExistsError).",
          message=lambda saved: f"alarm definition {saved.name} created"),
    _call("runtime.alarm-definitions.update", "Replace an alarm definition (named by replaces), which may rename it.",
          AlarmDefinitionEdit, AlarmDefinition, RuntimeRole.ADMIN, _replace_definition,
          RouteSpec("PUT", _AT + "/alarm-definitions/{name}"), (ValidationError, AlreadyExistsError, NotFoundError),
          mutating=True,
          # the path names the definition replaced, the body the new one (which has a name of its own)
          built_route=CallRoute("UpdateRuntimeAlarmDefinition", RuntimeAlarmDefinitionResponse, body=AlarmDefinition,
                                convert=lambda path, new: AlarmDefinitionEdit(**msgspec.structs.asdict(new),
                                                                              replaces=path["name"])),
          description="Replace an alarm definition (NotFoundError, ValidationError, AlreadyExistsError: a new name "
                      "taken).",
          message=lambda saved: f"alarm definition {saved.name} saved"),
    _call("runtime.alarm-definitions.delete", "Delete an alarm definition; its current alarm goes.",
          AlarmDefinitionName, AlarmDefinition, RuntimeRole.ADMIN, delete_definition,
          RouteSpec("DELETE", _AT + "/alarm-definitions/{name}"), (NotFoundError,), mutating=True,
          preview=_delete_definition_preview,
          built_route=CallRoute("DeleteRuntimeAlarmDefinition", RuntimeAlarmDefinitionResponse),
          description="Delete an alarm definition; its current alarm goes (NotFoundError).",
          message=lambda old: f"alarm definition {old.name} deleted"),
    _call("runtime.history.settings.list", "List the logged tags and how each is logged.", NoInput,
          list[LoggingSetting], RuntimeRole.ADMIN, _logging_settings, RouteSpec("GET", f"{_AT}/history/settings"),
          built_route=CallRoute("ListRuntimeLoggingSettings", RuntimeLoggingSettingsResponse),
          description="Every logged tag and how it is logged."),
    _call("runtime.history.settings.save", "Log a tag cyclically or on change with a deadband (replaces its earlier "
          "setting; logged values stay).", LoggingSetting, LoggingSetting, RuntimeRole.ADMIN, save_logging,
          RouteSpec("PUT", f"{_AT}/history/settings"), mutating=True,
          built_route=CallRoute("SaveRuntimeLoggingSetting", RuntimeLoggingSettingResponse),
          description="Log a tag cyclically or on change (replaces its earlier setting; logged values stay).",
          message=lambda saved: f"{saved.tag} is logged ({saved.mode})"),
    _call("runtime.history.settings.remove", "Stop logging a tag; its logged values stay.", LoggedTag, LoggingSetting,
          RuntimeRole.ADMIN, remove_logging, RouteSpec("POST", f"{_AT}/history/settings/actions/remove"),
          (NotFoundError,), mutating=True,
          # the route takes a whole setting, as the client sends back what it listed; only its tag counts
          built_route=CallRoute("RemoveRuntimeLoggingSetting", RuntimeLoggingSettingResponse, body=LoggingSetting,
                                convert=lambda _path, setting: LoggedTag(tag=setting.tag)),
          description="Stop logging ``tag`` (its logged values stay; NotFoundError: not logged).",
          message=lambda old: f"{old.tag} is no longer logged"),
)
"""The runtime API's calls that are operations (registered by :func:`engineering_api.app.registry`; their MCP
tools are :mod:`engineering_api.mcp.runtime_tools`). Users, settings, connections and OPC UA servers are REST-only
operations of their own modules (:mod:`.user_calls`, :mod:`.connection_calls`, :mod:`.opcua.calls`); sessions, pushes
and subscriptions (streams) are routes written by hand (README, "Runtime API")."""
