"""Health & Status: health, ping and version (service calls whose routes are built from them), a catalog article's
image, and the server's own stop.

``POST /api/health/shutdown`` (T-IA Connect's "Disconnect and stop server" posts it) is an operation: admin only,
audited, destructive with a ``dryRun`` preview. It answers 202 with a job; the job runs on the TIA worker after the
jobs queued before it, so those finish first, then asks the process that serves the app to stop as on Ctrl+C
(granian's graceful stop, which runs the app's shutdown; jobs that could not finish are marked Failed there). Only
a server that can be stopped from inside has a stopper: ``engineering_api.asgi.create`` installs one (POSIX: SIGTERM
to ``engineering-api serve``, or to the process itself under another ASGI server). An app built in-process (tests,
an embedding program) or on Windows has none, and the job fails with 501 ``SHUTDOWN_NOT_SUPPORTED``.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from litestar import Response, get
from litestar.params import FromPath

from engineering_api.domain.catalog import CATALOG_IMAGE, FindInput
from engineering_api.backend.errors import NotFoundError, NotSupportedError
from engineering_api.errors import codes
from engineering_api.web.call_routes import service_call, services_in
from engineering_api.jobs.operations import CallRoute, Operation, OperationContext, RouteSpec
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.responses import Envelope, problem_responses
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.security import Role
from engineering_api.lib.tls_pair import refused_reload
from engineering_api.lib.version import api_version

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Request

    from engineering_api.services import Services

__all__ = ("CALLS", "OPERATIONS", "ROUTES", "Stopper", "api_version", "install_stopper")

SECTION = "Health & Status"


class Health(CamelStruct):
    """Liveness, whether TIA is reachable and whether the service's own database is: ``Degraded`` (with the
    ``reasons``) when the worker does not answer or the database cannot be reached. ``warnings``: what an operator
    must fix though the node serves (a refused certificate renewal: the previous certificate is still served)."""

    status: str
    api_version: str
    backend: str
    portal_connected: bool
    project_open: bool
    worker_responsive: bool
    database_reachable: bool
    started_at: str
    reasons: list[str] = []
    warnings: list[str] = []


class VersionInfo(CamelStruct):
    """Server and API versions."""

    api_version: str
    product: str
    backend: str
    compatible_with: str


class Pong(CamelStruct):
    """The server answers."""

    pong: bool
    time: str


# Typed envelopes, so the document (and the regression gate) knows the payload of each answer.
class GetHealthResponse(Envelope[Health]): ...


def _version(services: Services, _data: None) -> VersionInfo:
    return VersionInfo(api_version=api_version(), product="engineering-api", backend=services.backend.name,
                       compatible_with="T-IA Connect REST clients")


_OF_THE_SESSION = "an MCP client sees the server through its session (the MCP ping and the tools' errors)"
_call = partial(service_call, section=SECTION, no_mcp_tool=_OF_THE_SESSION)


async def _health(context: OperationContext, _data: None) -> Health:
    """The API's health: whether the TIA worker (or the farm) answers, within 2 s, and the database does."""
    services = services_in(context)
    # A backend that answers for several hosts (a farm) says itself whether they are reachable: asking one of them
    # through the worker would wait behind its running call, and a busy host is a healthy one.
    own_health: Callable[[], tuple[bool, bool, bool]] | None = getattr(services.backend, "reachability", None)
    try:
        if own_health is not None:
            responsive, connected, project_open = await asyncio.wait_for(asyncio.to_thread(own_health), 2.0)
        else:
            status = await asyncio.wait_for(
                services.worker.call(services.backend.session_status, timeout=None, description="health"), 2.0
            )
            responsive, connected, project_open = True, status.connected, status.project_open
    except Exception:  # a stuck worker (or an unreachable farm) must not make the health check hang
        responsive, connected, project_open = False, False, False
    reasons = [] if responsive else ["the TIA worker does not answer"]
    database_fault = services.db.probe()  # a load balancer must see a node whose database is gone
    if database_fault is not None:
        reasons.append(database_fault)
    warnings = []
    if services.settings.tls_cert_file and (refused := refused_reload(services.settings.data_dir)[0]) is not None:
        warnings.append(f"certificate reload refused: {refused}; the previous certificate is still served")
    return Health(
        status="Degraded" if reasons else "Healthy", api_version=api_version(), backend=services.backend.name,
        portal_connected=connected, project_open=project_open, worker_responsive=responsive,
        database_reachable=database_fault is None, started_at=services.started_at, reasons=reasons,
        warnings=warnings,
    )


# it waits for the TIA worker (or the farm) with a bound, on the event loop: its route awaits it
HEALTH = _call("health.get", "GET /api/health", "Quick health check", handler=_health, output=Health, public=True,
               built_route=CallRoute("GetHealth", GetHealthResponse),
               description="Quick health check: the API is up and TIA Portal is reachable. No key needed.",
               message=lambda _: "API is running")
