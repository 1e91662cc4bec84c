"""``FarmBackend``: the port, answered by agents over Celery; the API node's adapter in farm mode.

Every port method becomes one Celery task sent to one agent's queue, so everything above the port (operations,
jobs, snapshots, MCP tools, pipelines) runs unchanged: ``engineering_api/domain`` does not know a farm exists.

Routing is *project affinity*: a caller (a session, see :mod:`engineering_api.lib.caller`) holds one agent
while it has a project open there, and every call of that caller goes to that agent's queue. Opening or creating a
project claims a free agent first (atomically, so two callers never get one portal); closing it gives the agent back. A
caller holding no agent is served by any free one (catalog searches, listings). Every call carries the claim's agent
instance and fencing token (:mod:`engineering_api.farm.registry`), which the agent checks.

While waiting, the proxy watches three things: the call's cancel token (a job cancel or timeout is passed to the
agent, which stops at its next checkpoint; an agent that does not stop within :data:`CANCEL_GRACE_SECONDS` makes
the outcome unknown: ``OUTCOME_UNKNOWN``, and the caller's project is closed there), the task's progress (passed
to a progress callback argument), and the agent's lease (an agent gone, or running as another instance, ends the
call with ``AGENT_LOST`` instead of a wait without end; not while Redis has just been away, see
:meth:`FarmBackend.in_outage_grace`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from engineering_api.backend.errors import EngineeringError, PortalUnavailableError
from engineering_api.backend.port import AREAS, EngineeringBackend
from engineering_api.errors import codes
from engineering_api.farm.celery_app import (
    CALL_TASK, REQUEST_ID_HEADER, FarmConfig, celery_app, stored_outcome,
)
from engineering_api.farm.call_start import StartSeen, start_seen
from engineering_api.farm.codec import decode, decode_error, encode
from engineering_api.farm.dispatch import bound_caller
from engineering_api.farm.outcomes import OutcomeUnknownError, changes_so_far, note_change, note_sent
from engineering_api.farm.paths import PathMap
from engineering_api.farm.registry import HEARTBEAT_SECONDS, AgentRegistry, Claim, agent_queue
from engineering_api.farm.send_gate import SendGate
from engineering_api.lib.caller import DEFAULT_SESSION, current_job
from engineering_api.lib.observability import current_request_id
from engineering_api.lib.tracing import REQUEST_ID_ATTRIBUTE, Tracing
from simatic_xml.cancel import CancelToken, current

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("CLAIMING_METHODS", "RELEASING_METHODS", "FarmBackend", "FarmBackendBase", "NoFreeAgentError",
           "is_read_only")

CLAIMING_METHODS = frozenset({"create_project", "open_project", "retrieve_project", "launch_portal", "attach_portal"})
"""Calls that put a project (or another portal) into the agent: the caller holds the agent from then on."""
RELEASING_METHODS = frozenset({"close_project", "shutdown_portal"})
"""Calls after which the portal holds no project of the caller's any more."""
LOCAL_METHODS = frozenset({"on_worker_thread_started", "close"})

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How long a step waits before it tries again while Redis is unreachable or the agents have not reported."""
REPLY_WAIT_SECONDS = 1.0
"""Longest wait for a result before the call's cancel token is looked at again: each wait is a Redis command
(``BLPOP``), so a TIA call of a minute costs 60 of them; a cancel reaches the agent within this, well inside
:data:`CANCEL_GRACE_SECONDS` (0.25 s, then 0.5 s, were most of a port call's Redis commands in the 1 s model:
``tests/farm/test_farm_redis_budget.py`` counts them)."""
LEASE_CHECK_SECONDS = 2 * HEARTBEAT_SECONDS
"""How often a waiting call reads its agent's record (one Redis command): a lapse is acted on only after the lease
(:data:`~engineering_api.farm.registry.AGENT_TTL_SECONDS`) and the node's grace, so reading it every other
heartbeat tells a lost agent at most a second later and halves the reads."""
NOT_RUN_CODES = frozenset({"AGENT_LOST", "STALE_AGENT_INSTANCE", "STALE_FENCING_TOKEN", "FARM_BROKER_UNREACHABLE",
                           "NO_FREE_AGENT", "PROJECT_CLOSING", "PROJECT_HELD", "INTERRUPTED", "CALL_EXPIRED",
                           "CANCELED", "TIMEOUT"})
"""The farm's answers that say a call did not run and never will, or ran and was undone: ``CANCELED`` and
``TIMEOUT`` are a call stopped by its job's cancel or timeout before it was sent, while queued, or at a checkpoint
(the backend rolls the call back there); a call that ended before its agent heard the cancel answers its result."""
CANCEL_GRACE_SECONDS = 4.0
"""How long a canceled call's agent has to reach a checkpoint before the caller stops waiting (below the TIA
worker's own unwind grace, so the caller hears ``OUTCOME_UNKNOWN`` from here, with the call id)."""


def _canceled(token: CancelToken, method: str) -> BaseException:
    """What a call stopped before it ran is answered: its token's reason (the job's cancel or timeout)."""
    return token.reason or PortalUnavailableError(f"{method} was canceled", code=codes.CANCELED,
                                                  details={"cause": "CANCELED"})


