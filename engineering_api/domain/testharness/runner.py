"""Running test cases against a simulated PLC through the backend port's simulation methods.

Each case runs on its instance (``instanceName``, else the connected one): the CPU is brought to RUN
(``startCpu``), its state is made clean unless the case says ``keepState`` (forces removed, memory reset, restart:
every actual value back to its start value and the startup OBs run, as a power-up of a fresh CPU) or names a
``snapshot`` of the instance to restore instead (a fixture: the state a snapshot holds, taken in RUN), a stale tag
list is refreshed, then the setup, the steps and the teardown run in order; a case's ``saveSnapshot`` is taken after
its steps, before the teardown, for later cases to start from. A failed assertion fails the case and
the steps go on; anything that keeps the case from running to its end (a tag error, a CPU that STOPs, a
free-running instance asked to step) makes the case an ``Error`` with the reason, the teardown still runs, and the
run goes on with the next case. The run is saved after every case, so a crash or a cancellation keeps what was
done. Cancellation is honoured between steps.
"""

from __future__ import annotations

import json
import logging
import math
import struct
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend.errors import EngineeringError, OperationCanceledError
from engineering_api.errors import codes
from engineering_api.lib.encoded_paths import segment
from engineering_api.lib.schema import utc_now
from simatic_xml.cancel import Canceled

from .models import PHASES, Expectation, describe_step
from .results import AssertionResult, CaseResult, CaseStatus, StepResult, SuiteStatus, TestSuiteResult, suite_counts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engineering_api.backend.areas.simulation_snapshots import SimSnapshotInfo, SimSnapshotRestored
    from engineering_api.backend.areas.simulation_models import SimInstanceState, SimStepResult, SimTagValue
    from engineering_api.jobs.operations import OperationContext

    from .models import TestCase, TestStep
    from .store import TestStore

__all__ = ("SimTagsApi", "SimulationApi", "Simulator", "evaluate", "run_case", "run_cases", "suite")

logger = logging.getLogger(__name__)

RUN = "Run"
STOP = "Stop"
FREE_RUNNING = "Default"
_SYMBOLS = {
    "equals": "==", "notEquals": "!=", "approx": "~=", "greaterThan": ">", "greaterOrEqual": ">=", "lessThan": "<",
    "lessOrEqual": "<=",
}


