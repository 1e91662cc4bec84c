"""The farm's own operations: ``GET /api/farm/agents``, an admin's release of an agent a caller holds, and an
admin's drain (and resume) of an agent for maintenance.

They are registry operations like every other (routes, OpenAPI, roles, audit, MCP tools, dry runs follow), and
answer from the farm's registry in Redis; an embedded server lists no agents and has none to release (501).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from engineering_api.backend.errors import NotFoundError, NotSupportedError, PortalUnavailableError
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.caller import DEFAULT_SESSION, current_caller
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Role

if TYPE_CHECKING:
    from engineering_api.farm.proxy import FarmBackendBase
    from engineering_api.farm.registry import AgentRecord, Claim
    from engineering_api.jobs.operations import OperationContext

__all__ = ("OPERATIONS", "AgentDrain", "AgentRelease", "FarmAgent", "FarmStatus", "HeldProject", "LastCall")

SECTION = "Farm"


class HeldProject(CamelStruct):
    """A project an agent holds open, and the token every call on it must carry."""

    path: str
    fencing_token: int | None = None


class LastCall(CamelStruct):
    """The last call an agent ran to its end."""

    method: str
    ended_at: str
    seconds: float
    ok: bool
    """False when it ended in an error (the port method raised, or the call was canceled)."""
    request_id: str | None = None
    """The id of the request it served (``X-Request-ID``), as the agent logged it."""


class FarmAgent(CamelStruct, kw_only=True):
    """One live agent."""

    name: str
    instance_id: str
    """This run of the agent process: a restarted agent has a new one."""
    host: str
    pid: int
    backend: str
    tia_versions: list[str]
    open_project: str | None = None
    projects: list[HeldProject] = []
    """The projects the agent holds, each with the fencing token of its ownership (a portal holds one)."""
    closing: bool = False
    """Its holder gave up on a call; the agent closes the project and is free once it has."""
    current_call: str | None = None
    """The port method it is running; null when idle."""
    calls_done: int = 0
    held: bool = False
    """A caller holds it (its project is open there); only that caller's calls go to it."""
    held_by_you: bool = False
    holder: str | None = None
    """Who holds it: ``default`` (requests naming no session) or ``<keyId>/<session>`` (the API key's id, never the
    key); null when free."""
    held_since: str | None = None
    """When its holder claimed it."""
    queue: str
    """Its Celery queue (Flower and ``celery events`` show the calls by it)."""
    draining: bool = False
    """Taken out of service: no new holder and no free call; its holder keeps it until it closes its project."""
    calls_failed: int = 0
    """Calls (of ``callsDone``) that ended in an error."""
    call_seconds_total: float = 0.0
    """The time its calls ran, summed since the agent started (divided by ``callsDone``: the mean)."""
    last_call: LastCall | None = None
    heartbeat_at: str
    started_at: str


class FarmStatus(CamelStruct):
    """The mode the server runs in and, in farm mode, its agents."""

    mode: str
    """``embedded`` (one in-process backend) or ``farm``."""
    broker: str | None = None
    """The broker's address without credentials."""
    agents: list[FarmAgent] = []


class AgentRef(CamelStruct):
    """An agent by name."""

    agent_name: str
    """Name of the farm agent, as the agent list shows it."""


class AgentDrain(CamelStruct):
    """An agent's service state after a drain or a resume."""

    agent_name: str
    draining: bool
    holder: str | None = None
    """The caller still holding it (its session goes on until it closes its project); null when none."""
    current_call: str | None = None
    """The call it runs now; with no holder and no call, a drained agent may be stopped."""


class AgentRelease(CamelStruct):
    """What releasing an agent did."""

    agent_name: str
    closed_project: str | None = None
    discarded_unsaved_changes: bool = False


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _public_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url


def _farm(ctx: OperationContext) -> FarmBackendBase | None:
    return cast("FarmBackendBase", ctx.backend) if getattr(ctx.backend, "name", None) == "farm" else None


