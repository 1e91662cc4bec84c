"""Health & Status routes that do not go through the operation registry."""

from __future__ import annotations

import asyncio
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from litestar import Response, get
from litestar.params import FromPath

from engineering_api.domain.devices import CATALOG_IMAGE, FindInput
from engineering_api.backend.errors import NotFoundError
from engineering_api.lib.responses import envelope_type, ok, problem_responses
from engineering_api.lib.schema import CamelStruct, utc_now

if TYPE_CHECKING:
    from litestar import Request

__all__ = ("ROUTES", "api_version")

SECTION = "Health & Status"


def api_version() -> str:
    """The installed distribution's version."""
    try:
        return version("engineering-api")
    except PackageNotFoundError:
        return "0+unknown"


class Health(CamelStruct):
    """Liveness and whether TIA is reachable."""

    status: str
    api_version: str
    backend: str
    portal_connected: bool
    project_open: bool
    worker_responsive: bool
    started_at: str


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
HealthResponse = envelope_type(Health, "GetHealthResponse")
PingResponse = envelope_type(Pong, "PingResponse")
VersionResponse = envelope_type(VersionInfo, "GetApiVersionResponse")


@get("/api/health", operation_id="GetHealth", tags=[SECTION], opt={"public": True}, responses=problem_responses(None))
async def health(request: Request[Any, Any, Any]) -> Response[HealthResponse]:
    """Quick health check: the API is up and TIA Portal is reachable. No key needed."""
    services = request.app.state.services
    try:
        status = await asyncio.wait_for(
            services.worker.call(services.backend.session_status, timeout=None, description="health"), 2.0
        )
        responsive, connected, project_open = True, status.connected, status.project_open
    except Exception:  # a stuck worker must not make the health check hang
        responsive, connected, project_open = False, False, False
    body = Health(
        status="Healthy" if responsive else "Degraded", api_version=api_version(), backend=services.backend.name,
        portal_connected=connected, project_open=project_open, worker_responsive=responsive,
        started_at=services.started_at,
    )
    return ok(body, "API is running")


@get("/api/health/ping", operation_id="Ping", tags=[SECTION], opt={"public": True}, responses=problem_responses(None))
async def ping() -> Response[PingResponse]:
    """Ping: the server answers. No key needed."""
    return ok(Pong(pong=True, time=utc_now()), "pong")


@get("/api/instance/version", operation_id="GetApiVersion", tags=[SECTION], responses=problem_responses("viewer"))
async def instance_version(request: Request[Any, Any, Any]) -> Response[VersionResponse]:
    """The API server's version."""
    return ok(
        VersionInfo(
            api_version=api_version(), product="engineering-api", backend=request.app.state.services.backend.name,
            compatible_with="T-IA Connect REST clients",
        )
    )


@get(
    "/api/catalog/images/{orderNumber:str}", operation_id="GetCatalogImage", tags=["Devices"],
    media_type="image/svg+xml",
    responses=problem_responses("viewer", params=True, worker=True, errors=(NotFoundError,)),
)
async def catalog_image(request: Request[Any, Any, Any], orderNumber: FromPath[str]) -> Response[bytes]:  # noqa: N803
    """Image of a catalog article (SVG drawn from the catalog data), or 404."""
    services = request.app.state.services
    data, media_type = await services.jobs.run_inline(CATALOG_IMAGE, FindInput(order_number=orderNumber))
    return Response(content=data, media_type=media_type, headers={"Cache-Control": "max-age=86400"})


ROUTES = (health, ping, instance_version, catalog_image)
