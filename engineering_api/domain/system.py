"""System API: settings, generated documentation, audit trail and the (headless) browse dialogs."""

from __future__ import annotations

import dataclasses
import logging
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import JSONBody

from engineering_api.backend.errors import ConflictError, NotFoundError, NotSupportedError, ValidationError
from engineering_api.config import LOOPBACK_HOSTS, RUNTIME_SETTING_NAMES, Settings
from engineering_api.docs import ApiDocs, openapi_document_ready
from engineering_api.errors import codes
from engineering_api.web.call_routes import declared_route, service_call
from engineering_api.jobs.operations import CallRoute, OperationContext
from engineering_api.lib.bounds import PAGE_OFFSET_MAX, RETENTION_DAYS_MAX, RetentionDays, SnapshotsPerObject
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.responses import ok
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Role

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.lib.db import Database
    from engineering_api.services import Services

__all__ = ("CALLS", "AuditQuery", "SettingsUpdate", "SystemController", "saved_settings", "settings_view")

SECTION = "System API"
logger = logging.getLogger(__name__)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def saved_settings(db: Database) -> dict[str, Any]:
    """Runtime settings saved through the API (snake_case names), applied again at start-up.

    A value that is not valid (saved before values were checked, e.g. ``snapshotRetentionDays=1.37e99``) is
    left out with a warning, so it can neither break the start nor a later cleanup.
    """
    valid: dict[str, Any] = {}
    for name, value in (KeyValueStore(db).get("settings") or {}).items():
        try:
            if name not in RUNTIME_SETTING_NAMES:
                raise msgspec.ValidationError("not a runtime setting")
            msgspec.convert({_camel(name): value}, SettingsUpdate)
        except msgspec.ValidationError as exc:
            logger.warning("saved setting %s=%.80r ignored: %s", _camel(name), value, exc)
            continue
        valid[name] = value
    return valid


def settings_view(services: Services) -> dict[str, Any]:
    """Settings as the API shows them: camelCase, paths as strings, with what may be changed."""
    settings = services.settings
    view: dict[str, Any] = {}
    for item in dataclasses.fields(settings):
        value = getattr(settings, item.name)
        if isinstance(value, tuple):
            value = [str(v) for v in value]
        elif not isinstance(value, (int, float, bool, str, dict, type(None))):
            value = str(value)
        view[_camel(item.name)] = value
    view["fileRoots"] = [str(r) for r in settings.roots]
    view["security"] = {
        "apiKeyHeader": "X-API-Key",
        "roles": ["viewer", "engineer", "admin"],
        "activeKeys": services.keys.count_active(),
        "hostCheck": True,
        "corsEnabled": bool(settings.cors_origins),
    }
    view["fromEnvironment"] = sorted(_camel(n) for n in settings.from_environment)
    view["changeable"] = sorted(_camel(n) for n in RUNTIME_SETTING_NAMES - settings.from_environment)
    return view


_HOST = r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)$"
_ORIGIN = r"^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:[0-9]{1,5})?$"
HostName = Annotated[str, msgspec.Meta(min_length=1, max_length=253, pattern=_HOST)]
Origin = Annotated[str, msgspec.Meta(max_length=300, pattern=_ORIGIN)]
_DAY = 86_400.0


class SettingsUpdate(CamelStruct):
    """The ``changeable`` settings to change. The full object from GET may be sent back: a field that is not
    changeable is accepted only with its current value; a different value, or a field the server does not know,
    is 422 naming each such field (``SETTING_NOT_CHANGEABLE``), and nothing is saved.

    Values are checked (422 names the field). ``allowedHosts`` are host names without a port; localhost,
    127.0.0.1 and [::1] are always allowed besides them, and the list must keep the host this request came
    through. Settings given by ``ENGINEERING_API_*`` variables (``fromEnvironment``) win over saved ones and
    cannot be changed here (409).
    """

    allowed_hosts: Annotated[list[HostName], msgspec.Meta(min_length=1, max_length=64)] | None = None
    cors_origins: Annotated[list[Origin], msgspec.Meta(max_length=64)] | None = None
    rate_limit_per_minute: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None
    auth_failures_per_minute: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None
    call_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=_DAY)] | None = None
    job_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=7 * _DAY)] | None = None
    job_retention_hours: Annotated[float, msgspec.Meta(gt=0, le=24 * RETENTION_DAYS_MAX)] | None = None
    auto_snapshot: bool | None = None
    snapshot_retention_days: RetentionDays | None = None
    snapshot_max_per_object: SnapshotsPerObject | None = None


