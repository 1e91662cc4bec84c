"""An API node that restarted re-attaches the jobs it was running to their calls on the agents.

The node keeps jobs in its database; the agents keep working while it is away. Each farm call a job waits on is
noted in Redis (:meth:`AgentRegistry.note_job_call`), and each call's outcome is kept by Celery's result backend
under its task id. At start-up the node marks unfinished jobs Failed (``INTERRUPTED``) as an embedded server does;
for each such job with a noted call it then sets the job Running again and waits for that call's real end:

* the call's outcome in the result backend: the job ends Completed with the call's result, or Failed with its
  error (an operation whose handler would have made more port calls after this one ends with this call's state:
  the rest did not run);
* the call revoked or expired: it never ran, the job is Failed;
* the agent lost or restarted while the call had no outcome: the job is Failed with ``AGENT_LOST``;
* the call neither started nor held by the broker (the node stopped between noting it and sending it): it is
  made never to run (its cancel flag) and the job is Failed with ``INTERRUPTED``, within seconds, not at the
  call's expiry.

A job that ended ``OUTCOME_UNKNOWN`` (its agent did not stop a timed-out call) is watched the same way, so its
final state is filled in when the agent reports.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import msgspec
from redis.exceptions import RedisError

from engineering_api.farm.celery_app import QUEUED_CALL_EXPIRES_SECONDS
from engineering_api.farm.codec import decode, decode_error
from engineering_api.farm.registry import agent_queue
from engineering_api.lib.responses import status_for

if TYPE_CHECKING:
    from engineering_api.farm.proxy import FarmBackendBase
    from engineering_api.jobs.manager import JobManager

__all__ = ("POLL_SECONDS", "reattach_jobs", "watch")

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How often a re-attached job's call is looked up in the result backend."""


def reattach_jobs(jobs: JobManager, farm: FarmBackendBase) -> int:
    """Re-attach every interrupted job whose farm call is known, and from now on watch every job that ends
    ``OUTCOME_UNKNOWN``; returns how many were re-attached."""
    farm.on_outcome_unknown = lambda job_id, call: watch(jobs, farm, job_id, call, after_its_end=True)
    count = 0
    for job_id in jobs.interrupted():
        try:
            call = farm.registry.job_call(job_id)
        except RedisError:
            logger.warning("cannot re-attach job %s: the farm's Redis is unreachable", job_id)
            continue
        if call is None:
            continue
        jobs.settle_detached(job_id, "Running", f"re-attached after an API node restart: {call['method']} runs on "
                                                f"agent {call['agent']}")
        watch(jobs, farm, job_id, call)
        count += 1
    return count


def watch(jobs: JobManager, farm: FarmBackendBase, job_id: str, call: dict[str, Any], *, after_its_end: bool = False
          ) -> threading.Thread:
    """Settle ``job_id`` with the real end of ``call`` once it is known (a daemon thread). ``after_its_end``: for
    a job that is about to end ``OUTCOME_UNKNOWN``; its final state is filled in after that, when the agent
    reports."""
    thread = threading.Thread(target=_settle_when_known, args=(jobs, farm, job_id, call, after_its_end), daemon=True,
                              name=f"farm-reattach-{job_id[:8]}")
    thread.start()
    return thread


def _unsettled(jobs: JobManager, job_id: str) -> bool:
    """Whether the job still waits for its call's end: re-attached (Running) or ended ``OUTCOME_UNKNOWN``."""
    try:
        record = jobs.get(job_id)
    except Exception:  # noqa: BLE001 - swept meanwhile: nothing to settle
        return False
    return record.status == "Running" or record.failure is not None and record.failure.code == "OUTCOME_UNKNOWN"


def _settle_when_known(jobs: JobManager, farm: FarmBackendBase, job_id: str, call: dict[str, Any],
                       after_its_end: bool) -> None:
    from engineering_api.jobs.manager import JobError

    missing_since: float | None = None
    while True:
        try:
            state, outcome = farm.stored_outcome(call["callId"])
            if state == "PENDING" and time.time() - float(call.get("sentAt", time.time())) > \
                    QUEUED_CALL_EXPIRES_SECONDS and not farm.registry.call_started(call["callId"]):
                state = "REVOKED"  # past its expiry and never started: it was not sent, or Celery dropped it
            if state == "PENDING":
                record = farm.registry.agent(call["agent"])
                if (record is None or record.instance != call["instance"]) and not farm.in_outage_grace():
                    # one more look: the outcome may have been stored just before the agent went away
                    state, outcome = farm.stored_outcome(call["callId"])
                    if state == "PENDING":
                        state = "LOST"
            if state == "PENDING":
                # neither started nor waiting in its agent's queue: a call noted and never sent (its node stopped
                # in between), one the broker lost, or one a worker took and dropped with its broken connection
                bound = farm.registry.stranded_after(call["callId"], agent_queue(call["agent"]))
                if bound is None:
                    missing_since = None
                elif missing_since is None:
                    missing_since = time.monotonic()
                elif time.monotonic() - missing_since >= bound and farm.never_started(call["callId"]):
                    state = "NOT_SENT"
        except RedisError:
            state, outcome, missing_since = "PENDING", None, None
        if state != "PENDING":
            break
        time.sleep(POLL_SECONDS)
    deadline = time.monotonic() + 60.0
    while after_its_end and not jobs.get(job_id).terminal and time.monotonic() < deadline:  # its end not written yet
        time.sleep(POLL_SECONDS)
    if not _unsettled(jobs, job_id):
        return
    if state == "NOT_SENT":
        jobs.settle_detached(job_id, "Failed", "interrupted by restart before its call reached its agent", error=JobError(
            code="INTERRUPTED", status=503, details={"callId": call["callId"], "agent": call["agent"]},
            message=f"The API node stopped before {call['method']} of this job reached agent {call['agent']!r} (or "
                    "the broker lost it): it did not run and never will."))
    elif state == "LOST":
        jobs.settle_detached(job_id, "Failed", "the agent running it was lost", error=JobError(
            code="AGENT_LOST", status=503, details={"callId": call["callId"], "agent": call["agent"]},
            message=f"Agent {call['agent']!r} was lost while running {call['method']} of this job; it did not "
                    "complete."))
    elif state == "SUCCESS" and outcome is not None:
        message = farm.path_map.to_node(outcome)
        if "error" in message:
            exc = decode_error(message["error"], agent=call["agent"])
            jobs.settle_detached(job_id, "Failed", exc.message, error=JobError(
                code=exc.code, message=exc.message, status=status_for(exc), details=exc.details or None))
        else:
            jobs.settle_detached(job_id, "Completed", f"{call['method']} completed on agent {call['agent']} after "
                                 "its caller stopped waiting", result=msgspec.to_builtins(decode(message.get("result"))))
    else:
        jobs.settle_detached(job_id, "Failed", "the call never ran", error=JobError(
            code="CANCELED" if state == "REVOKED" else "AGENT_CALL_FAILED", status=503,
            message=f"{call['method']} of this job was dropped by its agent ({state.lower()}).",
            details={"callId": call["callId"]}))
    with contextlib.suppress(RedisError):
        farm.registry.note_job_call(job_id, None)
