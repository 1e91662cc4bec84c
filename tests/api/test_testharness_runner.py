"""The test-case runner and store without a simulated CPU: a small fake with the simulation port methods a run uses.

:class:`FakeSim` is a PLC of four tags with one rule (a TON): ``Running`` follows ``Start`` after
2000 ms of stepped time, ``Speed`` is 1500.0 while running; writing ``Crash`` true makes the next
step STOP the CPU, as a runtime error would. The HTTP tests reuse it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from engineering_api.backend.errors import (
    NotFoundError,
    OperationCanceledError,
)
from engineering_api.domain.testharness import CreateTestInput, models, runner
from engineering_api.domain.testharness.store import RUNS_KEPT, TestStore
from engineering_api.config import Settings
from engineering_api.jobs.operations import OperationContext
from engineering_api.lib.db import Database, KeyValueStore
from engineering_api.lib.paths import PathPolicy
from fakes.backend import FakeBackend
from tests.api.fake_sim import FakeSim, MOTOR_STEPS, START

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def case(name: str = "motor", steps: list[dict[str, Any]] | None = None, **extra: Any) -> models.TestCase:
    """A case as a client sends it, through the edge conversion."""
    return msgspec.convert({"name": name, "steps": steps or MOTOR_STEPS, **extra}, CreateTestInput).to_case()


def assertions(result: Any, phase: str = "steps") -> list[tuple[int, str, bool]]:
    return [(s.step_index, a.tag_name, a.passed) for s in getattr(result, phase) for a in s.assertions]


@pytest.fixture
def kv(tmp_path: Path) -> KeyValueStore:
    return KeyValueStore(Database(tmp_path / "state.db"), prefix="state:")


@pytest.fixture
def sim() -> FakeSim:
    return FakeSim()


@pytest.fixture
def progress() -> list[tuple[int, str]]:
    return []


@pytest.fixture
def ctx(sim: FakeSim, kv: KeyValueStore, progress: list[tuple[int, str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[OperationContext]:
    def report(percent: int, message: str) -> None:
        progress.append((percent, message))

    backend = FakeBackend(tmp_path / "backend")
    for area in ("simulation", "sim_tags", "sim_snapshots"):  # the areas the runner uses: the double plays them
        monkeypatch.setattr(backend, area, sim)
    yield OperationContext(backend, Settings(), PathPolicy((tmp_path,)), on_progress=report, state=kv)
    backend.close()


def run(ctx: OperationContext, kv: KeyValueStore, *cases: models.TestCase, instance: str | None = None) -> Any:
    return runner.run_cases(ctx, TestStore(kv), cases, selection="*", instance=instance)


def test_a_passing_case_records_every_assertion_and_the_run(ctx: OperationContext, kv: KeyValueStore,
                                                            progress: list[tuple[int, str]]) -> None:
    result = run(ctx, kv, case())
    (only,) = result.results
    assert only.status == "Passed" and only.passed is True and only.error is None and only.state_reset is True
    assert assertions(only) == [(2, "Running", True), (4, "Running", True), (5, "Elapsed", True), (6, "Speed", True)]
    assert [s.step_index for s in only.steps] == list(range(7)) and all(s.passed for s in only.steps)
    assert only.steps[6].assertions[0].expected_value == {"approx": 1500.0, "tolerance": 0.5}
    assert only.steps[4].assertions[0].message == "Running is true (Bool): == true"
    assert result.status == "Completed"
    assert (result.total, result.passed, result.failed, result.failures, result.errors) == (1, 1, 0, 0, 0)
    assert TestStore(kv).runs(10) == [result]
    assert progress[0] == (0, "test 1/1: motor") and progress[-1] == (100, "1/1 passed")


def test_a_failed_assertion_fails_the_case_and_the_later_ones_still_run(ctx: OperationContext,
                                                                         kv: KeyValueStore) -> None:
    steps: list[dict[str, Any]] = [START, {"cycles": 1}, {"expect": {"tag": "Running", "equals": True}},
             {"expect": {"tag": "Elapsed", "lessThan": 100}}]
    (only,) = run(ctx, kv, case(steps=steps)).results
    assert only.status == "Failed" and only.passed is False and only.failed_assertions == 1
    assert [a for _, _, a in assertions(only)] == [False, True]
    failed = only.steps[2].assertions[0]
    assert only.steps[2].passed is False and only.steps[3].passed is True
    assert failed.message == "Running is false (Bool); expected == true"
    assert failed.actual_value is False and failed.data_type == "Bool"


def test_a_tag_error_makes_the_case_an_error_and_the_run_goes_on(ctx: OperationContext, kv: KeyValueStore) -> None:
    broken = case("broken", [START, {"expect": {"tag": "Nope", "equals": 1}}])
    result = run(ctx, kv, broken, case("motor"))
    first, second = result.results
    assert (first.status, first.error_code, first.error_step) == ("Error", "SIM_TAG_NOT_FOUND", "steps[2] expect")
    assert 'The tag "Nope" does not exist' in (first.error or "")
    assert first.steps[1].error == first.error and first.steps[1].passed is False
    assert second.status == "Passed"
    assert (result.total, result.passed, result.failed, result.failures, result.errors) == (2, 1, 1, 0, 1)


def test_a_wrong_value_type_on_write_is_an_error(ctx: OperationContext, kv: KeyValueStore) -> None:
    steps = [{"write": {"tag": "Start", "value": 1}}, {"expect": {"tag": "Running", "equals": False}}]
    (only,) = run(ctx, kv, case(steps=steps)).results
    assert (only.status, only.error_code, only.error_step) == ("Error", "SIM_TAG_TYPE_MISMATCH", "steps[1] write")


def test_a_cpu_that_stops_during_a_step_is_an_error(ctx: OperationContext, kv: KeyValueStore) -> None:
    steps: list[dict[str, Any]] = [{"write": {"tag": "Crash", "value": True}}, {"cycles": 5},
                                   {"expect": {"tag": "Running", "equals": False}}]
    (only,) = run(ctx, kv, case(steps=steps)).results
    assert (only.status, only.error_code, only.error_step) == ("Error", "CPU_STOPPED", "steps[2] cycles")
    assert only.error == ('The instance "SIM" went to STOP during steps[2] cycles: STOP caused by a programming '
                          'error: Array index 9 out of range [0..3] in "FB_Motor".')
    assert [s.passed for s in only.steps] == [True, False] and assertions(only) == []


def test_a_cpu_in_stop_is_started_only_when_the_case_says_so(ctx: OperationContext, kv: KeyValueStore,
                                                             sim: FakeSim) -> None:
    sim.state = "Stop"
    (kept,) = run(ctx, kv, case()).results
    assert (kept.status, kept.error_code) == ("Error", "CPU_IN_STOP")
    assert '"startCpu": true' in (kept.error or "") and sim.state == "Stop"
    assert not any(call in ("run", "reset") for call, _ in sim.calls)
    assert run(ctx, kv, case(startCpu=True)).results[0].status == "Passed"
    assert ("run", "SIM") in sim.calls


@pytest.mark.parametrize(("state", "startup_fails", "code"), [
    ("Off", False, "CPU_NOT_RUNNING"), ("Stop", True, "CPU_STOPPED_BY_ERROR"),
])
def test_a_cpu_that_cannot_reach_run_is_an_error(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim,
                                                 state: str, startup_fails: bool, code: str) -> None:
    sim.state, sim.startup_fails = state, startup_fails
    (only,) = run(ctx, kv, case(instanceName="SIM_1", startCpu=True)).results
    assert (only.status, only.error_code, only.error_step) == ("Error", code, "prepare")
    assert only.instance_name == "SIM_1"


def test_a_free_running_instance_cannot_be_stepped(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim) -> None:
    sim.mode = "Default"
    stepping, reading = case(), case("read only", [{"expect": {"tag": "Label", "equals": "idle"}}])
    first, second = run(ctx, kv, stepping, reading).results
    assert (first.status, first.error_code) == ("Error", "FREE_RUNNING")
    assert "SingleStep or TimespanSynchronized" in (first.error or "")
    assert not any(call == "step" for call, _ in sim.calls)
    assert second.status == "Passed"


def test_a_failed_setup_precondition_skips_the_steps(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim) -> None:
    sim.tags["Label"][0] = "busy"
    setup = [{"expect": {"tag": "Label", "equals": "idle"}}]
    (only,) = run(ctx, kv, case(setup=setup, keepState=True)).results
    assert (only.status, only.error_code, only.error_step) == ("Error", "SETUP_FAILED", "setup[1] expect")
    assert only.error == 'Setup precondition not met: Label is "busy" (String); expected == "idle"'
    assert assertions(only, "setup") == [(0, "Label", False)] and only.steps == []
    assert sim.tags["Start"][0] is False


def test_a_stale_tag_list_is_refreshed_first(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim) -> None:
    sim.tags_stale = True
    (only,) = run(ctx, kv, case()).results
    assert only.status == "Passed" and only.instance_name == "SIM"
    actions = [call for call in sim.calls if call[0] != "state"]
    assert sim.calls[0] == ("state", None) and actions[:3] == [("reset", "SIM"), ("run", "SIM"), ("refresh", "SIM")]


def test_the_run_instance_overrides_the_case_instance(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim) -> None:
    result = run(ctx, kv, case(instanceName="A"), instance="B")
    assert result.results[0].instance_name == "B"
    assert {instance for _, instance in sim.calls} == {"B"}


def test_an_unexpected_exception_costs_one_case(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim) -> None:
    sim.tags["Start"] = []  # a defect: the fake cannot read its own tag (an entry without value and type)
    first, second = run(ctx, kv, case("a", [{"expect": {"tag": "Start", "equals": True}}], keepState=True),
                        case("b", keepState=True)).results
    assert (first.status, first.error_code) == ("Error", "INTERNAL_ERROR")
    assert second.status == "Error" and second.error_code == "INTERNAL_ERROR"


def test_cancel_between_steps_keeps_the_cases_done(ctx: OperationContext, kv: KeyValueStore, sim: FakeSim) -> None:
    steps_seen = []

    def cancel_on_second_case() -> None:
        steps_seen.append(1)
        if len(steps_seen) == 3:  # the first step of the second case
            ctx.request_cancel()

    sim.on_step = cancel_on_second_case
    with pytest.raises(OperationCanceledError):
        run(ctx, kv, case("one"), case("two"), case("three"))
    (saved,) = TestStore(kv).runs(5)
    assert saved.status == "Canceled" and saved.completed_at is not None
    assert [c.test_name for c in saved.results] == ["one"]
    assert len(steps_seen) == 3


@pytest.mark.parametrize(("expect", "actual", "data_type", "passed"), [
    ({"equals": 0.1}, 0.10000000149011612, "Real", True),  # a Real holds 0.1 at single precision
    ({"equals": 0.1}, 0.10000000149011612, "LReal", False),
    ({"equals": 1}, True, "Bool", False),  # a Bool is true/false, never 1
    ({"equals": True}, True, "Bool", True),
    ({"notEquals": 3}, 4, "Int", True),
    ({"approx": 1.0}, 1.0000001, "LReal", True),
    ({"approx": 1.0}, 1.01, "LReal", False),
    ({"approx": 1.0, "tolerance": 0.02}, 1.01, "LReal", True),
    ({"greaterThan": 1, "lessOrEqual": 5}, 5, "Int", True),
    ({"greaterOrEqual": 1, "lessThan": 5}, 5, "Int", False),
    ({"greaterThan": 1}, "text", "String", False),
    ({"equals": {"a": 1}}, {"a": 1}, "UDT", True),
])
def test_comparisons(expect: dict[str, Any], actual: Any, data_type: str, passed: bool) -> None:
    spec = msgspec.convert({"tag": "T", **expect}, models.Expectation)
    result = runner.evaluate(spec, actual, data_type)
    assert result.passed is passed, result.message
    if not passed and data_type == "String":
        assert result.message.endswith("(the tag's value is not a number)")


def test_the_store_keeps_the_newest_runs(kv: KeyValueStore) -> None:
    store = TestStore(kv)
    ids = []
    for _ in range(RUNS_KEPT + 2):
        run_id = store.new_run_id()
        ids.append(run_id)
        store.save_run(runner.suite(run_id, "*", "Completed", [], "t", "t"))
    assert [r.run_id for r in store.runs(RUNS_KEPT + 5)] == ids[::-1][:RUNS_KEPT]
    assert kv.get(f"testharness:run:{ids[0]}") is None
    with pytest.raises(NotFoundError):
        store.run(ids[0])


def test_overwrite_keeps_the_creation_time(kv: KeyValueStore) -> None:
    store = TestStore(kv)
    first = store.put_case(case("Motor"), overwrite=False)
    threading.Event().wait(0.002)
    second = store.put_case(case("MOTOR", description="new"), overwrite=True)
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    assert [c.name for c in store.list_cases()] == ["MOTOR"]
