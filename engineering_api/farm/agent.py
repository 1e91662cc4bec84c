"""``engineering-api agent``: one TIA host of a farm, running port calls from its queues one at a time.

The agent owns a backend (the fake, or TIA Portal through Openness) exactly as the embedded server does, and a
Celery worker with the solo pool: the calls run on the main thread, one after the other, the way Openness wants
them (objects bound to their thread, one operation at a time in TIA) and the way Celery runs on Windows.

It consumes its own queue only: the API node addresses every call to one agent instance (its fence names that
instance), so a call never waits in a queue that any agent could take it from; the TIA versions an agent has are
in its heartbeat record, where the node chooses an agent for a version. A side thread
writes its heartbeat and passes a cancel request of the running call to that call's token, so the call stops at
its next checkpoint and the fake rolls it back, as in the embedded server.

Every call carries a *fence* (:mod:`engineering_api.farm.registry`): the agent instance it was addressed to and
the fencing token of the caller's ownership. The agent runs a call only when both are current, so a call queued
for an instance that was killed, or sent by a caller whose ownership ended, never runs; it is answered with a
named error instead (and the caller was already told it did not run). Celery drops a call revoked (by the node
that stopped waiting for it), or past an ``expires`` an older node still sends: judged by this host's wall clock
against the sender's, so such a call is answered ``CALL_EXPIRED`` at once (:func:`answer_dropped`), never left
for its caller to wait on. A call id (the task id) seen before is never run again.

A call carries the id of the request that caused it (the message header ``requestId``, see
:mod:`engineering_api.farm.proxy`): the agent logs each call it runs with that id (logger
``engineering_api.farm.agent``, INFO: ``--log-level INFO``), sets it on every record logged while the call runs,
and keeps it with the call's duration and outcome in its heartbeat record (``lastCall``).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from celery.exceptions import Ignore
from redis.exceptions import RedisError

from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    OperationCanceledError,
    PortalUnavailableError,
)
from engineering_api.backend.lock_holders import register_lock_holder
from engineering_api.backend.port import AREAS
from engineering_api.errors import codes
from engineering_api.farm.celery_app import (
    CALL_TASK, REQUEST_ID_HEADER, FarmCallFailed, FarmConfig, celery_app,
)
from engineering_api.farm.celery_control import BusyControl
from engineering_api.farm.celery_heart import CeleryHeart
from engineering_api.farm.codec import AgentCallError, decode, encode, encode_error
from engineering_api.farm.names import AgentNameTakenError, stop_on_name_lost, take_name
from engineering_api.farm.registry import (
    HEARTBEAT_SECONDS, NAME_HELD, RECENT_STARTS, AgentRecord, AgentRegistry, agent_queue,
)
from engineering_api.lib.observability import current_request_id, well_formed_request_id
from engineering_api.lib.staging import hold_staging_lease
from engineering_api.lib.tracing import REQUEST_ID_ATTRIBUTE, Tracing
from simatic_xml.cancel import CancelToken, installed

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from engineering_api.backend.port import EngineeringBackend

T = TypeVar("T")

__all__ = ("AgentRunner", "answer_dropped", "run_agent")

logger = logging.getLogger(__name__)

PROJECT_METHODS = frozenset({"create_project", "open_project", "close_project", "retrieve_project", "shutdown_portal",
                             "detach_portal", "attach_portal", "launch_portal"})
"""Calls after which the heartbeat's ``openProject`` is read again."""


IDLE_LOOK_SECONDS = 0.1
"""How often the heartbeat thread of an idle agent looks whether a call has started (to watch for its cancel)."""
FLAG_LOOK_EVERY = 5
"""A running call's cancel flag alone (what an API node older than the wake-up sets) is read at every fifth
heartbeat wait, not at each: one Redis command a second less on a busy agent."""
OUTCOME_RETRY_SECONDS = 120.0
"""How long an agent keeps trying to hand a finished call's outcome to a Redis that is restarting."""


