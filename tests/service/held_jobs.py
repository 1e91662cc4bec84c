"""A service process whose jobs are held where a test wants the process to die (tests/service/test_job_restarts.py).

``python -m tests.service.held_jobs <data dir> <step>`` serves an app on ``<data dir>`` in this process (the jobs
table is the SQLite file there), makes the jobs of ``step`` through the API, prints one JSON line naming them once
they are where the step holds them, and then waits to be killed:

- ``progressed``: an archive job that reported its progress (10%) and had it written, and a save queued behind it,
  accepted and never started;
- ``started``: a save job just started, with its progress never due for a write
  (:data:`~engineering_api.jobs.runner.PROGRESS_WRITE_DELAY_SECONDS` past any wait): the state of a job in its first
  0.25 s;
- ``read``: a job of a read (the devices' list) that has started;
- ``sync-here``: a ``-sync`` export whose job runs on the event loop's thread (``JobManager._run_here``: its last
  runs were quick), started; its call never answers.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engineering_api.jobs import inline, runner
from engineering_api.lib.tables import jobs
from tests.service.conftest import make_client
from tools.bounds import HANG_GUARD_S

__all__ = ("ENTERED", "STEPS")

STEPS = ("progressed", "started", "read", "sync-here")


ENTERED = threading.Event()
"""Set once a held backend call has begun: the operation runs, so its job's start was written before."""
HELD_ON: list[str] = []
"""The thread the held call runs on."""


def _held(*_args: Any, **_kwargs: Any) -> Any:
    HELD_ON.append(threading.current_thread().name)
    ENTERED.set()
    threading.Event().wait()  # until the process is killed


def _until(what: str, check: Any) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"held_jobs: {what} did not happen within {HANG_GUARD_S} s")
        time.sleep(0.01)


def main(data_dir: Path, step: str) -> None:
    if step == "started":
        runner.PROGRESS_WRITE_DELAY_SECONDS = 10 * HANG_GUARD_S
    with make_client(data_dir) as client:
        services = client.app.state.services
        key = {"X-API-Key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        created = client.post("/api/projects/actions/create-sync", json={"name": "Held"}, headers=key)
        assert created.status_code == 200, created.text

        def row(job_id: str) -> Any:
            return services.db.one(select(jobs.c.status, jobs.c.progress).where(jobs.c.job_id == job_id))

        def accepted(path: str, body: Any = None) -> str:
            answer = client.post(path, json=body, headers=key) if path.startswith("/api/projects/actions/") \
                else client.get(path, headers=key)
            assert answer.status_code == 202, answer.text
            return str(answer.json()["data"]["jobId"])

        if step == "progressed":
            services.backend.archive_project = _held
            archive = accepted("/api/projects/actions/archive", {"archivePath": "held.zap19", "allowUnsaved": True})
            services.backend.save_project = _held
            queued = accepted("/api/projects/actions/save")
            _until("the archive's progress write", lambda: row(archive)["progress"] == 10)
            ready = {"progressed": archive, "queued": queued}
        elif step == "started":
            services.backend.save_project = _held
            save = accepted("/api/projects/actions/save")
            _until("the save's start", ENTERED.is_set)
            ready = {"started": save, "startedAt": services.jobs.get(save).started_at}
        elif step == "sync-here":
            ready = _sync_here(client, services, key)
        else:
            services.backend.devices.list_devices = _held
            read = accepted("/api/projects/devices/async")
            _until("the read's start", ENTERED.is_set)
            ready = {"read": read}
        print(json.dumps(ready), flush=True)
        threading.Event().wait()


def _sync_here(client: Any, services: Any, key: dict[str, str]) -> dict[str, Any]:
    """A -sync export held while its job runs where the call is served: the job's id, its start and the thread."""
    for path, body in (("/api/projects/devices/actions/add-sync", {"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                   "name": "PLC_1"}),
                       ("/api/devices/PLC_1/blocks/generate-and-import",
                        {"BlockType": "FB", "Name": "FB_Held", "Language": "SCL"})):
        assert client.post(path, json=body, headers=key).status_code == 200
    export = "/api/devices/PLC_1/blocks/actions/export-sync"
    inline.INLINE_READ_MAX_SECONDS = HANG_GUARD_S  # each run quick, however busy the machine
    for number in range(inline.QUICK_RUNS_BEFORE_HERE):
        answer = client.post(export, json={"blockName": "FB_Held", "exportPath": f"e/{number}.xml"}, headers=key)
        assert answer.status_code == 200, answer.text
    services.backend.program.export_program_object = _held
    threading.Thread(target=lambda: client.post(export, json={"blockName": "FB_Held", "exportPath": "e/held.xml"},
                                                headers=key), daemon=True).start()
    _until("the export's start", ENTERED.is_set)
    row = services.db.one(select(jobs.c.job_id, jobs.c.started_at).where(jobs.c.operation == "blocks.export",
                                                                        jobs.c.status == "Running"))
    return {"syncHere": row["job_id"], "startedAt": row["started_at"], "thread": HELD_ON[0]}


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
