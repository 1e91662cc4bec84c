"""An API node that restarted re-attaches the jobs it was running to their calls on the agents.

The node keeps jobs in its database; the agents keep working while it is away. Each job notes in Redis, before
each farm call it sends, its *journal* (:meth:`AgentRegistry.note_job_call`): the call it waits on (if any) and
the changing calls of its operation that completed before it. Each call's outcome is kept by Celery's result
backend under its task id. At start-up the node finishes each unfinished job no live node runs in one write by
its journal (:func:`engineering_api.farm.failover.finish_jobs_of_no_live_node`, :func:`settle_orphaned`): one
without a journal made no farm call and is failed ``INTERRUPTED``; one whose call an agent may still run stays
Running, re-attached to it, until the call's end settles the job by the whole operation, never by one call:

* an operation stops where its node stopped: the steps after the noted call never ran, so a re-attached job is
  never Completed (its result would be one call's, not the operation's);
* the noted call did not run or failed (its outcome, revoked before it started, never sent, its agent lost
  before it started) and no earlier call changed anything: the job is Failed with that call's error;
* only reads completed (the noted call was a read that completed): Failed ``INTERRUPTED``, nothing changed;
* anything else (a changing call completed, or may have): ``OUTCOME_UNKNOWN`` with ``completedCalls`` and
  ``callOutcome``, so the client looks at the project before it retries.

A started call whose agent's lease lapsed is not declared lost: only the agent that ran it says how it ended
(a stalled host or a Redis pause lets it complete later). Its job answers ``OUTCOME_UNKNOWN`` at once and is
settled again if the agent reports. A job that ended ``OUTCOME_UNKNOWN`` while its node ran (its agent did not
stop a timed-out call) is watched the same way.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from engineering_api.backend.errors import EngineeringError, PortalUnavailableError
from engineering_api.errors import codes
from engineering_api.farm.codec import decode_error
from engineering_api.farm.registry import agent_queue
from engineering_api.lib.responses import status_for

if TYPE_CHECKING:
    from engineering_api.farm.proxy import FarmBackendBase
    from engineering_api.jobs.manager import JobManager

__all__ = ("POLL_SECONDS", "CallFate", "hand_over_jobs", "reattach_jobs", "settle_orphaned", "verdict", "watch")

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How often a re-attached job's call is looked up in the result backend."""
LATE_REPORT_SECONDS = 3600.0
"""How long a job answered ``OUTCOME_UNKNOWN`` waits for its call's agent to report (a lost agent, from the answer;
a call that did not stop, from the job's end); the answer stays after that."""


@dataclass(frozen=True)
class CallFate:
    """How one farm call ended, as far as it is known: ``ran`` (completed), ``error`` (refused, failed, or did
    not run: ``error`` says which), or ``unknown`` (started, and its agent went away without reporting)."""

    kind: str
    error: EngineeringError | None = None


def reattach_jobs(jobs: JobManager, farm: FarmBackendBase) -> int:
    """Start this node's lease, finish the unfinished jobs no live node runs (re-attached to their calls, or ended by
    their journals: :func:`engineering_api.farm.failover.finish_jobs_of_no_live_node`), and from now on watch every
    job that ends ``OUTCOME_UNKNOWN``; returns how many jobs were finished or re-attached."""
    from engineering_api.farm.failover import NodeLease, finish_jobs_of_no_live_node

    farm.on_outcome_unknown = lambda job_id, call: watch(jobs, farm, job_id, call, after_its_end=True)
    farm.send_gate.open()  # closed by a stop of this process's previous app (an in-process restart)
    farm.node_lease = NodeLease(jobs, farm, settle_orphaned)
    # the lease before the marks: a mark's holder without a lease is dead to a node starting with this one,
    # which would take the mark back and finish the job too
    with contextlib.suppress(RedisError):  # Redis away: the jobs are finished once it answers (the lease loop)
        farm.node_lease.beat()
    count = finish_jobs_of_no_live_node(farm.node_lease)
    farm.node_lease.start()
    return count


