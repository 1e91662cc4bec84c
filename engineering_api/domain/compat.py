"""Client compatibility: the licence answer, client telemetry and the loopback local key, with their settings.

T-IA Connect clients ask these before and after their real work (``../shared/notes/tia-connect.md``):

- ``GET /api/license/features``: this server has no licence, so it answers edition ``open``, valid, with every
  feature enabled (the client gates views on ``Features[].Enabled``).
- ``POST /api/telemetry/client-events``: the VS Code client reports each call it made. Events are accepted and
  dropped, or kept in this server's SQLite database (bounded, newest kept) when an admin turns ``telemetryStore``
  on. Nothing is ever sent anywhere. The route is not audited: it changes no project or server state, and an audit
  row per client call would bury the real ones (a stored event is its own record).
- ``GET /api/auth/local-key``: off by default. When an admin turns ``localKeyEnabled`` on, it answers a loopback
  client that sent no forwarding header and a loopback Host with a dedicated key of ``localKeyRole`` (viewer or
  engineer, default engineer), as ``data.apiKey``. Every hand-out is audited. Any process on this machine can
  then read that key: see the README. Turning it off (or changing the role) revokes the key.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Literal

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get

from sqlalchemy import func, select

from engineering_api.backend.errors import ConflictError, NotFoundError, PermissionDeniedError
from engineering_api.config import LOOPBACK_HOSTS
from engineering_api.errors import codes
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.tables import client_events
from engineering_api.web.call_routes import declared_route, service_call, services_in
from engineering_api.jobs.operations import CallRoute
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.security import Role

if TYPE_CHECKING:
    from pathlib import Path

    from engineering_api.jobs.operations import OperationContext
    from engineering_api.services import Services

__all__ = ("CALLS", "CompatController", "CompatSettings", "LicenseFeatures", "LocalKey", "TelemetryEvent")

SECTION = "System API"
_SETTINGS = "compat-settings"
_LOCAL_KEY = "local-key"
_KEY_FILE = "local-key.secret"
_FORWARDING = (b"x-forwarded-for", b"forwarded", b"x-real-ip")
_Text = Annotated[str, msgspec.Meta(max_length=200)]

# ----- licence -----------------------------------------------------------------------------------------
class LicenseFeature(CamelStruct):
    """One feature as the client reads it."""

    key: str
    name: str
    description: str
    enabled: bool = True


class LicenseFeatures(CamelStruct):
    """``{Edition, IsValid, Features[]}``: no licence here, so everything is on."""

    edition: str
    is_valid: bool
    features: list[LicenseFeature]
    expires_at: str | None = None
    message: str = ""


_FEATURES = (  # what this server serves
    ("projects", "Projects", "Open, create, save, archive and retrieve projects"),
    ("devices", "Devices and hardware", "Devices, catalog, hardware export and import"),
    ("blocks", "Program blocks", "Blocks, SCL/SimaticML import and export, generation"),
    ("tags", "Tags and UDTs", "Tag tables, tags, constants and PLC data types"),
    ("compile", "Compile", "Hardware and software compile with messages"),
    ("online", "Online and download", "Download, online connection, CPU mode"),
    ("simulation", "Simulation", "The simulated PLC (PLCSim), watch and force tables"),
    # The keys T-IA Connect's VS Code client looks for (src/providers/testProvider.ts, vcsTreeProvider.ts,
    # chat/languageModelTools.ts): it hides the test view and source control without them.
    ("hasTestHarness", "Test harness", "PLC unit tests and their results"),
    ("hasVcs", "Source control", "Git versioning of the project"),
    ("assistant", "AI assistant", "The chat assistant and its tools"),
    ("mcp", "MCP server", "Every operation as an MCP tool"),
    ("signalR", "Push", "Job and assistant events over SignalR"),
    ("history", "History", "Snapshots and restore of changed objects"),
    ("pipelines", "Pipelines", "Pipelines of operations, run as jobs or on a cron schedule, and their templates"),
)


# ----- telemetry ---------------------------------------------------------------------------------------
class TelemetryEvent(CamelStruct):
    """One client event, as the VS Code client sends it (unknown fields are ignored)."""

    event_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    extension_version: _Text | None = None
    vscode_version: _Text | None = None
    success: bool | None = None
    duration_ms: Annotated[float, msgspec.Meta(ge=0, le=86_400_000)] | None = None
    mode: _Text | None = None
    command_category: _Text | None = None
    error_code: _Text | None = None


class TelemetryAccepted(CamelStruct):
    """What became of an event: always accepted; ``stored`` only when an admin turned storing on."""

    accepted: bool
    stored: bool


class StoredEvent(CamelStruct):
    """A kept event with when and from which key it came."""

    id: int
    at: str
    key_id: str | None
    event: TelemetryEvent


class StoredEvents(CamelStruct):
    """Kept events, newest first."""

    events: list[StoredEvent]
    total: int


class EventsCleared(CamelStruct):
    """How many kept events were deleted."""

    deleted: int


# ----- settings ----------------------------------------------------------------------------------------
class CompatSettings(CamelStruct):
    """The compatibility settings (all off by default)."""

    local_key_enabled: bool = False
    """Whether ``GET /api/auth/local-key`` hands a key to loopback clients."""
    local_key_role: Literal["viewer", "engineer"] = "engineer"
    """The role of the handed-out key; never admin (a local process must not be able to change security)."""
    telemetry_store: bool = False
    """Keep client telemetry events in this server's database (they are never sent anywhere)."""
    telemetry_max_events: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 10_000
    """At most this many events are kept; the oldest go first."""