def refusal(code: str, message: str, kind: type[EngineeringError] = AgentCallError,
            **details: Any) -> dict[str, Any]:
    """The outcome of a call the agent did not run, as the domain error ``kind`` (so the API node answers with that
    error's status: a call refused for a lost instance is 503 like AGENT_LOST, one from an ended ownership 409).
    Its ``details.cause`` is the code unless ``details`` name another."""
    return {"error": encode_error(kind(message, code=code, details={"cause": code, **details}))}


class AgentRunner:
    """Runs one encoded port call on the agent's backend; its heartbeat thread watches for cancel requests."""

    def __init__(self, backend: EngineeringBackend, registry: AgentRegistry, record: AgentRecord,
                 tracing: Tracing = Tracing.OFF) -> None:
        self.backend = backend
        self.tracing = tracing
        """On: each call runs in a span, a child of the API node's farm call (the message's trace context)."""
        self.registry = registry
        self.record = record
        if record.started_calls is None:
            record.started_calls = []  # this agent names the calls it starts (after a Redis that lost their marks)
        self._current: tuple[str, CancelToken] | None = None
        self._stop = threading.Event()
        self._highest_token = 0
        """The newest fencing token seen: a call with an older one comes from an ownership that has ended."""
        self._orphan_since: float | None = None
        """Since when (monotonic) the open project has been held under no claim (:meth:`_watch_orphan`)."""
        self.close_orphan: Callable[[int], None] | None = None
        """Sends this instance a close of the project of the ownership (token) nobody holds (set by the agent)."""
        self.celery_heart: CeleryHeart | None = None
        """Sends the worker's heartbeat events for Celery's monitors (set by the agent)."""
        self._name_lost = False
        """Another instance took this one's name (its heartbeat said so): nothing of this one's is published."""
        self._waits = 0
        """Heartbeat waits on a running call's cancel wake-up so far (every :data:`FLAG_LOOK_EVERY` th reads the
        flag too)."""
        self._published = time.monotonic()
        """When the heartbeat last ran (monotonic: a wall clock stepped back by time sync, a resumed or migrated VM,
        must not stop the heartbeat, nor a step forward make it beat in a burst). A call's start and end publish
        the record too, but the heartbeat runs every second all the same: it is what rebuilds a claim Redis lost
        and notices a project held by nobody, also on an agent whose calls follow each other."""

    def run(self, method: str, payload: dict[str, Any], call_id: str, label: str = "",
            fence: dict[str, Any] | None = None, request_id: str | None = None,
            headers: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The Celery task body: posts progress and then ``{"result": …}`` or ``{"error": …}`` for the caller, and
        returns the outcome for Celery's result backend (None for a redelivered call already started).
        ``request_id``: the id of the request the call serves (logged with it; ignored unless well-formed);
        ``headers``: the message's headers (its trace context)."""
        request_id = request_id if request_id is not None and well_formed_request_id(request_id) else None
        carried = current_request_id.set(request_id)
        try:
            with self.tracing.span(f"agent {method}", {REQUEST_ID_ATTRIBUTE: request_id, "engineering_api.call_id":
                                                       call_id, "engineering_api.agent": self.record.name},
                                   self.tracing.extracted(headers or {})):
                outcome = self._outcome(method, payload, call_id, label, fence or {})
        finally:
            current_request_id.reset(carried)
        if outcome is None:
            return None
        self._through_redis(lambda: self.registry.post(call_id, outcome, self._own()))  # the agent is idle again
        return outcome

    def _own(self) -> AgentRecord | None:
        """The record to publish with a call's start or end: none once another instance took the name (this one
        stops then, :func:`~engineering_api.farm.names.stop_on_name_lost`; its record is the other's now)."""
        return None if self._name_lost else self.record

    @staticmethod
    def _through_redis(step: Callable[[], T]) -> T:
        """``step()``, retried while Redis restarts (up to :data:`OUTCOME_RETRY_SECONDS`): the bookkeeping around
        a call must not turn a call that ran into one that failed, nor leave its caller without an outcome."""
        deadline = time.monotonic() + OUTCOME_RETRY_SECONDS
        while True:
            try:
                return step()
            except RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def _refused(self, method: str, fence: dict[str, Any]) -> dict[str, Any] | None:
        """Why this instance must not run a call with ``fence``, or None when it may."""
        if fence.get("instance") != self.record.instance:
            return refusal(codes.STALE_AGENT_INSTANCE, (
                f"{method} was addressed to an earlier run of agent {self.record.name!r}, which was lost; it was not "
                "run."), PortalUnavailableError, agent=self.record.name)
        token = fence.get("token")
        if fence.get("override"):  # an administrator's release: the one call that may end any ownership
            return None
        if token is not None and token < self._highest_token:
            return refusal(codes.STALE_FENCING_TOKEN, (
                f"{method} came from an ownership of agent {self.record.name!r} that has ended (token {token}, "
                f"current {self._highest_token}); it was not run."), ConflictError, token=token,
                current=self._highest_token)
        if self.record.fence is not None and token != self.record.fence:
            return refusal(codes.STALE_FENCING_TOKEN, (
                f"{method} does not come from the session that holds the project open on agent "
                f"{self.record.name!r}; it was not run."), ConflictError, token=token, current=self.record.fence)
        return None

    def _outcome(self, method: str, payload: dict[str, Any], call_id: str, label: str,
                 fence: dict[str, Any]) -> dict[str, Any] | None:
        # A port method only: one of the backend's class, or of a held area's class (``reflection.openness_types``).
        area, dotted, name = method.rpartition(".")
        owner = (getattr(self.backend, area, None) if area in AREAS else None) if dotted else self.backend
        if owner is None or name.startswith("_") or not callable(getattr(type(owner), name, None)):
            return refusal(codes.UNKNOWN_PORT_METHOD, f"The agent has no port method {method!r}.")
        refused = self._refused(method, fence)
        if refused is not None:
            return refused
        if call_id in (self.record.started_calls or ()):
            # Started here before, its start mark gone (Redis back from an older copy of its data, which holds its
            # message again): the agent's own word keeps it from running twice.
            logger.warning("farm call %s (%s) delivered again after this agent started it; not run twice", call_id,
                           method)
            return None
        self.record.current_call = f"{method} {label}".strip()
        mark = f"started {self.record.instance} {uuid.uuid4().hex}"  # this delivery's, kept over retries
        token_value = fence.get("token")
        if isinstance(token_value, int) and token_value > self.record.top_token:
            self.record.top_token = token_value  # published with the start: a new claim's token is above it
        job = fence.get("job") if isinstance(fence.get("job"), str) else None
        self._note_start(call_id)
        first, canceled, taken_over_by = self._through_redis(
            lambda: self.registry.start_call(call_id, self._own(), mark=mark, job=job))
        taken_over = taken_over_by is not None and taken_over_by != fence.get("node")
        if not first or canceled or taken_over:
            self.record.current_call = None
        if first and (canceled or taken_over):  # it never starts: the next write of the record says so
            self.record.started_calls = [c for c in self.record.started_calls or () if c != call_id]
        if not first:
            # The same call delivered again (the broker connection was lost before its ack): it ran once already,
            # and its outcome was posted then. Running it again could apply a change twice.
            logger.warning("farm call %s (%s) delivered again; not run twice", call_id, method)
            return None
        if canceled:  # canceled while it waited in the queue: it never started
            return {"error": encode_error(OperationCanceledError(f"{method} was canceled before it started"))}
        if taken_over:  # its node was taken for lost, and the node that took the job answers it without this call
            return refusal(codes.INTERRUPTED, (
                f"{method} was not run: API node {taken_over_by} took this job over, as its own node's lease had "
                "lapsed (a stalled node, or a Redis restart), and answers the job by the calls sent before; the "
                "rest of the operation never runs. Read the job for its end; retry with a new Idempotency-Key."),
                PortalUnavailableError, job=job, takenOverBy=taken_over_by, cause="JOB_TAKEN_OVER")
        if isinstance(token_value, int):
            self._highest_token = max(self._highest_token, token_value)

        def progress(percent: int, message: str = "") -> None:
            # Best effort: Redis away (a broker restart) must not fail the TIA work the progress is about.
            with contextlib.suppress(RedisError):
                self.registry.post(call_id, {"progress": [percent, message]})

        token = CancelToken()
        self._current = (call_id, token)
        logger.info("call %s %s started (request %s)", call_id, method, current_request_id.get())
        started = time.monotonic()
        ok = False
        try:
            args = decode(payload.get("args", []), progress=progress)
            kwargs = decode(payload.get("kwargs", {}), progress=progress)
            with installed(token):
                result = getattr(owner, name)(*args, **kwargs)
            outcome = {"result": encode(result)}
            ok = True
        except BaseException as exc:  # every failure goes back to the caller, none kills the agent
            # a canceled call reports why it was canceled, not the checkpoint's exception
            failure = token.reason if token.canceled and token.reason is not None else exc
            outcome = {"error": encode_error(failure)}
        finally:
            self._current = None
            self._ended(call_id, method, time.monotonic() - started, ok)
        if method in PROJECT_METHODS:
            self._relaunch()
            holder = fence.get("caller")
            conflict = self._hold_project(token_value if isinstance(token_value, int) else None,
                                          holder if isinstance(holder, str) else None)
            if conflict is not None:
                return conflict
            if self.record.fence is None and fence.get("closing") and isinstance(token_value, int):
                self._through_redis(lambda: self.registry.confirm_closed(self.record.name, token_value))
        return outcome

    def _note_start(self, call_id: str) -> None:
        """``call_id`` is about to start: named in the record published with its start mark, and by every heartbeat
        after (a Redis that lost the mark with its data hears it from there: :mod:`engineering_api.farm.call_start`)."""
        started = [c for c in self.record.started_calls or () if c != call_id]
        self.record.started_calls = [*started[-(RECENT_STARTS - 1):], call_id]

    def _ended(self, call_id: str, method: str, seconds: float, ok: bool) -> None:
        """Account for a call that ran: the heartbeat record's counts and last call, and the log line."""
        record = self.record
        record.current_call = None
        record.calls_done += 1
        record.calls_failed += not ok
        record.call_seconds += seconds
        record.last_call = {"method": method, "endedAt": time.time(), "seconds": round(seconds, 6), "ok": ok,
                            "requestId": current_request_id.get()}
        logger.info("call %s %s %s in %.3f s (request %s)", call_id, method, "ended" if ok else "failed", seconds,
                    current_request_id.get())

    def _hold_project(self, token: int | None, caller: str | None = None) -> dict[str, Any] | None:
        """After a project call: the open project's lock and fence follow the portal. A project another live
        agent holds is closed again at once (nothing was changed in it yet) and the call answered 409.
        ``caller``: the caller of the ownership (kept in the record, so a Redis that lost its data gets the claim
        back from the heartbeat)."""
        before = self.record.open_project
        self._refresh_project()
        path = self.record.open_project
        if before is not None and before != path:
            self._through_redis(lambda: self.registry.unlock_project(before, self.record))
        if path is None:
            self.record.fence = self.record.holder = None
            return None
        if before != path:
            holder = self._through_redis(lambda: self.registry.lock_project(path, self.record, token))
            if holder is not None:
                with contextlib.suppress(Exception):
                    self.backend.close_project()
                self._refresh_project()
                self.record.fence = self.record.holder = None
                return refusal(codes.PROJECT_HELD, (
                    f"The project {path} is open on agent {holder['agent']!r} in another session; it was closed "
                    "here again without changes. Retry once that session has closed it."), ConflictError,
                    agent=holder["agent"])
        if self.record.fence != token or caller is not None:
            self.record.holder = caller
        self.record.fence = token
        return None

    def _relaunch(self) -> None:
        # The fake agent is a workstation where a headless TIA Portal runs: a caller who shut it down or detached
        # leaves the agent to the next caller with a fresh one, not without a portal.
        if self.record.backend != "fake":
            return
        try:
            if not self.backend.session_status().connected:
                self.backend.launch_portal(with_ui=False, version=self.record.tia_versions[0])
        except Exception:  # reported by the next call's own error
            logger.warning("could not relaunch the agent's portal", exc_info=True)

    def _refresh_project(self) -> None:
        try:
            status = self.backend.session_status()
        except Exception:  # the heartbeat reports what it can
            return
        self.record.open_project = status.project_path if status.project_open else None

    def beat(self) -> None:
        """The heartbeat thread: publish the record; pass a cancel request on to the running call.

        While a call runs, it waits on that call's cancel wake-up until the next heartbeat is due (one Redis round
        trip a heartbeat, and a cancel is passed on as soon as it is asked); idle, it looks every
        :data:`IDLE_LOOK_SECONDS` for a call that started, without Redis."""
        while not self._stop.is_set():
            current = self._current
            due = max(self._published + HEARTBEAT_SECONDS - time.monotonic(), 0.0)
            try:
                if current is not None and not current[1].canceled and due > 0:
                    self._waits += 1
                    if self.registry.wait_for_cancel(current[0], due, flag=self._waits % FLAG_LOOK_EVERY == 0):
                        current[1].cancel(OperationCanceledError("the job was canceled"))
                elif due > 0:
                    self._stop.wait(min(due, IDLE_LOOK_SECONDS))
                if time.monotonic() - self._published >= HEARTBEAT_SECONDS:
                    self._beat_once()
            except RedisError:  # Redis restarting: the next beat tries again
                time.sleep(HEARTBEAT_SECONDS)

    def _beat_once(self) -> None:
        restored = self.registry.heartbeat(self.record)
        self._published = time.monotonic()
        if restored == NAME_HELD:  # another instance took the name while this one's lease had lapsed
            self._name_lost = True
            self._stop.set()
            stop_on_name_lost(self.record)
            return
        if restored > 0:
            logger.warning("Redis had lost this agent's claim (restarted without its data?): rebuilt for %s, token "
                           "%s, project %s", self.record.holder, self.record.fence, self.record.open_project)
        self._watch_orphan(restored < 0)
        if self.celery_heart is not None:  # Celery's monitors see the agent alive exactly while its lease is
            self.celery_heart.beat(active=int(self._current is not None), processed=self.record.calls_done)

    def _watch_orphan(self, orphan: bool) -> None:
        """A project held under no claim (Redis lost the claim and its holder took another agent meanwhile) for a
        lease is closed without saving, as its session's end would close it: by a close sent to this instance's
        own queue with the ownership's token (it runs on the worker thread, fenced like any call), so the agent is
        free again instead of held by nobody for ever."""
        fence = self.record.fence
        if not orphan or fence is None:
            self._orphan_since = None
            return
        now = time.monotonic()
        if self._orphan_since is None:
            self._orphan_since = now
            self.registry.note_orphan(self.record)  # its session's next call is told, not served elsewhere
            logger.warning("the project %s (token %s) is held by no session; it is closed without saving in %g s",
                           self.record.open_project, fence, self.record.lease_seconds)
        elif now - self._orphan_since >= self.record.lease_seconds and self.close_orphan is not None:
            self._orphan_since = None  # sent again after another lease if it is still held by nobody then
            self.close_orphan(fence)

    def stop(self) -> None:
        """End the heartbeat thread and withdraw the record."""
        self._stop.set()
        if self.celery_heart is not None:
            self.celery_heart.stop()
        try:
            self.registry.withdraw(self.record)
        except Exception:
            logger.warning("could not withdraw the agent record", exc_info=True)


def _lock_holder_alive(registry: AgentRegistry, lock: Mapping[str, Any]) -> bool | None:
    """Whether the farm agent instance a project's lock file names still holds the project, by Redis (every host
    sees it alike); None for a lock that names none, or while Redis does not answer (the lock is trusted then)."""
    agent, instance = lock.get("farmAgent"), lock.get("farmInstance")
    if not isinstance(agent, str) or not isinstance(instance, str):
        return None
    try:
        return registry.instance_holds(agent, instance)
    except RedisError:
        return None


def _consumer_of(app: Any) -> dict[str, Any]:
    """A holder the worker's consumer is put in once it starts (a consumer bootstep after Celery's events step)."""
    from celery import bootsteps

    holder: dict[str, Any] = {}

    class KeepConsumer(bootsteps.StartStopStep):
        requires = ("celery.worker.consumer.events:Events",)

        def start(self, parent: Any) -> None:
            holder["consumer"] = parent

    app.steps["consumer"].add(KeepConsumer)
    return holder


def _share_remote_control(app: Any, control: BusyControl) -> None:
    """Once the worker's remote control starts (its consumer's ``Control`` step), make it leave the requests the
    agent's own remote control thread answered during a call (:mod:`engineering_api.farm.celery_control`)."""
    from celery import bootsteps
    from celery.worker.consumer.control import Control

    class ShareControl(bootsteps.StartStopStep):
        requires = ("celery.worker.consumer.control:Control",)

        def start(self, parent: Any) -> None:
            for step in parent.blueprint.order:
                if isinstance(step, Control):
                    control.wrap_worker_node(step.box.node)

    app.steps["consumer"].add(ShareControl)


def _flush_task_events(holder: dict[str, Any]) -> None:
    """Send the task events the worker buffered (``task-received``, ``task-started``) now, on the worker's thread.
    Celery's worker buffers task events and flushes them from its event loop, which the solo pool blocks while a
    call runs: Flower and ``celery events`` saw a running call only once it had ended (``PENDING`` until then)."""
    dispatcher = getattr(holder.get("consumer"), "event_dispatcher", None)
    if dispatcher is not None:
        try:
            dispatcher.flush()
        except Exception:  # events are for the operator: never a reason to fail the call
            logger.warning("could not send the call's task events", exc_info=True)


def answer_dropped(registry: AgentRegistry, agent: str) -> Callable[..., None]:
    """A handler of Celery's ``task_revoked``: a call the worker dropped as expired, before its body ran, is
    answered to its node at once (it waits on the reply list, which Celery never writes), as not run and why.
    This node sends no ``expires`` (:mod:`engineering_api.farm.celery_app`); an older one does, as a time of its
    own wall clock that this host judges by its own, so a clock an hour off dropped every call. A call revoked by
    id is not answered: the node that revoked it stopped waiting for it first."""

    def answer(request: Any = None, expired: bool = False, **_: Any) -> None:
        call_id = getattr(request, "id", None)
        if not expired or not isinstance(call_id, str):
            return
        expires = getattr(request, "expires", None)
        logger.warning("farm call %s dropped unrun: past its expiry %s by this host's clock", call_id, expires)
        with contextlib.suppress(RedisError):  # Redis away: the node's own deadline answers it
            registry.post(call_id, {"error": encode_error(PortalUnavailableError(
                f"The call reached agent {agent!r} past its expiry ({expires}) by that host's clock, and was dropped "
                "unrun: the API node and the agent host disagree on the time (or it waited that long in the "
                "queue). Upgrade the API node (it sends no expiry), or set the hosts' clocks; retry.",
                code=codes.CALL_EXPIRED, details={"agent": agent, "expires": str(expires), "cause": "CALL_EXPIRED"}))})

    return answer


def run_agent(config: FarmConfig, backend: EngineeringBackend, *, name: str | None, versions: list[str],
              backend_name: str, log_level: str | None = None, tracing: Tracing = Tracing.OFF) -> int:
    """Serve port calls until stopped (Ctrl+C or SIGTERM); returns the exit code. ``log_level`` is also the Celery
    worker's (it sets the root logger's level to its own at start)."""
    name = name or socket.gethostname()
    backend.on_worker_thread_started()
    registry = AgentRegistry(config.redis(), config.prefix)
    registry.mark_epoch()
    record = AgentRecord(name=name, backend=backend_name, tia_versions=versions, lease_seconds=config.lease_seconds)
    runner = AgentRunner(backend, registry, record, tracing)
    hold_staging_lease(registry.record_key(name), record.instance)  # its staging folders live while its record does
    register_lock_holder({"farmAgent": name, "farmInstance": record.instance},
                         lambda lock: _lock_holder_alive(registry, lock))
    app = celery_app(config)
    from celery.signals import task_revoked

    task_revoked.connect(answer_dropped(registry, name), weak=False)

    def close_orphan(token: int) -> None:
        app.send_task(CALL_TASK, args=["close_project", {"args": [], "kwargs": {}}, uuid.uuid4().hex, "",
                                       {"instance": record.instance, "token": token, "closing": True}],
                      queue=agent_queue(name),
                      argsrepr="('close_project', …)", kwargsrepr="{}")

    runner.close_orphan = close_orphan
    from celery.utils.nodenames import host_format

    nodename = host_format(f"{name}@%h")
    runner.celery_heart = CeleryHeart(app, nodename, config.lease_seconds)
    runner._relaunch()
    runner._refresh_project()
    try:
        # the first heartbeat, as the name's lease: before anything of the name's is touched (its claim, its
        # queue), and right before the heartbeat thread renews it (a portal's launch can outlast a lease)
        take_name(registry, record)
    except AgentNameTakenError as exc:
        print(f"error: {exc.message}", file=sys.stderr, flush=True)
        backend.close()
        return 3

    consumer = _consumer_of(app)
    remote_control = BusyControl(app, nodename)  # ``celery inspect active``/``ping`` answered while a call runs
    _share_remote_control(app, remote_control)

    def call(task: Any, method: str, payload: dict[str, Any], call_id: str, label: str = "",
             fence: dict[str, Any] | None = None) -> dict[str, Any] | None:
        _flush_task_events(consumer)
        request_id = task.request.get(REQUEST_ID_HEADER)  # a message header, not an argument: older agents ignore it
        outcome = runner.run(method, payload, call_id, label, fence,
                             request_id if isinstance(request_id, str) else None,
                             task.request.headers)
        if outcome is None:  # delivered again: the first run's outcome stays the stored one
            raise Ignore()
        if "error" in outcome:  # a failure is FAILURE for Celery's operators (Flower, celery events), with its code
            raise FarmCallFailed.of(outcome)
        return outcome

    # registered with the app (Celery's decorator is untyped); bound, to read the message's headers; a failed call
    # is an expected outcome of the task (``throws``: logged without a traceback)
    app.task(name=CALL_TASK, ignore_result=False, bind=True, throws=(FarmCallFailed,))(call)

    threading.Thread(target=runner.beat, name="farm-heartbeat", daemon=True).start()
    remote_control.start()
    try:
        app.worker_main([
            "worker", "--pool=solo", "--concurrency=1", "-Q", agent_queue(name), "-n", nodename,
            f"--loglevel={log_level or 'WARNING'}", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ])
    finally:
        remote_control.stop()
        runner.stop()
        backend.close()
    return 0
