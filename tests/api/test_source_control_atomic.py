"""Pull, merge and restore apply to the project all or nothing, through HTTP: what a target's content can make
fail is found before anything changes (a block file turned into a symbolic link), and a rollback that fails is an
error the client gets, with the project marked as needing a reopen until it is closed and opened again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.backend.errors import ValidationError
from tests.api.source_control_support import FB_PATH, SC, commit, git, needs_git, put_block
from tests.api.branch_support import FC_PATH, clean, source, started
from tests.conftest import Headers, assert_error, data

pytestmark = needs_git
OTHER = ("-c", "user.name=O", "-c", "user.email=o@x")


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def _shared(client: TestClient[Any], h: Headers, workspace: Path, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """The project with FB_Motor and FC_New committed and pushed to ``origin``; a clone of it for the other side."""
    started(client, h, "#Speed := 1;")
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    head = commit(client, h, "two")
    data(client.post("/api/projects/actions/save-sync", headers=h))
    git("init", "-q", "--bare", "-b", "main", str(workspace / "r.git"))
    data(client.post(f"{SC}/remotes", json={"name": "origin", "url": "r.git"}, headers=h))
    data(client.post(f"{SC}/push", json={}, headers=h))
    other = tmp_path / "other"
    git("clone", "-q", str(workspace / "r.git"), str(other))
    return head, other


def _as_it_was(client: TestClient[Any], h: Headers, head: dict[str, Any]) -> None:
    assert source(client, h, "FB_Motor") == "#Speed := 1;" and source(client, h, "FC_New") == "#Speed := 3;"
    assert clean(client, h)
    assert data(client.get(f"{SC}/log", params={"count": 1}, headers=h))[0]["sha"] == head["sha"]


def test_a_pull_that_turns_a_block_into_a_symbolic_link_changes_nothing(
    client: TestClient[Any], h: Headers, workspace: Path, tmp_path: Path,
) -> None:
    head, other = _shared(client, h, workspace, tmp_path)
    git("rm", "-q", FC_PATH, cwd=other)
    os.remove(other / FB_PATH)
    os.symlink("../../../../../etc/passwd", other / FB_PATH)
    git("add", "-A", cwd=other)
    git(*OTHER, "commit", "-q", "-m", "link", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    problem = assert_error(client.post(f"{SC}/pull", json={}, headers=h), 422, "NOT_A_REGULAR_FILE")
    assert problem["details"]["files"] == [FB_PATH]
    _as_it_was(client, h, head)
    # The same commit merged, and restored as one file: refused the same way.
    assert_error(client.post(f"{SC}/merge", json={"branchName": "origin/main"}, headers=h), 422,
                 "NOT_A_REGULAR_FILE")
    linked = git("--git-dir", str(workspace / "r.git"), "rev-parse", "main").strip()
    restored = client.post(f"{SC}/restore-sync", json={"commitSha": linked, "filePath": FB_PATH}, headers=h)
    assert_error(restored, 422, "NOT_A_REGULAR_FILE")
    _as_it_was(client, h, head)


def test_a_failed_rollback_is_answered_and_the_project_needs_a_reopen(
    client: TestClient[Any], h: Headers, services: Any, workspace: Path, tmp_path: Path, monkeypatch: Any,
) -> None:
    head, other = _shared(client, h, workspace, tmp_path)
    git("rm", "-q", FC_PATH, cwd=other)  # deleted first by the pull ...
    fb = other / FB_PATH
    fb.write_text(fb.read_text("utf-8-sig").replace(">1</ConstantValue>", ">7</ConstantValue>", 1), "utf-8-sig")
    git(*OTHER, "commit", "-q", "-am", "seven", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)

    def refused(*_: Any, **__: Any) -> Any:  # ... then every import fails: the FB's, and the FC's put back
        raise ValidationError("the import was refused", code="IMPORT_FAILED")

    monkeypatch.setattr(services.backend.program, "import_program_documents", refused)
    problem = assert_error(client.post(f"{SC}/pull", json={}, headers=h), 409, "ROLLBACK_FAILED")
    assert problem["details"]["cause"]["code"] == "IMPORT_FAILED" and problem["details"]["needsReopen"] is True
    assert any("PLC_1" in step for step in problem["details"]["notRestored"])
    monkeypatch.undo()
    assert source(client, h, "FC_New") is None  # the damage is in memory only ...
    for path, body in (("/api/projects/actions/save-sync", None), (f"{SC}/commit-sync", {"message": "x"}),
                       (f"{SC}/pull", {})):
        assert_error(client.post(path, json=body, headers=h), 409, "PROJECT_NEEDS_REOPEN")  # ... and stays there
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    _as_it_was(client, h, head)
    data(client.post("/api/projects/actions/save-sync", headers=h))
