"""Scheduled pulls of one source can starve neither another's nor the server's stop, through a real
``engineering-api serve`` (issue 88).

More pulls than the event loop's shared thread pool holds (``min(32, CPUs + 4)``) are scheduled against an ERP that
accepts connections and never answers; a pull of another ERP, scheduled at the same interval and created last, still
fetches while they hang. Before scheduled jobs had pools of their own and a source host a bound on its runs, the
hanging pulls held every thread of the loop's default executor until their timeout, and the other ERP was never
asked. The scheduler fires the pulls itself (interval triggers of the served process, nothing called in process);
the test waits for events, never for a time.

The server is then stopped (SIGTERM) while runs still wait on the hanging ERP: they are recorded ``Interrupted``
(nothing written), logged so, and the process exits 0 without granian's grace. Before, each waiting run's thread
was joined at the worker's exit: the worker was killed after the grace (15 s) and no run's outcome was recorded.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from typing import TYPE_CHECKING

import httpx

from engineering_api.config import Settings
from tests.erp_stubs import LOOPBACK, Erp, Hanging
from tests.realclient.conftest import serve
from tools.bounds import HANG_GUARD_S, until

if TYPE_CHECKING:
    from pathlib import Path

PULLS = "/api/runtime/pulls"
INTERVAL_S = 10
"""The shortest interval a pull may have: every pull's first run comes that long after it is saved."""


def test_pulls_hanging_on_one_erp_delay_neither_another_erps_pull_nor_the_stop(tmp_path: Path) -> None:
    erp, hanging = Erp(), Hanging()
    env = {"ENGINEERING_API_PULL_ALLOWED_TARGETS": ",".join(LOOPBACK)}
    try:
        for served in serve(tmp_path / "data", env=env):
            headers = {"X-API-Key": served.admin_key}
            count = max(8, min(32, (os.cpu_count() or 1) + 4) + 2)
            mapping = [{"tag": '"Line_DB".Setpoint', "path": "$.order.setpoint"}]

            def create(name: str, url: str, timeout_s: float) -> None:
                answer = httpx.post(f"{served.base}{PULLS}", headers=headers, timeout=HANG_GUARD_S, json={
                    "name": name, "intervalSeconds": INTERVAL_S, "mapping": mapping,
                    "source": {"url": url, "timeoutSeconds": timeout_s}})
                assert answer.status_code == 201, answer.text

            for n in range(count):  # saved first, so their runs come due first
                create(f"Stuck {n}", hanging.url, HANG_GUARD_S)
            create("Good", erp.url, 10)
            until(lambda: len(hanging.accepted) >= 2, "the stuck pulls to connect to the hanging ERP")
            until(lambda: erp.seen, "the good ERP's pull to fetch while the stuck pulls hang")
            assert len(hanging.accepted) < count  # the hanging ERP holds a bounded share of the pulls' threads
            waiting = len(hanging.accepted)  # runs, one connection each: their first attempt lasts the hang guard
            served.process.send_signal(signal.SIGTERM)
            code = served.wait_exit(HANG_GUARD_S)
            output = served.output()
            assert code == 0, f"exit {code}:\n{output}"
            assert "Killing worker" not in output and "Traceback" not in output, output  # stopped on its own, cleanly
            said = [line for line in output.splitlines()
                    if "(schedule): Interrupted: The server stopped while the source was being fetched" in line]
            assert len(said) == waiting, output
            assert _statuses(served.data_dir, "Stuck") == ["Interrupted"] * waiting
    finally:
        hanging.close()
        erp.server.shutdown()


def _statuses(data_dir: Path, prefix: str) -> list[str]:
    """The recorded status of every run of the pulls named ``prefix``…, read from the stopped server's database."""
    db = sqlite3.connect(Settings.from_env(data_dir=data_dir).database_path)
    try:
        kept = dict(db.execute("SELECT name, value FROM kv WHERE name LIKE 'runtime.%'").fetchall())
    finally:
        db.close()
    stuck = {pull_id for pull_id, definition in json.loads(kept["runtime.pulls.definitions"]).items()
             if definition["name"].startswith(prefix)}
    return [run["status"] for pull_id in sorted(stuck) for run in json.loads(kept.get(f"runtime.pulls.runs.{pull_id}",
                                                                                      "[]"))]
