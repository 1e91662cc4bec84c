"""An API node that restarted re-attaches the jobs it was running to their calls on the agents.

The node keeps jobs in its database; the agents keep working while it is away. Each farm call a job waits on is
noted in Redis (:meth:`AgentRegistry.note_job_call`), and each call's outcome is kept by Celery's result backend
under its task id. At start-up the node marks unfinished jobs Failed (``INTERRUPTED``) as an embedded server does;
for each such job with a noted call it then sets the job Running again and waits for that call's real end:

* the call's outcome in the result backend: the job ends Completed with the call's result, or Failed with its
  error (an operation whose handler would have made more port calls after this one ends with this call's state:
  the rest did not run);
* the call revoked or expired: it never ran, the job is Failed;
* the agent lost or restarted while the call had no outcome: the job is Failed with ``AGENT_LOST``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import msgspec
from redis.exceptions import RedisError

from engineering_api.farm.codec import decode, decode_error
from engineering_api.lib.responses import status_for

if TYPE_CHECKING:
    from engineering_api.farm.proxy import FarmBackend
    from engineering_api.jobs.manager import JobManager

__all__ = ("POLL_SECONDS", "reattach_jobs")

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How often a re-attached job's call is looked up in the result backend."""


def reattach_jobs(jobs: JobManager, farm: FarmBackend) -> list[asyncio.Task[None]]:
    """Re-attach every interrupted job whose farm call is known; returns the tasks that watch them."""
    tasks = []
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
        tasks.append(asyncio.create_task(_watch(jobs, farm, job_id, call)))
    return tasks


async def _watch(jobs: JobManager, farm: FarmBackend, job_id: str, call: dict[str, Any]) -> None:
    from engineering_api.jobs.manager import JobError

    while True:
        try:
            state, outcome = await asyncio.to_thread(farm.stored_outcome, call["callId"])
            if state == "PENDING":
                record = await asyncio.to_thread(farm.registry.agent, call["agent"])
                gone = record is None or record.instance != call["instance"]
                if gone and not await asyncio.to_thread(farm.in_outage_grace):
                    # one more look: the outcome may have been stored just before the agent went away
                    state, outcome = await asyncio.to_thread(farm.stored_outcome, call["callId"])
                    if state == "PENDING":
                        jobs.settle_detached(job_id, "Failed", "the agent running it was lost", error=JobError(
                            code="AGENT_LOST", status=503, details={"callId": call["callId"], "agent": call["agent"]},
                            message=f"Agent {call['agent']!r} was lost while running {call['method']} of this job "
                                    "(the API node had restarted meanwhile); it did not complete."))
                        break
        except RedisError:
            state = "PENDING"
        if state == "SUCCESS" and outcome is not None:
            message = farm.path_map.to_node(outcome)
            if "error" in message:
                exc = decode_error(message["error"], agent=call["agent"])
                jobs.settle_detached(job_id, "Failed", exc.message, error=JobError(
                    code=exc.code, message=exc.message, status=status_for(exc), details=exc.details or None))
            else:
                jobs.settle_detached(job_id, "Completed", "completed on the agent while the API node restarted",
                                     result=msgspec.to_builtins(decode(message.get("result"))))
            break
        if state in ("REVOKED", "FAILURE"):
            jobs.settle_detached(job_id, "Failed", "the call never ran", error=JobError(
                code="CANCELED" if state == "REVOKED" else "AGENT_CALL_FAILED", status=503,
                message=f"{call['method']} of this job was dropped by its agent ({state.lower()}).",
                details={"callId": call["callId"]}))
            break
        await asyncio.sleep(POLL_SECONDS)
    farm.registry.note_job_call(job_id, None)