class CompatSettingsUpdate(CamelStruct):
    """Only the fields given change."""

    local_key_enabled: bool | None = None
    local_key_role: Literal["viewer", "engineer"] | None = None
    telemetry_store: bool | None = None
    telemetry_max_events: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None


class LocalKey(CamelStruct):
    """The dedicated local key (``data.apiKey``, where the client looks for it)."""

    api_key: str
    key_id: str
    role: str


class LocalKeyAnswer(msgspec.Struct, kw_only=True, rename="camel"):
    """The envelope with the key also at the top: T-IA Connect's client reads a flat ``apiKey`` (or
    ``response.data.apiKey``), never ``data.apiKey``, so without it the client finds no key."""

    success: bool
    message: str
    data: LocalKey
    api_key: str
    timestamp: str


class _Compat:
    """Settings, telemetry store and local key of one server (kept in its database)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = KeyValueStore(services.db, prefix="compat:")

    # settings
    def settings(self) -> CompatSettings:
        return msgspec.convert(self.store.get(_SETTINGS) or {}, CompatSettings)

    def save(self, update: CompatSettingsUpdate) -> CompatSettings:
        current = self.settings()
        changes = {k: v for k, v in msgspec.structs.asdict(update).items() if v is not None}
        updated = msgspec.structs.replace(current, **changes)
        if not updated.local_key_enabled or updated.local_key_role != current.local_key_role:
            self.revoke_local_key()  # a key handed out under the old setting stops working at once
        self.store.set(_SETTINGS, msgspec.to_builtins(updated))
        self._trim(updated.telemetry_max_events)
        return updated

    # telemetry
    def keep(self, event: TelemetryEvent, key_id: str | None, limit: int) -> None:
        self.services.db.insert(client_events.insert().values(at=utc_now(), key_id=key_id,
                                                              event=msgspec.json.encode(event).decode()))
        self._trim(limit)

    def _trim(self, limit: int) -> None:
        newest_dropped = (select(client_events.c.id).order_by(client_events.c.id.desc()).limit(1).offset(limit)
                          .scalar_subquery())
        self.services.db.execute(client_events.delete().where(client_events.c.id <= newest_dropped))

    def events(self, limit: int) -> StoredEvents:
        db = self.services.db
        rows = db.all(select(client_events).order_by(client_events.c.id.desc()).limit(limit))
        total = db.one(select(func.count().label("n")).select_from(client_events))
        return StoredEvents(
            events=[StoredEvent(id=r["id"], at=r["at"], key_id=r["key_id"],
                                event=msgspec.json.decode(r["event"], type=TelemetryEvent)) for r in rows],
            total=int(total["n"]) if total else 0,
        )

    def clear(self) -> int:
        return self.services.db.execute(client_events.delete())

    # local key
    @property
    def _secret_path(self) -> Path:
        return self.services.settings.data_dir / _KEY_FILE

    def local_key(self, role: str) -> tuple[LocalKey, bool]:
        """The dedicated key (made when missing, revoked or of another role) and whether it is new."""
        saved = self.store.get(_LOCAL_KEY) or {}
        with contextlib.suppress(OSError):
            secret = self._secret_path.read_text(encoding="utf-8").strip()
            principal = self.services.keys.verify(secret) if secret else None
            if principal is not None and principal.key_id == saved.get("keyId") and principal.role.value == role:
                return LocalKey(api_key=secret, key_id=principal.key_id, role=role), False
        self.revoke_local_key()
        info, secret = self.services.keys.create("local key (GET /api/auth/local-key)", role)
        path = self._secret_path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # like the first admin key
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secret + "\n")
        self.store.set(_LOCAL_KEY, {"keyId": info.key_id, "role": role})
        return LocalKey(api_key=secret, key_id=info.key_id, role=role), True

    def revoke_local_key(self) -> None:
        saved = self.store.get(_LOCAL_KEY) or {}
        if saved.get("keyId"):
            with contextlib.suppress(NotFoundError, ConflictError):  # already revoked by an admin
                self.services.keys.revoke(saved["keyId"])
        self.store.delete(_LOCAL_KEY)
        with contextlib.suppress(FileNotFoundError):
            self._secret_path.unlink()


def _compat(request: Request[Any, Any, Any]) -> _Compat:
    return _compat_of(request.app.state.services)


def _compat_of(services: Services) -> _Compat:
    state = services.notes.get("compat")
    if state is None:
        state = services.notes["compat"] = _Compat(services)
    return state


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse_non_local(request: Request[Any, Any, Any]) -> None:
    """403 unless the request comes straight from this machine.

    Raises:
        PermissionDeniedError: LOCAL_KEY_LOOPBACK_ONLY: a client address that is not loopback, a forwarding header
            (a proxy on this machine may be relaying a remote client), or a Host that is not a loopback name.
    """
    client = request.scope.get("client")
    address = client[0] if client else None
    forwarded = [name.decode() for name, _ in request.scope["headers"] if name in _FORWARDING]
    host = (request.headers.get("host") or "").lower()
    host_name = host.rsplit(":", 1)[0] if host.count(":") == 1 or (host.startswith("[") and "]:" in host) else host
    reason = None
    if not _is_loopback(address):
        reason = "the client is not on this machine"
    elif forwarded:
        reason = f"the request was forwarded ({', '.join(forwarded)})"
    elif host_name not in LOOPBACK_HOSTS:
        reason = f"Host {host!r} is not a loopback name ({', '.join(LOOPBACK_HOSTS)})"
    if reason:
        raise PermissionDeniedError(f"The local key is handed only to clients on this machine: {reason}",
                                    code=codes.LOCAL_KEY_LOOPBACK_ONLY)


class EventLimit(CamelStruct):
    """How many kept events to list."""

    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100


def _license(_services: Services, _data: None) -> LicenseFeatures:
    return LicenseFeatures(
        edition="open", is_valid=True,
        features=[LicenseFeature(key=k, name=n, description=d) for k, n, d in _FEATURES],
        message="This server needs no licence: every feature is enabled.",
    )


def _keep(context: OperationContext, event: TelemetryEvent) -> TelemetryAccepted:
    compat = _compat_of(services_in(context))
    settings = compat.settings()
    if settings.telemetry_store:
        key_id = context.principal.key_id if context.principal is not None else None
        compat.keep(event, key_id, settings.telemetry_max_events)
    return TelemetryAccepted(accepted=True, stored=settings.telemetry_store)


class ListClientEventsResponse(Envelope[StoredEvents]): ...


_CLIENT_ROUTE = "a T-IA Connect client's own call (licence, telemetry, local key), not an agent's"
_EVENTS, _COMPAT_SETTINGS = "/api/telemetry/client-events", "/api/settings/compatibility"
_call = partial(service_call, section=SECTION, no_mcp_tool=_CLIENT_ROUTE)

LICENSE = _call("license.features", "GET /api/license/features", "The licence's features", _license,
                output=LicenseFeatures, built_route=CallRoute("GetLicenseFeatures"),
                description="The licence: none is needed, so the edition is ``open`` with every feature enabled.")
# Not a change by the registry's measure (so not audited, see the module's docstring): a kept event is its own record.
EVENT_POST = _call("telemetry.events.post", f"POST {_EVENTS}", "Accept a client telemetry event", None, TelemetryEvent,
                   TelemetryAccepted, handler=_keep,
                   built_route=CallRoute("PostClientEvent"),
                   description="Accept a client telemetry event: dropped, or kept locally when an admin turned that "
                               "on; never sent on.",
                   message=lambda answer: "stored" if answer.stored else "accepted and dropped")
EVENTS_LIST = _call("telemetry.events.list", f"GET {_EVENTS}", "Kept telemetry events",
                    lambda services, query: _compat_of(services).events(query.limit), EventLimit, StoredEvents,
                    role=Role.ADMIN, built_route=CallRoute("ListClientEvents", ListClientEventsResponse),
                    description="Kept telemetry events, newest first (empty unless telemetryStore is on).")
EVENTS_CLEAR = _call("telemetry.events.clear", f"DELETE {_EVENTS}", "Delete every kept telemetry event",
                     lambda services, _: EventsCleared(deleted=_compat_of(services).clear()), output=EventsCleared,
                     role=Role.ADMIN, mutating=True,
                     built_route=CallRoute("ClearClientEvents"), description="Delete every kept telemetry event.",
                     message=lambda cleared: f"{cleared.deleted} event(s) deleted")
SETTINGS_GET = _call("compat.settings.get", f"GET {_COMPAT_SETTINGS}", "The local-key and telemetry settings",
                     lambda services, _: _compat_of(services).settings(), output=CompatSettings, role=Role.ADMIN,
                     built_route=CallRoute("GetCompatibilitySettings"),
                     description="The local-key and telemetry settings.")
SETTINGS_PUT = _call("compat.settings.put", f"PUT {_COMPAT_SETTINGS}", "Change the local-key and telemetry settings",
                     lambda services, update: _compat_of(services).save(update), CompatSettingsUpdate, CompatSettings,
                     role=Role.ADMIN, mutating=True,
                     built_route=CallRoute("PutCompatibilitySettings", blocking=True),  # it may revoke the key
                     description="Change the local-key and telemetry settings; turning the local key off or changing "
                                 "its role revokes the key handed out so far.",
                     message=lambda _settings: "compatibility settings saved")
# its route reads the client's address, the Host and the forwarding headers, so only the route serves it
LOCAL_KEY = _call("auth.local-key", "GET /api/auth/local-key", "The local API key, for a client on this machine",
                  None, public=True, errors=(NotFoundError, PermissionDeniedError))
CALLS = (LICENSE, EVENT_POST, EVENTS_LIST, EVENTS_CLEAR, SETTINGS_GET, SETTINGS_PUT, LOCAL_KEY)
"""The client-compatibility calls, declared once (service calls of the registry)."""


class CompatController(Controller):
    """Licence, telemetry and local key, as T-IA Connect clients call them."""

    tags = [SECTION]

    @get("/api/auth/local-key", operation_id="GetLocalKey", **declared_route(LOCAL_KEY))
    async def local_key(self, request: Request[Any, Any, Any]) -> Response[LocalKeyAnswer]:
        """The dedicated local API key, for a client on this machine (off unless an admin turned it on).

        Raises NotFoundError (404 LOCAL_KEY_DISABLED) while off, PermissionDeniedError (403 LOCAL_KEY_LOOPBACK_ONLY)
        for a client not on this machine, forwarded, or through a non-loopback Host."""
        compat = _compat(request)
        services = compat.services
        settings = compat.settings()
        client = request.scope.get("client")
        address = client[0] if client else None
        if not settings.local_key_enabled:
            raise NotFoundError("The local key is off; an admin turns it on with PUT /api/settings/compatibility "
                                "{\"localKeyEnabled\": true}", code=codes.LOCAL_KEY_DISABLED)
        try:
            _refuse_non_local(request)
        except PermissionDeniedError:
            services.audit.count_refusal(method="GET", path=request.url.path, status=403, key_id=None, role=None,
                                         client=address)
            raise
        # a key change waits for its notification on PostgreSQL: in a worker thread, not on the event loop
        key, created = await anyio.to_thread.run_sync(compat.local_key, settings.local_key_role)
        services.audit.record(
            method="GET", path=request.url.path, status=200, key_id=key.key_id, role=key.role, client=address,
            job_id=None, outcome="local key created and handed out" if created else "local key handed out",
        )
        return Response(LocalKeyAnswer(success=True, message="local key", data=key, api_key=key.api_key,
                                       timestamp=utc_now()))
