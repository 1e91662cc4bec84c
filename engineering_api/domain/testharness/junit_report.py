"""A test run as JUnit XML, the report CI servers read (Jenkins, GitLab, Azure DevOps, GitHub actions).

The shape is the one Jenkins' xUnit plugin validates against (``junit-10.xsd``): ``testsuites`` with ``name, tests,
failures, errors, time``; one ``testsuite`` per run with ``name, tests, failures, errors, skipped, time,
timestamp``; one ``testcase`` per case with ``name, classname, time, assertions`` and, in this order, an ``error``
(the case could not run to its end) and a ``failure`` per failed assertion. A case with a failed assertion and a
later error has both, and counts in both ``failures`` and ``errors``. ``time`` is in seconds. Every text from
the test files or the program (names, messages, values) has its control characters escaped
(:func:`~engineering_api.lib.printable.printable`): XML 1.0 cannot hold them, even as references.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from engineering_api.lib.printable import printable

if TYPE_CHECKING:
    from .results import CaseResult, TestSuiteResult

__all__ = ("SUITE", "junit_xml")

SUITE = "PLC tests"


def _seconds(milliseconds: float) -> str:
    return f"{milliseconds / 1000:.3f}"


def _case(parent: ET.Element, result: CaseResult, classname: str) -> None:
    assertions = [a for phase in (result.setup, result.steps, result.teardown) for s in phase for a in s.assertions]
    case = ET.SubElement(parent, "testcase", name=printable(result.test_name), classname=printable(classname),
                         time=_seconds(result.duration_ms), assertions=str(len(assertions)))
    if result.error:
        error = ET.SubElement(case, "error", message=printable(result.error),
                              type=printable(result.error_code or "Error"))
        error.text = printable(f"{result.error_step or ''}: {result.error}".lstrip(": "))
    for phase, steps in (("steps", result.steps), ("teardown", result.teardown)):
        for step in steps:
            for assertion in step.assertions:
                if assertion.passed:
                    continue
                failure = ET.SubElement(case, "failure", message=printable(assertion.message), type="AssertionFailed")
                label = step.description or f"{phase}[{step.step_index + 1}]"
                failure.text = "\n".join(printable(line) for line in (
                    f"{label}: {assertion.tag_name}", f"expected: {assertion.expected_value}",
                    f"actual: {assertion.actual_value!r}"))


def junit_xml(run: TestSuiteResult) -> bytes:
    """The run as a JUnit XML document (UTF-8, with its declaration)."""
    counts: dict[str, Any] = {"tests": str(run.total), "failures": str(run.failures), "errors": str(run.errors),
                              "time": _seconds(run.duration_ms)}
    root = ET.Element("testsuites", name=SUITE, **counts)
    suite = ET.SubElement(root, "testsuite", name=printable(f"{SUITE}: {run.selection}"), **counts, skipped="0",
                          timestamp=(run.started_at or "")[:19], id=run.run_id or "")
    for result in run.results:
        _case(suite, result, classname=f"plc.{result.device_name or 'any'}")
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
