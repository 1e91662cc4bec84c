"""A pull, a merge or a checkout cut short at any moment leaves the project and HEAD in step (issue 68 item 10): both
at the old commit, or both at the new one. The fault schedule stops the change at each point between its first and
last write (the process' death simulated by an error nothing in it handles, so nothing after it runs and nothing
saves the project), then a new process opens the project and asks for its status.

Before: a death after the project was saved and before the branch moved reopened the project holding the pulled
objects with HEAD at the old commit; status listed the remote's changes as the user's own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engineering_api.domain.sourcecontrol import apply, pending
from tests.api.source_control_support import SC, needs_git, put_block
from tests.service.conftest import make_client
from tests.service.durable_pulls import (
    commit_via_api,
    project_with_one_commit,
    push_speed_7_elsewhere,
    push_to_new_remote,
    response_data,
)


class _Death(Exception):
    """The process ends here."""


def _dies_after(real: Any) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise _Death

    return run


def _dies_before(_real: Any) -> Any:
    def run(*_args: Any, **_kwargs: Any) -> Any:
        raise _Death

    return run


POINTS = {
    # point: (module, attribute, wrapper, whether the new commit is what the next process sees)
    "before the project changes": (pending, "_begin", _dies_after, False),
    "after the import, before the save": (apply, "_import", _dies_after, False),
    "after the save, before HEAD moves": (pending, "_carry_out", _dies_before, True),
    "after HEAD moved, before the record goes": (pending, "_done", _dies_before, True),
}


@needs_git
@pytest.mark.parametrize("point", list(POINTS))
def test_a_pull_cut_short_leaves_project_and_head_both_old_or_both_new(tmp_path: Path, point: str) -> None:
    module, attribute, wrapper, pulled = POINTS[point]
    data_dir = tmp_path / "var"
    bare, other = data_dir / "workspace" / "repos" / "line1.git", tmp_path / "other"
    with make_client(data_dir) as first:
        project, admin = project_with_one_commit(first, data_dir)
        response_data(first.post("/api/projects/actions/save-sync", headers=admin))
        old = response_data(first.get(f"{SC}/log", headers=admin))[0]["sha"]
        push_to_new_remote(first, admin, bare)
        new = push_speed_7_elsewhere(bare, other)
        with pytest.MonkeyPatch.context() as faults:
            faults.setattr(module, attribute, wrapper(getattr(module, attribute)))
            assert first.post(f"{SC}/pull", json={}, headers=admin).status_code == 500
    with make_client(data_dir) as second:
        response_data(second.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=admin))
        status = response_data(second.get(f"{SC}/status", headers=admin))
        head = response_data(second.get(f"{SC}/log", headers=admin))[0]["sha"]
        source = response_data(second.get("/api/devices/PLC_1/blocks/FB_Motor/source", headers=admin))["sourceText"]
        assert status["changedFilesCount"] == 0, status
        assert (head, "#Speed := 7;" in source) == ((new, True) if pulled else (old, False)), (head, source)
        # and the pull can be done (again): the remote's commit is HEAD and the project's
        response_data(second.post(f"{SC}/pull", json={}, headers=admin))
        assert response_data(second.get(f"{SC}/log", headers=admin))[0]["sha"] == new
        assert response_data(second.get(f"{SC}/status", headers=admin))["changedFilesCount"] == 0


def _speed_7_on(client: Any, admin: dict[str, str], branch: str) -> None:
    """``branch`` made from HEAD, checked out, its FB_Motor's speed 7 committed; then back on main."""
    response_data(client.post(f"{SC}/branches", json={"BranchName": branch}, headers=admin))
    response_data(client.post(f"{SC}/branches/checkout", json={"BranchName": branch}, headers=admin))
    put_block(client, admin, "FB_Motor", "#Speed := 7;")
    commit_via_api(client, admin, "speed 7")
    response_data(client.post(f"{SC}/branches/checkout", json={"BranchName": "main"}, headers=admin))


@needs_git
@pytest.mark.parametrize("point", ["after the import, before the save", "after the save, before HEAD moves"])
@pytest.mark.parametrize("operation", ["merge", "checkout"])
def test_a_merge_or_checkout_cut_short_leaves_project_and_head_in_step(tmp_path: Path, operation: str,
                                                                       point: str) -> None:
    moved = POINTS[point][3]
    data_dir = tmp_path / "var"
    project, admin, old = _cut_short(data_dir, operation, point)
    with make_client(data_dir) as second:
        response_data(second.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=admin))
        status = response_data(second.get(f"{SC}/status", headers=admin))
        log = response_data(second.get(f"{SC}/log", headers=admin))
        source = response_data(second.get("/api/devices/PLC_1/blocks/FB_Motor/source", headers=admin))["sourceText"]
        assert status["changedFilesCount"] == 0, status
        assert ("#Speed := 7;" in source) == moved, source
        if operation == "merge":
            assert (log[0]["sha"] != old and log[0]["message"].startswith("Merge branch 'feature'")) == moved, log
        else:
            assert status["branch"] == ("feature" if moved else "main"), status


def _cut_short(data_dir: Path, operation: str, point: str) -> tuple[dict[str, Any], dict[str, str], str]:
    """A merge or checkout of ``feature`` (a block changed) dying at ``point``: the project, the admin's headers and
    HEAD's commit before it."""
    module, attribute, wrapper, _moved = POINTS[point]
    with make_client(data_dir) as first:
        project, admin = project_with_one_commit(first, data_dir)
        _speed_7_on(first, admin, "feature")
        if operation == "merge":  # main moves on too, so the merge makes a commit of two parents
            put_block(first, admin, "FB_Pump", "#Speed := 3;", number=2)
            commit_via_api(first, admin, "pump")
        response_data(first.post("/api/projects/actions/save-sync", headers=admin))
        old = response_data(first.get(f"{SC}/log", headers=admin))[0]["sha"]
        with pytest.MonkeyPatch.context() as faults:
            faults.setattr(module, attribute, wrapper(getattr(module, attribute)))
            path = f"{SC}/merge" if operation == "merge" else f"{SC}/branches/checkout"
            assert first.post(path, json={"BranchName": "feature"}, headers=admin).status_code == 500
    return project, admin, old


@needs_git
def test_a_recorded_merge_whose_parent_is_gone_is_dropped_not_committed(tmp_path: Path) -> None:
    """libgit2 makes any commit it is asked for (the service turns its object checks off): a recorded merge whose
    second parent the repository no longer holds (pruned since) is dropped with a warning, as an unreadable record
    is, instead of a commit naming a missing object."""
    data_dir = tmp_path / "var"
    project, admin, old = _cut_short(data_dir, "merge", "after the save, before HEAD moves")
    (record,) = data_dir.glob(f"source-control/*/.git/{pending.RECORD}")
    intent = json.loads(record.read_text(encoding="utf-8"))
    intent["parents"][1] = "0" * 40
    record.write_text(json.dumps(intent), encoding="utf-8")
    with make_client(data_dir) as second:
        response_data(second.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=admin))
        assert response_data(second.get(f"{SC}/log", headers=admin))[0]["sha"] == old
    assert not record.exists()
