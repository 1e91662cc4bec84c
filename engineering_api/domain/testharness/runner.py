"""Running test cases against a simulated PLC through the backend port's simulation methods.

Each case runs on its instance (``instanceName``, else the connected one): the CPU is brought to RUN
(``startCpu``), a stale tag list is refreshed, then the setup and the steps run in order. A failed assertion fails the case; anything
that keeps the case from running to its end (a tag error, a CPU that STOPs, a free-running instance)
makes the case an ``Error`` with the reason, and the run goes on with the next case. The run is saved
after every case, so a crash or a cancellation keeps what was done. Cancellation is honoured between
steps.
"""

from __future__ import annotations

import json
import logging
import math
import struct
import time
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend.errors import EngineeringError, OperationCanceledError
from engineering_api.lib.schema import utc_now
from simatic_xml.cancel import Canceled

from .models import AssertionResult, CaseResult, Expectation, RunTotals, TestRun, describe_step

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engineering_api.backend.areas.simulation_models import SimInstanceState, SimStepResult, SimTagValue
    from engineering_api.jobs.operations import OperationContext

    from .models import TestCase, TestStep
    from .store import TestStore

__all__ = ("SimulationApi", "evaluate", "run_case", "run_cases")

logger = logging.getLogger(__name__)

RUN = "Run"
STOP = "Stop"
FREE_RUNNING = "Default"
_SYMBOLS = {
    "equals": "==", "notEquals": "!=", "approx": "~=", "greaterThan": ">", "greaterOrEqual": ">=", "lessThan": "<",
    "lessOrEqual": "<=",
}


class SimulationApi(Protocol):
    """The simulation methods of the backend port a run uses (``instance`` None: the connected one)."""

    def sim_read_tag(self, name: str, instance: str | None = None) -> SimTagValue: ...
    def sim_write_tag(self, name: str, value: Any, instance: str | None = None) -> SimTagValue: ...
    def sim_step(self, instance: str | None, cycles: int | None = None,
                 milliseconds: float | None = None) -> SimStepResult: ...
    def sim_instance_state(self, instance: str | None) -> SimInstanceState: ...
    def sim_run(self, instance: str | None) -> SimInstanceState: ...
    def sim_refresh_tags(self, instance: str | None = None) -> Any: ...


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
        return abs(actual - wanted) <= expect.tolerance
    return {
        "greaterThan": actual > wanted, "greaterOrEqual": actual >= wanted, "lessThan": actual < wanted,
        "lessOrEqual": actual <= wanted,
    }[name]


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _part(name: str, wanted: Any, expect: Expectation) -> str:
    text = f"{_SYMBOLS[name]} {_show(wanted)}"
    return text + (f" +/- {expect.tolerance:g}" if name == "approx" and expect.tolerance is not None else "")


def evaluate(expect: Expectation, actual: Any, data_type: str | None, *, phase: str, step: int) -> AssertionResult:
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
        phase=phase, step=step, tag=expect.tag, expected=given, actual=actual, passed=not missed, message=message,
        data_type=data_type,
    )


# ----- one case ---------------------------------------------------------------------------------------
def _label(instance: str | None) -> str:
    return f'The instance "{instance}"' if instance else "The connected simulation instance"


def _stop_reason(sim: SimulationApi, instance: str) -> str:
    error = sim.sim_instance_state(instance).last_error
    return error.message if error is not None else "read the instance's diagnostic buffer for the cause."


def _prepare(sim: SimulationApi, case: TestCase, instance: str | None) -> str:
    """Bring the case's instance to RUN; returns its name (the connected one's when ``instance`` is None)."""
    info = sim.sim_instance_state(instance)
    name = info.name  # later steps name it: a change of the connected instance must not move the case
    if info.operating_state == STOP and case.start_cpu:
        sim.sim_run(name)
        info = sim.sim_instance_state(name)
        if info.operating_state != RUN:
            raise _CaseError(f"{_label(name)} did not go to RUN: {_stop_reason(sim, name)}", "CPU_STOPPED")
    elif info.operating_state == STOP:
        raise _CaseError(f'{_label(name)} is in STOP. Start the CPU, or set "startCpu": true in the case.',
                         "CPU_IN_STOP")
    elif info.operating_state != RUN:
        raise _CaseError(f"{_label(name)} is {info.operating_state}. Power it on and download the program before "
                         "testing.", "CPU_NOT_RUNNING")
    steps = (*case.setup, *case.steps)
    if info.operating_mode == FREE_RUNNING and any(s.cycles is not None or s.advance_ms is not None for s in steps):
        raise _CaseError(
            f"{_label(name)} runs freely (operating mode Default), so cycles and time cannot be stepped. Set its "
            "operating mode to SingleStep or TimespanSynchronized before running the test.", "FREE_RUNNING",
        )
    if not info.tags_up_to_date:
        sim.sim_refresh_tags(name)  # after a download, as a PLCSIM client calls UpdateTagList
    return name