class SimulationApi(Protocol):
    """The simulation-area methods of the backend port a run uses (``instance`` None: the connected one)."""

    def step(self, instance: str | None, cycles: int | None = None,
                 milliseconds: float | None = None) -> SimStepResult: ...
    def instance_state(self, instance: str | None) -> SimInstanceState: ...
    def run(self, instance: str | None) -> SimInstanceState: ...
    def stop(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState: ...
    def memory_reset(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState: ...
    def clear_forces(self, instance: str | None) -> list[str]: ...


class SnapshotsApi(Protocol):
    """The snapshot methods of the backend port a case naming a snapshot uses."""

    def list_snapshots(self, instance: str) -> list[SimSnapshotInfo]: ...
    def create_snapshot(self, instance: str, name: str) -> SimSnapshotInfo: ...
    def restore_snapshot(self, instance: str, name: str) -> SimSnapshotRestored: ...
    def delete_snapshot(self, instance: str, name: str) -> SimSnapshotInfo: ...


class SimTagsApi(Protocol):
    """The simulation-tags methods of the backend port a run uses."""

    def read_tag(self, name: str, instance: str | None = None) -> SimTagValue: ...
    def write_tag(self, name: str, value: Any, instance: str | None = None) -> SimTagValue: ...
    def refresh_tags(self, instance: str | None = None) -> Any: ...


@dataclass(frozen=True, slots=True)
class Simulator:
    """The two port areas a run drives: the instances and their tags."""

    instances: SimulationApi
    """The simulation area (``backend.simulation``): states, stepping, resets."""
    tags: SimTagsApi
    """The simulation-tags area (``backend.sim_tags``): reads, writes, the tag list."""
    snapshots: SnapshotsApi
    """The snapshots area (``backend.sim_snapshots``): a case's ``snapshot`` and ``saveSnapshot``."""


class _CaseError(Exception):
    """The case cannot go on; ``code`` is stable, the message says what to do."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# ----- comparisons ----------------------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _single(value: float) -> float:
    """``value`` as a ``Real`` holds it (single precision)."""
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


def _same(actual: Any, wanted: Any, data_type: str | None) -> bool:
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return type(actual) is type(wanted) and actual == wanted  # a Bool is true/false, never 1/0
    if data_type == "Real" and _is_number(actual) and _is_number(wanted):
        return _single(float(actual)) == _single(float(wanted))
    return bool(actual == wanted)


def _holds(name: str, actual: Any, wanted: Any, expect: Expectation, data_type: str | None) -> bool:
    if name == "equals":
        return _same(actual, wanted, data_type)
    if name == "notEquals":
        return not _same(actual, wanted, data_type)
    if not _is_number(actual):
        return False
    if name == "approx":
        if expect.tolerance is None:
            return math.isclose(actual, wanted, rel_tol=1e-6, abs_tol=1e-6)
        within: bool = abs(actual - wanted) <= expect.tolerance
        return within
    compared: bool = {
        "greaterThan": actual > wanted, "greaterOrEqual": actual >= wanted, "lessThan": actual < wanted,
        "lessOrEqual": actual <= wanted,
    }[name]
    return compared


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _part(name: str, wanted: Any, expect: Expectation) -> str:
    text = f"{_SYMBOLS[name]} {_show(wanted)}"
    return text + (f" +/- {expect.tolerance:g}" if name == "approx" and expect.tolerance is not None else "")


def evaluate(expect: Expectation, actual: Any, data_type: str | None) -> AssertionResult:
    """Compare a value read from the PLC with every comparison of an ``expect`` step."""
    given = expect.comparisons()
    checks = {k: v for k, v in given.items() if k != "tolerance"}
    missed = [name for name, wanted in checks.items() if not _holds(name, actual, wanted, expect, data_type)]
    typed = f" ({data_type})" if data_type else ""
    if missed:
        wanted = " and ".join(_part(n, checks[n], expect) for n in missed)
        message = f"{expect.tag} is {_show(actual)}{typed}; expected {wanted}"
        if any(n not in ("equals", "notEquals") for n in missed) and not _is_number(actual):
            message += " (the tag's value is not a number)"
    else:
        held = " and ".join(_part(n, v, expect) for n, v in checks.items())
        message = f"{expect.tag} is {_show(actual)}{typed}: {held}"
    return AssertionResult(
        tag_name=expect.tag, passed=not missed, message=message, expected_value=given, actual_value=actual,
        data_type=data_type,
    )


# ----- one case ---------------------------------------------------------------------------------------
Failure = tuple[str, str, str | None]
"""An error of a case: message, code, where (``steps[3] cycles``)."""


def _label(instance: str | None) -> str:
    return f'The instance "{instance}"' if instance else "The connected simulation instance"


def _stop_reason(sim: Simulator, instance: str) -> str:
    error = sim.instances.instance_state(instance).last_error
    return error.message if error is not None else "read the instance's diagnostic buffer for the cause."


def _restore(sim: Simulator, instance: str, snapshot: str, operating_state: str) -> SimInstanceState:
    """Put the case's snapshot back instead of the clean state: a CPU in RUN is stopped first (a restore needs STOP),
    and the CPU ends in the snapshot's operating state, which must be RUN (starting a CPU from STOP would give its
    non-retentive values their start values again, undoing the snapshot)."""
    if not any(s.name.casefold() == snapshot.casefold() for s in sim.snapshots.list_snapshots(instance)):
        raise _CaseError(f'The instance "{instance}" has no snapshot "{snapshot}". Take it first (POST '
                         f"/api/simulation/instances/{segment(instance)}/snapshots, or saveSnapshot in an earlier "
                         "case).",
                         codes.SIM_SNAPSHOT_NOT_FOUND)
    if operating_state == RUN:
        sim.instances.stop(instance, confirm=True)
    state = sim.snapshots.restore_snapshot(instance, snapshot).state
    if state.operating_state != RUN:
        raise _CaseError(f'The snapshot "{snapshot}" of the instance "{instance}" was taken in STOP, so the case '
                         "cannot run from it (a start would give its values their start values again). Take the "
                         "snapshot while the CPU runs.", "SNAPSHOT_IN_STOP")
    return state


def _save(sim: Simulator, instance: str, snapshot: str) -> None:
    """Take the case's ``saveSnapshot`` after its steps, replacing an older one of that name (a rerun saves again)."""
    if any(s.name.casefold() == snapshot.casefold() for s in sim.snapshots.list_snapshots(instance)):
        sim.snapshots.delete_snapshot(instance, snapshot)
    sim.snapshots.create_snapshot(instance, snapshot)


def _prepare(sim: Simulator, case: TestCase, instance: str | None, started: set[str] | None = None
             ) -> tuple[str, bool, bool]:
    """Bring the case's instance to RUN from a clean state (unless ``keepState``).

    ``started``: the instances this run already brought to RUN. One of them found in STOP was stopped by an earlier
    case of the run (a runtime error), so it is started again: each case starts from the clean state whatever the
    previous one did. A CPU the run finds in STOP first is the user's, started only when the case says
    ``startCpu``. The instance's name is added to ``started`` once it runs.

    Returns its name (the connected one's when ``instance`` is None: a later change of the connected instance
    must not move the case), whether the state was reset, and whether the instance runs freely.
    """
    info = sim.instances.instance_state(instance)
    name = info.name
    if info.operating_state == STOP and not case.start_cpu and name not in (started or ()):
        raise _CaseError(f'{_label(name)} is in STOP. Start the CPU, or set "startCpu": true in the case.',
                         "CPU_IN_STOP")
    if info.operating_state not in (RUN, STOP):
        raise _CaseError(f"{_label(name)} is {info.operating_state}. Power it on and download the program before "
                         "testing.", codes.CPU_NOT_RUNNING)
    if case.snapshot is not None:
        if started is not None and info.operating_state == RUN:
            started.add(name)  # stopped for the restore: a later case may start it again, as the run's own
        info = _restore(sim, name, case.snapshot, info.operating_state)
    reset = not case.keep_state and case.snapshot is None
    if reset:
        if info.forces:  # a memory reset keeps forces (as an S7-1500 does): remove them first
            sim.instances.clear_forces(name)
        sim.instances.memory_reset(name, confirm=True)
    if reset or info.operating_state == STOP:
        sim.instances.run(name)
        info = sim.instances.instance_state(name)
        if info.operating_state != RUN:
            raise _CaseError(f"{_label(name)} did not go to RUN: {_stop_reason(sim, name)}", "CPU_STOPPED")
    free = info.operating_mode == FREE_RUNNING
    steps = (*case.setup, *case.steps, *case.teardown)
    if free and any(s.cycles is not None or s.advance_ms is not None for s in steps):
        raise _CaseError(
            f"{_label(name)} runs freely (operating mode Default), so cycles and time cannot be stepped. Set its "
            "operating mode to SingleStep or TimespanSynchronized before running the test (waitMs works in both).",
            "FREE_RUNNING",
        )
    if not info.tags_up_to_date:
        sim.tags.refresh_tags(name)  # after a download, as a PLCSIM client calls UpdateTagList
    if started is not None:
        started.add(name)
    return name, reset, free


def _wait(ctx: OperationContext, milliseconds: float) -> None:
    """Wait in real time (a free-running CPU scans on its own), answering a cancel within 50 ms."""
    deadline = time.monotonic() + milliseconds / 1000
    while (left := deadline - time.monotonic()) > 0:
        ctx.check_canceled()
        time.sleep(min(left, 0.05))


def _execute(ctx: OperationContext, sim: Simulator, step: TestStep, instance: str, free: bool,
             where: str, assertions: list[AssertionResult]) -> None:
    """Writes, then the cycles or time, then the expectations (appended to ``assertions`` as they are read)."""
    for write in step.write:
        sim.tags.write_tag(write.tag, write.value, instance=instance)
    stepped = None
    if step.cycles is not None or step.advance_ms is not None:
        stepped = sim.instances.step(instance, cycles=step.cycles, milliseconds=step.advance_ms)
    elif step.wait_ms:
        if free:
            _wait(ctx, step.wait_ms)
        else:  # a stepped instance's time only passes when stepped: waitMs is that much virtual time
            stepped = sim.instances.step(instance, milliseconds=step.wait_ms)
    if stepped is not None and stepped.stopped:
        raise _CaseError(f"{_label(instance)} went to STOP during {where}: {_stop_reason(sim, instance)}",
                         "CPU_STOPPED")
    for expect in step.expect:
        read = sim.tags.read_tag(expect.tag, instance=instance)
        assertions.append(evaluate(expect, read.value, read.data_type))


def _run_phase(ctx: OperationContext, sim: Simulator, case: TestCase, phase: str, instance: str, free: bool,
               out: list[StepResult]) -> Failure | None:
    """Run one phase's steps into ``out``; the first error ends the phase. Only a cancellation escapes."""
    for index, step in enumerate(getattr(case, phase)):
        ctx.check_canceled()
        where = describe_step(phase, index + 1, step)
        assertions: list[AssertionResult] = []
        failure: Failure | None = None
        try:
            _execute(ctx, sim, step, instance, free, where, assertions)
        except OperationCanceledError:
            raise
        except (_CaseError, EngineeringError) as exc:
            failure = (exc.message, exc.code, where)
        except Exception:  # a defect must cost one case, not the run (a CI report lists every case)
            logger.exception("test case %s failed unexpectedly at %s", case.name, where)
            failure = ("Internal error while running the case; see the server log.", codes.INTERNAL_ERROR, where)
        held = all(a.passed for a in assertions)
        if failure is None and phase == "setup" and not held:
            missed = next(a for a in assertions if not a.passed)
            failure = (f"Setup precondition not met: {missed.message}", "SETUP_FAILED", where)
        out.append(StepResult(step_index=index, description=step.description, passed=held and failure is None,
                              assertions=assertions, error=failure[0] if failure else None))
        if failure is not None:
            return failure
    return None


def run_case(ctx: OperationContext, sim: Simulator, case: TestCase, instance: str | None,
             running: set[str] | None = None) -> CaseResult:
    """Run one case; only a cancellation escapes (between steps). ``running``: the instances the run brought to
    RUN so far (:func:`_prepare`), shared by the run's cases."""
    started, clock = utc_now(), time.perf_counter()
    phases: dict[str, list[StepResult]] = {phase: [] for phase in PHASES}
    error: Failure | None = None
    reset = False
    try:
        instance, reset, free = _prepare(sim, case, instance, running)
    except OperationCanceledError:
        raise
    except (_CaseError, EngineeringError) as exc:
        error = (exc.message, exc.code, "prepare")
    if error is None:
        assert instance is not None
        for phase in ("setup", "steps"):
            error = _run_phase(ctx, sim, case, phase, instance, free, phases[phase])
            if error is not None:
                break
        if error is None and case.save_snapshot is not None:
            try:
                _save(sim, instance, case.save_snapshot)
            except EngineeringError as exc:
                error = (exc.message, exc.code, "saveSnapshot")
        # The teardown runs whatever happened; its own error is the case's error only when there was none before.
        teardown_error = _run_phase(ctx, sim, case, "teardown", instance, free, phases["teardown"])
        error = error or teardown_error
    failed = sum(1 for phase in ("steps", "teardown") for s in phases[phase] for a in s.assertions if not a.passed)
    status: CaseStatus = "Error" if error else ("Failed" if failed else "Passed")
    return CaseResult(
        test_name=case.name, description=case.description, passed=status == "Passed", status=status,
        failed_assertions=failed, steps=phases["steps"], setup=phases["setup"], teardown=phases["teardown"],
        instance_name=instance, device_name=case.device_name, state_reset=reset, started_at=started,
        completed_at=utc_now(), duration_ms=round((time.perf_counter() - clock) * 1000, 3),
        error=error[0] if error else None, error_code=error[1] if error else None,
        error_step=error[2] if error else None,
    )


# ----- a run ------------------------------------------------------------------------------------------
def suite(run_id: str | None, selection: str, status: SuiteStatus, results: list[CaseResult], started: str | None,
          completed: str | None, duration_ms: float = 0.0) -> TestSuiteResult:
    """A run's ``TestSuiteResult`` with its counts."""
    return TestSuiteResult(
        run_id=run_id, selection=selection, status=status, results=list(results),
        started_at=started, completed_at=completed, duration_ms=duration_ms, **suite_counts(results),
    )


def run_cases(
    ctx: OperationContext, store: TestStore, cases: Sequence[TestCase], *, selection: str,
    instance: str | None = None,
) -> TestSuiteResult:
    """Run ``cases`` in order and record the run (``instance`` overrides each case's ``instanceName``).

    Raises:
        OperationCanceledError: the job was canceled; the run is saved as ``Canceled`` with the cases done.
    """
    sim = Simulator(instances=ctx.backend.simulation, tags=ctx.backend.sim_tags, snapshots=ctx.backend.sim_snapshots)
    run_id, started, clock = store.new_run_id(), utc_now(), time.perf_counter()

    def snapshot(status: SuiteStatus, finished: bool) -> TestSuiteResult:
        return suite(run_id, selection, status, results, started, utc_now() if finished else None,
                     round((time.perf_counter() - clock) * 1000, 3))

    results: list[CaseResult] = []
    running: set[str] = set()
    store.save_run(snapshot("Running", finished=False))
    try:
        for number, case in enumerate(cases):
            ctx.check_canceled()
            ctx.progress(100 * number // len(cases), f"test {number + 1}/{len(cases)}: {case.name}")
            results.append(run_case(ctx, sim, case, instance or case.instance_name, running))
            store.save_run(snapshot("Running", finished=False))
    except (OperationCanceledError, Canceled):  # Canceled: stopped at a checkpoint inside a step (a download)
        store.save_run(snapshot("Canceled", finished=True))
        raise
    final = snapshot("Completed", finished=True)
    store.save_run(final)
    ctx.progress(100, f"{final.passed}/{final.total} passed")
    return final
