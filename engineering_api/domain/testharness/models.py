"""The wire format of PLC unit tests: test cases, their steps, and the results of a run.

A test case is data, not code: it is validated when it is stored (422 for a wrong shape), so a run
only fails on what the PLC does. Every Struct here is camelCase on the wire and read
case-insensitively (PascalCase clients work too).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.lib.schema import CamelStruct

__all__ = (
    "COMPARISONS", "MAX_CYCLES", "AssertionResult", "CaseResult", "Expectation", "RunTotals", "TestCase",
    "TestCaseInfo", "TestRun", "TestStep", "WriteStep", "check_case", "describe_step",
)

MAX_CYCLES = 1_000_000
"""At most this many cycles in one step (the simulated CPU refuses more in one call)."""
MAX_STEPS = 1000
_NAME = re.compile(r"^\w[\w\-. ]{0,99}$")
"""Letters, digits, ``_ - .`` and spaces: no ``*`` (it selects every case of a run), no ``/`` (a path segment)."""
COMPARISONS = ("equals", "notEquals", "approx", "greaterThan", "greaterOrEqual", "lessThan", "lessOrEqual")
"""The comparisons an ``expect`` step may combine (all must hold)."""

CaseStatus = Literal["Passed", "Failed", "Error"]
Number = int | float
"""Integers stay integers on the way back (``2000``, not ``2000.0``)."""


class WriteStep(CamelStruct, forbid_unknown_fields=True):
    """Write a PLC tag: ``{"tag": "\\"Motor_DB\\".Start", "value": true}`` (tag names as in PLCSIM Advanced)."""

    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    value: Any


class Expectation(CamelStruct, forbid_unknown_fields=True, omit_defaults=True):
    """Read a tag and compare it; every comparison given must hold.

    ``equals``/``notEquals`` compare any value (a ``Real`` tag is compared at single precision, a Bool only
    with true/false); ``approx`` with ``tolerance`` (absolute; default: relative 1e-6) and the ordering
    comparisons need numbers (times are integer milliseconds). ``null`` is no PLC value: ``"equals": null``
    counts as not given.
    """

    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    equals: Any = None
    not_equals: Any = None
    approx: Number | None = None
    tolerance: Annotated[int, msgspec.Meta(ge=0)] | Annotated[float, msgspec.Meta(ge=0)] | None = None
    greater_than: Number | None = None
    greater_or_equal: Number | None = None
    less_than: Number | None = None
    less_or_equal: Number | None = None

    def comparisons(self) -> dict[str, Any]:
        """The comparisons given, by wire name (``tolerance`` rides along with ``approx``)."""
        given = {name: value for name, value in msgspec.to_builtins(self).items() if name in COMPARISONS}
        if "approx" in given and self.tolerance is not None:
            given["tolerance"] = self.tolerance
        return given


class TestStep(CamelStruct, forbid_unknown_fields=True, omit_defaults=True):
    """One step, exactly one of: ``{"write": {tag, value}}``, ``{"cycles": N}`` (run N program cycles),
    ``{"advanceMs": T}`` (advance virtual time by T ms, cycle by cycle) or ``{"expect": {tag, equals...}}``."""

    __test__ = False  # not a pytest class

    write: WriteStep | None = None
    cycles: Annotated[int, msgspec.Meta(ge=1, le=MAX_CYCLES)] | None = None
    advance_ms: Annotated[int, msgspec.Meta(gt=0)] | Annotated[float, msgspec.Meta(gt=0)] | None = None
    expect: Expectation | None = None

    @property
    def kind(self) -> str:
        """``write``, ``cycles``, ``advanceMs`` or ``expect``."""
        return next(iter(msgspec.to_builtins(self)))


class TestCase(CamelStruct):
    """A PLC unit test.

    ``setup`` steps prepare the CPU (a failing setup step is an error, not a failure); ``steps`` act and
    assert. The case runs on ``instanceName`` (else the connected simulation instance), which must be in
    RUN: a CPU in STOP is started only when the case says ``"startCpu": true`` (nothing starts a CPU that
    nobody asked to start; a CPU the run started stays in RUN). Stepping (``cycles``,
    ``advanceMs``) needs the instance in operating mode SingleStep or TimespanSynchronized; the run
    does not switch modes. Cases share the CPU's memory: write what a case depends on in its setup.
    ``deviceName`` names the PLC whose program the case tests (``POST /api/tests/run`` selects by it).
    """

    __test__ = False

    name: Annotated[str, msgspec.Meta(max_length=100)]
    steps: Annotated[list[TestStep], msgspec.Meta(min_length=1, max_length=MAX_STEPS)]
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    device_name: str | None = None
    instance_name: str | None = None
    start_cpu: bool = False
    setup: Annotated[list[TestStep], msgspec.Meta(max_length=MAX_STEPS)] = msgspec.field(default_factory=list)


class TestCaseInfo(TestCase):
    """A stored test case with when it was created and last replaced."""

    created_at: str = ""
    updated_at: str = ""


class AssertionResult(CamelStruct):
    """One ``expect`` step's outcome: ``expected`` holds its comparisons (e.g. ``{"equals": true}``)."""

    phase: Literal["setup", "steps"]
    step: int
    """1-based index of the step in its phase."""
    tag: str
    expected: dict[str, Any]
    actual: Any
    passed: bool
    message: str
    data_type: str | None = None


