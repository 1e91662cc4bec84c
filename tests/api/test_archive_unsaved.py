"""Archiving with unsaved changes (issue 12, failure 14): 409 UNSAVED_CHANGES unless saveFirst or allowUnsaved.

Archiving the saved state while the project holds newer changes would lose them without a word.
"""

from __future__ import annotations

import pytest

from tests.conftest import assert_error, data, job_error, run_job

ARCHIVE = "/api/projects/actions/archive-sync"


def _archive(client, headers, path, **flags):
    return client.post(ARCHIVE, json={"archivePath": path, **flags}, headers=headers)


def _unsaved(client, headers) -> bool:
    return data(client.get("/api/projects", headers=headers))[0]["hasUnsavedChanges"]


def _devices_in(client, headers, archive) -> list[str]:
    """Close the project, restore ``archive`` into a fresh folder and list its devices."""
    data(client.post("/api/projects/actions/close-sync", headers=headers))
    data(client.post("/api/projects/actions/create-from-archive-sync",
                     json={"archivePath": archive, "targetDirectory": f"restored-{archive}"}, headers=headers))
    return [d["name"] for d in data(client.get("/api/projects/devices", headers=headers))]


def test_unsaved_changes_are_refused_with_409(client, engineer_headers, cpu, workspace):
    assert _unsaved(client, engineer_headers)
    body = assert_error(_archive(client, engineer_headers, "stale.zap19"), 409, "UNSAVED_CHANGES")
    assert "saveFirst" in body["message"] and "allowUnsaved" in body["message"]
    assert not (workspace / "stale.zap19").exists()
    assert _unsaved(client, engineer_headers)  # nothing was saved behind the caller's back


def test_the_async_route_refuses_too(client, engineer_headers, cpu, workspace):
    job = run_job(client, "POST", "/api/projects/actions/archive", engineer_headers, json={"archivePath": "a.zap19"})
    assert job["status"] == "Failed" and job_error(job)["code"] == "UNSAVED_CHANGES"
    assert not (workspace / "a.zap19").exists()


def test_save_first_saves_then_archives_the_changes(client, engineer_headers, cpu, workspace):
    info = data(_archive(client, engineer_headers, "saved.zap19", saveFirst=True))
    assert info["warnings"] == []
    assert not _unsaved(client, engineer_headers)
    assert _devices_in(client, engineer_headers, "saved.zap19") == ["PLC_1"]


def test_save_first_does_not_save_when_the_target_is_refused(client, engineer_headers, cpu, workspace):
    (workspace / "there.zap19").write_bytes(b"x")
    assert_error(_archive(client, engineer_headers, "there.zap19", saveFirst=True), 409, "ARCHIVE_EXISTS")
    assert _unsaved(client, engineer_headers)


def test_allow_unsaved_archives_the_saved_state_with_a_warning(client, engineer_headers, cpu, workspace):
    info = data(_archive(client, engineer_headers, "stale.zap19", allowUnsaved=True))
    assert len(info["warnings"]) == 1 and "unsaved changes" in info["warnings"][0]
    assert _unsaved(client, engineer_headers)
    assert _devices_in(client, engineer_headers, "stale.zap19") == []


def test_both_flags_are_422(client, engineer_headers, cpu, workspace):
    assert_error(_archive(client, engineer_headers, "x.zap19", saveFirst=True, allowUnsaved=True), 422,
                 "CONFLICTING_OPTIONS")
    assert not (workspace / "x.zap19").exists() and _unsaved(client, engineer_headers)


@pytest.mark.parametrize("flags", [{}, {"saveFirst": True}, {"allowUnsaved": True}])
def test_a_saved_project_archives_whatever_the_flags(client, engineer_headers, project, flags):
    assert data(_archive(client, engineer_headers, "clean.zap19", **flags))["warnings"] == []