PING = _call("health.ping", "GET /api/health/ping", "Ping", lambda _services, _data: Pong(pong=True, time=utc_now()),
             output=Pong, public=True, built_route=CallRoute("Ping"),
             description="Ping: the server answers. No key needed.",
             message=lambda _: "pong")
VERSION = _call("instance.version", "GET /api/instance/version", "The API server's version", _version,
                output=VersionInfo, no_mcp_tool="MCP's initialize answers the server's version",
                built_route=CallRoute("GetApiVersion"), description="The API server's version.")
CALLS = (HEALTH, PING, VERSION)
"""The health calls, declared once (service calls of the registry)."""


@get(
    "/api/catalog/images/{orderNumber:str}", operation_id="GetCatalogImage", tags=["Devices"],
    media_type="image/svg+xml",
    responses=problem_responses("viewer", params=True, worker=True, errors=(NotFoundError,)),
)
async def catalog_image(request: Request[Any, Any, Any], orderNumber: FromPath[str]) -> Response[bytes]:
    """Image of a catalog article (SVG drawn from the catalog data), or 404."""
    services = request.app.state.services
    data, media_type = await services.jobs.run_inline(CATALOG_IMAGE, FindInput(order_number=orderNumber))
    return Response(content=data, media_type=media_type, headers={"Cache-Control": "max-age=86400"})


ROUTES = (catalog_image,)


# ----- stopping the server ---------------------------------------------------------------------------------------
STOP_DELAY_SECONDS = 0.5
"""The stop is sent this long after the shutdown job returns, so its Completed state is recorded (and pushed) first."""


@dataclass(frozen=True)
class Stopper:
    """How the process serving this app is asked to stop gracefully (installed by the server entry point)."""

    pid: int
    """The process that receives the stop: ``engineering-api serve``, or this process under another server."""
    how: str
    """What is done, for the preview and the answer (``SIGTERM to engineering-api serve (pid 4711)``)."""
    grace_seconds: float
    """How long requests and jobs still running get before the server ends them."""
    stop: Callable[[], None]


_stopper: Stopper | None = None
_stopping = threading.Event()


def install_stopper(stopper: Stopper | None) -> None:
    """Set (or with None remove) how this process is stopped; the last one installed wins."""
    global _stopper
    _stopper = stopper
    _stopping.clear()


class ShutdownInfo(CamelStruct):
    """The stop was requested: the server stops within ``graceSeconds``."""

    pid: int
    how: str
    grace_seconds: float
    requested_at: str


def _installed() -> Stopper:
    """The stopper, or why this server cannot stop itself.

    Raises:
        NotSupportedError: no stopper is installed (``SHUTDOWN_NOT_SUPPORTED``).
    """
    if _stopper is None:
        raise NotSupportedError(
            "This server cannot stop itself: it was not started by 'engineering-api serve' (or an ASGI server "
            "through engineering_api.asgi:create) on a POSIX system; stop it where it was started.",
            code=codes.SHUTDOWN_NOT_SUPPORTED,
        )
    return _stopper


def _preview_shutdown(_: OperationContext, __: None) -> Preview:
    """What stopping would do: the process, and what happens to jobs (nothing is stopped)."""
    stopper = _installed()
    return plan(
        f"Would stop this server gracefully ({stopper.how}); jobs queued before the stop finish first, requests and "
        f"jobs still running get {stopper.grace_seconds:g} s, and jobs that cannot finish are marked Failed.",
        [PlannedChange(action="stop", kind="server", name=f"pid {stopper.pid}", detail=stopper.how)],
        ["Every client loses the server until someone starts it again."],
    )


def _shutdown(_: OperationContext, __: None) -> ShutdownInfo:
    """Ask the serving process to stop, a moment after this job is recorded as Completed."""
    stopper = _installed()
    if not _stopping.is_set():  # a second request while stopping changes nothing
        _stopping.set()
        timer = threading.Timer(STOP_DELAY_SECONDS, stopper.stop)
        timer.daemon = True
        timer.start()
    return ShutdownInfo(pid=stopper.pid, how=stopper.how, grace_seconds=stopper.grace_seconds, requested_at=utc_now())


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="health.shutdown",
        summary="Stop this server gracefully (admin): jobs queued before finish first; answers 202 with a job.",
        section=SECTION, handler=_shutdown, input=None, output=ShutdownInfo,
        async_route=RouteSpec("POST", "/api/health/shutdown"), role=Role.ADMIN, destructive=True,
        preview=_preview_shutdown, errors=(NotSupportedError,),
        description="T-IA Connect's client posts it for \"Disconnect and stop server\". The process serving the "
                    "app gets the stop a Ctrl+C gives (granian's graceful stop and the app's shutdown); a server "
                    "started another way answers 501 SHUTDOWN_NOT_SUPPORTED in the job.",
    ),
)