def _refuse_environment_changes(settings: Settings, changes: dict[str, Any]) -> None:
    """409 for a change to a setting the environment gives; sending its current value back is fine."""
    for name in sorted(settings.from_environment & changes.keys()):
        if getattr(settings.with_runtime({name: changes[name]}), name) != getattr(settings, name):
            raise ConflictError(
                f"{_camel(name)} is set by the server's environment (ENGINEERING_API_{name.upper()}), which wins "
                "over saved settings; change it there and restart the server.",
                code=codes.SETTING_FROM_ENVIRONMENT,
            )
        del changes[name]


_CHANGEABLE = {_camel(name).lower() for name in SettingsUpdate.__struct_fields__}


def _refuse_unchangeable(body: Any, current: dict[str, Any]) -> None:
    """422 naming each field of ``body`` that is unknown, or not changeable at run time and not its current value
    (so the full GET object can be sent back, and nothing a caller sends is silently ignored)."""
    if not isinstance(body, dict):
        return  # the typed body has already refused it
    shown = {name.lower(): (name, value) for name, value in current.items()}
    unknown, fixed = [], []
    for field_name, value in body.items():
        key = str(field_name).lower()
        if key in _CHANGEABLE:
            continue
        if key not in shown:
            unknown.append(str(field_name))
        elif value != shown[key][1]:
            fixed.append(shown[key][0])
    if not unknown and not fixed:
        return
    parts = []
    if fixed:
        parts.append(f"{', '.join(fixed)} cannot be set at run time (the server's environment, ENGINEERING_API_*, "
                     "or its command line sets them, at start)")
    if unknown:
        parts.append(f"{', '.join(unknown)} {'is not a setting' if len(unknown) == 1 else 'are not settings'}")
    raise ValidationError(
        f"Nothing was saved: {'; '.join(parts)}. Changeable: {', '.join(current['changeable'])}.",
        code=codes.SETTING_NOT_CHANGEABLE, details={"notChangeable": fixed, "unknown": unknown},
    )


def _keep_caller_host(request: Request[Any, Any, Any], settings: Settings) -> None:
    """422 unless the new ``allowedHosts`` still accept the Host this request came through."""
    host = request.url.hostname or ""
    host = f"[{host}]" if ":" in host else host
    if host and host.lower() not in {h.lower() for h in settings.allowed_hosts}:
        raise ValidationError(
            f"allowedHosts must include {host!r}, the host this request came through, or this client would get "
            f"421 on every request; {', '.join(LOOPBACK_HOSTS)} are always allowed.",
            code=codes.HOST_LOCKOUT,
        )


async def _docs(app: Any) -> ApiDocs:
    """The documentation of the running ``app``, from its OpenAPI document (built once, off the event loop)."""
    services: Services = app.state.services
    docs = services.notes.get("docs")
    if docs is None:
        docs = services.notes["docs"] = ApiDocs.from_openapi(await openapi_document_ready(app))
    return docs


class SectionName(CamelStruct):
    """A documentation section, by name (case-insensitive)."""

    section_name: str


class DocSearch(CamelStruct):
    """What to look for in the documentation."""

    q: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


# They read the running app's OpenAPI document, which only a route's context holds (OperationContext.app).
async def _sections(context: OperationContext, _data: None) -> Any:
    return (await _docs(context.app)).sections()


async def _section(context: OperationContext, name: SectionName) -> Any:
    section = (await _docs(context.app)).section(name.section_name)
    if section is None:
        raise NotFoundError(f"no documentation section {name.section_name!r}", code=codes.SECTION_NOT_FOUND)
    return section


async def _search(context: OperationContext, query: DocSearch) -> Any:
    return (await _docs(context.app)).search(query.q)


async def _full_text(context: OperationContext, _data: None) -> str:
    return (await _docs(context.app)).full_text()


class AuditQuery(CamelStruct):
    """Which audit records to list."""

    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    before: Annotated[int, msgspec.Meta(ge=1, le=PAGE_OFFSET_MAX)] | None = None
    key_id: str | None = None
    path_prefix: str | None = None
    outcome: str | None = None


def _audit_page(services: Services, query: AuditQuery) -> Any:
    return services.audit.page(limit=query.limit, before=query.before, key_id=query.key_id,
                               path_prefix=query.path_prefix, outcome=query.outcome)


def _browse(kind: str) -> Callable[[Services, None], NoReturn]:
    def refuse(_services: Services, _data: None) -> NoReturn:
        raise _headless(kind)

    return refuse


_ADMIN_ONLY = "server settings and the audit trail are an admin's, on REST or the console, not an agent's"
_DOCS_ROUTE = "the REST routes' documentation, built from the running app's OpenAPI document (MCP lists its tools)"
_HEADLESS = "a file dialog on the host, which a headless server has not"
_call = partial(service_call, section=SECTION)

