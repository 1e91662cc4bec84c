"""Source control branches, checkout, merge, remotes, push/pull, restore and export-preview through HTTP (issue 15).

Remotes are bare repositories inside the file roots made with the git CLI; another contributor is played by a
git CLI clone that commits and pushes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pygit2
import pytest
from litestar.testing import TestClient

from tests.api.source_control_support import FB_PATH, SC, commit, git, needs_git, put_block
from tests.conftest import Headers, assert_error, data, job_error, run_job
from tests.api.branch_support import FC_PATH, clean, source, started


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def test_branches_create_list_delete(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    data(client.post(f"{SC}/init", headers=h))
    assert data(client.get(f"{SC}/branches", headers=h)) == []
    assert_error(client.post(f"{SC}/branches", json={"BranchName": "x"}, headers=h), 409, "NO_COMMITS")
    first = started(client, h)
    made = data(client.post(f"{SC}/branches", json={"BranchName": "feature/motor"}, headers=h))
    assert made == {"name": "feature/motor", "isCurrentBranch": False, "isRemote": False,
                    "lastCommitSha": first["sha"], "lastCommitMessage": "one"}
    listed = data(client.get(f"{SC}/branches", headers=viewer_headers))
    assert [(b["name"], b["isCurrentBranch"]) for b in listed] == [("feature/motor", False), ("main", True)]
    assert_error(client.post(f"{SC}/branches", json={"branchName": "feature/motor"}, headers=h), 409, "BRANCH_EXISTS")
    for bad in ("a..b", "-x", "HEAD", "x y", "x~1"):
        assert_error(client.post(f"{SC}/branches", json={"branchName": bad}, headers=h), 422, "INVALID_BRANCH_NAME")
    assert_error(client.post(f"{SC}/branches", json={"branchName": "v"}, headers=viewer_headers), 403)
    assert_error(client.delete(f"{SC}/branches/feature%5Cmotor", headers=viewer_headers), 403)
    assert_error(client.delete(f"{SC}/branches/main", headers=h), 409, "BRANCH_IS_CURRENT")
    assert_error(client.delete(f"{SC}/branches/nope", headers=h), 404, "BRANCH_NOT_FOUND")
    preview = data(client.delete(f"{SC}/branches/feature%5Cmotor", params={"dryRun": "true"}, headers=h))
    assert preview["dryRun"] is True and preview["changes"][0]["name"] == "feature/motor"
    assert len(data(client.get(f"{SC}/branches", headers=h))) == 2  # the dry run deleted nothing
    assert data(client.delete(f"{SC}/branches/feature%5Cmotor", headers=h))["name"] == "feature/motor"
    assert [b["name"] for b in data(client.get(f"{SC}/branches", headers=h))] == ["main"]
    # as T-IA Connect's client sends it: encodeURIComponent('feature/rc') is feature%2Frc, a slash inside one segment
    data(client.post(f"{SC}/branches", json={"branchName": "feature/rc"}, headers=h))
    assert data(client.delete(f"{SC}/branches/feature%2Frc", headers=h))["name"] == "feature/rc"
    assert_error(client.delete(f"{SC}/branches/feature%2Frc", headers=h), 404, "BRANCH_NOT_FOUND")  # gone


def test_checkout_brings_the_branch_into_the_project(client: TestClient[Any], h: Headers) -> None:
    started(client, h, "#Speed := 1;")
    data(client.post(f"{SC}/branches", json={"branchName": "feature"}, headers=h))
    switched = client.post(f"{SC}/branches/checkout", json={"BranchName": "feature"}, headers=h)
    assert switched.json()["message"].startswith("Switched to branch 'feature'")
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    commit(client, h, "feature work")
    # Uncommitted changes block a checkout, and nothing changes.
    put_block(client, h, "FB_Motor", "#Speed := 9;")
    assert_error(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h), 409,
                 "UNCOMMITTED_CHANGES")
    assert source(client, h, "FB_Motor") == "#Speed := 9;"
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    assert clean(client, h)
    preview = data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, params={"dryRun": "true"},
                               headers=h))
    assert {(c["action"], c["name"]) for c in preview["changes"]} == {("replace", "FB_Motor"), ("delete", "FC_New")}
    assert source(client, h, "FC_New") == "#Speed := 3;"  # the dry run changed nothing
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    assert source(client, h, "FB_Motor") == "#Speed := 1;" and source(client, h, "FC_New") is None
    assert clean(client, h) and data(client.get(f"{SC}/status", headers=h))["branch"] == "main"
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    assert source(client, h, "FB_Motor") == "#Speed := 2;" and source(client, h, "FC_New") == "#Speed := 3;"
    assert clean(client, h)
    assert_error(client.post(f"{SC}/branches/checkout", json={"branchName": "nope"}, headers=h), 404,
                 "BRANCH_NOT_FOUND")


def test_merge_conflict_per_object_and_clean_merge(client: TestClient[Any], h: Headers) -> None:
    started(client, h, "#Speed := 1;")
    data(client.post(f"{SC}/branches", json={"branchName": "feature"}, headers=h))
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    commit(client, h, "feature")
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 5;")
    main_head = commit(client, h, "main edits the motor too")
    body = assert_error(client.post(f"{SC}/merge", json={"BranchName": "feature"}, headers=h), 409, "MERGE_CONFLICT")
    assert body["details"]["conflicts"] == [{"filePath": FB_PATH, "deviceName": "PLC_1", "domain": "Program blocks",
                                             "itemName": "FB_Motor", "ours": "modified", "theirs": "modified"}]
    assert source(client, h, "FB_Motor") == "#Speed := 5;" and source(client, h, "FC_New") is None
    assert data(client.get(f"{SC}/log", params={"count": 1}, headers=h))[0]["sha"] == main_head["sha"]
    # Resolve on the feature branch (take main's motor), then the merge is clean.
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 5;")
    commit(client, h, "take main's motor")
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    merged = client.post(f"{SC}/merge", json={"BranchName": "feature"}, headers=h)
    assert merged.status_code == 200, merged.text
    assert merged.json()["message"].startswith("Merged 'feature' into 'main'")
    assert source(client, h, "FC_New") == "#Speed := 3;" and source(client, h, "FB_Motor") == "#Speed := 5;"
    assert clean(client, h)
    head = data(client.get(f"{SC}/log", params={"count": 1}, headers=h))[0]
    assert head["message"] == "Merge branch 'feature' into main"
    again = client.post(f"{SC}/merge", json={"BranchName": "feature"}, headers=h).json()["message"]
    assert again.startswith("Already up to date")


@needs_git
def test_remotes_push_and_pull(client: TestClient[Any], h: Headers, workspace: Path, tmp_path: Path,
                               viewer_headers: Headers) -> None:
    first = started(client, h, "#Speed := 1;")
    bare = workspace / "repos" / "line1.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    (workspace / "plain").mkdir()
    assert_error(client.post(f"{SC}/push", json={}, headers=h), 404, "REMOTE_NOT_FOUND")
    for url, status, code in (("https://example.com/x.git", 422, "REMOTE_NOT_LOCAL"),
                              ("git@example.com:x.git", 422, "REMOTE_NOT_LOCAL"),
                              ("file:///tmp/x", 422, "REMOTE_NOT_LOCAL"),
                              ("../../../etc", 422, "PATH_REJECTED"), ("/etc", 422, "PATH_REJECTED"),
                              ("missing.git", 404, "FILE_NOT_FOUND"), ("plain", 422, "REMOTE_NOT_A_REPOSITORY")):
        assert_error(client.post(f"{SC}/remotes", json={"Name": "origin", "Url": url}, headers=h), status, code)
    assert_error(client.post(f"{SC}/remotes", json={"Name": "a/b", "Url": "repos/line1.git"}, headers=h), 422,
                 "INVALID_REMOTE_NAME")
    assert_error(client.post(f"{SC}/remotes", json={"Name": "origin", "Url": "repos/line1.git"},
                             headers=viewer_headers), 403)
    assert data(client.get(f"{SC}/remotes", headers=h)) == []
    added = data(client.post(f"{SC}/remotes", json={"Name": "origin", "Url": "repos/line1.git"}, headers=h))
    assert added == {"name": "origin", "url": "repos/line1.git"}
    assert data(client.get(f"{SC}/remotes", headers=viewer_headers)) == [added]
    assert_error(client.post(f"{SC}/remotes", json={"Name": "origin", "Url": "repos/line1.git"}, headers=h), 409,
                 "REMOTE_EXISTS")
    assert_error(client.post(f"{SC}/push", json={}, headers=viewer_headers), 403)
    pushed = client.post(f"{SC}/push", json={"RemoteName": None}, headers=h)
    assert pushed.status_code == 200 and pushed.json()["message"] == f"Pushed 'main' ({first['sha'][:7]}) to 'origin'."
    assert git("--git-dir", str(bare), "rev-parse", "main").strip() == first["sha"]
    assert any(b["name"] == "origin/main" and b["isRemote"] for b in data(client.get(f"{SC}/branches", headers=h)))

    # Another contributor changes the motor block with the git CLI and pushes.
    other = tmp_path / "other"
    git("clone", "-q", str(bare), str(other))
    fb = other / FB_PATH
    text = fb.read_text("utf-8-sig")
    changed = re.sub(r">1</ConstantValue>", ">7</ConstantValue>", text, count=1)
    assert changed != text
    fb.write_text(changed, "utf-8-sig")  # as TIA writes SimaticML: with a BOM
    git("-c", "user.name=Other", "-c", "user.email=o@x", "commit", "-q", "-am", "speed 7", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    # A push now would lose their commit: refused.
    put_block(client, h, "FB_Motor", "#Speed := 1; // mine")
    assert_error(client.post(f"{SC}/pull", json={}, headers=h), 409, "UNCOMMITTED_CHANGES")
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    pulled = client.post(f"{SC}/pull", json={"RemoteName": "origin"}, headers=h)
    assert pulled.status_code == 200, pulled.text
    assert pulled.json()["message"].startswith("Pulled 'origin/main'")
    assert source(client, h, "FB_Motor") == "#Speed := 7;"
    assert clean(client, h)
    log = data(client.get(f"{SC}/log", headers=h))
    assert [e["message"] for e in log] == ["speed 7", "one"] and log[0]["author"] == "Other"
    assert client.post(f"{SC}/pull", json={}, headers=h).json()["message"].startswith("Already up to date")

    # Diverged: push refused, pull asks for a merge.
    git("-c", "user.name=Other", "-c", "user.email=o@x", "commit", "-q", "--allow-empty", "-m", "theirs", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    commit(client, h, "mine")
    assert_error(client.post(f"{SC}/push", json={}, headers=h), 409, "PUSH_REJECTED")
    assert_error(client.post(f"{SC}/pull", json={}, headers=h), 409, "PULL_NEEDS_MERGE")
    merged = client.post(f"{SC}/merge", json={"branchName": "origin/main"}, headers=h)
    assert merged.status_code == 200, merged.text
    assert data(client.post(f"{SC}/push", json={}, headers=h))["message"].startswith("Pushed 'main'")

    assert_error(client.delete(f"{SC}/remotes/origin", headers=viewer_headers), 403)
    assert_error(client.delete(f"{SC}/remotes/nope", headers=h), 404, "REMOTE_NOT_FOUND")
    assert data(client.delete(f"{SC}/remotes/origin", headers=h)) == added
    assert data(client.get(f"{SC}/remotes", headers=h)) == [] and bare.is_dir()


def test_restore_one_object_from_a_commit(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    first = started(client, h, "#Speed := 1;")
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    commit(client, h, "two")
    assert_error(client.post(f"{SC}/restore", json={"CommitSha": first["sha"], "FilePath": FB_PATH},
                             headers=viewer_headers), 403)
    preview = data(client.post(f"{SC}/restore", json={"commitSha": first["sha"], "filePath": FB_PATH},
                               params={"dryRun": "true"}, headers=h))
    assert preview["changes"] == [{"action": "replace", "kind": "object", "name": "FB_Motor", "device": "PLC_1",
                                   "detail": FB_PATH}]
    assert source(client, h, "FB_Motor") == "#Speed := 2;"
    record = run_job(client, "POST", f"{SC}/restore", h, json={"CommitSha": first["sha"], "FilePath": FB_PATH,
                                                                "DeviceName": None})
    assert record["status"] == "Completed", record
    assert record["result"]["action"] == "replaced" and record["result"]["itemName"] == "FB_Motor"
    assert source(client, h, "FB_Motor") == "#Speed := 1;"
    status = data(client.get(f"{SC}/status", headers=h))
    assert [c["filePath"] for c in status["changes"]] == [FB_PATH]
    # A deleted block comes back too.
    data(client.delete("/api/devices/PLC_1/blocks/FB_Motor", headers=h))
    record = run_job(client, "POST", f"{SC}/restore", h, json={"commitSha": "HEAD", "filePath": FB_PATH})
    assert record["result"]["action"] == "created" and source(client, h, "FB_Motor") == "#Speed := 2;"
    for body, code in (({"commitSha": "HEAD", "filePath": "PLC_1/Program blocks/Nope.xml"}, "FILE_NOT_FOUND"),
                       ({"commitSha": "HEAD", "filePath": "../x.xml"}, "INVALID_VCS_PATH"),
                       ({"commitSha": "HEAD", "filePath": "PLC_1/Other/x.xml"}, "INVALID_VCS_PATH"),
                       ({"commitSha": "nope", "filePath": FB_PATH}, "COMMIT_NOT_FOUND"),
                       ({"commitSha": "HEAD", "filePath": FB_PATH, "deviceName": "PLC_9"}, "DEVICE_NOT_FOUND"),
                       ({"commitSha": "HEAD", "filePath": "PLC_1/Hardware/PLC_1.aml"}, "DEVICE_EXISTS")):
        failed = run_job(client, "POST", f"{SC}/restore", h, json=body)
        assert failed["status"] == "Failed" and job_error(failed)["code"] == code, (body, failed)
    assert source(client, h, "FB_Motor") == "#Speed := 2;"


def test_export_preview_job(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    started(client, h, "#Speed := 1;")
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    record = run_job(client, "POST", f"{SC}/export-preview", viewer_headers)
    assert record["status"] == "Completed", record
    result = record["result"]
    assert result["changedFilesCount"] == 1 and result["changes"][0]["filePath"] == FB_PATH
    assert result["objects"][0]["networksChanged"] == ["#1"]
    assert data(client.get(f"{SC}/log", headers=h))[0]["message"] == "one"  # nothing committed


def test_source_control_changes_are_audited(client: TestClient[Any], h: Headers, admin_headers: Headers,
                                            workspace: Path) -> None:
    started(client, h)
    pygit2.init_repository(str(workspace / "r.git"), bare=True)
    data(client.post(f"{SC}/branches", json={"branchName": "b"}, headers=h))
    data(client.post(f"{SC}/remotes", json={"name": "o", "url": "r.git"}, headers=h))
    data(client.delete(f"{SC}/branches/b", headers=h))
    records = data(client.get("/api/audit", params={"pathPrefix": f"{SC}/"}, headers=admin_headers))["records"]
    seen = {(r["method"], r["path"]) for r in records}
    assert {("POST", f"{SC}/branches"), ("POST", f"{SC}/remotes"), ("DELETE", f"{SC}/branches/b")} <= seen


@needs_git
def test_a_failed_pull_leaves_the_project_as_it_was(client: TestClient[Any], h: Headers, workspace: Path,
                                                    tmp_path: Path) -> None:
    started(client, h, "#Speed := 1;")
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    head = commit(client, h, "two")
    bare = workspace / "r.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    data(client.post(f"{SC}/remotes", json={"name": "origin", "url": "r.git"}, headers=h))
    data(client.post(f"{SC}/push", json={}, headers=h))
    other = tmp_path / "other"
    git("clone", "-q", str(bare), str(other))
    git("rm", "-q", FC_PATH, cwd=other)  # deleted first by the pull ...
    fb = other / FB_PATH
    fb.write_text(fb.read_text("utf-8-sig").replace("<Interface>", "<Interface><Broken/>", 1), "utf-8-sig")
    git("-c", "user.name=O", "-c", "user.email=o@x", "commit", "-q", "-am", "broken", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    response = client.post(f"{SC}/pull", json={}, headers=h)  # ... then the broken block fails the import
    assert 400 <= response.status_code < 500 and response.json()["success"] is False, response.text
    assert source(client, h, "FC_New") == "#Speed := 3;" and source(client, h, "FB_Motor") == "#Speed := 1;"
    assert clean(client, h)
    assert data(client.get(f"{SC}/log", params={"count": 1}, headers=h))[0]["sha"] == head["sha"]


def test_checkout_where_a_block_takes_the_number_of_one_that_goes(client: TestClient[Any], h: Headers) -> None:
    started(client, h)
    data(client.post(f"{SC}/branches", json={"branchName": "feature"}, headers=h))
    put_block(client, h, "FC_Main", "#Speed := 1;", block_type="FC", number=5)
    commit(client, h, "main has FC 5")
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    assert source(client, h, "FC_Main") is None
    put_block(client, h, "FC_Feature", "#Speed := 2;", block_type="FC", number=5)
    commit(client, h, "feature has FC 5")
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    assert source(client, h, "FC_Main") == "#Speed := 1;" and source(client, h, "FC_Feature") is None
    assert clean(client, h)


def test_conflicts_of_added_and_deleted_objects(client: TestClient[Any], h: Headers) -> None:
    started(client, h, "#Speed := 1;")
    data(client.post(f"{SC}/branches", json={"branchName": "feature"}, headers=h))
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    data(client.delete("/api/devices/PLC_1/blocks/FB_Motor", headers=h))
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    commit(client, h, "feature deletes the motor, adds FC_New")
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    put_block(client, h, "FC_New", "#Speed := 4;", block_type="FC", number=3)
    commit(client, h, "main edits the motor, adds another FC_New")
    body = assert_error(client.post(f"{SC}/merge", json={"branchName": "feature"}, headers=h), 409, "MERGE_CONFLICT")
    assert {(c["itemName"], c["ours"], c["theirs"]) for c in body["details"]["conflicts"]} == {
        ("FB_Motor", "modified", "deleted"), ("FC_New", "added", "added")}
    assert source(client, h, "FB_Motor") == "#Speed := 2;" and source(client, h, "FC_New") == "#Speed := 4;"
    assert clean(client, h)


def test_stations_follow_the_branch_added_removed_and_rebuilt_with_their_program(
    client: TestClient[Any], h: Headers,
) -> None:
    from tests.conftest import IM, add_device, configure

    started(client, h)
    data(client.post(f"{SC}/branches", json={"branchName": "feature"}, headers=h))
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    add_device(client, h, IM, "IO_1")
    configure(client, h, "PLC_1", "192.168.0.77")  # PLC_1's hardware differs on the branch
    put_block(client, h, "FB_Motor", "#Speed := 5;")
    commit(client, h, "feature adds a station and readdresses the PLC")
    devices = lambda: {d["name"] for d in data(client.get("/api/projects/devices", headers=h))}  # noqa: E731
    preview = data(client.post(f"{SC}/branches/checkout", json={"branchName": "main", "dryRun": True}, headers=h))
    assert {(c["action"], c["kind"], c["device"]) for c in preview["changes"] if c["kind"] == "device"} == {
        ("delete", "device", "IO_1"), ("replace", "device", "PLC_1")}
    assert any("re-created" in w for w in preview["warnings"])
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    assert devices() == {"PLC_1"} and source(client, h, "FB_Motor") == "#Speed := 1;"
    assert clean(client, h)  # the project exports exactly as main: stations and program
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "feature"}, headers=h))
    assert devices() == {"PLC_1", "IO_1"} and source(client, h, "FB_Motor") == "#Speed := 5;"
    assert clean(client, h)


def test_a_station_the_import_refuses_leaves_the_project_as_it_was(client: TestClient[Any], h: Headers,
                                                                  services: Any) -> None:
    from tests.conftest import configure

    started(client, h)
    data(client.post(f"{SC}/branches", json={"branchName": "broken"}, headers=h))
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "broken"}, headers=h))
    configure(client, h, "PLC_1", "192.168.0.78")
    commit(client, h, "readdressed")
    data(client.post(f"{SC}/branches/checkout", json={"branchName": "main"}, headers=h))
    # a commit on the branch (made with git, as a user could) whose station file TIA's hardware import refuses
    [folder] = (services.settings.data_dir / "source-control").glob("Line1-*")
    repo = pygit2.Repository(str(folder))
    tip = repo.branches["broken"].peel(pygit2.Commit)
    hardware, plc_folder = tip.tree["PLC_1/Hardware"], tip.tree["PLC_1"]
    assert isinstance(hardware, pygit2.Tree) and isinstance(plc_folder, pygit2.Tree)
    station = repo.TreeBuilder(hardware)
    station.insert("PLC_1.aml", repo.create_blob(b"<CAEXFile>not a station</CAEXFile>"), pygit2.GIT_FILEMODE_BLOB)
    device = repo.TreeBuilder(plc_folder)
    device.insert("Hardware", station.write(), pygit2.GIT_FILEMODE_TREE)
    root = repo.TreeBuilder(tip.tree)
    root.insert("PLC_1", device.write(), pygit2.GIT_FILEMODE_TREE)
    signature = pygit2.Signature("t", "t@example.com")
    repo.create_commit("refs/heads/broken", signature, signature, "broken station", root.write(), [tip.id])
    before = data(client.get("/api/projects/devices", headers=h))
    problem = client.post(f"{SC}/branches/checkout", json={"branchName": "broken"}, headers=h)
    assert problem.status_code in (409, 422), problem.text
    assert data(client.get("/api/projects/devices", headers=h)) == before
    assert source(client, h, "FB_Motor") == "#Speed := 1;"  # the PLC was re-created with its program
    assert clean(client, h) and data(client.get(f"{SC}/status", headers=h))["branch"] == "main"