class _Wait(Exception):  # a signal inside the outage loop, never raised out of it
    """Agents' leases are not to be trusted yet (an outage just ended): look again shortly."""


_READ_PREFIXES = ("list_", "get_", "find_", "search_", "read_", "openness_", "catalog_")
_READ_SUFFIXES = ("_status", "_overview", "_info", "_diagnostics", "_history", "_state", "_config", "_tree", "_summary")
_READ_NAMES = frozenset({"installed_versions", "diagnostics", "list_portals", "status"})
_READS_DESPITE_THEIR_NAME = frozenset({"open_projects"})
"""Reads whose name holds a changing word (``open_projects`` lists the open projects)."""
_CHANGING_WORDS = frozenset({
    "add", "apply", "archive", "attach", "build", "clear", "close", "compile", "connect", "create", "delete",
    "detach", "disconnect", "download", "force", "generate", "import", "index", "instantiate", "launch", "load",
    "mark", "open", "power", "release", "remove", "rename", "reset", "restore", "retrieve", "run", "save", "set",
    "shutdown", "start", "step", "stop", "update", "upload", "whitelist", "write",
})


def is_read_only(method: str) -> bool:
    """Whether a port method only reads, judged by its name: a read verb or noun, and no changing word in it.

    The port's names follow one pattern (``list_*``, ``get_*``, ``*_status`` for reads; a verb for changes);
    any word of :data:`_CHANGING_WORDS` in the name makes it a change, so a doubtful name is never retried.
    """
    method = method.rpartition(".")[2]  # a held area's method (``reflection.openness_types``) by its own name
    if method in _READS_DESPITE_THEIR_NAME:
        return True
    if set(method.split("_")) & _CHANGING_WORDS:
        return False
    return method in _READ_NAMES or method.startswith(_READ_PREFIXES) or method.endswith(_READ_SUFFIXES)


class NoFreeAgentError(PortalUnavailableError):
    """Every live agent holds another caller's project (or none runs the version asked for)."""

    default_code = codes.NO_FREE_AGENT


def _lost(agent: str, method: str, why: str, call_id: str | None = None) -> PortalUnavailableError:
    return PortalUnavailableError(
        f"The farm agent {agent!r} {why} while {method} was queued or running; the call did not complete and will "
        "never run (it was addressed to that run of the agent only). The project is as TIA left it: changes since "
        "its last save are lost. Open it again.", code=codes.AGENT_LOST,
        details={"agent": agent, "method": method, **({"callId": call_id} if call_id else {}), "cause": "AGENT_LOST"},
    )


def _forgotten(agent: str, method: str, project: Any) -> PortalUnavailableError:
    return PortalUnavailableError(
        f"The farm's Redis lost your session's hold on agent {agent!r} (it restarted without its data, or failed "
        f"over to a replica that missed it) while that agent was out of reach; the agent then closed your project "
        f"{project!r} without saving, as no session held it. {method} did not run. Changes since the last save are "
        "lost: open the project again.", code=codes.AGENT_LOST,
        details={"agent": agent, "method": method, "project": project, "cause": "FARM_STATE_LOST"},
    )


