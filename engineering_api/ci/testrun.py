"""``engineering-api test run FOLDER``: the folder's PLC unit tests on its own program, in process, offline.

The folder holds one PLC's program (SCL sources ``.scl``/``.db``/``.udt`` and SimaticML exports ``.xml``, in
any sub-folders) and test files, ``*.test.json``: each one case, or a list of cases, in the format ``POST
/api/testharness/tests`` takes (T-IA Connect's client format or the earlier one, docs/simulated-plc.md). The run:

1. checks the program as ``plc check --one-program`` does; with an error, the program did not compile: the
   findings are reported (file and line) and no test runs; a call the simulated PLC does not run is a
   ``NOT_SIMULATED`` warning, an error when a case or ``--require-simulated`` requires (:mod:`.testrun_simulated`);
2. loads it into the in-process TIA model, compiles it and downloads it to a simulated CPU in SingleStep
   (:mod:`.testrun_plc`), so every ``cycles``, ``advanceMs`` and ``waitMs`` is virtual time;
3. runs the selected cases (``--pattern``, ``--device``) with the server's runner, each from a clean PLC state.

A case may also name settings of the downloaded PLC that step 2 applies (:mod:`.testrun_settings`: its retentive bit
memory, its maximum cycle time), so the cases of one run name one value of each.

It prints a line per failed case (``file:line: error: test "…": … [TEST_FAILED]``, naming the step, the tag, the
actual and the expected value and what to do) and a summary, and writes ``--junit`` (one testcase per case, the
server's JUnit report; per file when the program did not compile) and ``--sarif`` (every finding, the checkers'
SARIF). Every name and message it prints or writes has its control characters escaped (a test file is text from
outside); a test file nested deeper than :data:`MAX_DEPTH` levels is ``TEST_FILE_INVALID``. Exit 0 when every case
passed, 1 when one failed or errored, a test file is not valid, or the program did
not compile or load, 2 on a usage error (no such folder, no test file, no case matching ``--pattern``).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from simatic_xml.diagnostics import Diagnostic
from simatic_xml.errors import VersionError
from simatic_xml.versions import normalize_version

from engineering_api.backend.errors import EngineeringError
from engineering_api.lib import bounded_json
from engineering_api.lib.printable import printable
from engineering_api.rules.coverage import Recorder, recording

from . import EXIT_CLEAN, EXIT_FINDINGS, testrun_simulated
from .commands import usage_error
from .coverage_report import by_block, cobertura, text_lines
from .config import CheckConfig, ConfigError, apply_config, load_config
from .paths import SCL_SUFFIXES, XML_SUFFIXES, UsageError, collect
from .program import check_files
from .progress import progress
from .report import exit_code, text_line, to_junit
from .sarif import to_sarif
from .testrun_plc import load_plc
from .testrun_settings import SETTINGS, one_value, take_settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.port import EngineeringBackend

__all__ = ("TEST_SUFFIX", "CaseHarness", "add_arguments", "run", "usage_problem")

TEST_SUFFIX = ".test.json"
DEFAULT_VERSION = "V19"
"""The scratch project's TIA version without ``--tia-version`` (or the settings' ``tia-version``)."""
COMMAND = "test run"
_SERVER_ONLY = ("url", "api_key", "instance")
SKIPPED = frozenset({"NOT_SIMATICML", "NOT_SCL", "UNSUPPORTED_OBJECT"})
"""Codes of the check that say it skipped a file (other XML of a repository, an object it does not read): the run
does not load those files either."""
_OFFLINE_ONLY = ("sarif", "tia_version", "coverage", "require_simulated")


class CaseHarness(Protocol):
    """The server's test harness as plain data (``engineering_api.domain.testharness.offline``)."""

    def check(self, raw: object) -> dict[str, Any]: ...
    def select(self, cases: list[dict[str, Any]], pattern: str, device: str | None) -> list[dict[str, Any]]: ...
    def run(self, backend: EngineeringBackend, case: dict[str, Any], instance: str) -> dict[str, Any]: ...
    def report(self, results: list[dict[str, Any]], selection: str) -> tuple[dict[str, Any], bytes]: ...