def settle_orphaned(jobs: JobManager, farm: FarmBackendBase, job_id: str, call: dict[str, Any]) -> None:
    """A job whose API node is gone (stopped, restarted, or lost: :mod:`engineering_api.farm.failover`), finished
    here as that node would have: by its whole operation (``call`` is its journal; empty: it made no farm call)."""
    if not call.get("callId"):  # stopped between two calls: nothing runs, the journal says what completed
        if call.get("completedCalls"):
            _settle(jobs, job_id, call, None)
            return
        from engineering_api.jobs.records import JobError

        jobs.settle_detached(job_id, "Failed", "interrupted: its API node stopped", error=JobError(
            code=codes.INTERRUPTED, status=503, details={"cause": "API_NODE_STOPPED"},
            message="The API node running this job stopped (or was lost) before its first farm call or between two "
                    "of its calls; nothing had changed, and the rest of the operation never runs. Retry with a new "
                    "Idempotency-Key."))
        return
    jobs.settle_detached(job_id, "Running", f"re-attached after its API node stopped: {call['method']} runs on "
                                            f"agent {call['agent']}")
    watch(jobs, farm, job_id, call)


def hand_over_jobs(jobs: JobManager, farm: FarmBackendBase, own: list[str]) -> None:
    """At a clean stop, ``own`` (this node's jobs that did not end): this node sends no call from now on; a job
    that waits on a call an agent may still run is left Running, for the node that finishes it (a live node takes
    it over once this node's lease is given up, else the next node to start); the others are ended now by their
    journals (:func:`settle_orphaned`). Redis away: all are left Running, for the same nodes to finish. A job whose
    end is known here but not yet written (the database refused it) is left to that end (written at the stop if the
    database takes it; else its row stays Running and the node that finishes it reads its journal). Blocks for at
    most the outage grace (a journal being written through a Redis outage), once, at the stop."""
    farm.stop_sending()
    ended = {job_id for job_id, record in jobs.live_records().items() if record.terminal}
    unfinished = set(jobs.unfinished())  # a job that ended since ``own`` was read keeps its end
    own = [job_id for job_id in own if job_id in unfinished and job_id not in ended]
    try:
        journals = farm.registry.job_calls(own)
    except RedisError:
        logger.warning("the farm's Redis is unreachable: %d unfinished job(s) are left to the next API node", len(own))
        return
    for job_id, call in zip(own, journals):
        if call is not None and call.get("callId"):
            jobs.settle_detached(job_id, "Running", f"its API node stopped while {call['method']} runs on agent "
                                                    f"{call['agent']}: another node finishes it")
        else:
            settle_orphaned(jobs, farm, job_id, call or {})


def watch(jobs: JobManager, farm: FarmBackendBase, job_id: str, call: dict[str, Any], *, after_its_end: bool = False
          ) -> None:
    """Settle ``job_id`` with the real end of ``call`` once it is known (a daemon thread). ``after_its_end``: for
    a job that is about to end ``OUTCOME_UNKNOWN``; its final state is filled in after that, when the agent
    reports."""
    key = (id(jobs), job_id, str(call.get("callId")))
    with _watching_lock:
        if key in _watching:  # told twice (the thread that gave up on the agent, the worker that gave up on it)
            return
        _watching.add(key)
    threading.Thread(target=_settle_when_known, args=(jobs, farm, job_id, call, after_its_end, key), daemon=True,
                     name=f"farm-reattach-{job_id[:8]}").start()


_watching: set[tuple[int, str, str]] = set()
"""The watches running, by job manager, job and call id: one per job and call."""
_watching_lock = threading.Lock()


def _unsettled(jobs: JobManager, job_id: str) -> bool:
    """Whether the job still waits for its call's end: re-attached (Running) or ended ``OUTCOME_UNKNOWN``."""
    try:
        record = jobs.get(job_id)
    except Exception:  # swept meanwhile: nothing to settle
        return False
    return record.status == "Running" or record.failure is not None and record.failure.code == "OUTCOME_UNKNOWN"


