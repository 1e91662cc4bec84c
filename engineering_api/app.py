"""The application factory: settings in, a wired Litestar app out (the backend comes from
:mod:`engineering_api.compose`, the composition root)."""

from __future__ import annotations

import asyncio
import gc
import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.datastructures import ResponseHeader, State
from litestar.exceptions import HTTPException, NotFoundException
from litestar.config.cors import CORSConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.core import MsgspecDIPlugin

from engineering_api.backend.errors import NotFoundError
from engineering_api.backend.port import AREAS, EngineeringBackend
from engineering_api.backend.worker import TiaWorker
from engineering_api.compose import create_backend
from engineering_api.config import Settings
from engineering_api.docs import openapi_document_built
from engineering_api.web._litestar.struct_schemas import DocumentedStructSchemas
from engineering_api.console import COMPRESSED, console_routes, gzip_layer, template_config
from engineering_api.domain import (
    blockgen, blocks, catalog, compile, cross_references, designspec, devices, health, hmi, instances,
    online, projects, reflection, security, simulation, snapshots, tags, testharness, types, watch_tables,
)
from engineering_api.domain.assistant import AssistantController
from engineering_api.domain.files import FilesController
from engineering_api.domain.hmi_render import ROUTES as HMI_RENDER_ROUTES
from engineering_api.domain.compat import CompatController
from engineering_api.domain import compat as compat_calls
from engineering_api.domain import discovery as discovery_calls
from engineering_api.domain import keys as key_calls
from engineering_api.domain.assistant import routes as assistant_calls
from engineering_api.domain import global_library, library, pipelines, sourcecontrol
from engineering_api.domain.pipelines import schedules as pipeline_schedules
from engineering_api.domain.pipelines.recovery import settle_interrupted
from engineering_api.domain import system as system_calls
from engineering_api.domain.system import SystemController, saved_settings
from engineering_api.domain.testharness.junit import JunitController
from engineering_api.farm.operations import OPERATIONS as FARM_OPERATIONS
from engineering_api.snapshots import create_snapshot_service, schedule_snapshot_cleanup
from engineering_api.lib import log_escape
from engineering_api.lib.private_files import make_private_dir
from engineering_api.web.controllers import JobController
from engineering_api.jobs.manager import JobManager
from engineering_api.jobs.operations import OperationRegistry
from engineering_api.web.call_routes import build_call_routes
from engineering_api.web.routes import build_handlers
from engineering_api.lib.audit import AuditLog, audit_families
from engineering_api.lib.db import Database
from engineering_api.lib.metrics import STATE_KEY as METRICS, Metrics, metrics_route
from engineering_api.lib.head_requests import HeadForGet
from engineering_api.lib.idempotency import IdempotencyKeys
from engineering_api.lib.middleware import GuardMiddleware, unknown_route_handler
from engineering_api.lib.observability import install_request_id_records, observe_requests
from engineering_api.lib import scheduler_pools
from engineering_api.lib.scheduler_import import asyncio_scheduler
from engineering_api.lib.tls_pair import tls_families
from engineering_api.lib.tracing import Tracing, request_span_plugin, trace_port_calls, tracing_available
from engineering_api.mcp.metrics import mcp_families
from engineering_api.runtime.metrics import runtime_families
from engineering_api.web._litestar.route_map import MappedLitestar
from engineering_api.lib.paths import PathPolicy
from engineering_api.lib.request import TiaRequest
from engineering_api.lib.responses import exception_handlers
from engineering_api.lib.schema import utc_now
from engineering_api.lib.security import ApiKeyStore, ensure_admin_key
from engineering_api.lib.staging import remove_stale_staging
from engineering_api.mcp.routes import McpController, mcp_transport_routes
from engineering_api.mcp.runtime import McpRuntime
from engineering_api.push import signalr_routes, stop_push
from engineering_api.runtime.formats import RUNTIME_PREFIX, XmlResponseMiddleware
from engineering_api.runtime.service import start_runtime_monitor, stop_runtime_monitor
from engineering_api.runtime.opcua.servers import stop_opcua_servers
from engineering_api.runtime.pulls.runner import start_pulls, stop_pulls
from engineering_api.runtime.pushes.outbox import start_pushes, stop_pushes
from engineering_api.runtime import ROUTES as RUNTIME_ROUTES
from engineering_api.runtime.actions import RUNTIME_OPERATIONS
from engineering_api.runtime.connection_calls import CONNECTION_OPERATIONS
from engineering_api.runtime.opcua.calls import OPCUA_OPERATIONS
from engineering_api.runtime.pulls.calls import PULL_OPERATIONS
from engineering_api.runtime.pushes.calls import PUSH_OPERATIONS
from engineering_api.runtime.user_calls import USER_OPERATIONS
from engineering_api.runtime.on_worker import APP_LOOP
from engineering_api.services import Services
from engineering_api.swagger import swagger_routes

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar.plugins import PluginProtocol

    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.farm.proxy import FarmBackendBase