def _status(ctx: OperationContext, _: None) -> FarmStatus:
    farm = _farm(ctx)
    if farm is None:
        return FarmStatus(mode="embedded")
    # the request's caller, as the dispatcher names it (this handler runs off the TIA workers: needs_tia)
    caller = current_caller.get() or DEFAULT_SESSION
    agents = []
    with _reachable():
        drained = farm.registry.drained()
        for record in farm.registry.agents():
            claim = farm.registry.claim_record(record.name)
            holder = claim["caller"] if claim else None
            last = record.last_call
            agents.append(FarmAgent(
                name=record.name, instance_id=record.instance, host=record.host, pid=record.pid,
                backend=record.backend, tia_versions=record.tia_versions, open_project=record.open_project,
                projects=[HeldProject(path=record.open_project, fencing_token=record.fence)] if record.open_project
                else [], closing=bool(claim and claim.get("closing")), current_call=record.current_call,
                calls_done=record.calls_done, held=holder is not None,
                held_by_you=holder is not None and holder == caller,
                holder=holder, held_since=_iso(claim["at"]) if claim and claim.get("at") else None,
                queue=record.queue, draining=record.name in drained, calls_failed=record.calls_failed,
                call_seconds_total=round(record.call_seconds, 6),
                last_call=LastCall(method=last["method"], ended_at=_iso(last["endedAt"]), seconds=last["seconds"],
                                   ok=last["ok"], request_id=last.get("requestId")) if last else None,
                heartbeat_at=_iso(record.heartbeat_at), started_at=_iso(record.started_at),
            ))
    return FarmStatus(mode="farm", broker=_public_url(farm.config.broker_url), agents=agents)


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Redis away: the farm's routes answer 503 ``FARM_BROKER_UNREACHABLE``, never 500."""
    from redis.exceptions import RedisError  # only in farm mode: an embedded server's start does not import redis

    try:
        yield
    except RedisError as exc:
        raise PortalUnavailableError(f"The farm's Redis is unreachable ({exc}); retry when it is back.",
                                     code=codes.FARM_BROKER_UNREACHABLE,
                                     details={"cause": "FARM_BROKER_UNREACHABLE"}) from exc


def _agent(ctx: OperationContext, name: str) -> tuple[FarmBackendBase, AgentRecord]:
    """The farm and the named live agent.

    Raises:
        NotSupportedError: ``FARM_NOT_CONFIGURED``: the server runs embedded.
        NotFoundError: ``AGENT_NOT_FOUND``: no live agent of that name.
    """
    farm = _farm(ctx)
    if farm is None:
        raise NotSupportedError("This server runs embedded (one in-process backend): it has no farm agents. Start "
                                "it with 'engineering-api serve --farm <broker>'.", code=codes.FARM_NOT_CONFIGURED)
    with _reachable():
        record = farm.registry.agent(name)
        live = [a.name for a in farm.registry.agents()] if record is None else []
    if record is None:
        raise NotFoundError(f"No live farm agent named {name!r}; live agents: {', '.join(live) or 'none'}.",
                            code=codes.AGENT_NOT_FOUND, details={"liveAgents": live})
    return farm, record


def _agent_or_gone(ctx: OperationContext, name: str) -> tuple[FarmBackendBase, AgentRecord | None, str | None]:
    """The farm, the named agent's record (None: gone) and the caller its claim names. A gone agent is found
    while a claim still names it (its host died holding a session's project).

    Raises:
        NotSupportedError: ``FARM_NOT_CONFIGURED``: the server runs embedded.
        NotFoundError: ``AGENT_NOT_FOUND``: no live agent of that name and no claim naming one.
    """
    farm = _farm(ctx)
    if farm is not None:
        with _reachable():
            claim = farm.registry.claim_record(name)
            record = farm.registry.agent(name)
        if record is None and claim is not None:
            return farm, None, str(claim.get("caller"))
    farm, record = _agent(ctx, name)
    return farm, record, None


def _admin(record: AgentRecord) -> Claim:
    """An administrator's call to ``record``'s instance: it may end any ownership (see the agent's fences)."""
    from engineering_api.farm.registry import Claim

    return Claim(record.name, record.instance, record.fence)


def _unsaved(farm: FarmBackendBase, record: AgentRecord) -> bool:
    status = farm._send(_admin(record), "session_status", (), {}, None, fence={"override": True})
    return bool(status.has_unsaved_changes)


