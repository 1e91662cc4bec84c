"""A job taken over from an API node that was not dead (issue 91; fault schedule seed 1002 on 193941a5).

A node's lease lapses while the node lives on: a Redis restart expires every lease the nodes could not renew while
it was away, and a stalled process misses its beats. Another node then takes the node's jobs over and settles each
by its journal. The seed's failure: a survivor settled an import ``INTERRUPTED`` ("after its read open_projects
completed: nothing was changed") while the node it took the job from, alive, went on to send the import's
generate call, whose blocks were then saved. Here the participants are stepped by events: node A runs the job's
operation (a read whose floor ends when the test opens the gate, then the change), A holds no lease (taken for
lost), and node B looks for lost jobs exactly when the test says. Whatever the order, the job's end must be the
truth: a change that ran is never answered as not run, and a call of a job another node took over does not run.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, cast

import pytest

from engineering_api.backend.errors import EngineeringError
from engineering_api.farm import FarmBackend, FarmConfig
from engineering_api.farm.dispatch import _thread_binding
from engineering_api.farm.failover import NodeLease, take_over_orphaned_jobs
from engineering_api.farm.outcomes import Operation, operation_scope
from engineering_api.farm.reattach import settle_orphaned
from engineering_api.lib.caller import current_job
from tests.conftest import CPU
from tests.farm.conftest import OwnFarm
from tests.farm.farm_calls import WAIT, InterruptedJobs, as_caller, until

pytestmark = pytest.mark.xdist_group("farm-2")

JOB = "job-import-taken"
SESSION = "taken"
SOURCE = 'FUNCTION "Taken1" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n  #Taken1 := #a;\nEND_FUNCTION\n'


class _NodeJobs(InterruptedJobs):
    """The job table as node B reads it: one job, run by no node B knows of (A's lease is gone)."""

    def __init__(self) -> None:
        super().__init__()
        self.ended = threading.Event()
        """Set when the job's end is written (the take-over writes it Running first, re-attached)."""

    def settle_detached(self, job_id: str, status: str, message: str, *, result: Any = None,
                        error: Any = None) -> None:
        super().settle_detached(job_id, status, message, result=result, error=error)
        if self.terminal:
            self.ended.set()

    def supervised(self) -> list[str]:
        return []

    def unfinished(self) -> list[str]:
        return [] if self.terminal else [JOB]


class _Import:
    """The operation of an import job on node A, on a thread of its own as A's farm worker runs it: a read, then
    the change (what ``import-and-generate`` sends: its first call is a read of the open projects)."""

    def __init__(self, node: Any) -> None:
        self.node = node
        self.answer: Any = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        _thread_binding.caller = SESSION
        current_job.set(JOB)
        with operation_scope(Operation()):
            try:
                self.node.open_projects()
                self.answer = self.node.blocks.generate_blocks_from_source("PLC_1", "Taken1.scl", SOURCE,
                                                                          version="V19", overwrite=False)
            except EngineeringError as exc:
                self.answer = exc

    def ended(self) -> Any:
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "node A's operation ended"
        return self.answer


def _nodes(farm: OwnFarm) -> tuple[Any, Any, NodeLease, _NodeJobs]:
    """Node A (runs the job; no lease: taken for lost) with the session's project and PLC, and node B's lease over
    the job table (looks only when the test calls :func:`take_over_orphaned_jobs`)."""
    node_a = FarmBackend(FarmConfig(farm.redis.url))
    node_b = FarmBackend(FarmConfig(farm.redis.url, outage_grace_seconds=0.5))  # its Redis did not restart
    workspace = farm.root / "workspace"
    workspace.mkdir()
    as_caller(SESSION, lambda: node_a.create_project(Path(workspace), "Taken", author="", comment=""))
    as_caller(SESSION, lambda: node_a.devices.add_device(CPU, None, "PLC_1"))
    jobs = _NodeJobs()
    lease = NodeLease(cast(Any, jobs), node_b, settle_orphaned)
    lease.beat()
    return node_a, node_b, lease, jobs


def _blocks(node: Any) -> set[str]:
    return {block.name for block in as_caller(SESSION, lambda: node.blocks.list_blocks("PLC_1"))}


def _running(farm: OwnFarm, method: str) -> bool:
    return any((a.current_call or "").startswith(method) for a in farm.registry.agents())


def test_a_job_taken_over_while_its_node_lives_on_runs_no_call_after_the_take(own_farm):
    """The seed's order: B takes the job while A waits on its read; the read completes, and A sends the change.
    B answers the job by its journal (the read): ``INTERRUPTED``, nothing changed; so the change must not run."""
    farm = own_farm(1, "600:open_projects")
    node_a, node_b, lease, jobs = _nodes(farm)
    try:
        importing = _Import(node_a)
        until(lambda: _running(farm, "open_projects"), "the job's read runs on the agent")
        assert take_over_orphaned_jobs(lease) == [JOB], "node A's lease is gone: B takes its job"
        (farm.root / "gate").touch()  # the read completes; A goes on with the change
        answer = importing.ended()
        assert jobs.ended.wait(WAIT), "B settled the job"
        blocks = _blocks(node_a)
        assert jobs.failure is not None and jobs.failure.code == "INTERRUPTED", jobs.failure
        assert "Taken1" not in blocks, f"the job was answered {jobs.failure.message!r} while its change ran"
        assert isinstance(answer, EngineeringError) and answer.code == "INTERRUPTED", answer
        assert answer.details["cause"] == "JOB_TAKEN_OVER", answer.details
    finally:
        node_a.close()
        node_b.close()


def test_a_job_taken_over_after_its_node_sent_the_change_is_settled_by_that_change(own_farm):
    """B reads the journals, then A's change is sent and runs, then B takes the job: the journal B read names
    only the read. B reads the journal again once the mark is its own, so the job's end names the change."""
    farm = own_farm(1, "600:open_projects")
    node_a, node_b, lease, jobs = _nodes(farm)
    real_take = lease.take

    def take_after_the_change_ran(job_id: str) -> bool:
        (farm.root / "gate").touch()  # between B's read of the journals and its take: the read ends, the change runs
        assert importing.ended() is not None
        return real_take(job_id)

    lease.take = take_after_the_change_ran  # type: ignore[method-assign]
    try:
        importing = _Import(node_a)
        until(lambda: _running(farm, "open_projects"), "the job's read runs on the agent")
        assert take_over_orphaned_jobs(lease) == [JOB]
        assert not isinstance(importing.answer, EngineeringError), importing.answer
        assert jobs.ended.wait(WAIT), "B settled the job"
        assert "Taken1" in _blocks(node_a), "the change ran"
        failure = jobs.failure
        assert failure is not None and failure.code == "OUTCOME_UNKNOWN", failure
        assert (failure.details or {}).get("completedCalls") == ["blocks.generate_blocks_from_source"], failure
    finally:
        node_a.close()
        node_b.close()