__all__ = ("create_app", "create_backend", "create_services", "registry", "running")

logger = logging.getLogger("engineering_api")

DESCRIPTION = (
    "Automates Siemens TIA Portal engineering over REST, compatible with T-IA Connect clients. "
    "Send `X-API-Key` on every call except `GET /api/health`. Success bodies are "
    "`{success, message, data, timestamp}`; errors use real HTTP status codes with an RFC 9457 body that also "
    "carries `success: false`, `message` and a stable `code`. Long operations answer 202 with `data.jobId`; "
    "poll `GET /api/jobs/{jobId}` or stream `GET /api/jobs/{jobId}/events`, or call the `-sync` twin."
)


class _ServiceApp(MappedLitestar, HeadForGet):
    """The service's Litestar app: HEAD on every GET route (lib/head_requests.py), without the start's look for
    OpenTelemetry's middleware."""

    @staticmethod
    def _patch_opentelemetry_middleware(config: AppConfig) -> AppConfig:
        # Litestar moves OpenTelemetry's ASGI middleware, when an app lists it as middleware, into its plugin, and
        # imports that plugin (with ~57 OpenTelemetry modules) at every start to find out. This app never lists
        # it: its request span comes as the plugin itself (lib/tracing.request_span_plugin, tracing on only).
        return config

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        # Litestar adds its pydantic plugins when pydantic is installed and its attrs plugin when attrs is: ~90
        # modules imported at start (pydantic's models compiled among them), each route's every parameter offered
        # to them. No route of this app takes or answers a pydantic model or an attrs class (pydantic is the MCP
        # SDK's, which validates its own messages): msgspec's dependency plugin is the one default it uses.
        return [*plugins, MsgspecDIPlugin()]


def registry() -> OperationRegistry:
    """Every operation the service offers."""
    operations = OperationRegistry()
    operations.add(
        *instances.OPERATIONS, *projects.OPERATIONS, *devices.OPERATIONS, *catalog.OPERATIONS, *blockgen.OPERATIONS,
        *designspec.OPERATIONS,
        *blocks.OPERATIONS, *cross_references.OPERATIONS, *compile.OPERATIONS, *tags.OPERATIONS, *types.OPERATIONS,
        *snapshots.OPERATIONS,
        *simulation.OPERATIONS, *online.OPERATIONS, *watch_tables.OPERATIONS, *testharness.OPERATIONS,
        *sourcecontrol.OPERATIONS, *pipelines.OPERATIONS, *health.OPERATIONS, *reflection.OPERATIONS,
        *security.OPERATIONS, *hmi.OPERATIONS, *library.OPERATIONS, *global_library.OPERATIONS, *FARM_OPERATIONS,
        *RUNTIME_OPERATIONS, *USER_OPERATIONS, *CONNECTION_OPERATIONS, *OPCUA_OPERATIONS, *PUSH_OPERATIONS,
        *PULL_OPERATIONS,
        *system_calls.CALLS, *key_calls.CALLS, *discovery_calls.CALLS, *health.CALLS, *compat_calls.CALLS,
        *assistant_calls.CALLS,
    )
    return operations


def _worker_for(settings: Settings, backend: EngineeringBackend) -> Any:
    # Embedded: one thread for the one portal. A farm: one per caller, each caller's portal being on an agent.
    if settings.farm_url:
        from engineering_api.farm import FarmWorker
        from engineering_api.farm.proxy import FarmBackendBase

        watch_unknown = backend.watch_unknown if isinstance(backend, FarmBackendBase) else None
        return FarmWorker(backend.on_worker_thread_started, watch_unknown)
    return TiaWorker(backend.on_worker_thread_started)