def _preview_release(ctx: OperationContext, d: AgentRef) -> Preview:
    farm, record, gone_holder = _agent_or_gone(ctx, d.agent_name)
    if record is None:
        return plan(f"Agent {d.agent_name!r} is gone (its lease lapsed): would end the claim of {gone_holder}, so "
                    "the project it held can be opened on another agent from its last save (its unsaved changes "
                    "went with the agent).", [])
    with _reachable():
        holder = farm.registry.claimed_by(record.name)
    if record.open_project is None and holder is None:
        return plan(f"Agent {record.name!r} is free: releasing it changes nothing.", [])
    changes = [PlannedChange(action="close", kind="project", name=record.open_project or "(none)",
                             detail=f"on agent {record.name}")] if record.open_project else []
    warnings = ["Its unsaved changes would be lost: the project is closed without saving."] if (
        record.open_project and _unsaved(farm, record)) else []
    return plan(f"Would close the project open on agent {record.name!r} without saving and give the agent back, so "
                "the caller that held it loses it.", changes, warnings)


def _release(ctx: OperationContext, d: AgentRef) -> AgentRelease:
    farm, record, _ = _agent_or_gone(ctx, d.agent_name)
    if record is None:  # gone holding a claim: ending it makes its locks stale (registry ``_HOLDS``) on every host
        with _reachable():
            farm.registry.reset(d.agent_name)
        return AgentRelease(agent_name=d.agent_name, closed_project=None, discarded_unsaved_changes=False)
    unsaved = record.open_project is not None and _unsaved(farm, record)
    if record.open_project is not None:
        farm._send(_admin(record), "close_project", (), {}, None, fence={"override": True})
    with _reachable():
        farm.registry.reset(record.name)
    return AgentRelease(agent_name=record.name, closed_project=record.open_project, discarded_unsaved_changes=unsaved)


def _service_state(farm: FarmBackendBase, name: str) -> AgentDrain:
    with _reachable():
        record = farm.registry.agent(name)
        return AgentDrain(agent_name=name, draining=name in farm.registry.drained(),
                          holder=farm.registry.claimed_by(name),
                          current_call=record.current_call if record is not None else None)


def _drain(ctx: OperationContext, d: AgentRef) -> AgentDrain:
    farm, record = _agent(ctx, d.agent_name)
    with _reachable():
        farm.registry.drain(record.name)
    return _service_state(farm, record.name)


def _resume(ctx: OperationContext, d: AgentRef) -> AgentDrain:
    farm = _farm(ctx)
    if farm is None or d.agent_name not in _drained(farm):  # a drained agent may be down for its maintenance
        farm, _ = _agent(ctx, d.agent_name)
    with _reachable():
        farm.registry.undrain(d.agent_name)
    return _service_state(farm, d.agent_name)


def _drained(farm: FarmBackendBase) -> set[str]:
    with _reachable():
        return farm.registry.drained()


def _agent_action(
    action: str, summary: str, handler: Any, output: type, what: str, **more: Any,
) -> Operation[AgentRef, Any]:
    """An administrator's action on one agent (``farm.agents.<action>``), which an embedded service does not have."""
    return Operation(
        name=f"farm.agents.{action}", summary=summary, section=SECTION, handler=handler, input=AgentRef,
        output=output, route=RouteSpec("POST", f"/api/farm/agents/{{agentName}}/actions/{action}"), role=Role.ADMIN,
        errors=(NotFoundError, NotSupportedError),
        description=f"Not a T-IA Connect route. {what} Embedded: 501 FARM_NOT_CONFIGURED.", **more,
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("farm.agents", SECTION, "The farm's agents: TIA versions, open project, current call and heartbeat.",
         "/api/farm/agents", _status, None, FarmStatus, needs_tia=False,
         description="Not a T-IA Connect route. Embedded: mode 'embedded' and no agents. Answers at once, also "
                     "while the caller's own long call runs on its agent."),
    _agent_action(
        "release", "Give an agent back (admin): close the project a caller left open there, without saving.",
        _release, AgentRelease, "For a caller that went away holding an agent: its project is closed without saving "
        "(the dry run says whether unsaved changes would be lost) and the agent is free again. For an agent that is "
        "gone (its host died) with a claim still naming it: the claim ends, so its project's lock is stale on every "
        "host and the project opens elsewhere from its last save.",
        destructive=True, preview=_preview_release,
    ),
    _agent_action(
        "drain", "Drain an agent for maintenance (admin): no new sessions, the current one finishes.",
        _drain, AgentDrain, "No caller claims the agent any more and no call of a caller without a project goes to "
        "it; the caller holding it keeps it until it closes its project. Once the answer (or the agent list) shows no "
        "holder and no current call, the agent may be stopped. It stays drained, also across its restart, until "
        "resumed.",
    ),
    _agent_action("resume", "Put a drained agent back in service (admin).", _resume, AgentDrain,
                  "Callers may claim the agent again."),
)
