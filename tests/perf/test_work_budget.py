"""The fast paths' work, counted: a regression guard that a busy machine cannot make noisy.

For one read request (``GET /api/projects/devices``, from a client that does not accept gzip, as curl and wrk, and from
one that does, as browsers, httpx and the vendor's client), one job round trip (``POST /api/projects/actions/save``,
then ``GET /api/jobs/{id}?wait=30``), one ``-sync`` export of a block as ``bench/pipeline.py`` sends it from httpx (a
job the call waits for, its file written), one MCP read tool call (``tools/call blocks_list`` over streamable HTTP,
session-less), one refused write (no key: 401, counted on the client's audit row) and one health check (``GET
/api/health``, as httpx sends it), the calls made in process from the ASGI entry to the last byte (the guard and every
other middleware, routing, the handler, error handling, the encoding, the metrics and request id, and the TIA worker
thread's share) are counted (:mod:`tools.work_count`) and held against ``work_budget.json``: calls of Python functions,
and calls of C functions made by them (a hash, an encoder, a clock, a system call such as ``os.urandom``: cheap Python,
costly work). A count more than 10% over its budget fails, with the most called functions and their callers. Raising a
budget is a reviewed change: the commit says why the extra work is worth it. A count far under its budget is printed, so
the budget can be lowered with it.

Counts depend on the Python and library versions (``work_budget.json`` names the ones measured); they do not
depend on the machine's load.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.jobs import inline
from engineering_api.jobs.inline import QUICK_RUNS_BEFORE_HERE
from tools.work_count import AsgiDriver, WorkCount, counting, counting_on, sessionless_mcp
from tools.bounds import HANG_GUARD_S
from tests.perf.budget_tolerance import TOLERANCE

__all__ = ()

BUDGET_FILE = Path(__file__).with_name("work_budget.json")
COUNT_TRIES = 5
"""Counts of an answer that took another path than the budgeted one (a health check that found the worker slow to
answer: Degraded) before the guard fails: each such answer is counted again."""
CPU = "6ES7 516-3AN02-0AB0"
GZIP = {"accept-encoding": "gzip, deflate"}
HTTPX = {"accept": "*/*", **GZIP, "connection": "keep-alive", "user-agent": "python-httpx/0.28.1"}
"""The headers httpx sends with every request (bench/pipeline.py's client, and the vendor's)."""
MCP_HEADERS, MCP_META = sessionless_mcp("tools/call", "work-budget", "blocks_list")


def _expect(answer: tuple[int, Any], status: int = 200) -> Any:
    assert answer[0] == status, answer
    return answer[1]


async def _measure(data_dir: Path) -> dict[str, WorkCount]:
    app = create_app(Settings.from_env(data_dir=data_dir))
    services = app.state.services
    driver = AsgiDriver(app)
    counts: dict[str, WorkCount] = {}
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        _expect(await driver.call("POST", "/api/projects/actions/create-sync", key, {"name": "Budget"}))
        _expect(await driver.call("POST", "/api/projects/devices/actions/add-sync", key,
                                  {"orderNumber": CPU, "name": "PLC_1"}))
        exported = iter(range(100))

        async def read() -> None:
            assert _expect(await driver.call("GET", "/api/projects/devices", key))["data"]

        async def read_gzip() -> None:  # as browsers, httpx and the vendor's client send it (a small answer: plain)
            assert _expect(await driver.call("GET", "/api/projects/devices", {**key, **GZIP}))["data"]

        async def job() -> None:
            accepted = _expect(await driver.call("POST", "/api/projects/actions/save", key), 202)["data"]
            final = _expect(await driver.call("GET", f"/api/jobs/{accepted['jobId']}", key, query="wait=30"))
            assert final["data"]["status"] == "Completed", final

        async def export_sync() -> None:  # the pipeline's export step: a -sync job per block, from httpx
            number = next(exported)
            if not number:  # its block made here, last: a block more would change what the counts before it count
                _expect(await driver.call("POST", "/api/devices/PLC_1/blocks/generate-and-import", key,
                                          {"BlockType": "FB", "Name": "FB_Export", "Language": "SCL"}))
            answer = _expect(await driver.call(
                "POST", "/api/devices/PLC_1/blocks/actions/export-sync", {**key, **HTTPX},
                {"blockName": "FB_Export", "exportPath": f"export/{number:03d}_FB_Export.xml"}))
            assert answer["data"]["size"] > 0, answer

        async def export_sync_worker() -> None:  # the same, its job run on the worker: an operation not yet proven
            # quick, or an adapter bound to its thread (as the Openness bridge)
            services.backend.reads_off_worker = False
            try:
                await export_sync()
            finally:
                del services.backend.reads_off_worker  # the class's value again

        async def mcp_read() -> None:
            call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": "blocks_list", "arguments": {"deviceName": "PLC_1"}, "_meta": MCP_META}}
            answer = _expect(await driver.call("POST", "/mcp", {**key, **MCP_HEADERS}, call))
            assert not answer["result"].get("isError"), answer

        async def refused() -> None:  # a write without a key: 401, counted on its client's audit row
            _expect(await driver.call("POST", "/api/projects/actions/save-sync", {}, {}), 401)

        async def health() -> bool:  # a monitor's or a client's health check, as httpx sends it (public, no key)
            answer = _expect(await driver.call("GET", "/api/health", GZIP))["data"]
            assert answer["apiVersion"]
            return bool(answer["workerResponsive"])

        actions: tuple[tuple[str, Callable[[], Awaitable[bool | None]]], ...] = (
            ("read", read), ("read_gzip", read_gzip), ("job", job), ("mcp_read", mcp_read), ("refused", refused),
            ("health", health), ("export_sync", export_sync), ("export_sync_worker", export_sync_worker))
        for name, action in actions:
            # First calls fill caches, compile lazily, write last_used_at; a -sync job's operation runs on the event
            # loop's thread once its last QUICK_RUNS_BEFORE_HERE runs were quick, and its first run there compiles.
            for _ in range(QUICK_RUNS_BEFORE_HERE + 2):
                await action()
            for _ in range(COUNT_TRIES):
                count = WorkCount()
                async with counting_on(count, lambda fn: services.worker.call(fn, timeout=HANG_GUARD_S)):
                    with counting(count):
                        counted_path = await action() is not False
                if counted_path:
                    break
                # The answer took the other path (a busy machine: the health check's 2 s wait for the worker ran
                # out). Let the worker finish the abandoned call before the next count, which must not see it.
                await services.worker.call(lambda: None, timeout=HANG_GUARD_S)
            else:
                pytest.fail(f"{name} never took its budgeted path in {COUNT_TRIES} tries (the worker never answered "
                            "the health check within its 2 s)")
            counts[name] = count.merge()
    return counts


def _measured(data_dir: Path) -> dict[str, WorkCount]:
    # Each run counts as quick (an inline read stays inline, a -sync job's operation runs on the event loop once its
    # warm-up runs were quick): a busy machine must not send the counted call down another path by the wall clock.
    bound, inline.INLINE_READ_MAX_SECONDS = inline.INLINE_READ_MAX_SECONDS, HANG_GUARD_S
    try:
        return asyncio.run(_measure(data_dir))
    finally:
        inline.INLINE_READ_MAX_SECONDS = bound


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WorkCount]:
    return _measured(tmp_path_factory.mktemp("work-budget"))


def _budget() -> dict[str, Any]:
    return json.loads(BUDGET_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["read", "read_gzip", "job", "export_sync", "export_sync_worker", "mcp_read",
                                  "refused", "health"])
def test_work_stays_within_its_budget(counts: dict[str, WorkCount], path: str) -> None:
    budget = _budget()
    count = counts[path]
    for kind, total, top in (("calls", count.total, count.top), ("builtin_calls", count.builtin_total,
                                                                  count.top_builtins)):
        allowed = budget[kind][path]
        print(f"\n{path}: {total} {kind} (budget {allowed}, Python {platform.python_version()})")
        if total < allowed * 0.8:
            print(f"{path} makes {allowed - total} {kind} less than its budget: lower it in {BUDGET_FILE.name}")
        assert total <= allowed * TOLERANCE, (
            f"{path} made {total} {kind}, more than 10% over its budget of {allowed} "
            f"({BUDGET_FILE.name}; measured with Python {budget['python']}).\n{top(30)}"
        )


if __name__ == "__main__":  # prints the counts, to set or review the budget: python -m tests.perf.test_work_budget
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        measured = _measured(Path(scratch))
    for name, value in measured.items():
        print(f"{name}: {value.total} calls, {value.builtin_total} builtin_calls")
        if "-v" in sys.argv:
            print(value.top(40))
            print(value.top_builtins(40))