def create_services(settings: Settings, backend: EngineeringBackend | None = None) -> Services:
    """Open the database, keys and worker; apply settings saved through the API."""
    make_private_dir(settings.data_dir)
    db = Database(settings.database_target, data_dir=settings.data_dir)
    settings = settings.with_saved(saved_settings(db))
    for root in settings.roots:
        root.mkdir(parents=True, exist_ok=True)
    backend = backend or create_backend(settings)
    worker = _worker_for(settings, backend)
    paths = PathPolicy.for_data_dir(settings.data_dir, settings.roots)
    keys = ApiKeyStore(db)
    services = Services(
        settings=settings, db=db, keys=keys, audit=AuditLog(db), paths=paths, worker=worker, backend=backend,
        jobs=JobManager(db, worker, backend, settings, paths), operations=registry(),
    )
    services.idempotency = IdempotencyKeys(db, settings.job_retention_hours)
    services.jobs.snapshots = create_snapshot_service(services)
    services.jobs.operations = services.operations
    return services


def _start_scheduler(services: Services) -> Any:
    scheduler = asyncio_scheduler()(timezone="UTC", executors=scheduler_pools.executors())
    scheduler.add_job(
        lambda: services.jobs.sweep(), "interval", minutes=services.settings.sweep_interval_minutes,
        id="job-retention-sweep", replace_existing=True, coalesce=True, max_instances=1,
        executor=scheduler_pools.HOUSEKEEPING,
    )
    if services.backend.name == "farm":  # sessions of revoked keys give their agents back (projects closed)
        scheduler.add_job(lambda: _end_revoked_sessions(services), "interval", seconds=60, id="farm-session-sweep",
                          replace_existing=True, coalesce=True, max_instances=1, executor=scheduler_pools.HOUSEKEEPING)
    schedule_snapshot_cleanup(scheduler, services)
    scheduler.start()
    pipeline_schedules.attach(scheduler, services)
    return scheduler


def _end_revoked_sessions(services: Services) -> None:
    from redis.exceptions import RedisError

    from engineering_api.farm.proxy import FarmBackendBase  # farm mode only: kombu and redis are loaded then

    backend = services.backend
    assert isinstance(backend, FarmBackendBase), "the session sweep is scheduled in farm mode only"
    revoked = {key.key_id for key in services.keys.list() if key.revoked_at is not None}
    try:
        backend.sweep_sessions(revoked)
    except RedisError:
        logger.warning("farm session sweep: Redis is unreachable; trying again at the next sweep")


def _farm_of(services: Services) -> FarmBackendBase | None:
    """The farm backend, when the service runs on one."""
    if services.backend.name != "farm":
        return None
    from engineering_api.farm.proxy import FarmBackendBase

    assert isinstance(services.backend, FarmBackendBase)  # the farm backend is the only one named "farm"
    return services.backend