class CaseResult(CamelStruct):
    """One case of a run: ``Passed`` (every assertion held), ``Failed`` (one did not) or ``Error`` (the case
    could not run to its end: unknown tag, CPU in STOP, wrong operating mode...; ``error`` says why)."""

    name: str
    status: CaseStatus
    instance_name: str | None
    device_name: str | None
    started_at: str
    finished_at: str
    duration_ms: float
    assertions: list[AssertionResult]
    error: str | None = None
    error_code: str | None = None
    error_step: str | None = None
    """Where the error happened, e.g. ``steps[3] cycles``."""


class RunTotals(CamelStruct):
    """Counts of a run's cases."""

    total: int
    passed: int
    failed: int
    errors: int


class TestRun(CamelStruct):
    """One run of test cases (T-IA Connect's TestSuiteResult): ``status`` is ``Running``, ``Completed`` or
    ``Canceled``; ``outcome`` is ``Passed`` when every case passed."""

    __test__ = False

    run_id: str
    selection: str
    """What was run: a case name, ``*`` or ``device:<name>``."""
    status: Literal["Running", "Completed", "Canceled"]
    outcome: Literal["Passed", "Failed"]
    started_at: str
    finished_at: str | None
    totals: RunTotals
    cases: list[CaseResult]


def describe_step(phase: str, index: int, step: TestStep) -> str:
    """``steps[3] cycles`` — where a step is, for messages."""
    return f"{phase}[{index}] {step.kind}"


def _step_problem(step: TestStep) -> str | None:
    kinds = [k for k, v in (("write", step.write), ("cycles", step.cycles), ("advanceMs", step.advance_ms),
                            ("expect", step.expect)) if v is not None]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        return f"a step has exactly one of write, cycles, advanceMs, expect (found: {found})"
    if step.expect is None:
        return None
    given = step.expect.comparisons()
    if not given:
        return f"expect on {step.expect.tag} needs a comparison: one or more of {', '.join(COMPARISONS)}"
    if step.expect.tolerance is not None and step.expect.approx is None:
        return f"expect on {step.expect.tag}: tolerance goes with approx"
    bad = [k for k, v in given.items() if isinstance(v, float) and not math.isfinite(v)]
    if bad:
        return f"expect on {step.expect.tag}: {', '.join(bad)} must be a finite number"
    return None


def check_case(case: TestCase) -> None:
    """Check what the schema cannot say: one kind per step, comparisons that make sense, something to assert.

    Raises:
        ValidationError: ``TEST_NAME_INVALID``; ``TEST_CASE_INVALID`` with the step (``steps[2]``) in ``details.step``.
    """
    if not _NAME.match(case.name):
        raise ValidationError(
            f'"{case.name}" is not a valid test case name: use letters, digits, "_", "-", "." and spaces (at most '
            '100), starting with a letter, digit or "_".', code="TEST_NAME_INVALID", details={"field": "name"},
        )
    for phase, steps in (("setup", case.setup), ("steps", case.steps)):
        for index, step in enumerate(steps, 1):
            problem = _step_problem(step)
            if problem is not None:
                raise ValidationError(
                    f'Test case "{case.name}", {phase}[{index}]: {problem}.', code="TEST_CASE_INVALID",
                    details={"step": f"{phase}[{index}]"},
                )
    if not any(step.expect is not None for step in case.steps):
        raise ValidationError(
            f'Test case "{case.name}" asserts nothing: add at least one expect step to "steps" '
            "(a case without assertions would always pass).", code="TEST_CASE_INVALID", details={"step": "steps"},
        )