SETTINGS_GET = _call("system.settings.get", "GET /api/settings", "Current server settings",
                     lambda services, _: settings_view(services), no_mcp_tool=_ADMIN_ONLY, role=Role.ADMIN,
                     built_route=CallRoute("GetSettings"),
                     description="Current server settings, including the security configuration.")
# its route reads the raw body (to name each field that is not changeable) and the Host the request came through
SETTINGS_SAVE = _call("system.settings.save", "POST /api/settings", "Save server settings", no_mcp_tool=_ADMIN_ONLY,
                      role=Role.ADMIN, mutating=True, errors=(ConflictError, ValidationError))
DOCS = _call("system.docs", "GET /api/docs", "The whole API documentation as text", handler=_full_text, output=str,
             no_mcp_tool=_DOCS_ROUTE, built_route=CallRoute("GetDocs", media_type="text/plain"),
             description="The whole API documentation as one text document (for LLMs and humans).")
DOC_SECTIONS = _call("system.docs.sections", "GET /api/docs/sections", "Documentation sections",
                     handler=_sections, no_mcp_tool=_DOCS_ROUTE, public=True,
                     built_route=CallRoute("ListDocSections"), description="Documentation sections. No key needed.")
DOC_SECTION = _call("system.docs.section", "GET /api/docs/sections/{sectionName}", "One documentation section",
                    handler=_section, input_type=SectionName, no_mcp_tool=_DOCS_ROUTE, errors=(NotFoundError,),
                    built_route=CallRoute("GetDocSection"),
                    description="One documentation section by name (case-insensitive).")
DOC_SEARCH = _call("system.docs.search", "GET /api/docs/search", "Search the documentation", handler=_search,
                   input_type=DocSearch, no_mcp_tool=_DOCS_ROUTE, built_route=CallRoute("SearchDocs"),
                   description="Search the documentation; returns ``[{section, snippet, relevance}]``.")
AUDIT = _call("system.audit", "GET /api/audit", "Audit records of mutating calls", _audit_page, AuditQuery,
              no_mcp_tool=_ADMIN_ONLY, role=Role.ADMIN,
              built_route=CallRoute("GetAudit", query_docs={
                  "before": "Return records older than this id",
                  "outcome": "succeeded, accepted, failed, denied, throttled"}),
              description="Audit records of mutating calls, newest first, paged with ``before``.\n\n"
                          "Refusals a client can repeat at will are counted, not recorded one by one: wrong or missing "
                          "keys (401, any\nmethod), an address past its wrong-key budget (429) and a key's throttled "
                          "calls (429). Such a record is\nthe first of its client, key and status in a minute; "
                          "``count`` says how many came, ``lastAt`` when the\nlast did.")
BROWSE_FILE, BROWSE_PROJECT, BROWSE_FOLDER = (
    _call(f"system.browse-{kind}", f"GET /api/system/browse-{kind}", f"A {kind} dialog on the host (501)",
          _browse(kind), no_mcp_tool=_HEADLESS, errors=(NotSupportedError,),
          built_route=CallRoute(f"Browse{kind.title()}"),
          description=f"A {kind} dialog on the host: not available on a headless server (501).")
    for kind in ("file", "project", "folder"))
CALLS = (SETTINGS_GET, SETTINGS_SAVE, DOCS, DOC_SECTIONS, DOC_SECTION, DOC_SEARCH, AUDIT, BROWSE_FILE, BROWSE_PROJECT,
         BROWSE_FOLDER)
"""The system calls, declared once (service calls of the registry)."""


class SystemController(Controller):
    """Server settings, documentation and audit."""

    tags = [SECTION]

    @post("/api/settings", operation_id="SaveSettings", status_code=200, **declared_route(SETTINGS_SAVE, body=True))
    async def save_settings(self, request: Request[Any, Any, Any], data: JSONBody[SettingsUpdate]) -> Response[Any]:
        """Save settings; takes effect at once and is kept across restarts (unless the environment gives them)."""
        services: Services = request.app.state.services
        _refuse_unchangeable(await request.json(), settings_view(services))
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        _refuse_environment_changes(services.settings, changes)
        updated = services.settings.with_runtime(changes)
        if "allowed_hosts" in changes:
            _keep_caller_host(request, updated)
        services.settings = updated
        services.jobs.settings = services.settings
        stored = saved_settings(services.db)
        stored.update(changes)
        KeyValueStore(services.db).set("settings", stored)
        return ok(settings_view(services), "settings saved")


def _headless(kind: str) -> NotSupportedError:
    return NotSupportedError(
        f"A {kind} browser dialog needs a desktop session on the server; this server runs headless. "
        "Send paths relative to the configured file roots instead (GET /api/settings shows fileRoots).",
        code=codes.HEADLESS,
    )