class FarmBackendBase(EngineeringBackend):
    """The forwarding machinery; :func:`_forwarding` adds one method per port method (:data:`FarmBackend`).
    The type of a farm backend in annotations."""

    name = "farm"

    def __init__(self, config: FarmConfig, *, path_map: PathMap | None = None) -> None:
        self.config = config
        self.path_map = path_map or PathMap()
        """Where the agents see the shared storage, when not where this node does."""
        self.app = celery_app(config, results=False)
        self._results_app: Any = None
        self.registry = AgentRegistry(config.redis(), config.prefix)
        self._unreachable_until = 0.0
        """``time.monotonic()`` until which agents' leases are not trusted: Redis was unreachable from here."""
        self._server_start: tuple[float, float] | None = None
        """When the Redis server started (``time.monotonic()`` less its uptime) and when that was read: shared by
        the waiting calls for :data:`LEASE_CHECK_SECONDS` (one ``INFO`` per node, not per call)."""
        self._server_start_lock = threading.Lock()
        self.send_gate = SendGate()
        """Closed at a clean stop (:meth:`stop_sending`): no call is sent after it."""
        self.node_lease: Any = None
        """This node's lease and its look for jobs of lost nodes, once the app has started
        (:class:`engineering_api.farm.failover.NodeLease`)."""
        self.node_id = uuid.uuid4().hex
        """This API node's run: its jobs' journals name it, and its lease in Redis says it is alive
        (:mod:`engineering_api.farm.failover`), so another node finishes answering them if it dies."""
        self.jobs_unswept = False
        """Whether the unfinished jobs of lost API nodes are still to be finished (Redis was away at this node's
        start: :func:`engineering_api.farm.failover.finish_jobs_of_no_live_node`)."""
        self._lapsed_since: dict[tuple[str, str], float] = {}
        """``time.monotonic()`` at which this node first saw an agent instance's lease gone (its reconnect grace
        runs from there)."""

        self.on_outcome_unknown: Callable[[str, dict[str, Any]], Any] | None = None
        """Called with (job id, call) when a job's call ends ``OUTCOME_UNKNOWN``: the app fills in the job's final
        state when the agent reports (:func:`engineering_api.farm.reattach.watch`)."""
        self.tracing = Tracing.OFF
        """Set by the app when tracing is on: port calls and farm calls in spans, the trace context to the agent."""
        for area, forwarding_area in _FARM_AREAS.items():
            setattr(self, area, forwarding_area(self))

    # ----- outages ---------------------------------------------------------------------------
    def in_outage_grace(self) -> bool:
        """Whether Redis was away (from here, or restarted) less than the grace ago: a missing lease then says
        nothing about the agent, which may not have reached Redis again yet."""
        if time.monotonic() < self._unreachable_until:
            return True
        try:
            return self.registry.uptime() < self.config.outage_grace_seconds
        except RedisError:
            self._note_unreachable()
            return True

    def stop_sending(self) -> None:
        """A clean stop: send no job's call from now on (a call outside a job, whose request is answered or cut
        with the node, is not held back); returns once no job's journal is being written (a journal read after it
        names every call this node sent), bounded by the outage grace."""
        self.send_gate.close(self.config.outage_grace_seconds + POLL_SECONDS)

    def _note_job(self, job: str, call: dict[str, Any]) -> None:
        """The job's journal (:meth:`AgentRegistry.note_job_call`), naming this node."""
        self.registry.note_job_call(job, {**call, "node": self.node_id})

    def lapsed(self, agent: str, instance: str) -> bool:
        """``agent``'s instance ``instance`` has no lease now: whether its reconnect grace (``lease_grace_seconds``,
        from the moment this node first saw it gone) is over. A paused VM or a short partition brings the same
        instance back with its project and unsaved work; only then is it lost."""
        now = time.monotonic()
        since = self._lapsed_since.setdefault((agent, instance), now)
        if len(self._lapsed_since) > 1024:  # instances seen gone long ago
            self._lapsed_since = {k: v for k, v in self._lapsed_since.items() if now - v < 3600}
        return now - since >= self.config.lease_grace_seconds

    def _back(self, agent: str, instance: str) -> None:
        self._lapsed_since.pop((agent, instance), None)

    def _note_unreachable(self) -> None:
        self._unreachable_until = time.monotonic() + self.config.outage_grace_seconds
        self._server_start = None  # it may come back restarted: read its start again

    def stored_outcome(self, call_id: str) -> tuple[str, dict[str, Any] | None]:
        """A call's state and outcome from Celery's result backend (see :func:`stored_outcome`)."""
        if self._results_app is None:
            self._results_app = celery_app(self.config)
        return stored_outcome(self._results_app, call_id)

    def reachability(self) -> tuple[bool, bool, bool]:
        """For ``GET /api/health``, without sending a call (a busy agent answers none until its call ends, and
        busy is healthy): whether Redis answers and at least one agent is live (busy or idle), whether a live
        agent has a portal, and whether the default session holds a project.

        Raises:
            RedisError: Redis is unreachable.
        """
        live = self.registry.agents()
        held = self.registry.holds(DEFAULT_SESSION)
        project_open = any(a.name == held and a.open_project is not None for a in live)
        return bool(live), bool(live), project_open

    # ----- routing ---------------------------------------------------------------------------
    def _agent_for(self, caller: str, method: str, kwargs: dict[str, Any], exclude: frozenset[str] = frozenset(),
                   *, patient: bool = True) -> Claim:
        held = self.registry.holding(caller)
        if held.claim is not None:
            if held.state == "alive":
                self._back(held.claim.agent, held.claim.instance)
                return held.claim
            if held.state == "closing":
                raise PortalUnavailableError(
                    f"Your project on farm agent {held.claim.agent!r} is being closed after a call whose outcome "
                    "is unknown (its unsaved changes are lost, as when TIA closes it). Retry in a moment, then open "
                    "it again.", code=codes.PROJECT_CLOSING,
                    details={"agent": held.claim.agent, "cause": "OUTCOME_UNKNOWN"},
                )
            if held.state == "gone" and patient and (
                    not self.lapsed(held.claim.agent, held.claim.instance) or self.in_outage_grace()):
                raise _Wait()
            self.end_session(caller)
            raise _lost(held.claim.agent, method, "was restarted" if held.state == "restarted" else "was lost")
        if held.state == "lost" and held.lost is not None:
            self.registry.told_lost(caller)
            raise _forgotten(str(held.lost.get("agent")), method, self.path_map.to_node(held.lost.get("project")))
        if patient and held.data_age < self.config.lease_seconds:
            # Redis's data began less than a lease ago (it lost them): a claim it forgot comes back with its agent's
            # next heartbeat; until every agent has beaten, this caller may be one whose claim is not back yet
            raise _Wait()
        version = kwargs.get("version") if method == "launch_portal" else None
        target = (self.registry.claim(caller, version) if method in CLAIMING_METHODS
                  else self.registry.free_agent(version, exclude))
        if target is None:
            if patient and self.in_outage_grace():
                raise _Wait()
            live = self.registry.agents()
            drained = sorted(self.registry.drained() & {a.name for a in live})
            raise NoFreeAgentError(
                f"No free farm agent: {len(live)} live, all holding other callers' projects" + (
                    f" or without TIA {version}" if version else "") + (
                    f" or drained for maintenance ({', '.join(drained)})" if drained else "") + ". Retry later, or "
                "start another agent (engineering-api agent --farm …).",
                details={"liveAgents": [a.name for a in live], "drainedAgents": drained, "cause": "NO_FREE_AGENT"},
            )
        return target

    def _forward(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """One port call for the calling operation. A call that did not run, in an operation whose earlier
        changing calls did (an import that generated its blocks and then could not keep its source), is answered
        ``OUTCOME_UNKNOWN``: the operation ran in part, so "did not run" would be untrue of it."""
        try:
            with self.tracing.span(f"port {method}", {REQUEST_ID_ATTRIBUTE: current_request_id.get()}):
                result = self._forward_call(method, args, kwargs)
        except OutcomeUnknownError:
            raise
        except (OperationalError, RedisError) as exc:  # a broker failure no step above expected: never a 500
            raise OutcomeUnknownError(
                f"The farm's broker failed during {method} ({type(exc).__name__}: {exc}); whether it ran is not "
                "known.", details={"method": method, "cause": "FARM_BROKER_UNREACHABLE"},
            ) from exc
        except EngineeringError as exc:
            done = changes_so_far()
            if exc.code not in NOT_RUN_CODES or not done:
                raise
            raise OutcomeUnknownError(
                f"This operation ran in part: {', '.join(done)} completed and may have changed the project (not "
                f"saved), then {method} did not run ({exc.code}: {exc.message}). Look at the project before you "
                "retry.", details={**(exc.details or {}), "method": method, "completedCalls": done,
                                   "cause": (exc.details or {}).get("cause", exc.code)},
            ) from exc
        if not is_read_only(method):
            note_change(method)
        return result

    def _forward_call(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        caller = bound_caller() or DEFAULT_SESSION
        target = self._through_outage(lambda patient: self._agent_for(caller, method, kwargs, patient=patient))
        progress = next((a for a in (*args, *kwargs.values()) if callable(a)), None)
        try:
            # the caller goes with its ownership's token: the agent keeps it, so a Redis that lost it gets it back
            result = self._send(target, method, args, kwargs, progress,
                                fence={"caller": caller} if target.token is not None else None)
        except OutcomeUnknownError:
            raise
        except EngineeringError as exc:
            if method in CLAIMING_METHODS and target.token is not None:
                self._through_outage(lambda _: self._release_unless_open(caller, target))
            if exc.code not in ("AGENT_LOST", "STALE_AGENT_INSTANCE") or not self._retryable(caller, method, target):
                raise
            # A read that needs no project of the caller's (it held no agent) runs again on another free agent.
            other = self._through_outage(
                lambda patient: self._agent_for(caller, method, kwargs, frozenset({target.agent}), patient=patient))
            result = self._send(other, method, args, kwargs, progress)
        if method in RELEASING_METHODS:
            self._through_outage(lambda _: self.registry.release(caller))
        return result

    @staticmethod
    def _retryable(caller: str, method: str, target: Claim) -> bool:
        # A caller holding an agent had its project there: a read of the last save elsewhere would hide the
        # loss of its unsaved work, so that read fails with AGENT_LOST like a change does.
        return is_read_only(method) and method not in CLAIMING_METHODS and target.token is None

    def _through_outage(self, step: Callable[[bool], Any]) -> Any:
        """``step(patient)``, retried while Redis is unreachable (a broker restart) or agents have not reported
        since, for up to the outage grace; then ``FARM_BROKER_UNREACHABLE`` (the call was not sent), or the step
        judged without patience (leases as they are)."""
        deadline = time.monotonic() + self.config.outage_grace_seconds
        token = current()
        while True:
            try:
                return step(True)
            except _Wait:
                if time.monotonic() > deadline or (token is not None and token.canceled):
                    return step(False)
            except RedisError as exc:
                self._note_unreachable()
                if time.monotonic() > deadline or (token is not None and token.canceled):
                    raise PortalUnavailableError(
                        f"The farm's Redis is unreachable ({exc}); the call was not sent. Check the broker and retry.",
                        code=codes.FARM_BROKER_UNREACHABLE, details={"cause": "FARM_BROKER_UNREACHABLE"},
                    ) from exc
            time.sleep(POLL_SECONDS)

    def _release_unless_open(self, caller: str, target: Claim) -> None:
        record = self.registry.agent(target.agent)
        if record is None or record.instance != target.instance or record.fence != target.token:
            self.registry.release(caller)

    # ----- one call --------------------------------------------------------------------------
    def _send(self, target: Claim, method: str, args: tuple[Any, ...], kwargs: dict[str, Any],
              progress: Callable[[int, str], None] | None, *, fence: dict[str, Any] | None = None) -> Any:
        call_id = uuid.uuid4().hex
        with self.tracing.span(f"farm call {method}", {REQUEST_ID_ATTRIBUTE: current_request_id.get(),
                                                       "engineering_api.call_id": call_id,
                                                       "engineering_api.agent": target.agent}):
            return self._send_call(call_id, target, method, args, kwargs, progress, fence)

    def _send_call(self, call_id: str, target: Claim, method: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                   progress: Callable[[int, str], None] | None, fence: dict[str, Any] | None) -> Any:
        token = current()
        if token is not None and token.canceled:
            # Its job timed out or was canceled while an agent was chosen (a young Redis's wait, an outage): a
            # call published now would be told never to run at once, or run if its agent took it first.
            raise _canceled(token, method)
        payload = self.path_map.to_agent({"args": encode(list(args)), "kwargs": encode(kwargs)})
        job = current_job.get()
        # A job's call names the job and this node: the agent runs it only while no other node took the job over
        # (this node's lease lapsed: a stall, a Redis restart), whose end that node then tells by the job's journal
        # (:meth:`AgentRegistry.start_call`).
        fence = {"instance": target.instance, "token": target.token, **(fence or {}),
                 **({"job": job, "node": self.node_id} if job is not None else {})}
        call = {"callId": call_id, "agent": target.agent, "instance": target.instance, "method": method,
                "sentAt": time.time(), "completedCalls": changes_so_far()}
        note_sent(job, call)  # before it is sent: a worker that gives up on this thread from now on names it
        if job is not None:  # the job's journal, noted before it is sent: a node that dies or stops at any moment
            # after finishes the job by it. Never sent without it: Redis away past the outage grace, not sent.
            with self.send_gate.sending(method):
                self._through_outage(lambda _: self._note_job(job, call))
        try:
            # argsrepr/kwargsrepr given: Celery would otherwise build a repr of the whole payload for every call
            self.app.send_task(CALL_TASK, args=[method, payload, call_id, "", fence], queue=agent_queue(target.agent),
                               task_id=call_id,  # no ``expires``: its deadline is this node's (celery_app)
                               argsrepr=f"({method!r}, …, {call_id!r})", kwargsrepr="{}",
                               headers=self._headers())
        except (OperationalError, RedisError) as exc:  # the broker stayed away through the publish retries
            self._unsent(call_id, target, method, job, exc)
        except Exception as exc:  # kombu's own failure after a broker restart: never a 500
            # Seen in a fault schedule (seed 1113078639): after a Redis restart, a pooled producer's channel was
            # closed under it (AttributeError in kombu's Redis transport, which kombu does not retry). The pool
            # is dropped so the next call publishes on fresh connections; this call is stopped and answered.
            logger.warning("publishing %s failed inside kombu; the broker connections are renewed", call_id,
                           exc_info=True)
            self.app.close()
            self._unsent(call_id, target, method, job, exc)
        published_at = time.monotonic()
        message = None
        try:
            message = self._await(call_id, target, method, progress, published_at)
        finally:
            if job is not None and message is not None:  # between two calls: what completed so far
                done = changes_so_far() + ([method] if "error" not in message and not is_read_only(method) else [])
                # not once the node stops: the job it left keeps naming this call, whose end its finisher reads
                with contextlib.suppress(RedisError), self.send_gate.rewriting() as open_:
                    if open_:
                        self._note_job(job, {"completedCalls": done})
            # The outcome is the last message an agent posts, and popping it left the list empty (Redis drops
            # it): only a call given up on can leave replies behind.
            if message is None:
                with contextlib.suppress(RedisError):
                    self.registry.forget(call_id)
        message = self.path_map.to_node(message)
        if "error" in message:
            raise decode_error(message["error"], agent=target.agent)
        return decode(message.get("result"))

    def _headers(self) -> dict[str, str] | None:
        """A call's message headers: the request's id (the agent logs it; an agent that predates it ignores it) and,
        tracing, the trace context (``traceparent``)."""
        headers: dict[str, str] = {}
        request_id = current_request_id.get()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        self.tracing.inject(headers)
        return headers or None

    def _unsent(self, call_id: str, target: Claim, method: str, job: str | None, exc: Exception) -> None:
        """A publish that failed may still have reached the broker (its answer lost): the call is made never to
        run before it is answered as not sent. Returns when it had started after all (then it is waited for).

        Raises:
            PortalUnavailableError: ``FARM_BROKER_UNREACHABLE``: it did not run and never will.
            OutcomeUnknownError: Redis stayed away, so the call could not be stopped: it may still run.
        """
        self._note_unreachable()
        try:
            stopped = self._through_outage(lambda _: self.never_started(call_id))
        except PortalUnavailableError as unreachable:
            self._watch_unknown(call_id, target, method)  # its journal was noted before the send
            raise OutcomeUnknownError(
                f"The farm's broker failed while {method} was sent ({exc}) and stayed unreachable: whether the call "
                "reached it, and will run, is not known.",
                details={"callId": call_id, "method": method, "cause": "FARM_BROKER_UNREACHABLE"},
            ) from unreachable
        if not stopped:
            return
        if job is not None:  # it will never run: the journal goes back to what completed before it
            with contextlib.suppress(RedisError):
                self._note_job(job, {"completedCalls": changes_so_far()})
        raise PortalUnavailableError(
            f"The farm broker is unreachable ({exc}); {method} was not sent (or is stopped before it starts). "
            "Check the broker and retry.", code=codes.FARM_BROKER_UNREACHABLE,
            details={"callId": call_id, "cause": "FARM_BROKER_UNREACHABLE"},
        ) from exc

    def never_started(self, call_id: str, target: Claim | None = None, published_at: float | None = None) -> bool:
        """Make ``call_id`` never run (:meth:`_never_run`); whether it had not started by then (the flag is set
        before the look at the started mark, and an agent marks a call started before it looks at the flag: one
        of the two sees the other). Given where and when (``time.monotonic()``) it was published, a Redis that
        lost its data since then is not believed about the mark (:func:`start_seen`)."""
        return self._stopped_start(call_id, target, published_at) == "not started"

    def _stopped_start(self, call_id: str, target: Claim | None, published_at: float | None) -> StartSeen:
        """Make ``call_id`` never run (:meth:`_never_run`), then how it stands (:func:`start_seen`)."""
        self._never_run(call_id)
        return start_seen(self.registry, call_id, target, published_at)

    @staticmethod
    def _outcome_lost(call_id: str, target: Claim, method: str) -> OutcomeUnknownError:
        """``call_id`` ran (its agent names it among its started calls), and its reply went with Redis' data."""
        return OutcomeUnknownError(
            f"The farm's Redis lost its data (restarted without it, or failed over to a replica that missed it) "
            f"after agent {target.agent!r} had run {method}: the call ran and its outcome went with the data. Look at "
            "the project before you retry.",
            details={"callId": call_id, "agent": target.agent, "method": method, "cause": "FARM_STATE_LOST"})

    def _never_run(self, call_id: str) -> None:
        """Make sure a call we stop waiting for does not start later: its cancel flag, and Celery's revoke."""
        self.registry.request_cancel(call_id)
        try:
            self.app.control.revoke(call_id)
        except Exception:  # best effort: the flag alone keeps it from starting
            logger.warning("could not revoke farm call %s", call_id, exc_info=True)

    def _await(self, call_id: str, target: Claim, method: str, progress: Callable[[int, str], None] | None,
               published_at: float | None = None) -> dict[str, Any]:
        """The call's outcome; progress passed on, a cancel passed to the agent, a lost agent reported.

        While Redis is unreachable (the broker restarting) the wait goes on: the agent keeps working and posts
        its outcome when Redis is back, so nothing accepted is lost, and a lease that expired meanwhile is not
        taken as the agent's death until the outage grace has passed. The call's own timeout (its token) still
        applies. Only a call published before Redis went away (``published_at``, ``time.monotonic()``) can have
        been lost by it (:meth:`_stranded`).
        """
        published_at = time.monotonic() if published_at is None else published_at
        token = current()
        canceled_at: float | None = None
        through_outage, missing_since, reply_gone = False, None, False
        lease_read_at = time.monotonic()
        while True:
            try:
                # The cancel is looked at before each wait for a reply, not after it: a call canceled while queued
                # whose turn came during that wait (up to REPLY_WAIT_SECONDS) ran, and its reply was taken.
                if token is not None and token.canceled and canceled_at is None:
                    canceled_at = time.monotonic()
                    # the agent's token, or its check before starting; a start Redis may have lost is waited for
                    seen = self._stopped_start(call_id, target, published_at)
                    if seen == "not started":
                        # Still queued: the flag (set first) keeps it from ever starting, so nothing to wait for.
                        raise _canceled(token, method)
                    reply_gone = seen == "ended"  # it ran before Redis lost its data: a reply is there now, or never
                message = self.registry.next_message(call_id, REPLY_WAIT_SECONDS)
                if message is not None and "progress" in message:
                    if progress is not None:
                        progress(int(message["progress"][0]), str(message["progress"][1]))
                    continue
                if message is not None:
                    return message
                if reply_gone:
                    raise self._outcome_lost(call_id, target, method)
                now = time.monotonic()
                if now - lease_read_at >= LEASE_CHECK_SECONDS or through_outage:
                    lease_read_at = now
                    record = self.registry.agent(target.agent)
                    if record is not None and record.instance != target.instance:
                        return self._agent_gone(call_id, target, method, "was restarted", published_at)
                    if record is not None:
                        self._back(target.agent, target.instance)
                    elif self.lapsed(target.agent, target.instance) and not self.in_outage_grace():
                        return self._agent_gone(call_id, target, method, "was lost (killed, or its host)",
                                                published_at)
                    # A restart between two of this node's commands raises nothing here (redis-py silently
                    # reconnects a pooled connection it finds closed), so the server's uptime is asked too.
                    through_outage = through_outage or self._restarted_since(published_at)
                through_outage = through_outage or (now < self._unreachable_until
                                                    and self._restarted_since(published_at))
                if through_outage:
                    stored = self._stored_reply(call_id)
                    if stored is not None:
                        return stored
                    if canceled_at is None:
                        missing_since = self._stranded(call_id, target, method, missing_since, now, published_at)
            except RedisError:
                self._note_unreachable()
                through_outage = True
                time.sleep(POLL_SECONDS)
                continue
            if canceled_at is not None and now - canceled_at > CANCEL_GRACE_SECONDS:
                self._give_up(call_id, target, method)

    def _agent_gone(self, call_id: str, target: Claim, method: str, why: str, published_at: float
                    ) -> dict[str, Any]:
        """The call's agent is gone (its lease lapsed) or runs as another instance. A call it had not started is
        made never to run (fenced by its cancel flag) and answered ``AGENT_LOST``, as is a read (it changed
        nothing). A change it had started may have completed (a stalled host, a Redis pause: the lease lapses, the
        call goes on; a save may be on disk before a kill): only that agent can say, so the answer is
        ``OUTCOME_UNKNOWN`` with the call id, and the job's final state is filled in if the agent reports.
        Returns the call's outcome when it was stored meanwhile."""
        # a started call is not flagged: a stalled host goes on with it and reports how it ended
        if not self.registry.call_started(call_id) and self.never_started(call_id, target, published_at):
            raise _lost(target.agent, method, why, call_id)
        stored = self._stored_reply(call_id)
        if stored is not None:
            return stored
        if is_read_only(method):
            self._never_run(call_id)
            raise _lost(target.agent, method, why, call_id)
        self._watch_unknown(call_id, target, method)
        raise OutcomeUnknownError(
            f"The farm agent {target.agent!r} {why} while it ran {method}; whether the call completed is not known "
            "(only that agent can say: a stalled host goes on with it). Look at the project before you retry: "
            "unless the agent comes back, its changes since the last save are lost.",
            details={"callId": call_id, "agent": target.agent, "method": method, "cause": "AGENT_LOST"})

    def _watch_unknown(self, call_id: str, target: Claim, method: str) -> None:
        """The calling job is about to end ``OUTCOME_UNKNOWN`` at this call: its final state is filled in when the
        agent reports (:func:`engineering_api.farm.reattach.watch`)."""
        job = current_job.get()
        if job is not None:
            self.watch_unknown(job, {"callId": call_id, "agent": target.agent, "instance": target.instance,
                                     "method": method, "completedCalls": changes_so_far()})

    def watch_unknown(self, job: str, call: dict[str, Any]) -> None:
        """``job`` ends ``OUTCOME_UNKNOWN`` at ``call`` (its journal entry): have its final state filled in when
        the call's agent reports. Every path that answers so calls this (the thread that gave up on the agent, the
        worker that gave up on that thread), whichever comes first: one watch per job and call."""
        if self.on_outcome_unknown is not None:
            self.on_outcome_unknown(job, call)

    def _stored_reply(self, call_id: str) -> dict[str, Any] | None:
        """After a Redis outage: the outcome of a call that ended, from Celery's result backend. ``next_message``
        pops the reply (BLPOP); when the connection drops before the answer reaches this node (or redis-py sends
        the command again on a fresh connection) the reply is gone, the call ran and its agent is idle: without
        this the caller would wait for it without end (found in the fault schedule). The agent posts the reply
        before Celery stores the same outcome, so a reply still on its list says nothing else; it is dropped."""
        state, outcome = self.stored_outcome(call_id)
        if state not in ("SUCCESS", "FAILURE") or outcome is None:
            return None
        self.registry.forget(call_id)
        return outcome

    def _restarted_since(self, moment: float) -> bool:
        """Whether the Redis server started after ``moment`` (``time.monotonic()``: a wall clock stepped meanwhile
        must not say it did, or did not): what it held then may be lost."""
        with self._server_start_lock:  # the calls that look meanwhile wait for this read, not read again
            known = self._server_start
            if known is None or time.monotonic() - known[1] >= LEASE_CHECK_SECONDS:
                # a restart is seen at most an interval late, as an agent's record read every interval is
                now = time.monotonic()
                known = self._server_start = (now - self.registry.uptime(), now)
        return known[0] > moment

    def _stranded(self, call_id: str, target: Claim, method: str, missing_since: float | None, now: float,
                  published_at: float) -> float | None:
        """After a Redis outage: since when the call has been neither started nor waiting in its agent's queue
        (None while it is). Kombu's Redis transport takes a message out of its list before it records it as
        unacknowledged, and gives an unacknowledged one back only after the visibility timeout (4 h): a Redis
        restart at that moment loses it; and a worker whose connection broke after it took a message drops it
        unstarted (fault schedule seed 3280634003). Either leaves a live, idle agent that will not run the call
        for hours, and its caller waiting. Such a call is made never to run (its cancel flag) and answered as not
        run; a call that started after all is waited for (stopped at its next checkpoint, as a canceled call is).
        The flag is set before the last look at the started mark, and the agent sets that mark before it looks at
        the flag: one of the two sees the other, so a call is either waited for or never runs."""
        bound = self.registry.stranded_after(call_id, agent_queue(target.agent))
        if bound is None:
            return None
        if missing_since is None or now - missing_since < bound:
            return missing_since if missing_since is not None else now
        seen = self._stopped_start(call_id, target, published_at)
        if seen == "ended":  # it ran before Redis lost its data, and its reply with them
            raise self._outcome_lost(call_id, target, method)
        if seen != "not started":  # started (or not known yet: the agent's record is not back): waited for
            return None
        raise PortalUnavailableError(
            f"The farm's Redis restarted while {method} was being handed to agent {target.agent!r}, and the broker "
            "connection lost it: it did not run and will not. Retry.", code=codes.FARM_BROKER_UNREACHABLE,
            details={"agent": target.agent, "method": method, "callId": call_id, "cause": "FARM_BROKER_UNREACHABLE"})

    def close_for_nobody(self, target: Claim) -> None:
        """Tell ``target``'s agent instance to close the project of that ownership without saving (as TIA does
        when its session ends) and mark the claim closing: nobody gets the agent or the project until it
        confirms. The close is sent first and the claim marked after: an agent that closes (and frees the claim)
        before the mark leaves nothing to mark. A close that cannot be sent leaves the claim as it is.

        Raises:
            OperationalError: the broker is unreachable.
            RedisError: Redis is unreachable.
        """
        self.app.send_task(
            CALL_TASK, args=["close_project", {"args": [], "kwargs": {}}, uuid.uuid4().hex, "",
                             {"instance": target.instance, "token": target.token, "closing": True}],
            queue=agent_queue(target.agent),
            argsrepr="('close_project', …)", kwargsrepr="{}")
        self.registry.mark_closing(target)

    def end_session(self, caller: str) -> Claim | None:
        """``caller`` went away (its key revoked, or its agent's lease ended): the project it held is closed on
        that agent instance, without saving, so no project stays open on an agent no session holds. Returns the
        claim that ended (None: it held none)."""
        held = self.registry.holding(caller)
        if held.claim is None or held.state == "restarted":  # the new instance holds nothing
            self.registry.release(caller)
            return held.claim
        if held.state in ("alive", "gone") and held.claim.token is not None:
            # a gone lease may come back with the project open (a stalled host): it closes it then
            try:
                self.close_for_nobody(held.claim)
            except (OperationalError, RedisError):
                logger.warning("could not send the close for %s to %s", caller, held.claim.agent, exc_info=True)
                self.registry.release(caller)
                return held.claim
        self.registry.forget_caller(caller)  # the claim (closing) ends when the agent has closed
        return held.claim

    def sweep_sessions(self, revoked_keys: set[str]) -> list[str]:
        """End the sessions (:meth:`end_session`) of revoked API keys: they can never send another call, so
        nothing else would give their agents back. Only keys known as revoked: a session of a key this node does
        not know (another node's, on a shared farm) is left alone. Returns the sessions ended."""
        ended = []
        for claim in self.registry.claims().values():
            caller = str(claim.get("caller", ""))
            key_id, named, _ = caller.partition("/")
            if named and key_id in revoked_keys and not claim.get("closing"):
                self.end_session(caller)
                ended.append(caller)
        return ended

    def _give_up(self, call_id: str, target: Claim, method: str) -> None:
        """The agent did not stop a canceled or timed-out call: its outcome is unknown. The caller's ownership
        ends: the agent is told to close the project (after that call; unsaved changes lost) and nobody may use
        the agent until it has."""
        if target.token is not None:
            try:
                self.close_for_nobody(target)
            except (OperationalError, RedisError):
                logger.warning("could not send the close after %s on %s", call_id, target.agent, exc_info=True)
        self._watch_unknown(call_id, target, method)
        raise OutcomeUnknownError(
            f"{method} did not stop when asked on farm agent {target.agent!r}; whether it ran is not known yet. "
            "Its job keeps the call id; your project there is being closed without saving.",
            details={"callId": call_id, "agent": target.agent, "method": method, "cause": "CALL_NOT_STOPPED"},
        )

    # ----- local ------------------------------------------------------------------------------
    def on_worker_thread_started(self) -> None:
        """Nothing is bound to the API node's threads: the portal lives on the agent."""

    def close(self) -> None:
        """The agents keep running; only the broker connection is let go (and this node's lease stops)."""
        if self.node_lease is not None:
            self.node_lease.stop()
        self.app.close()


def _forwarding(name: str) -> Callable[..., Any]:
    def forward(self: FarmBackendBase, *args: Any, **kwargs: Any) -> Any:
        return self._forward(name, args, kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = getattr(EngineeringBackend, name).__doc__
    return forward


def _port_methods() -> list[str]:
    return sorted(
        name for name in dir(EngineeringBackend)
        if not name.startswith("_") and name not in LOCAL_METHODS and callable(getattr(EngineeringBackend, name))
    )


def _area_forwarding(area: str, name: str, port: type) -> Callable[..., Any]:
    def forward(self: Any, *args: Any, **kwargs: Any) -> Any:
        return self._farm._forward(f"{area}.{name}", args, kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = getattr(port, name).__doc__
    return forward


def _farm_area(area: str, port: type) -> type:
    """A held area of the port whose every method is sent to the caller's agent as ``area.method``."""

    def init(self: Any, farm: FarmBackendBase) -> None:
        self._farm = farm

    methods = {name: _area_forwarding(area, name, port) for name in dir(port)
               if not name.startswith("_") and callable(getattr(port, name))}
    return type(f"Farm{port.__name__}", (port,), {"__init__": init, "__module__": __name__, **methods})


_FARM_AREAS: dict[str, type] = {area: _farm_area(area, port) for area, port in AREAS.items()}

FarmBackend: type[FarmBackendBase] = type(
    "FarmBackend", (FarmBackendBase,), {name: _forwarding(name) for name in _port_methods()},
)
"""The class of the API node's farm backend (built with the port's methods forwarded, so no port method is
forgotten); annotate its instances with :class:`FarmBackendBase`."""
FarmBackend.__doc__ = "Every port method sent to the caller's agent; see the module."
FarmBackend.__module__ = __name__
