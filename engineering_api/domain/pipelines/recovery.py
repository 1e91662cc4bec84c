"""Executions a previous server process left ``Running``: settled at start-up with what is known of them.

A pipeline runs inside one job on the API node; when the process dies (kill -9, power loss) the job is marked Failed
at the next start (``JobManager.fail_interrupted``) and nothing runs its steps any more. Its execution would stay
``Running`` forever. :func:`settle_interrupted` ends every execution whose job is no longer running: the steps it
recorded keep their results, the step that was running when the process died (recorded ``Running`` before it starts,
see ``runner._run_steps``) is ``Failed`` with ``OUTCOME_UNKNOWN`` (its operation may or may not have completed), and
the steps never reached are ``Skipped``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now

from .models import PipelineExecution, PipelineStepResult
from .store import EXECUTIONS_KEPT, PipelineStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.lib.db import KeyValueStore

__all__ = ("settle_interrupted",)

_OPEN = ("Pending", "Running")
_STOPPED = "the server stopped (interrupted by restart)"


def settle_interrupted(kv: KeyValueStore, job_running: Callable[[str], bool]) -> list[PipelineExecution]:
    """End every open execution whose job is not running (``job_running(job_id)``); returns them as settled."""
    store = PipelineStore(kv)
    settled = []
    for execution in store.executions(None, EXECUTIONS_KEPT):
        if execution.status in _OPEN and not job_running(execution.job_id):
            definition = store.find(execution.pipeline_name)
            execution = _settled(execution, [step.name for step in definition.steps] if definition else [])
            store.save_execution(execution)
            settled.append(execution)
    return settled


def _settled(execution: PipelineExecution, step_names: list[str]) -> PipelineExecution:
    """``execution`` ended: what it recorded kept, its running step's outcome unknown, the steps of ``step_names``
    (the pipeline's steps now) it never reached skipped."""
    now = utc_now()
    results: list[PipelineStepResult] = []
    running: list[str] = []
    for result in execution.step_results:
        if result.status in _OPEN:
            running.append(result.step_name)
            result = msgspec.structs.replace(
                result, status="Failed", completed_at=now, error_code=codes.OUTCOME_UNKNOWN,
                result_message="outcome unknown",
                error=f"{_STOPPED} while this step ran: whether its operation completed is unknown; check the project "
                      "before running it again")
        results.append(result)
    reached = {result.step_index for result in results}
    never = [(index, name) for index, name in enumerate(step_names) if index not in reached]
    results += [PipelineStepResult(step_index=index, step_name=name, action="", status="Skipped", started_at=now,
                                   completed_at=now, duration_ms=0, attempts=0,
                                   result_message=f"not run: {_STOPPED} before this step")
                for index, name in never]
    done = len(results) - len(running) - len(never)
    parts = [f"{done} step run(s) had ended"]
    if running:
        parts.append(f"step {', '.join(repr(name) for name in running)} was running: its outcome is unknown")
    if never:
        parts.append(f"{len(never)} step(s) never ran")
    return msgspec.structs.replace(execution, status="Failed", step_results=results, completed_at=now,
                                   error=f"{_STOPPED}: {'; '.join(parts)}")
