"""The results of a run, in the shape T-IA Connect's test view reads (``TestSuiteResult``).

The client upper-cases the first letter of every key, so the camelCase wire here is what it reads as
``Total, Passed, Failed, Results[]``, each result's ``TestName, Description, Passed, Error, Steps[], DurationMs``
and each step's ``StepIndex`` (0-based, the index into the case's ``steps``), ``Passed`` and ``Assertions[]``
with ``TagName, Passed, Message, ExpectedValue, ActualValue``. Setup and teardown steps are reported apart
(``setup``, ``teardown``) so that ``steps[i]`` always is the case's ``steps[i]``.
"""

from __future__ import annotations

from typing import Any, Literal

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "AssertionResult", "CaseResult", "CaseStatus", "StepResult", "SuiteStatus", "TestSuiteResult", "suite_counts",
)

CaseStatus = Literal["Passed", "Failed", "Error"]
SuiteStatus = Literal["Running", "Completed", "Canceled", "NotRun"]


class AssertionResult(CamelStruct):
    """One comparison of a tag's value: ``expectedValue`` holds the comparisons (e.g. ``{"equals": true}``)."""

    tag_name: str
    passed: bool
    message: str
    expected_value: dict[str, Any]
    actual_value: Any
    data_type: str | None = None


class StepResult(CamelStruct):
    """One step that ran: passed when its assertions held and nothing went wrong in it."""

    step_index: int
    """0-based index of the step in its phase."""
    description: str
    passed: bool
    assertions: list[AssertionResult]
    error: str | None = None


class CaseResult(CamelStruct):
    """One case of a run.

    ``status`` is ``Passed`` (every assertion held), ``Failed`` (one did not) or ``Error`` (the case could not run
    to its end: unknown tag, CPU in STOP, wrong operating mode...; ``error`` says why). A case with a failed
    assertion and a later error is an ``Error`` that also counts its ``failedAssertions``: a run counts it under
    both ``failures`` and ``errors``. Steps that did not run (after an error) are not listed.
    """

    test_name: str
    description: str
    passed: bool
    status: CaseStatus
    failed_assertions: int
    steps: list[StepResult]
    setup: list[StepResult]
    teardown: list[StepResult]
    instance_name: str | None
    device_name: str | None
    state_reset: bool
    """Whether the case started from a clean PLC state (false with ``keepState``, or when it could not start)."""
    started_at: str
    completed_at: str
    duration_ms: float
    error: str | None = None
    error_code: str | None = None
    error_step: str | None = None
    """Where the error happened, e.g. ``steps[3] cycles`` (1-based)."""


class TestSuiteResult(CamelStruct):
    """One run of test cases (T-IA Connect's ``TestSuiteResult``).

    ``total = passed + failed``: ``failed`` counts every case that did not pass. ``failures`` counts the cases with
    a failed assertion and ``errors`` those that could not run to their end, as JUnit does; a case with both counts
    in both. ``status`` is ``Running``, ``Completed``, ``Canceled``, or ``NotRun`` when no run is recorded yet.
    """

    __test__ = False

    run_id: str | None
    selection: str
    """What was run: a case name, a pattern (``*``, ``Motor*``), or ``device:<name>``."""
    status: SuiteStatus
    total: int
    passed: int
    failed: int
    failures: int
    errors: int
    results: list[CaseResult]
    started_at: str | None
    completed_at: str | None
    duration_ms: float


def suite_counts(results: list[CaseResult]) -> dict[str, int]:
    """``total, passed, failed, failures, errors`` of these case results."""
    passed = sum(1 for r in results if r.passed)
    return {
        "total": len(results), "passed": passed, "failed": len(results) - passed,
        "failures": sum(1 for r in results if r.failed_assertions), "errors": sum(1 for r in results if r.error),
    }
