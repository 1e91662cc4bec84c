"""A full disk through HTTP, simulated by injecting ENOSPC (the database answers SQLITE_FULL on every write, the
project writer ENOSPC): a change whose audit record cannot be written changes nothing and answers 507; save and
open answer 507 naming the path; a key's first request after a restart is not refused for bookkeeping; a job whose
end cannot be written is answered and its end written later."""

from __future__ import annotations

import errno
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import assert_error, data
from tests.full_disk import disk_full

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from engineering_api.services import Services

BLOCKS = "/api/devices/PLC_1/blocks"


def _block(name: str) -> dict[str, Any]:
    return {"blockType": "FC", "name": name, "language": "SCL", "returnType": "Int",
            "interface": {"Temp": [{"name": "x", "dataType": "Int"}]}, "networks": [{"scl": "#x := 1;"}]}


def _no_space(*_: Any, **__: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def full_disk(services: Services, monkeypatch: pytest.MonkeyPatch) -> Callable[[], AbstractContextManager[None]]:
    """``with full_disk():`` the disk is full inside the block (database and project files)."""

    @contextmanager
    def filled() -> Iterator[None]:
        with disk_full(services.db), pytest.MonkeyPatch.context() as patch:
            patch.setattr("fakes.project_commit._stage", _no_space)
            patch.setattr("fakes.backend.take_lock", _no_space)
            yield

    return filled


def test_a_change_whose_audit_record_cannot_be_written_changes_nothing(
    client, admin_headers, engineer_headers, cpu, full_disk,
) -> None:
    with full_disk():
        for n in range(3):
            problem = assert_error(client.post(BLOCKS, json=_block(f"FC_{n}"), headers=engineer_headers), 507,
                                   "INSUFFICIENT_STORAGE")
            assert problem["details"]["path"].endswith("engineering-api.sqlite3")
        # reads still answer: only the PLC's own Main [OB1]
        assert [b["name"] for b in data(client.get(BLOCKS, headers=engineer_headers))] == ["Main"]
    assert [b["name"] for b in data(client.get(BLOCKS, headers=engineer_headers))] == ["Main"]
    audit = data(client.get("/api/audit", params={"pathPrefix": BLOCKS}, headers=admin_headers))["records"]
    assert audit == []
    data(client.post(BLOCKS, json=_block("FC_After"), headers=engineer_headers))  # space again: it works
    audit = data(client.get("/api/audit", params={"pathPrefix": BLOCKS}, headers=admin_headers))["records"]
    assert [(a["method"], a["status"], a["outcome"]) for a in audit] == [("POST", 200, "succeeded")]


def test_save_and_open_on_a_full_disk_answer_507_with_the_path(
    client, services, workspace, engineer_headers, cpu, full_disk, monkeypatch,
) -> None:
    first_save = data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))["savedAt"]
    data(client.post(BLOCKS, json=_block("FC_Unsaved"), headers=engineer_headers))
    folder = workspace / "Line1"
    # Only the project's files are full: the audit record is written, the save cannot be.
    monkeypatch.setattr("fakes.project_commit._stage", _no_space)
    problem = assert_error(client.post("/api/projects/actions/save-sync", headers=engineer_headers), 507,
                           "INSUFFICIENT_STORAGE")
    assert problem["details"]["path"] == str(folder) and "Line1" in problem["message"]
    # The file on disk is still the one saved first, and the project says so
    project = data(client.get("/api/projects", headers=engineer_headers))[0]
    assert (project["savedAt"], project["hasUnsavedChanges"]) == (first_save, True)
    monkeypatch.undo()
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    # the lock file is created and locked, its body cannot be written
    monkeypatch.setattr("fakes.project_lock._write_body", _no_space)
    opened = client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"},
                         headers=engineer_headers)
    problem = assert_error(opened, 507, "INSUFFICIENT_STORAGE")
    assert problem["details"]["path"] == str(folder)
    monkeypatch.undo()
    assert services.backend.open_projects() == []  # nothing half-open, and no empty lock file left behind
    assert not [p.name for p in folder.iterdir() if "lock" in p.name.lower()]
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    assert [b["name"] for b in data(client.get(BLOCKS, headers=engineer_headers))] == ["FC_Unsaved", "Main"]


def test_a_keys_first_request_on_a_full_disk_is_answered(client, make_key, full_disk) -> None:
    """A key's last use is written on its first request after a start: on a full disk that is skipped, not 500."""
    fresh = make_key("engineer")
    with full_disk():
        assert data(client.get("/api/jobs", headers=fresh))["total"] == 0
        assert_error(client.post("/api/projects/actions/create-sync", json={"name": "Full"}, headers=fresh), 507,
                     "INSUFFICIENT_STORAGE")
    assert data(client.get("/api/jobs", headers=fresh))["total"] == 0  # the refused create started no job


def test_a_tool_call_whose_audit_record_cannot_be_written_does_not_run(client, services, full_disk) -> None:
    """The MCP (and assistant) tool layer writes its record first too."""
    import asyncio

    from engineering_api.mcp.tools import call_tool

    _, secret = services.keys.create("mcp", "engineer")
    principal = services.keys.verify(secret)

    async def create(name: str) -> Any:
        return await call_tool(services, "projects_create", {"name": name}, principal, via="mcp", session_id="s")

    with full_disk():
        refused = asyncio.run(create("Full"))
    assert refused.is_error and refused.status == 507 and refused.code == "INSUFFICIENT_STORAGE"
    assert services.backend.open_projects() == []
    done = asyncio.run(create("Room"))
    assert not done.is_error
    records = services.audit.page(path_prefix="projects_create").records
    assert [(r.via, r.status, r.outcome) for r in records] == [("mcp", 200, "succeeded")]


