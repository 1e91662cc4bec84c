"""PLC unit tests: the one internal model of a test case, and its checks.

A test case is data, not code: it is validated when it is stored (422 for a wrong shape), so a run only fails on
what the PLC does. Two input formats are accepted and converted to this model at the edge
(:mod:`.convert`): T-IA Connect's client format (``write: {tag: value}``, ``waitMs``, ``assert: {tag: {expected,
tolerance, min, max, notEqual}}``) and this server's earlier one step per action format (``write: {tag, value}``,
``cycles``, ``advanceMs``, ``expect: {tag, equals...}``). Stored and answered cases use the model below.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import msgspec

from engineering_api.backend.areas.simulation_snapshots import check_snapshot_name
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct

__all__ = (
    "COMPARISONS", "MAX_CYCLES", "MAX_STEPS", "MAX_WAIT_MS", "PHASES", "Expectation", "TestCase", "TestCaseInfo",
    "TestStep", "WriteStep", "check_case", "describe_step",
)

MAX_CYCLES = 1_000_000
"""At most this many cycles in one step (the simulated CPU refuses more in one call)."""
MAX_STEPS = 1000
MAX_WAIT_MS = 600_000
"""A ``waitMs`` on a free-running CPU waits in real time on the one TIA worker thread: at most 10 minutes."""
_NAME = re.compile(r"^\w[\w\-. ]{0,99}$")
"""Letters, digits, ``_ - .`` and spaces: no ``* ? [`` (they select cases of a run), no ``/`` (a path segment)."""
COMPARISONS = ("equals", "notEquals", "approx", "greaterThan", "greaterOrEqual", "lessThan", "lessOrEqual")
"""The comparisons an expectation may combine (all must hold)."""
PHASES = ("setup", "steps", "teardown")

Number = float
"""Numbers are floats on the wire (``2000`` comes back as ``2000.0``): an ``int | float`` union is documented as
``oneOf`` integer/number, which a value such as ``2000`` matches twice, so the answer would violate its own schema."""


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
    tolerance: Annotated[float, msgspec.Meta(ge=0)] | None = None
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
    """One step: its ``write``s in order, then at most one of ``cycles`` (run N program cycles), ``advanceMs``
    (advance virtual time by T ms) or ``waitMs`` (let T ms of PLC time pass: stepped when the instance is in
    SingleStep or TimespanSynchronized mode, waited in real time when it runs freely), then its ``expect``s."""

    __test__ = False  # not a pytest class

    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    write: list[WriteStep] = msgspec.field(default_factory=list)
    cycles: Annotated[int, msgspec.Meta(ge=1, le=MAX_CYCLES)] | None = None
    advance_ms: Annotated[float, msgspec.Meta(gt=0)] | None = None
    wait_ms: Annotated[float, msgspec.Meta(ge=0, le=MAX_WAIT_MS)] | None = None
    expect: list[Expectation] = msgspec.field(default_factory=list)

    @property
    def kind(self) -> str:
        """What the step does, e.g. ``write+advanceMs+expect``."""
        parts = [k for k, v in (("write", self.write), ("cycles", self.cycles), ("advanceMs", self.advance_ms),
                                ("waitMs", self.wait_ms), ("expect", self.expect)) if v]
        return "+".join(parts) or ("waitMs" if self.wait_ms == 0 else "nothing")


class TestCase(CamelStruct):
    """A PLC unit test.

    ``setup`` steps prepare the CPU (a failing setup step is an error, not a failure); ``steps`` act and assert;
    ``teardown`` steps run after them whatever happened (unless the run is canceled). The case runs on
    ``instanceName`` (else the connected simulation instance), which must be in RUN: a CPU in STOP is started only
    when the case says ``"startCpu": true``. Each case starts from a clean PLC state: forces removed, then a memory
    reset (actual values back to their start values, retentive data cleared) and a restart (startup OBs run), unless
    it says ``"keepState": true`` or names a ``snapshot`` of the instance to restore instead (a fixture; a CPU in
    RUN is stopped for the restore and goes on from the snapshot, which must have been taken in RUN).
    ``saveSnapshot`` takes a snapshot of the instance after the steps, before the teardown. Stepping (``cycles``,
    ``advanceMs``) needs the instance in operating mode SingleStep or TimespanSynchronized; the run does not switch
    modes. ``deviceName`` names the PLC whose program the case tests (``POST /api/tests/run`` selects by it).
    """

    __test__ = False

    name: Annotated[str, msgspec.Meta(max_length=100)]
    steps: Annotated[list[TestStep], msgspec.Meta(min_length=1, max_length=MAX_STEPS)]
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    device_name: str | None = None
    instance_name: str | None = None
    start_cpu: bool = False
    keep_state: bool = False
    snapshot: str | None = None
    """A snapshot of the instance to restore before the setup, instead of the clean state (taken in RUN)."""
    save_snapshot: str | None = None
    """A snapshot of the instance to take after the steps, before the teardown (replacing one of that name)."""
    setup: Annotated[list[TestStep], msgspec.Meta(max_length=MAX_STEPS)] = msgspec.field(default_factory=list)
    teardown: Annotated[list[TestStep], msgspec.Meta(max_length=MAX_STEPS)] = msgspec.field(default_factory=list)


class TestCaseInfo(TestCase):
    """A stored test case with when it was created and last replaced."""

    created_at: str = ""
    updated_at: str = ""


def describe_step(phase: str, index: int, step: TestStep) -> str:
    """``steps[3] cycles`` — where a step is (1-based, as people count), for messages."""
    return f"{phase}[{index}] {step.kind}"


def _expect_problem(expect: Expectation) -> str | None:
    given = expect.comparisons()
    if not given:
        return f"expect on {expect.tag} needs a comparison: one or more of {', '.join(COMPARISONS)}"
    if expect.tolerance is not None and expect.approx is None:
        return f"expect on {expect.tag}: tolerance goes with approx"
    bad = [k for k, v in given.items() if isinstance(v, float) and not math.isfinite(v)]
    if bad:
        return f"expect on {expect.tag}: {', '.join(bad)} must be a finite number"
    return None


def _step_problem(step: TestStep) -> str | None:
    timed = [k for k, v in (("cycles", step.cycles), ("advanceMs", step.advance_ms), ("waitMs", step.wait_ms))
             if v is not None]
    if len(timed) > 1:
        return f"a step has at most one of cycles, advanceMs, waitMs (found: {', '.join(timed)})"
    if not step.write and not timed and not step.expect:
        return "a step does something: write, cycles, advanceMs, waitMs or expect/assert"
    for expect in step.expect:
        problem = _expect_problem(expect)
        if problem is not None:
            return problem
    return None


def check_case(case: TestCase) -> None:
    """Check what the schema cannot say: comparisons that make sense, steps that do something, an assertion.

    Raises:
        ValidationError: ``TEST_NAME_INVALID``; ``TEST_CASE_INVALID`` with the step (``steps[2]``) in ``details.step``.
    """
    if not _NAME.match(case.name):
        raise ValidationError(
            f'"{case.name}" is not a valid test case name: use letters, digits, "_", "-", "." and spaces (at most '
            '100), starting with a letter, digit or "_".', code=codes.TEST_NAME_INVALID, details={"field": "name"},
        )
    for field, wire in ((case.snapshot, "snapshot"), (case.save_snapshot, "saveSnapshot")):
        if field is not None:
            try:
                check_snapshot_name(field)
            except ValidationError as exc:
                raise ValidationError(f'Test case "{case.name}", {wire}: {exc.message}', code=codes.TEST_CASE_INVALID,
                                      details={"field": wire}) from None
    if case.snapshot is not None and case.keep_state:
        raise ValidationError(f'Test case "{case.name}": snapshot and keepState exclude each other (a snapshot '
                              "replaces the state the case starts from).", code=codes.TEST_CASE_INVALID,
                              details={"field": "snapshot"})
    for phase in PHASES:
        for index, step in enumerate(getattr(case, phase), 1):
            problem = _step_problem(step)
            if problem is not None:
                raise ValidationError(
                    f'Test case "{case.name}", {phase}[{index}]: {problem}.', code=codes.TEST_CASE_INVALID,
                    details={"step": f"{phase}[{index}]"},
                )
    if not any(step.expect for step in case.steps):
        raise ValidationError(
            f'Test case "{case.name}" asserts nothing: add at least one expect (or assert) to "steps" '
            "(a case without assertions would always pass).", code=codes.TEST_CASE_INVALID, details={"step": "steps"},
        )