@asynccontextmanager
async def running(services: Services) -> AsyncIterator[None]:
    """Start what serving needs (worker, portal, scheduler) and stop it again: the app's lifespan, and the
    in-process stdio MCP server's."""
    services.started_at = utc_now()
    farm = _farm_of(services)
    if farm is not None:  # jobs whose calls still run on agents end with their real state; several nodes may
        # share the database: not the jobs a live one runs
        from engineering_api.farm.failover import staging_lease_alive
        from engineering_api.farm.reattach import hand_over_jobs, reattach_jobs

        finished = reattach_jobs(services.jobs, farm)
        if finished:
            logger.warning("%d job(s) of stopped API nodes were ended or re-attached to their calls", finished)
    elif interrupted := services.jobs.fail_interrupted():
        logger.warning("%d job(s) from the previous run were marked Failed (interrupted by restart)", interrupted)
    settled = settle_interrupted(services.jobs.state, lambda job_id: _job_running(services, job_id))
    if settled:
        logger.warning("%d pipeline execution(s) from the previous run were settled as Failed (interrupted by "
                       "restart)", len(settled))
    # before any job of this node; a folder another live node or agent works in names its owner and is kept
    remove_stale_staging(services.settings.roots, None if farm is None else staging_lease_alive(farm))
    created = ensure_admin_key(services.keys, services.settings.secret_path)
    if created:
        logger.warning("first start: an admin API key was written to %s (mode 0600)", created)
    services.worker.start()
    services.notes[APP_LOOP] = asyncio.get_running_loop()  # threads reach the worker through it (runtime.on_worker)
    if services.backend.name == "fake" and services.settings.fake_auto_launch:
        await services.worker.call(_auto_launch(services.backend), timeout=30, description="start portal")
    services.scheduler = _start_scheduler(services)
    try:
        yield
    finally:
        try:
            pipeline_schedules.detach(services)
            services.scheduler.shutdown(wait=False)
            own = services.jobs.supervised()
            await services.jobs.shutdown()
            services.worker.stop()
            # Jobs that could not finish are marked now, not only at the next start, so none stays Running; a
            # farm node's calls may still run on agents: its own jobs are handed over by their journals.
            if farm is not None:
                hand_over_jobs(services.jobs, farm, own)
            else:
                services.jobs.fail_interrupted()
        finally:
            services.backend.close()  # stops free-running simulated CPUs even if a step above failed


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Litestar:
    """Build the application. Pass ``services`` to share state between apps (restart tests)."""
    log_escape.install()  # before anything logs: no logged value can start a line of its own
    settings = settings or Settings.from_env()
    if settings.tracing and not tracing_available():  # the start stops with its reason
        raise ValueError("tracing needs OpenTelemetry: pip install 'engineering-api[tracing]'")
    services = services or create_services(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        mcp.start_warming()  # in a thread, while the portal and the scheduler start
        try:
            async with running(services), mcp.run():
                start_runtime_monitor(services)  # alarms and logging go on after a restart
                start_pushes(services)  # pending deliveries of scheduled pushes go out after a restart too
                start_pulls(services)  # pulls with an interval fetch again
                # What start-up built (modules, classes, routes, the portal: ~320k objects) lives as long as the app.
                # Frozen, a full collection no longer walks it: those took half the CPU of the pipeline's import of
                # 200 blocks (1.1 of 2.4 s, 8 full collections; gc.freeze, docs.python.org/3/library/gc.html).
                # No collection first, though the gc docs advise one: a full collection walks the whole heap, which in
                # a process that starts many apps (the test suite's OpenAPI gate starts one per operation) cost ~0.65 s
                # per start. Start-up leaves ~100 unreachable objects, or, served, where the collector is held for the
                # whole start (asgi.hold_collections), its ~116,000 objects of cyclic garbage (~2 MB).
                gc.freeze()
                mcp.start_ended()  # the MCP warm-up's schemas are built from now on, not beside the start's last steps
                try:
                    yield
                finally:
                    gc.unfreeze()  # the app's objects may be collected again once it stops (tests start many apps)
                    await stop_pulls(services)
                    stop_pushes(services)
                    stop_runtime_monitor(services)
                    await stop_push(services)
                    stop_opcua_servers(services)
        finally:
            mcp.start_ended()  # a start that failed ends too: the warm-up thread never waits for good

    # The MCP runtime belongs to the app (its sessions live as long as the app serves), like the route handlers.
    mcp = McpRuntime(services)
    metrics = Metrics(lambda: services.db, lambda: services.jobs.live_records())
    _observe_parts(metrics, services, mcp, Tracing.on() if settings.tracing else Tracing.OFF)
    cors = CORSConfig(allow_origins=list(settings.cors_origins),
                      expose_headers=["Location", "Retry-After", "X-Job-Id"]) if settings.cors_origins else None
    app = _ServiceApp(
        route_handlers=[
            *health.ROUTES,
            *HMI_RENDER_ROUTES,
            *build_handlers(services.operations),
            JobController,
            SystemController,
            McpController,
            AssistantController,
            FilesController,
            CompatController,
            JunitController,
            # after the controllers: Litestar merges a route into a controller's path only in this order
            *build_call_routes(services.operations.service_calls()),
            *mcp_transport_routes(),
            *signalr_routes(),
            *RUNTIME_ROUTES,
            *swagger_routes(),
            *console_routes(),
            metrics_route,
        ],
        template_config=template_config(),
        lifespan=[lifespan],
        # field docstrings as OpenAPI property descriptions; the request span when tracing is on
        plugins=[DocumentedStructSchemas(), *([request_span_plugin()] if settings.tracing else [])],
        # The route's one middleware. It makes the other layers and uses each only where it acts: gzip when the
        # client asks (the console's pages and REST answers of 16 KiB or more, console/compression.py), and the
        # runtime API's XML answers around the guard itself, so its refusals are converted too.
        middleware=[DefineMiddleware(GuardMiddleware, services=services, gzip=gzip_layer(),
                                     converted=(RUNTIME_PREFIX, XmlResponseMiddleware))],
        exception_handlers=_exception_handlers(services),
        request_class=TiaRequest,
        request_max_body_size=settings.max_body_bytes,
        # RFC 6797: only over HTTPS served here (a proxy that terminates TLS sets its own)
        response_headers=[ResponseHeader(name="Strict-Transport-Security", value=f"max-age={settings.hsts_seconds}")]
        if settings.tls_cert_file and settings.hsts_seconds > 0 else None,
        cors_config=cors,
        debug=settings.debug,
        # The process's log is the CLI's (``--log-level``, lib/observability.configure_logging), and unhandled errors
        # are logged by their handler (lib/responses.py). Litestar's default configuration would replace the root
        # logger's handlers and level at start: every library's INFO lines in its own format, whatever was asked.
        logging_config=None,
        openapi_config=OpenAPIConfig(
            title="engineering-api",
            version=health.api_version(),
            description=DESCRIPTION,
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            # The document describes the API, not data: Swagger UI must fetch it without a key. It does not list
            # its own routes (as Litestar's default router does not): it cannot describe itself as a schema. It is
            # built by the first request for it, off the event loop (see docs.openapi_document). It is some 2 MB of
            # JSON that Swagger UI fetches at every visit: compressed for a gzip client like the console's pages (it
            # is not under /api/, whose large answers are compressed by path).
            openapi_router=Router(path="/schema", route_handlers=[], opt={"public": True, COMPRESSED: True},
                                  include_in_schema=False, before_request=openapi_document_built),
            components=Components(
                security_schemes={
                    "ApiKey": SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header"),
                    # The runtime API's users (engineering_api.runtime) log in for a token instead of holding a key.
                    "RuntimeBearer": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
            security=[{"ApiKey": []}],
            use_handler_docstrings=True,
        ),
        state=State({"services": services, "mcp": mcp, METRICS: metrics}),
    )
    # outermost: every request, routed or not, gets its id, its access log line, its count and its path checked
    install_request_id_records()
    app.asgi_handler = observe_requests(app.asgi_handler, settings, metrics.observe)
    return app


def _observe_parts(metrics: Metrics, services: Services, mcp: McpRuntime, tracing: Tracing) -> None:
    """The metrics of jobs (as each ends), MCP, the runtime and, in farm mode, the agents (read at each scrape);
    the spans of jobs and farm calls."""
    services.jobs.tracing = tracing
    services.jobs.on_ended(lambda job, waited, ran: metrics.job_ended(job.operation, job.status, waited, ran))
    metrics.add_scraped(mcp_families(mcp.sessions))
    metrics.add_scraped(runtime_families(services))
    metrics.add_scraped(audit_families(lambda: services.audit))
    if services.settings.tls_cert_file:  # HTTPS served by ``serve``: its refused certificate renewals
        metrics.add_scraped(tls_families(services.settings.data_dir))
    if services.backend.name == "farm":
        from engineering_api.farm.metrics import farm_families  # farm mode only: redis is loaded then
        from engineering_api.farm.proxy import FarmBackendBase

        assert isinstance(services.backend, FarmBackendBase)
        metrics.add_scraped(farm_families(services.backend.registry))
        services.backend.tracing = tracing
    else:  # embedded: the port's calls, and its areas', in spans (as the farm's proxy makes them)
        trace_port_calls(tracing, services.backend, EngineeringBackend)
        for area, port in AREAS.items():
            if hasattr(services.backend, area):
                trace_port_calls(tracing, getattr(services.backend, area), port, f"{area}.")


def _exception_handlers(services: Services) -> dict[type[Exception] | int, Any]:
    """The error answers, with an unknown path checked for a key before its 404 (see unknown_route_handler)."""
    handlers = exception_handlers()
    handlers[NotFoundException] = unknown_route_handler(services, handlers[HTTPException])
    return handlers


def _job_running(services: Services, job_id: str) -> bool:
    """Whether a job is still running (a farm re-attaches jobs whose calls go on on agents)."""
    try:
        return services.jobs.get(job_id).status in ("Pending", "Running")
    except NotFoundError:  # swept: it ended long ago
        return False


def _auto_launch(backend: EngineeringBackend) -> Any:
    """The fake starts like a workstation where TIA Portal is already running and attached."""

    def launch() -> None:
        if not backend.session_status().connected:
            backend.launch_portal(with_ui=False, version=None)

    return launch
