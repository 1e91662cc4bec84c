"""The test harness for ``engineering-api test run FOLDER``: the server's cases and runner, without a server.

:mod:`engineering_api.ci.unit_tests` loads a folder into a backend and asks this module, through its
``CaseHarness`` protocol, to read the folder's test cases (the format ``POST /api/testharness/tests`` takes), pick
them by name or glob as a run does, run each on the simulated PLC, and give the run's ``TestSuiteResult`` (wire
form) and JUnit XML. The command line sits below the service layer and sees only plain data; the model, the
runner and the JUnit writer stay the server's own, so the offline run and a run on a server answer alike.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.config import Settings
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext
from engineering_api.lib.paths import PathPolicy
from engineering_api.lib.schema import utc_now

from . import CreateTestInput, select_cases
from .models import TestCaseInfo
from .results import CaseResult
from .runner import Simulator, run_case, suite

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

__all__ = ("OfflineHarness",)


class OfflineHarness:
    """Reads, selects and runs test cases given as JSON values; every answer is plain data (the wire form)."""

    def __init__(self) -> None:
        self._started: str | None = None
        self._clock = 0.0
        self._running: set[str] = set()
        """The instances this run brought to RUN: a later case restarts one an earlier case stopped."""

    def check(self, raw: object) -> dict[str, Any]:
        """One case as a test file holds it (T-IA Connect's client format or the earlier one), checked and in the
        stored model's wire form.

        Raises:
            ValidationError: the case is not valid; the message names the field or step.
        """
        try:
            case = msgspec.convert(raw, CreateTestInput).to_case()
        except msgspec.ValidationError as exc:
            raise e.ValidationError(str(exc).replace("`$.", "`"), code=codes.TEST_CASE_INVALID) from exc
        built: dict[str, Any] = msgspec.to_builtins(case)
        return built

    def select(self, cases: list[dict[str, Any]], pattern: str, device: str | None) -> list[dict[str, Any]]:
        """The cases a run of ``pattern`` (a name, ``*`` or a glob) selects, as the server selects them.

        Raises:
            NotFoundError: ``TEST_NOT_FOUND``, ``TESTS_NOT_FOUND``.
        """
        infos = [msgspec.convert(c, TestCaseInfo) for c in cases]
        chosen = {id(c) for c in select_cases(infos, pattern, device)}
        return [case for case, info in zip(cases, infos) if id(info) in chosen]

    def run(self, backend: EngineeringBackend, case: dict[str, Any], instance: str) -> dict[str, Any]:
        """Run one case on ``instance`` (virtual time when the instance is stepped); its ``CaseResult``."""
        if self._started is None:  # the run's time is its cases', not the loading's
            self._started, self._clock = utc_now(), time.perf_counter()
        ctx = OperationContext(backend, Settings(), PathPolicy((Path.cwd(),)))  # the runner reads no file
        simulator = Simulator(instances=backend.simulation, tags=backend.sim_tags, snapshots=backend.sim_snapshots)
        result = run_case(ctx, simulator, msgspec.convert(case, TestCaseInfo), instance, self._running)
        built: dict[str, Any] = msgspec.to_builtins(result)
        return built

    def report(self, results: list[dict[str, Any]], selection: str) -> tuple[dict[str, Any], bytes]:
        """The run's ``TestSuiteResult`` (wire form) and its JUnit XML, as ``GET .../results/{runId}/junit``."""
        cases = [msgspec.convert(r, CaseResult) for r in results]
        run = suite(None, selection, "Completed", cases, self._started, utc_now(),
                    round((time.perf_counter() - self._clock) * 1000, 3))
        from .junit_report import junit_xml  # with the first offline run: a start does not load the writer

        built: dict[str, Any] = msgspec.to_builtins(run)
        return built, junit_xml(run)
