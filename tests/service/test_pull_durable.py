"""A pull is in the saved project before it answers (issue 48 item 7), checked as a fault schedule: the server dies
right after the pull answered 200, restarts, and the project reopens at the pulled commit with HEAD.

Before: the project reopened at its last save while HEAD stayed at the pulled commit, so status listed the pull as
changes, a second pull said "Already up to date" and the next commit would have reverted the pull."""

from __future__ import annotations

from pathlib import Path


from tests.api.source_control_support import SC, needs_git
from tests.service.conftest import make_client
from tests.service.durable_pulls import (
    project_with_one_commit,
    push_speed_7_elsewhere,
    push_to_new_remote,
    response_data,
)


@needs_git
def test_a_pull_survives_a_crash_right_after_its_answer(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    workspace = data_dir / "workspace"
    bare, other = workspace / "repos" / "line1.git", tmp_path / "other"
    with make_client(data_dir) as first:
        project, admin = project_with_one_commit(first, data_dir)
        response_data(first.post("/api/projects/actions/save-sync", headers=admin))
        push_to_new_remote(first, admin, bare)
        # Another contributor changes the block and pushes; this server pulls it.
        push_speed_7_elsewhere(bare, other)
        pulled = first.post(f"{SC}/pull", json={}, headers=admin)
        assert pulled.status_code == 200, pulled.text
        head = response_data(first.get(f"{SC}/log", headers=admin))[0]["sha"]
        # The fault: the process ends here, right after the answer, without anyone saving the project.
    with make_client(data_dir) as second:
        response_data(second.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=admin))
        status = response_data(second.get(f"{SC}/status", headers=admin))
        log = response_data(second.get(f"{SC}/log", headers=admin))
        source = response_data(second.get("/api/devices/PLC_1/blocks/FB_Motor/source", headers=admin))["sourceText"]
    assert log[0]["sha"] == head and log[0]["message"].strip() == "speed 7"
    assert status["changedFilesCount"] == 0, status
    assert "#Speed := 7;" in source