def _fate_now(farm: FarmBackendBase, call: dict[str, Any], missing_since: float | None
              ) -> tuple[CallFate | None, float | None]:
    """The call's fate if it is known now (else None), and since when it has been missing from the broker."""
    call_id, agent = call["callId"], call["agent"]
    state, outcome = farm.stored_outcome(call_id)
    if state in ("SUCCESS", "FAILURE") and outcome is not None:  # the agent's outcome: a result or an error
        message = farm.path_map.to_node(outcome)
        if "error" in message:
            return CallFate("error", decode_error(message["error"], agent=agent)), None
        return CallFate("ran"), None
    started = farm.registry.call_started(call_id)
    if state == "REVOKED" and not started:  # a revoke of a started call is no news: its agent says how it ends
        return CallFate("error", PortalUnavailableError(
            f"{call['method']} of this job was dropped by its agent before it started (revoked or expired).",
            code=codes.CANCELED, details={"callId": call_id, "cause": "CANCELED"})), None
    if state == "FAILURE":
        return CallFate("unknown"), None
    record = farm.registry.agent(agent)
    gone = farm.lapsed(agent, call["instance"]) if record is None else record.instance != call["instance"]
    if gone and not farm.in_outage_grace():
        if not started and farm.never_started(call_id):  # fenced: it never runs now (a started one is let be)
            return _not_run(call, codes.AGENT_LOST, f"agent {agent!r} was lost before it started it"), None
        state, outcome = farm.stored_outcome(call_id)  # it may have ended just before its agent went away
        return (None, None) if outcome is not None else (CallFate("unknown"), None)
    if started:
        return None, None
    # neither started nor waiting in its agent's queue: a call noted and never sent (its node stopped in between),
    # one the broker lost, or one a worker took and dropped with its broken connection
    bound = farm.registry.stranded_after(call_id, agent_queue(agent))
    if bound is None:
        return None, None
    if missing_since is None:
        return None, time.monotonic()
    if time.monotonic() - missing_since >= bound and farm.never_started(call_id):
        return _not_run(call, codes.INTERRUPTED, f"the API node stopped before it reached agent {agent!r}, or the "
                                              "broker lost it"), None
    return None, missing_since


def _not_run(call: dict[str, Any], code: str, why: str) -> CallFate:
    return CallFate("error", PortalUnavailableError(
        f"{call['method']} of this job did not run and never will: {why}.", code=code,
        details={"callId": call["callId"], "agent": call["agent"], "cause": code}))


def _settle_when_known(jobs: JobManager, farm: FarmBackendBase, job_id: str, call: dict[str, Any],
                       after_its_end: bool, key: tuple[int, str, str]) -> None:
    try:
        _settle_when_known_now(jobs, farm, job_id, call, after_its_end)
    finally:
        with _watching_lock:
            _watching.discard(key)


def _settle_when_known_now(jobs: JobManager, farm: FarmBackendBase, job_id: str, call: dict[str, Any],
                           after_its_end: bool) -> None:
    missing_since: float | None = None
    answered_unknown_at: float | None = None
    # a job that ended OUTCOME_UNKNOWN keeps that answer if its call's end stays unknown (its Redis away for good)
    gives_up_at = time.monotonic() + LATE_REPORT_SECONDS if after_its_end else None
    while True:
        try:
            fate, missing_since = _fate_now(farm, call, missing_since)
        except RedisError:
            fate, missing_since = None, None
        if fate is not None and fate.kind == "unknown" and answered_unknown_at is None:
            # its agent went away mid-call: say so now, and keep listening for the agent's own report
            answered_unknown_at = time.monotonic()
            _settle_if_waiting(jobs, job_id, call, fate, after_its_end)
            after_its_end = False
            fate = None
        if fate is not None and fate.kind != "unknown":
            break
        if answered_unknown_at is not None and (time.monotonic() - answered_unknown_at > LATE_REPORT_SECONDS
                                                or _replaced(farm, call)):
            return  # the agent that ran it is gone for good: the answer stays OUTCOME_UNKNOWN
        if gives_up_at is not None and time.monotonic() > gives_up_at:
            return
        time.sleep(POLL_SECONDS)
    _settle_if_waiting(jobs, job_id, call, fate, after_its_end)
    with contextlib.suppress(RedisError):
        farm.registry.note_job_call(job_id, None)