@dataclass(frozen=True)
class _Case:
    """A valid case of a test file, with the file line of its name."""

    case: dict[str, Any]
    file: str
    line: int
    settings: dict[str, Any] = field(default_factory=dict)
    """The settings of the downloaded PLC the case names (:mod:`.testrun_settings`), by field."""
    require_simulated: bool = False
    """The case requires every call of the program simulated (:mod:`.testrun_simulated`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The offline options of ``test run`` (the server's own come from ``ci.testrun_server``)."""
    parser.add_argument("folder", nargs="?", metavar="FOLDER",
                        help="run offline, without a server: the PLC program (SCL sources, SimaticML exports) and "
                             f"its test files (*{TEST_SUFFIX}) in FOLDER, on a simulated PLC in virtual time")
    parser.add_argument("--sarif", metavar="FILE", help="with FOLDER: write every finding (failed tests, compile "
                        "errors, invalid test files) as SARIF 2.1.0 to FILE")
    parser.add_argument("--tia-version", metavar="V", help="with FOLDER: the TIA version of the scratch project "
                        "(V16 … V21, default: the settings' tia-version, else V19); newer documents are errors")
    parser.add_argument("--coverage", metavar="FILE", help="with FOLDER: write which statements, branches and "
                        "networks of the program the tests ran as Cobertura XML to FILE, and a line per block to the "
                        "report")
    testrun_simulated.add_argument(parser)


def usage_problem(args: argparse.Namespace) -> str | None:
    """An option of the other mode (a server's ``--url`` with FOLDER, ``--sarif`` without it), or None."""
    offline = args.folder is not None
    wrong = [name for name in (_SERVER_ONLY if offline else _OFFLINE_ONLY) if getattr(args, name, None) is not None]
    if not wrong:
        return None
    options = ", ".join("--" + name.replace("_", "-") for name in wrong)
    if offline:
        return f"{options}: for a run on a server; a run of FOLDER needs no server (leave FOLDER out to use one)"
    return f"{options}: for a run of a FOLDER offline; pass the folder"


# ----- test files -----------------------------------------------------------------------------------------
def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _invalid(path: str, line: int, problem: str) -> Diagnostic:
    problem = problem.rstrip(". ")
    return Diagnostic(message=f"not a valid test file: {problem}; fix it (the format: docs/simulated-plc.md, "
                              "PLC unit tests)", line=line, file=path, code="TEST_FILE_INVALID")


MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a test file may have: a case needs six levels (list, case, steps,
step, assert, expectation); deeper input is refused before the case checks walk it (each level one call)."""
def read_test_file(path: str, harness: CaseHarness) -> tuple[list[_Case], list[Diagnostic]]:
    """The valid cases of one test file, and a ``TEST_FILE_INVALID`` finding per problem (the file's JSON, or a
    case, at the line of its name)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        raw = bounded_json.loads(text, MAX_DEPTH)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [_invalid(path, 0, f"cannot read it: {getattr(exc, 'strerror', None) or exc}")]
    except json.JSONDecodeError as exc:
        return [], [_invalid(path, exc.lineno, f"JSON syntax: {exc.msg} (line {exc.lineno}, column {exc.colno})")]
    except bounded_json.JsonTooDeep as exc:
        return [], [_invalid(path, 1, str(exc))]
    items = raw if isinstance(raw, list) else [raw]
    cases: list[_Case] = []
    problems: list[Diagnostic] = []
    start = 0
    for number, item in enumerate(items, 1):
        name = item.get("name") if isinstance(item, dict) else None
        found = re.compile(r'"name"\s*:\s*' + re.escape(json.dumps(name)), re.IGNORECASE).search(text, start) \
            if isinstance(name, str) else None
        start = found.end() if found else start
        line = _line(text, found.start()) if found else 1
        label = f'case "{name}"' if isinstance(name, str) else f"case {number}"
        settings: dict[str, Any] = {}
        wanted = False
        if isinstance(item, dict):
            item, settings, problem = take_settings(item)
            if not problem:
                item, wanted, problem = testrun_simulated.take_field(item)
            if problem:
                problems.append(_invalid(path, line, f"{label}: {problem}"))
                continue
        try:
            cases.append(_Case(harness.check(item), path, line, settings, wanted))
        except EngineeringError as exc:
            problems.append(_invalid(path, line, f"{label}: {exc.message}"))
    return cases, problems


def _one_value_each(cases: list[_Case], problems: list[Diagnostic]) -> tuple[list[_Case], dict[str, Any]]:
    """``cases`` less those naming another value of a setting than the first case that names it (a
    ``TEST_FILE_INVALID`` each, into ``problems``: one program is downloaded for the run), and each setting's value."""
    named = [(c.file, c.line, str(c.case["name"]), c.settings) for c in cases]
    values: dict[str, Any] = {}
    refused: dict[int, str] = {}
    for setting in SETTINGS:
        value, others = one_value(setting.field, named)
        if value is not None:
            values[setting.field] = value
        for index, why in others:
            refused.setdefault(index, why)
    for index, why in sorted(refused.items()):
        problems.append(_invalid(cases[index].file, cases[index].line, why))
    return [c for i, c in enumerate(cases) if i not in refused], values


