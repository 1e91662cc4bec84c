"""The semantics suite's runner: a family of checks is one PLC program and one test file, run by
``engineering-api test run FOLDER`` (the command a pipeline runs), once per family per test session.

A :class:`Check` is one expectation on one tag after one step of a case, with the document it rests on. A family's
checks become the ``assert`` entries of its steps; the command's report (one ``TEST_FAILED`` line per failed
assertion, one ``TEST_ERROR`` per case that could not run to its end) says which checks held. Expression
families (:func:`expression_family`) assign each expression to its own result tag ``"R".cN`` of the declared type
in one OB1, and run one cycle.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engineering_api.cli import main
from tests.scl_frames import global_db, main_ob

__all__ = ("Case", "Check", "Family", "Outcome", "Step", "expression_family", "run_family")


@dataclass(frozen=True)
class Check:
    """``tag`` equals ``expected`` (as the test harness compares: Real in single precision) after its step."""

    name: str
    tag: str
    expected: Any
    source: str
    """The document: a Siemens manual (title, number, section/page), the data type's definition, a cited
    practitioner report, or "IEC only"."""
    thin: bool = False
    """The expectation rests on thin evidence (one practitioner report, no Siemens document found)."""


@dataclass(frozen=True)
class Step:
    write: dict[str, Any] = field(default_factory=dict)
    cycles: int | None = None
    wait_ms: int | None = None
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Family:
    name: str
    program: str
    """SCL source of the whole program (DBs, FBs, OB "Main")."""
    cases: tuple[Case, ...]
    auto_eno: str = ""
    """SCL source of blocks that have "Set ENO automatically": built into SimaticML (``scl build``, the attribute
    then set), as a TIA export carries the block property; an SCL source has no place for it."""

    def checks(self) -> list[tuple[Case, int, Check]]:
        return [(case, index, check) for case in self.cases for index, step in enumerate(case.steps, 1)
                for check in step.checks]


@dataclass
class Outcome:
    """What the command reported: failed assertions by (case, step, tag), and case errors by case."""

    failed: dict[tuple[str, int, str], str]
    errors: dict[str, str]
    output: str

    def verdict(self, case: Case, step: int, check: Check) -> str | None:
        """None when the check held, else why not."""
        if case.name in self.errors:
            return self.errors[case.name]
        return self.failed.get((case.name, step, check.tag))


_FAILED = re.compile(r'test "(?P<case>[^"]+)" failed at steps\[(?P<step>\d+)\][^:]*: (?P<tag>.+?) is (?P<rest>.*)')
_ERROR = re.compile(r'test "(?P<case>[^"]+)" could not run to its end (?P<rest>.*)')


def _test_file(family: Family) -> list[dict[str, Any]]:
    cases = []
    for case in family.cases:
        steps = []
        for step in case.steps:
            raw: dict[str, Any] = {}
            if step.write:
                raw["write"] = step.write
            if step.cycles is not None:
                raw["cycles"] = step.cycles
            if step.wait_ms is not None:
                raw["waitMs"] = step.wait_ms
            raw["assert"] = {c.tag: {"expected": c.expected} for c in step.checks}
            steps.append(raw)
        cases.append({"name": case.name, "steps": steps})
    return cases


def _run(family: Family) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="plc-semantics-") as folder:
        Path(folder, "program.scl").write_text(family.program, encoding="utf-8")
        Path(folder, "family.test.json").write_text(json.dumps(_test_file(family)), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            if family.auto_eno:
                _build_auto_eno(family.auto_eno, Path(folder))
            main(["test", "run", folder])
    text = out.getvalue() + err.getvalue()
    failed: dict[tuple[str, int, str], str] = {}
    errors: dict[str, str] = {}
    for line in text.splitlines():
        if (m := _FAILED.search(line)) is not None:
            failed[(m["case"], int(m["step"]), m["tag"])] = m["tag"] + " is " + m["rest"]
        elif (m := _ERROR.search(line)) is not None:
            errors[m["case"]] = m["rest"]
    if "PLC tests" not in text or "NOT RUN" in text:
        for case in family.cases:
            errors[case.name] = text[-2000:]
    return Outcome(failed, errors, text)


def _build_auto_eno(source: str, folder: Path) -> None:
    """``source``'s blocks as SimaticML in ``folder``, each with ``<SetENOAutomatically>true``."""
    with tempfile.TemporaryDirectory(prefix="plc-semantics-src-") as src:
        Path(src, "auto_eno.scl").write_text(source, encoding="utf-8")
        built = Path(folder, "auto_eno")
        if main(["scl", "build", src, "--out", str(built)]) != 0:
            raise AssertionError(f"scl build failed for:\n{source}")
    for path in built.glob("*.xml"):
        text = path.read_text(encoding="utf-8")
        flag = "<SetENOAutomatically>false</SetENOAutomatically>"
        assert flag in text, path
        path.write_text(text.replace(flag, "<SetENOAutomatically>true</SetENOAutomatically>"), encoding="utf-8")


_OUTCOMES: dict[str, Outcome] = {}


def run_family(family: Family) -> Outcome:
    """The family's outcome (run once per session; families have unique names)."""
    if family.name not in _OUTCOMES:
        _OUTCOMES[family.name] = _run(family)
    return _OUTCOMES[family.name]


def expression_family(name: str, rows: list[tuple[str, str, Any, str]] | list[tuple[Any, ...]],
                      inputs: str = "", extra: str = "") -> Family:
    """One OB1 assigning each row's SCL expression to ``"R".cN`` of the row's type; one cycle; one check per row.

    A row: ``(expression, data type, expected, source)`` or with a fifth item ``thin=True``. ``inputs`` declares
    members of a global DB ``"V"`` (with start values) that expressions read, so they are computed at run time.
    ``extra`` is more SCL (FBs, UDTs) the expressions need.
    """
    read = [inputs.strip().rstrip(";")] if inputs.strip() else []
    program = "\n".join((
        extra,
        global_db("V", "dummy : Bool", *read),
        global_db("R", *(f"c{i} : {row[1]}" for i, row in enumerate(rows))),
        main_ob(*(f'"R".c{i} := {row[0]};' for i, row in enumerate(rows))),
    ))
    checks = tuple(Check(f"{name}[{i}] {row[0]}", f'"R".c{i}', row[2], row[3], thin=len(row) > 4 and bool(row[4]))
                   for i, row in enumerate(rows))
    return Family(name, program, (Case(name, (Step(cycles=1, checks=checks),)),))
