"""Source control through HTTP: init, status, commit (a job), log, file content and config (issue 15).

The repository is checked from the outside too: the git CLI clones it and reads a block file.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.services import Services
from simatic_xml.generate import tag_table_xml
from tests.conftest import Headers, assert_error, data, job_error, run_job
from tools.bounds import HANG_GUARD_S
from tests.api.source_control_support import FB_PATH, SC, commit, git, needs_git, put_block, repo_of


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def test_status_before_init_and_init(client: TestClient[Any], h: Headers, services: Services) -> None:
    assert data(client.get(f"{SC}/status", headers=h)) == {
        "isInitialized": False, "changedFilesCount": 0, "changes": [], "branch": None, "lastCommitSha": None,
        "lastCommitMessage": None, "lastCommitDate": None,
    }
    assert data(client.get(f"{SC}/config", headers=h))["enabled"] is False
    made = data(client.post(f"{SC}/init", headers=h))
    assert made["created"] is True and made["branch"] == "main" and made["path"].startswith("source-control/Line1-")
    assert data(client.post(f"{SC}/init", headers=h))["created"] is False  # kept
    assert (repo_of(services) / ".git").is_dir()
    config = data(client.get(f"{SC}/config", headers=h))
    assert config == {"enabled": True, "authorName": "engineering-api", "authorEmail": "engineering-api@localhost",
                      "defaultBranch": "main"}
    status = data(client.get(f"{SC}/status", headers=h))
    assert status["isInitialized"] is True and status["lastCommitSha"] is None
    # the PLC's own Main [OB1] is in the project from the start
    assert {c["filePath"] for c in status["changes"]} == {"PLC_1/Hardware/PLC_1.aml", "PLC_1/Program blocks/Main.xml"}
    assert status["changes"][0] == {"filePath": "PLC_1/Hardware/PLC_1.aml", "status": "Added", "domain": "Hardware",
                                    "deviceName": "PLC_1", "itemName": "PLC_1"}


def test_commit_log_status_and_file_content(client: TestClient[Any], h: Headers) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    put_block(client, h, "FC_Calc", "#Speed := 2;", block_type="FC", number=2, folder="Calc/Inner")
    first = commit(client, h, "first")
    assert first["filesChanged"] == 4 and first["branch"] == "main" and len(first["sha"]) == 40
    paths = {c["filePath"] for c in first["changes"]}
    assert paths == {"PLC_1/Hardware/PLC_1.aml", FB_PATH, "PLC_1/Program blocks/Calc/Inner/FC_Calc.xml",
                     "PLC_1/Program blocks/Main.xml"}  # Main: the PLC's own OB1
    status = data(client.get(f"{SC}/status", headers=h))
    assert status["changedFilesCount"] == 0 and status["lastCommitSha"] == first["sha"]
    assert status["lastCommitMessage"] == "first" and status["branch"] == "main"

    put_block(client, h, "FB_Motor", "#Speed := 5;")
    status = data(client.get(f"{SC}/status", headers=h))
    assert status["changes"] == [{"filePath": FB_PATH, "status": "Modified", "domain": "Program blocks",
                                  "deviceName": "PLC_1", "itemName": "FB_Motor"}]
    second = commit(client, h, "speed 5")
    log = data(client.get(f"{SC}/log", params={"count": 10}, headers=h))
    assert [(e["sha"], e["message"], e["filesChanged"]) for e in log] == [
        (second["sha"], "speed 5", 1), (first["sha"], "first", 4)]
    assert log[0]["shortSha"] == second["sha"][:7] and log[0]["author"] == "engineering-api"
    assert log[0]["timestamp"].endswith("Z")
    assert len(data(client.get(f"{SC}/log", params={"count": 1}, headers=h))) == 1

    old = data(client.get(f"{SC}/file-content", params={"commitSha": first["sha"], "filePath": FB_PATH}, headers=h))
    new = data(client.get(f"{SC}/file-content", params={"commitSha": "HEAD", "filePath": FB_PATH}, headers=h))
    assert old["content"].startswith("<?xml") and "SW.Blocks.FB" in old["content"]
    assert old["content"] != new["content"] and ">5</" in new["content"]
    parent = data(client.get(f"{SC}/file-content", params={"commitSha": "HEAD~1", "filePath": FB_PATH}, headers=h))
    assert parent["content"] == old["content"] and parent["commitSha"] == first["sha"]


def test_two_exports_of_an_unchanged_project_are_identical(client: TestClient[Any], h: Headers,
                                                          services: Services) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    data(client.post("/api/devices/PLC_1/udts", json={"name": "UDT_Axis", "members": [
        {"name": "Pos", "dataType": "Real", "comment": "mm"}]}, headers=h))
    table = tag_table_xml("Motors", [{"name": "Start", "address": "%I0.0", "dataType": "Bool"}], "V19")
    data(client.post("/api/blockgeneration/import-only",
                     json={"deviceName": "PLC_1", "xml": table.decode("utf-8-sig"), "overwrite": True}, headers=h))
    first = commit(client, h, "one")
    assert {c["filePath"] for c in first["changes"]} >= {
        "PLC_1/PLC data types/UDT_Axis.xml", "PLC_1/PLC tags/Motors.xml", FB_PATH}
    # A save, a close and a reopen change nothing that is versioned.
    data(client.post("/api/projects/actions/save-sync", headers=h))
    project_path = data(client.get("/api/projects/overview", headers=h))["projectPath"]
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": project_path}, headers=h))
    assert data(client.get(f"{SC}/status", headers=h))["changedFilesCount"] == 0
    failed = run_job(client, "POST", f"{SC}/commit", h, json={"message": "again"})
    assert failed["status"] == "Failed" and job_error(failed)["code"] == "NOTHING_TO_COMMIT"
    # Byte for byte: the export written now equals the committed blobs.
    from engineering_api.domain.sourcecontrol.export import export_project
    from engineering_api.jobs.operations import OperationContext

    def export() -> dict[str, bytes]:
        ctx = OperationContext(services.backend, services.settings, services.paths)
        scratch = services.settings.data_dir / "scratch-test"
        scratch.mkdir(exist_ok=True)
        return export_project(ctx, scratch)

    import asyncio
    one = asyncio.run(services.worker.call(export, timeout=HANG_GUARD_S, description="export"))
    two = asyncio.run(services.worker.call(export, timeout=HANG_GUARD_S, description="export"))
    assert one == two and {FB_PATH, "PLC_1/Hardware/PLC_1.aml", "PLC_1/PLC data types/UDT_Axis.xml",
                           "PLC_1/PLC tags/Motors.xml"} <= set(one)
    committed = data(client.get(f"{SC}/file-content", params={"commitSha": first["sha"], "filePath": FB_PATH},
                                headers=h))["content"]
    assert one[FB_PATH].decode("utf-8-sig") == committed


@needs_git
def test_git_cli_clones_the_repository_and_reads_a_block(client: TestClient[Any], h: Headers, services: Services,
                                                         tmp_path: Path) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    made = commit(client, h, "motor")
    repo = repo_of(services)
    assert git("status", "--porcelain", cwd=repo) == ""  # the work tree matches the commit
    clone = tmp_path / "clone"
    git("clone", "-q", str(repo), str(clone))
    assert git("rev-parse", "HEAD", cwd=clone).strip() == made["sha"]
    assert git("log", "--format=%s", cwd=clone).strip() == "motor"
    text = (clone / FB_PATH).read_text("utf-8")
    assert "FB_Motor" in text and "SW.Blocks.FB" in text
    git("fsck", "--strict", cwd=clone)


def test_viewer_reads_but_cannot_init_or_commit(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                                services: Services) -> None:
    assert_error(client.post(f"{SC}/init", headers=viewer_headers), 403)
    assert not (services.settings.data_dir / "source-control").exists()
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    assert_error(client.post(f"{SC}/commit", json={"message": "x"}, headers=viewer_headers), 403)
    assert_error(client.post(f"{SC}/commit-sync", json={"message": "x"}, headers=viewer_headers), 403)
    assert data(client.get(f"{SC}/status", headers=viewer_headers))["changedFilesCount"] == 3  # with the PLC's Main
    assert data(client.get(f"{SC}/log", headers=viewer_headers)) == []
    assert data(client.get(f"{SC}/config", headers=viewer_headers))["enabled"] is True


def test_bad_input_changes_nothing(client: TestClient[Any], h: Headers) -> None:
    # Not initialized: the commit job fails with 409, and log/file-content answer 409.
    failed = run_job(client, "POST", f"{SC}/commit", h, json={"message": "x"})
    assert job_error(failed)["code"] == "VCS_NOT_INITIALIZED" and job_error(failed)["status"] == 409
    assert_error(client.get(f"{SC}/log", headers=h), 409, "VCS_NOT_INITIALIZED")
    data(client.post(f"{SC}/init", headers=h))
    assert_error(client.post(f"{SC}/commit", json={}, headers=h), 422)
    assert_error(client.post(f"{SC}/commit", json={"message": ""}, headers=h), 422)
    assert_error(client.post(f"{SC}/commit-sync", json={"message": "   "}, headers=h), 422, "INVALID_MESSAGE")
    assert_error(client.get(f"{SC}/log", params={"count": 0}, headers=h), 422)
    assert_error(client.get(f"{SC}/log", params={"count": 5000}, headers=h), 422)
    commit(client, h, "one")
    for path in ("../secret", "/etc/passwd", ".git/config", "PLC_1//x.xml", "a/./b"):
        assert_error(client.get(f"{SC}/file-content", params={"commitSha": "HEAD", "filePath": path}, headers=h),
                     422, "INVALID_VCS_PATH")
    assert_error(client.get(f"{SC}/file-content", params={"commitSha": "HEAD", "filePath": "nope.xml"}, headers=h),
                 404, "FILE_NOT_FOUND")
    assert_error(client.get(f"{SC}/file-content", params={"commitSha": "0" * 40, "filePath": FB_PATH}, headers=h),
                 404, "COMMIT_NOT_FOUND")
    assert_error(client.get(f"{SC}/file-content", params={"commitSha": "--all", "filePath": FB_PATH}, headers=h),
                 422, "INVALID_REVISION")
    assert_error(client.get(f"{SC}/file-content", params={"filePath": FB_PATH}, headers=h), 422)
    assert len(data(client.get(f"{SC}/log", headers=h))) == 1  # nothing was committed by the refused calls


def test_no_project_open(client: TestClient[Any], admin_headers: Headers) -> None:
    assert_error(client.post(f"{SC}/init", headers=admin_headers), 409, "NO_PROJECT_OPEN")
    assert_error(client.get(f"{SC}/status", headers=admin_headers), 409, "NO_PROJECT_OPEN")
    assert data(client.get(f"{SC}/config", headers=admin_headers))["enabled"] is False


def test_mutating_calls_are_audited(client: TestClient[Any], h: Headers, engineer_headers: Headers,
                                    admin_headers: Headers) -> None:
    data(client.post(f"{SC}/init", headers=engineer_headers))
    commit(client, engineer_headers, "one")
    records = data(client.get("/api/audit", params={"pathPrefix": SC}, headers=admin_headers))["records"]
    seen = {(r["method"], r["path"], r["status"]) for r in records}
    assert ("POST", f"{SC}/init", 200) in seen and ("POST", f"{SC}/commit", 202) in seen


def test_commit_author_is_configurable(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                       services: Services) -> None:
    assert_error(client.put(f"{SC}/config", json={"authorName": "Jane"}, headers=h), 409, "VCS_NOT_INITIALIZED")
    data(client.post(f"{SC}/init", headers=h))
    assert_error(client.put(f"{SC}/config", json={"authorName": "Jane"}, headers=viewer_headers), 403)
    for bad in ({"authorName": ""}, {"authorName": "a\nb"}, {"authorName": "<x>"}, {"authorEmail": "nope"},
                {"authorEmail": "a b@c"}):
        assert_error(client.put(f"{SC}/config", json=bad, headers=h), 422)
    assert data(client.get(f"{SC}/config", headers=h))["authorName"] == "engineering-api"  # unchanged
    updated = data(client.put(f"{SC}/config", json={"AuthorName": "Jane Doe", "AuthorEmail": "jane@example.com"},
                              headers=h))
    assert updated["authorName"] == "Jane Doe" and updated["authorEmail"] == "jane@example.com"
    commit(client, h, "by jane")
    assert data(client.get(f"{SC}/log", headers=h))[0]["author"] == "Jane Doe"
    if shutil.which("git"):  # the CLI's view too, where it is installed
        assert git("log", "--format=%an <%ae>", cwd=repo_of(services)).strip() == "Jane Doe <jane@example.com>"


def test_file_content_of_the_working_project(client: TestClient[Any], h: Headers) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    commit(client, h, "one")
    put_block(client, h, "FB_Motor", "#Speed := 4;")
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    # T-IA Connect's diff view: HEAD on the left, WORKING on the right (and WORKING alone for an added object).
    head = data(client.get(f"{SC}/file-content", params={"commitSha": "HEAD", "filePath": FB_PATH}, headers=h))
    working = data(client.get(f"{SC}/file-content", params={"commitSha": "WORKING", "filePath": FB_PATH}, headers=h))
    assert working["commitSha"] == "WORKING" and ">4</" in working["content"] and head["content"] != working["content"]
    added = data(client.get(f"{SC}/file-content", params={"commitSha": "working",
                                                          "filePath": "PLC_1/Program blocks/FC_New.xml"}, headers=h))
    assert "FC_New" in added["content"]
    station = data(client.get(f"{SC}/file-content", params={"commitSha": "WORKING",
                                                            "filePath": "PLC_1/Hardware/PLC_1.aml"}, headers=h))
    assert station["content"] == data(client.get(f"{SC}/file-content", params={
        "commitSha": "HEAD", "filePath": "PLC_1/Hardware/PLC_1.aml"}, headers=h))["content"]
    for path in ("PLC_1/Program blocks/Nope.xml", "PLC_9/Program blocks/FB_Motor.xml", "PLC_1/PLC tags/FB_Motor.xml"):
        assert_error(client.get(f"{SC}/file-content", params={"commitSha": "WORKING", "filePath": path}, headers=h),
                     404, "FILE_NOT_FOUND")
    assert_error(client.get(f"{SC}/file-content", params={"commitSha": "WORKING", "filePath": "x.txt"}, headers=h),
                 422, "INVALID_VCS_PATH")