def _unique(found: list[_Case], before: list[_Case], problems: list[Diagnostic]) -> list[_Case]:
    """``found`` less the cases whose name (case-insensitive, as the server's) an earlier case has: a
    ``TEST_FILE_INVALID`` each, into ``problems``."""
    seen = {c.case["name"].lower(): c for c in before}
    kept = []
    for case in found:
        first = seen.setdefault(case.case["name"].lower(), case)
        if first is case:
            kept.append(case)
        else:
            problems.append(_invalid(case.file, case.line, f'case "{case.case["name"]}": {first.file}:{first.line} '
                                                           "has a case of this name (names are unique)"))
    return kept


# ----- results as findings ----------------------------------------------------------------------------------
def _next_step(tag: str, case: _Case) -> str:
    return (f"Next: check how the program sets {tag} in this step, or correct the expectation in "
            f"{Path(case.file).name}.")


_ERROR_HINTS = {
    "SIM_TAG_NOT_FOUND": "Next: the program declares no such tag: correct the tag's name in {file} (a global DB's "
                         'member is written "DB".member), or add the block or member to the program.',
    "CPU_STOPPED": "Next: the cause is above: a runtime error of the program with the values the step wrote (an "
                   "index out of range...), or an instruction the simulated PLC does not run.",
}
"""What to do next for a case's error code, offline (the runner's own message speaks of a server's routes)."""


def _error_hint(code: str | None, case: _Case) -> str:
    hint = _ERROR_HINTS.get(code or "")
    return " " + hint.format(file=Path(case.file).name) if hint else ""


def _findings(result: dict[str, Any], case: _Case) -> list[Diagnostic]:
    """A ``TEST_FAILED`` per failed assertion and a ``TEST_ERROR`` for a case that could not run to its end."""
    name = result["testName"]
    out = []
    for phase in ("steps", "teardown"):
        for step in result.get(phase) or []:
            where = f"{phase}[{step['stepIndex'] + 1}]" + (f" ({step['description']})" if step["description"] else "")
            for assertion in step["assertions"]:
                if not assertion["passed"]:
                    out.append(Diagnostic(
                        message=f'test "{name}" failed at {where}: {assertion["message"]}. '
                                f'{_next_step(assertion["tagName"], case)}',
                        line=case.line, file=case.file, code="TEST_FAILED"))
    if result.get("error"):
        out.append(Diagnostic(
            message=f'test "{name}" could not run to its end at {result.get("errorStep")}: {result["error"]} '
                    f'({result.get("errorCode")}).{_error_hint(result.get("errorCode"), case)}', line=case.line,
                    file=case.file, code="TEST_ERROR"))
    return out


def _summary(suite: dict[str, Any]) -> str:
    verdict = "PASSED" if suite["total"] and suite["failed"] == 0 else "FAILED"
    return (f"PLC tests {verdict}: {suite['passed']} passed, {suite['failed']} failed ({suite['failures']} with failed "
            f"assertions, {suite['errors']} with errors) of {suite['total']}")


# ----- the command --------------------------------------------------------------------------------------------
@dataclass
class _Run:
    """What one run found and wrote."""

    config: CheckConfig
    sources: list[str]
    tests: list[str]
    findings: list[Diagnostic]
    suite: dict[str, Any] | None = None
    junit: bytes | None = None
    not_run: str = "no valid test case (the errors above)"
    """Why no case ran, when none did."""
    coverage: Recorder | None = None
    """What the cases ran of the program, with ``--coverage``."""


def _files(folder: str, config: CheckConfig) -> tuple[list[str], list[str]]:
    """The program's files and the test files of ``folder``.

    Raises:
        UsageError: no such folder, or no test file in it.
    """
    if not Path(folder).is_dir():
        raise UsageError(f"{folder}: no such folder")
    try:
        tests = [f for f in config.keep(collect([folder], {".json"})) if f.lower().endswith(TEST_SUFFIX)]
    except UsageError:  # no .json file at all
        tests = []
    if not tests:
        raise UsageError(f"{folder}: no test file (*{TEST_SUFFIX}) in this folder")
    try:
        sources = config.keep(collect([folder], XML_SUFFIXES | SCL_SUFFIXES))
    except UsageError:
        sources = []
    return sources, tests