def test_a_runtime_write_on_a_full_disk_is_a_507_naming_the_database(client, admin_headers, full_disk) -> None:
    """The runtime API's tables are made with the others when the database is opened (the migrations), so on a full
    disk its reads still answer; a write is a 507 with the path (it was SQLite's own error, a 500), and works once
    there is space."""
    user = {"username": "mes", "password": "a-long-password", "roles": ["read"]}
    with full_disk():
        assert data(client.get("/api/runtime/users", headers=admin_headers)) == []
        problem = assert_error(client.post("/api/runtime/users", json=user, headers=admin_headers), 507,
                               "INSUFFICIENT_STORAGE")
        assert problem["details"]["path"].endswith("engineering-api.sqlite3")
    assert client.post("/api/runtime/users", json=user, headers=admin_headers).status_code == 201


def _answered(client: Any, path: str, headers: dict[str, str]) -> Any:
    """POST ``path`` from a thread of its own: a call left waiting fails the test at the hang guard, not the run."""
    import threading

    from tools.bounds import HANG_GUARD_S

    answers: list[Any] = []
    call = threading.Thread(target=lambda: answers.append(client.post(path, headers=headers)), daemon=True)
    call.start()
    call.join(HANG_GUARD_S)
    assert answers, f"POST {path} was answered"
    return answers[0]


def test_a_job_whose_end_cannot_be_written_is_answered_and_its_end_written_once_the_disk_has_room(
    client, services, engineer_headers, cpu,
) -> None:
    """The disk fills after a job ran, as its end is written: the work ran, so a -sync caller hears its outcome (it
    was left waiting for good) and a follower reads it; the end is kept and written by a later job's end."""
    import threading

    persist = services.jobs._store.persist
    full = threading.Event()
    full.set()

    def end_on_a_full_disk(record: Any) -> Any:
        if record.terminal and full.is_set():
            with disk_full(services.db):
                return persist(record)
        return persist(record)

    services.jobs._store.persist = end_on_a_full_disk
    try:
        saved = data(_answered(client, "/api/projects/actions/save-sync", engineer_headers))
        assert saved["hasUnsavedChanges"] is False and saved["savedAt"]
        queued = data(client.post("/api/projects/actions/save", headers=engineer_headers), 202)["jobId"]
        followed = data(client.get(f"/api/jobs/{queued}", params={"wait": 30}, headers=engineer_headers))
        assert followed["status"] == "Completed" and followed["result"]["savedAt"], followed
        kept = list(services.jobs._ends_kept)
        assert queued in kept and len(kept) == 2, kept
        full.clear()  # room again: the next job's end writes the kept ones
        data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    finally:
        services.jobs._store.persist = persist
    assert not services.jobs._ends_kept and not services.jobs.supervised()
    for job_id in kept:  # read back from their rows now
        record = services.jobs.get(job_id)
        assert record.status == "Completed" and record.result["savedAt"], record


def test_a_kept_end_that_fails_otherwise_when_retried_stays_kept_and_a_settling_supersedes_it(
    client, services, engineer_headers, cpu,
) -> None:
    """A kept end retried by a later job's end may meet another database error (a lock, an I/O error): the later job
    is answered all the same and the end stays kept; a job settled from outside (a farm's watch) drops its kept end,
    which would otherwise be written over the settling."""
    import sqlite3

    from engineering_api.jobs.records import JobError

    persist = services.jobs._store.persist
    refuse: dict[str, Any] = {"all": True, "locked": set()}

    def end_written_if_room(record: Any) -> Any:
        if record.terminal and (refuse["all"] or record.job_id in refuse["locked"]):
            if record.job_id in refuse["locked"]:
                raise sqlite3.OperationalError("database is locked")
            with disk_full(services.db):
                return persist(record)
        return persist(record)

    services.jobs._store.persist = end_written_if_room
    try:
        first = data(client.post("/api/projects/actions/save", headers=engineer_headers), 202)["jobId"]
        data(client.get(f"/api/jobs/{first}", params={"wait": 30}, headers=engineer_headers))
        second = data(client.post("/api/projects/actions/save", headers=engineer_headers), 202)["jobId"]
        data(client.get(f"/api/jobs/{second}", params={"wait": 30}, headers=engineer_headers))
        assert list(services.jobs._ends_kept) == [first, second]
        refuse.update(all=False, locked={first})
        saved = data(_answered(client, "/api/projects/actions/save-sync", engineer_headers))  # all the same
        assert saved["hasUnsavedChanges"] is False
        assert list(services.jobs._ends_kept) == [first, second], "the retry stopped at the first, kept in order"
        services.jobs.settle_detached(second, "Failed", "settled by its farm call's end", error=JobError(
            code="OUTCOME_UNKNOWN", message="settled", status=503, details={"callOutcome": "ran"}))
        assert list(services.jobs._ends_kept) == [first] and second not in services.jobs.supervised()
        refuse["locked"] = set()
        data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    finally:
        services.jobs._store.persist = persist
    assert not services.jobs._ends_kept and not services.jobs.supervised()
    assert services.jobs.get(first).status == "Completed"
    settled = services.jobs.get(second)
    assert settled.status == "Failed" and settled.failure is not None and settled.failure.details == {
        "callOutcome": "ran"}, "the settling stands: the kept end was not written over it"
