"""Test cases and run results, kept in the service's SQLite database (the ``kv`` table of ``ctx.state``).

They are server state, not project state: they survive closing the project and restarting the server. The
newest :data:`RUNS_KEPT` runs are kept (a new run drops the oldest), each under its run id, so a run's JUnit
report can be fetched until 50 later runs have replaced it.
Cases live under one key (a small map by lower-case name, names being case-insensitive); each run has
a key of its own plus an index of run ids, newest first. Every handler runs on the one TIA worker
thread, so a read-modify-write of an index cannot interleave with another.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.domain.named_records import NamedRecords
from engineering_api.errors import codes
from engineering_api.lib.recent import RecentRecords
from engineering_api.lib.schema import utc_now

from .models import TestCase, TestCaseInfo
from .results import TestSuiteResult

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext
    from engineering_api.lib.db import KeyValueStore

__all__ = ("MAX_CASES", "RUNS_KEPT", "TestStore", "store_for")

MAX_CASES = 500
RUNS_KEPT = 50
"""Older runs are dropped when a new one is recorded."""
_CASES = "testharness:cases"
_RUNS = "testharness:runs"
_RUN = "testharness:run:"


class TestStore:
    """CRUD of test cases and the run history over a :class:`KeyValueStore`."""

    __test__ = False

    def __init__(self, kv: KeyValueStore) -> None:
        self._cases = NamedRecords(kv, _CASES)
        self._runs = RecentRecords(kv, _RUNS, _RUN, RUNS_KEPT)

    # ----- cases ------------------------------------------------------------------------------------
    def list_cases(self, device_name: str | None = None) -> list[TestCaseInfo]:
        """Cases sorted by name; only those of ``device_name`` (case-insensitive) when given."""
        cases = [msgspec.convert(raw, TestCaseInfo) for raw in self._cases.by_name()]
        if device_name is not None:
            cases = [c for c in cases if (c.device_name or "").lower() == device_name.lower()]
        return cases

    def get_case(self, name: str) -> TestCaseInfo:
        """A case by name (case-insensitive).

        Raises:
            NotFoundError: ``TEST_NOT_FOUND``.
        """
        raw = self._cases.find(name)
        if raw is None:
            raise NotFoundError(
                f'The test case "{name}" does not exist (GET /api/testharness/tests lists them).',
                                code=codes.TEST_NOT_FOUND
            )
        return msgspec.convert(raw, TestCaseInfo)

    def put_case(self, case: TestCase, *, overwrite: bool) -> TestCaseInfo:
        """Store a case (only its TestCase fields); with ``overwrite`` a case of the same name is replaced (it
        keeps ``createdAt``).

        Raises:
            AlreadyExistsError: ``TEST_EXISTS`` without ``overwrite``.
            ConflictError: ``TESTS_LIMIT`` when :data:`MAX_CASES` are stored.
        """
        cases = self._cases.all()
        old = cases.get(case.name.lower())
        if old is not None and not overwrite:
            raise AlreadyExistsError(
                f'A test case named "{old["name"]}" already exists; send "overwrite": true to replace it.',
                code=codes.TEST_EXISTS,
            )
        if old is None and len(cases) >= MAX_CASES:
            raise ConflictError(f"At most {MAX_CASES} test cases can be stored; delete some first.",
                                code=codes.TESTS_LIMIT)
        now = utc_now()
        fields = {f: getattr(case, f) for f in TestCase.__struct_fields__}
        info = TestCaseInfo(**fields, created_at=old["createdAt"] if old else now, updated_at=now)
        self._cases.put(case.name, msgspec.to_builtins(info), cases)
        return info

    def delete_case(self, name: str) -> TestCaseInfo:
        """Remove a case; returns what it was.

        Raises:
            NotFoundError: ``TEST_NOT_FOUND``.
        """
        info = self.get_case(name)
        self._cases.remove(name)
        return info

    # ----- runs -------------------------------------------------------------------------------------
    @staticmethod
    def new_run_id() -> str:
        """A fresh run id."""
        return uuid.uuid4().hex

    def save_run(self, run: TestSuiteResult) -> None:
        """Record (or update) a run; the newest :data:`RUNS_KEPT` are kept."""
        if run.run_id is None:  # only the "no run yet" placeholder has none, and it is never saved
            raise ValueError("a run without a run_id cannot be saved")
        self._runs.save(run.run_id, msgspec.to_builtins(run))

    def latest(self) -> TestSuiteResult | None:
        """The newest run, or None when none is recorded."""
        found = self.runs(1)
        return found[0] if found else None

    def runs(self, limit: int) -> list[TestSuiteResult]:
        """The newest ``limit`` runs, newest first."""
        return [run for run in map(_load_run, self._runs.newest(limit)) if run is not None]

    def run(self, run_id: str) -> TestSuiteResult:
        """One run by id.

        Raises:
            NotFoundError: ``TEST_RUN_NOT_FOUND``.
        """
        run = _load_run(self._runs.get(run_id))
        if run is None:
            raise NotFoundError(
                f'No test run with id "{run_id}" (only the last {RUNS_KEPT} runs are kept).',
                                code=codes.TEST_RUN_NOT_FOUND
            )
        return run


def _load_run(raw: Any) -> TestSuiteResult | None:
    """A stored run; None for none, or for one recorded by a version of the server with another result shape."""
    if raw is None:
        return None
    try:
        return msgspec.convert(raw, TestSuiteResult)
    except msgspec.ValidationError:
        return None


def store_for(ctx: OperationContext) -> TestStore:
    """The test store of the app running this operation.

    Raises:
        ConflictError: ``TEST_STORE_UNAVAILABLE`` when the context has no server state.
    """
    if ctx.state is None:
        raise ConflictError("This server keeps no state; test cases cannot be stored.",
                            code=codes.TEST_STORE_UNAVAILABLE)
    return TestStore(ctx.state)