def _run_cases(args: argparse.Namespace, outcome: _Run, program: list[str], cases: list[_Case], harness: CaseHarness,
               make_backend: Callable[[Path], EngineeringBackend], settings: dict[str, Any]) -> None:
    """Load, compile and download the ``program``'s files, then run ``cases``; results and findings into
    ``outcome``."""
    with tempfile.TemporaryDirectory(prefix="engineering-api-test-run-") as scratch, \
            (recording() if args.coverage else nullcontext()) as recorder:
        outcome.coverage = recorder
        backend, plc = load_plc(lambda: make_backend(Path(scratch) / "data"), program,
                                Path(scratch) / "projects", device=args.device or "PLC_1",
                                settings=settings)
        try:
            outcome.findings += plc.diagnostics
            if not plc.ready:
                outcome.not_run = "the program could not be loaded into the simulated PLC (the errors above)"
                return
            results = []
            for case in progress(cases, len(cases), "test run: cases"):
                result = harness.run(backend, case.case, plc.instance)
                results.append(result)
                outcome.findings += _findings(result, case)
            outcome.suite, outcome.junit = harness.report(results, args.pattern)
        finally:
            backend.close()


def _write(outcome: _Run, args: argparse.Namespace) -> int:
    """The text report on standard output, ``--junit`` and ``--sarif``; the exit code."""
    kept, suppressed = apply_config(outcome.config, outcome.findings)
    files = outcome.sources + outcome.tests
    for d in kept:
        if d.severity in ("Error", "Warning"):
            print(text_line(d))
    blocks = by_block(outcome.coverage, outcome.sources) if outcome.coverage is not None else []
    for line in text_lines(blocks):
        print(line)
    if outcome.suite is not None:
        print(_summary(outcome.suite))
    else:
        print(printable(f"PLC tests NOT RUN: {outcome.not_run}"))
    try:
        if args.junit:
            junit = outcome.junit or to_junit(kept, files, COMMAND).encode()
            Path(args.junit).write_bytes(junit)
        if args.coverage:
            from engineering_api.lib.version import api_version

            Path(args.coverage).write_text(cobertura(blocks, root=outcome.config.root, package=args.device or "PLC_1",
                                                     version=api_version()), encoding="utf-8")
        if args.sarif:
            from engineering_api.lib.version import api_version

            log = to_sarif(kept, suppressed, root=outcome.config.root, version=api_version(), files=files)
            Path(args.sarif).write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        return usage_error(f"{exc.filename}: {exc.strerror or exc}")
    failed = outcome.suite is None or outcome.suite["failed"] > 0
    return EXIT_FINDINGS if failed or exit_code(kept) else EXIT_CLEAN


def run(args: argparse.Namespace, make_backend: Callable[[Path, str], EngineeringBackend], harness: CaseHarness
        ) -> int:
    """Run the folder's tests (see the module); ``make_backend(data_dir, tia_version)`` gives the in-process TIA
    model (from the composition root), ``harness`` is the server's test harness."""
    problem = usage_problem(args)
    if problem:
        return usage_error(problem)
    try:
        config = load_config(None)
        version = normalize_version(args.tia_version or config.tia_version or DEFAULT_VERSION)
        sources, tests = _files(args.folder, config)
    except (ConfigError, UsageError, VersionError) as exc:
        return usage_error(str(exc))
    cases: list[_Case] = []
    findings: list[Diagnostic] = []
    for path in tests:
        found, problems = read_test_file(path, harness)
        cases += _unique(found, cases, problems)
        findings += problems
    outcome = _Run(config, sources, tests, findings)
    if cases:
        by_id = {id(c.case): c for c in cases}
        try:
            chosen = harness.select([c.case for c in cases], args.pattern, args.device)
        except EngineeringError:
            on = f' of the device "{args.device}"' if args.device else ""
            return usage_error(f'no test case{on} in the test files of {args.folder} matches "{args.pattern}"')
        cases = [by_id[id(c)] for c in chosen]
    cases, settings = _one_value_each(cases, outcome.findings)
    program = check_files(sources, tia_version=version, one_program=True, simulation=True) if sources else [Diagnostic(
        message=f"no program to test: {args.folder} holds no SCL source or SimaticML export", file=tests[0],
        code="TEST_SETUP_FAILED")]
    required = testrun_simulated.requiring(args, [(c.file, c.line, c.require_simulated) for c in cases])
    if required is not None:
        program = testrun_simulated.strict(program, required)
    outcome.findings += program
    if not sources:
        outcome.not_run = f"{args.folder} holds no program to test (the error above)"
    elif exit_code(program) != EXIT_CLEAN:
        outcome.not_run = f"the program in {args.folder} did not compile (the errors above)"
        if required is not None and all(d.code == "NOT_SIMULATED" for d in program if d.severity == "Error"):
            outcome.not_run = (f"the program in {args.folder} calls what the simulated PLC does not run, and "
                               f"{required} requires every call simulated (the errors above)")
    elif cases:  # the program compiles: run what the test files hold, on the files the check read
        skipped = {d.file for d in program if d.code in SKIPPED}
        loaded = [f for f in sources if f not in skipped]
        _run_cases(args, outcome, loaded, cases, harness, lambda data_dir: make_backend(data_dir, version),
                   settings)
    return _write(outcome, args)
