"""``GET /api/farm/agents``: the farm's TIA hosts, as an operator watches them."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Any

from litestar import Response, get

from engineering_api.lib.caller import current_caller
from engineering_api.lib.responses import envelope_type, ok, problem_responses
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from litestar import Request

__all__ = ("ROUTES", "FarmAgent", "FarmStatus")


class FarmAgent(CamelStruct, kw_only=True):
    """One live agent."""

    name: str
    host: str
    pid: int
    backend: str
    tia_versions: list[str]
    open_project: str | None = None
    current_call: str | None = None
    """The port method it is running (with the job when known); null when idle."""
    calls_done: int = 0
    held: bool = False
    """A caller holds it (its project is open there); only that caller's calls go to it."""
    held_by_you: bool = False
    heartbeat_at: str
    started_at: str


class FarmStatus(CamelStruct):
    """The mode the server runs in and, in farm mode, its agents."""

    mode: str
    """``embedded`` (one in-process backend) or ``farm``."""
    broker: str | None = None
    """The broker's address without credentials."""
    agents: list[FarmAgent] = []


FarmStatusResponse = envelope_type(FarmStatus, "GetFarmAgentsResponse")


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _public_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url


def _status(backend: Any, caller: str | None) -> FarmStatus:
    registry = backend.registry
    agents = []
    for record in registry.agents():
        holder = registry.claimed_by(record.name)
        agents.append(FarmAgent(
            name=record.name, host=record.host, pid=record.pid, backend=record.backend,
            tia_versions=record.tia_versions, open_project=record.open_project, current_call=record.current_call,
            calls_done=record.calls_done, held=holder is not None, held_by_you=holder is not None and holder == caller,
            heartbeat_at=_iso(record.heartbeat_at), started_at=_iso(record.started_at),
        ))
    return FarmStatus(mode="farm", broker=_public_url(backend.config.broker_url), agents=agents)


@get("/api/farm/agents", operation_id="GetFarmAgents", tags=["Farm"], responses=problem_responses("viewer"))
async def farm_agents(request: Request[Any, Any, Any]) -> Response[FarmStatusResponse]:
    """The farm's agents: TIA versions, open project, current call and heartbeat (embedded mode: none)."""
    backend = request.app.state.services.backend
    if backend.name != "farm":
        return ok(FarmStatus(mode="embedded"))
    caller = current_caller.get()
    status = await asyncio.get_running_loop().run_in_executor(None, _status, backend, caller)
    return ok(status, f"{len(status.agents)} agent(s)")


ROUTES = (farm_agents,)