def _execute(sim: SimulationApi, step: TestStep, instance: str, phase: str, index: int) -> AssertionResult | None:
    if step.write is not None:
        sim.sim_write_tag(step.write.tag, step.write.value, instance=instance)
        return None
    if step.expect is not None:
        read = sim.sim_read_tag(step.expect.tag, instance=instance)
        return evaluate(step.expect, read.value, read.data_type, phase=phase, step=index)
    if sim.sim_step(instance, cycles=step.cycles, milliseconds=step.advance_ms).stopped:
        raise _CaseError(f"{_label(instance)} went to STOP during {describe_step(phase, index, step)}: "
                         f"{_stop_reason(sim, instance)}", "CPU_STOPPED")
    return None


def run_case(ctx: OperationContext, sim: SimulationApi, case: TestCase, instance: str | None) -> CaseResult:
    """Run one case; only a cancellation escapes (between steps)."""
    started, clock = utc_now(), time.perf_counter()
    assertions: list[AssertionResult] = []
    error: tuple[str, str, str | None] | None = None
    where: str | None = None
    try:
        instance = _prepare(sim, case, instance)
        for phase, steps in (("setup", case.setup), ("steps", case.steps)):
            for index, step in enumerate(steps, 1):
                ctx.check_canceled()
                where = describe_step(phase, index, step)
                outcome = _execute(sim, step, instance, phase, index)
                if outcome is None:
                    continue
                assertions.append(outcome)
                if phase == "setup" and not outcome.passed:
                    raise _CaseError(f"Setup precondition not met: {outcome.message}", "SETUP_FAILED")
    except OperationCanceledError:
        raise
    except (_CaseError, EngineeringError) as exc:
        error = (exc.message, exc.code, where)
    except Exception:  # a defect must cost one case, not the run (a CI report lists every case)
        logger.exception("test case %s failed unexpectedly", case.name)
        error = ("Internal error while running the case; see the server log.", "INTERNAL_ERROR", where)
    status = "Error" if error else ("Passed" if all(a.passed for a in assertions) else "Failed")
    return CaseResult(
        name=case.name, status=status, instance_name=instance, device_name=case.device_name, started_at=started,
        finished_at=utc_now(), duration_ms=round((time.perf_counter() - clock) * 1000, 3), assertions=assertions,
        error=error[0] if error else None, error_code=error[1] if error else None,
        error_step=error[2] if error else None,
    )


# ----- a run ------------------------------------------------------------------------------------------
def _totals(cases: list[CaseResult]) -> RunTotals:
    count = {s: sum(1 for c in cases if c.status == s) for s in ("Passed", "Failed", "Error")}
    return RunTotals(total=len(cases), passed=count["Passed"], failed=count["Failed"], errors=count["Error"])


def _snapshot(base: TestRun, cases: list[CaseResult], status: str, finished: bool) -> TestRun:
    totals = _totals(cases)
    return TestRun(
        run_id=base.run_id, selection=base.selection, status=status,  # type: ignore[arg-type]
        outcome="Passed" if cases and totals.passed == totals.total else "Failed", started_at=base.started_at,
        finished_at=utc_now() if finished else None, totals=totals, cases=list(cases),
    )


def run_cases(
    ctx: OperationContext, store: TestStore, cases: Sequence[TestCase], *, selection: str,
    instance: str | None = None,
) -> TestRun:
    """Run ``cases`` in order and record the run (``instance`` overrides each case's ``instanceName``).

    Raises:
        OperationCanceledError: the job was canceled; the run is saved as ``Canceled`` with the cases done.
    """
    sim: SimulationApi = ctx.backend  # type: ignore[assignment]
    run = TestRun(run_id=store.new_run_id(), selection=selection, status="Running", outcome="Failed",
                  started_at=utc_now(), finished_at=None, totals=_totals([]), cases=[])
    store.save_run(run)
    results: list[CaseResult] = []
    try:
        for number, case in enumerate(cases):
            ctx.check_canceled()
            ctx.progress(100 * number // len(cases), f"test {number + 1}/{len(cases)}: {case.name}")
            results.append(run_case(ctx, sim, case, instance or case.instance_name))
            store.save_run(_snapshot(run, results, "Running", finished=False))
    except (OperationCanceledError, Canceled):  # Canceled: stopped at a checkpoint inside a step (a download)
        store.save_run(_snapshot(run, results, "Canceled", finished=True))
        raise
    final = _snapshot(run, results, "Completed", finished=True)
    store.save_run(final)
    ctx.progress(100, f"{final.totals.passed}/{final.totals.total} passed")
    return final