def _replaced(farm: FarmBackendBase, call: dict[str, Any]) -> bool:
    """Whether the call's agent runs as another instance now: the one that ran the call will never report."""
    try:
        record = farm.registry.agent(call["agent"])
    except RedisError:
        return False
    return record is not None and record.instance != call["instance"]


def _settle_if_waiting(jobs: JobManager, job_id: str, call: dict[str, Any], fate: CallFate, after_its_end: bool
                       ) -> None:
    deadline = time.monotonic() + 60.0
    while after_its_end and not jobs.end_written(job_id) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)  # settled before its end is written, the end would be written over the settling
    if _unsettled(jobs, job_id):
        _settle(jobs, job_id, call, fate)


def verdict(call: dict[str, Any], fate: CallFate | None) -> tuple[str, EngineeringError]:
    """What an operation whose node stopped at ``call`` (None in ``fate``: between two calls) answers: a message
    and the job's error. Never a success: the operation's steps after the call did not run."""
    from engineering_api.farm.outcomes import OutcomeUnknownError
    from engineering_api.farm.proxy import is_read_only

    earlier = [str(m) for m in call.get("completedCalls") or []]
    method = str(call.get("method") or "")
    changing = bool(method) and not is_read_only(method)
    if fate is not None and fate.kind == "unknown" and not changing:
        fate = _not_run(call, codes.AGENT_LOST, f"agent {call['agent']!r} was lost while it ran this read")
    if fate is not None and fate.error is not None and not earlier:
        return fate.error.message, fate.error
    if fate is not None and fate.kind == "ran" and not earlier and not changing:
        return "interrupted by restart after a read", PortalUnavailableError(
            f"The API node stopped during this operation, after its read {method} completed: nothing was changed, "
            "and the rest of the operation never runs. Retry with a new Idempotency-Key.", code=codes.INTERRUPTED,
            details={"callId": call["callId"], "agent": call["agent"], "completedCalls": [],
                     "cause": "API_NODE_STOPPED"})
    done = [*earlier, *([method] if fate is not None and fate.kind == "ran" and changing else [])]
    what = ("between two of its calls" if fate is None else
            f"while {method} ran on agent {call['agent']!r}, which "
            + {"ran": "completed it", "unknown": "went away without saying how it ended",
               "error": "did not complete it"}[fate.kind])
    error = OutcomeUnknownError(
        f"This operation was stopped {what}; the rest of it never runs. Calls that completed and may have "
        f"changed the project: {', '.join(done) or 'none known'}"
        + (f"; {method} may have as well" if fate is not None and fate.kind == "unknown" else "")
        + ". Look at the project before you retry.",
        details={"completedCalls": done, **({"callId": call["callId"], "agent": call["agent"], "method": method,
                                             "callOutcome": fate.kind} if fate is not None else {}),
                 "cause": fate.error.code if fate is not None and fate.error is not None else "API_NODE_STOPPED"})
    return "outcome unknown: the operation ran in part", error


def _settle(jobs: JobManager, job_id: str, call: dict[str, Any], fate: CallFate | None) -> None:
    from engineering_api.jobs.records import JobError

    message, error = verdict(call, fate)
    jobs.settle_detached(job_id, "Failed", message, error=JobError(
        code=error.code, message=error.message, status=status_for(error), details=error.details or None))
