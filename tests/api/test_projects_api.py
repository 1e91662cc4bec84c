"""Project Operations: every route (sync and async twins) and the TIA project rules."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.conftest import (
    CPU, IM, add_device, assert_error, configure, data, job_error, run_job, start_job, wait_job,
)


def _create(client, headers, name, **extra):
    return client.post("/api/projects/actions/create-sync", json={"name": name, **extra}, headers=headers)


def _device_names(client, headers):
    return [d["name"] for d in data(client.get("/api/projects/devices", headers=headers))]


# ----- list, create, open, save, close ----------------------------------------------------------
def test_list_projects_empty_then_one(client, viewer_headers, admin_headers):
    assert data(client.get("/api/projects", headers=viewer_headers)) == []
    data(_create(client, admin_headers, "Line1", author="Ada", comment="first line"))
    projects = data(client.get("/api/projects", headers=viewer_headers))
    assert len(projects) == 1
    assert projects[0]["name"] == "Line1"
    assert projects[0]["author"] == "Ada"
    assert projects[0]["comment"] == "first line"
    assert projects[0]["version"] == "V19"


def test_create_sync_writes_a_project_folder(client, engineer_headers, workspace):
    created = data(_create(client, engineer_headers, "Plant A", author="Ada"))
    assert created["name"] == "Plant A"
    assert created["path"] == str(workspace / "Plant A" / "Plant A.ap19")
    assert created["hasUnsavedChanges"] is False
    manifest = json.loads((workspace / "Plant A" / "Plant A.ap19").read_text())
    assert manifest["name"] == "Plant A"
    assert manifest["tiaVersion"] == "V19"


def test_create_in_a_subdirectory(client, engineer_headers, workspace):
    created = data(_create(client, engineer_headers, "Sub", directory="customers/acme"))
    assert created["path"] == str(workspace / "customers" / "acme" / "Sub" / "Sub.ap19")


def test_create_directory_outside_the_roots_is_422(client, engineer_headers):
    assert_error(_create(client, engineer_headers, "Evil", directory="../.."), 422, "PATH_REJECTED")


def test_create_async(client, engineer_headers, workspace):
    job = run_job(client, "POST", "/api/projects/actions/create", engineer_headers, json={"name": "AsyncLine"})
    assert job["status"] == "Completed"
    assert job["operation"] == "projects.create"
    assert job["progress"] == 100
    assert job["result"]["path"] == str(workspace / "AsyncLine" / "AsyncLine.ap19")
    assert job["startedAt"] and job["completedAt"]


def test_create_async_failure_ends_failed_with_code(client, engineer_headers, project):
    job = run_job(client, "POST", "/api/projects/actions/create", engineer_headers, json={"name": "Second"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "PROJECT_ALREADY_OPEN"
    assert job_error(job)["status"] == 409


def test_create_without_a_name_is_422(client, engineer_headers):
    assert_error(client.post("/api/projects/actions/create-sync", json={}, headers=engineer_headers), 422)
    assert_error(client.post("/api/projects/actions/create", json={}, headers=engineer_headers), 422)


def test_create_existing_folder_is_409(client, engineer_headers, workspace):
    (workspace / "Taken").mkdir()
    assert_error(_create(client, engineer_headers, "Taken"), 409, "PROJECT_EXISTS")


def test_one_open_project_per_portal(client, engineer_headers):
    data(_create(client, engineer_headers, "First"))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(_create(client, engineer_headers, "Second"))
    assert_error(_create(client, engineer_headers, "Third"), 409, "PROJECT_ALREADY_OPEN")
    assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "First/First.ap19"}, headers=engineer_headers),
        409, "PROJECT_ALREADY_OPEN",
    )
    # re-opening the project that is already open is harmless
    reopened = data(
        client.post("/api/projects/actions/open-sync", json={"path": "Second/Second.ap19"}, headers=engineer_headers)
    )
    assert reopened["name"] == "Second"


def test_open_sync_and_async(client, engineer_headers, project):
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    opened = data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"},
                              headers=engineer_headers))
    assert opened["name"] == "Line1"
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    job = run_job(client, "POST", "/api/projects/actions/open", engineer_headers, json={"Path": "Line1/Line1.ap19"})
    assert job["status"] == "Completed"
    assert job["result"]["name"] == "Line1"
    assert data(client.get("/api/instance/status", headers=engineer_headers))["projectName"] == "Line1"


def test_open_missing_project_is_404(client, engineer_headers):
    assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "Nope/Nope.ap19"}, headers=engineer_headers),
        404, "FILE_NOT_FOUND",
    )
    # the async route refuses before queueing a job
    response = client.post("/api/projects/actions/open", json={"path": "Nope/Nope.ap19"}, headers=engineer_headers)
    assert_error(response, 404, "FILE_NOT_FOUND")


def test_open_wrong_extension_and_traversal_are_422(client, engineer_headers, workspace):
    (workspace / "notes.txt").write_text("hello")
    assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "notes.txt"}, headers=engineer_headers),
        422, "PATH_REJECTED",
    )
    assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "../../etc/x.ap19"}, headers=engineer_headers),
        422, "PATH_REJECTED",
    )
    assert_error(client.post("/api/projects/actions/open-sync", json={}, headers=engineer_headers), 422)


def test_open_a_damaged_project_is_422(client, engineer_headers, workspace):
    (workspace / "Broken").mkdir()
    (workspace / "Broken" / "Broken.ap19").write_text("not json")
    assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "Broken/Broken.ap19"}, headers=engineer_headers),
        422, "PROJECT_DAMAGED",
    )


def test_save_sync_and_async(client, engineer_headers, cpu):
    assert data(client.get("/api/projects", headers=engineer_headers))[0]["hasUnsavedChanges"] is True
    saved = data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    assert saved["hasUnsavedChanges"] is False
    assert saved["savedAt"]
    add_device(client, engineer_headers, CPU, "PLC_2")
    job = run_job(client, "POST", "/api/projects/actions/save", engineer_headers)
    assert job["status"] == "Completed"
    assert job["result"]["hasUnsavedChanges"] is False


def test_save_and_close_without_project_are_409(client, engineer_headers):
    for path in ("/api/projects/actions/save-sync", "/api/projects/actions/close-sync"):
        assert_error(client.post(path, headers=engineer_headers), 409, "NO_PROJECT_OPEN")
    for path in ("/api/projects/actions/save", "/api/projects/actions/close"):
        job = run_job(client, "POST", path, engineer_headers)
        assert job["status"] == "Failed"
        assert job_error(job)["code"] == "NO_PROJECT_OPEN"


def test_close_sync_and_async(client, engineer_headers, project):
    closed = data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    assert closed["name"] == "Line1"
    assert data(client.get("/api/projects", headers=engineer_headers)) == []
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    job = run_job(client, "POST", "/api/projects/actions/close", engineer_headers)
    assert job["status"] == "Completed"
    assert job["result"]["name"] == "Line1"
    assert data(client.get("/api/projects", headers=engineer_headers)) == []


def test_closing_discards_unsaved_changes(client, engineer_headers, project):
    add_device(client, engineer_headers, CPU, "Unsaved")
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    assert _device_names(client, engineer_headers) == []
    add_device(client, engineer_headers, CPU, "Saved")
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    assert _device_names(client, engineer_headers) == ["Saved"]


# ----- TIA naming rules -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "Back\\slash", "Slash/ed", "Co:lon", "Star*", "Quest?", 'Quo"te', "Less<", "More>", "Pi|pe",
        "Trailing.", " Leading", "Trailing ", "CON", "com1", "LPT9.old", "x" * 129, "", "   ",
    ],
)
def test_project_naming_rules(client, engineer_headers, name, workspace):
    body = assert_error(_create(client, engineer_headers, name), 422, "INVALID_NAME")
    assert "name" in body["message"]
    assert data(client.get("/api/projects", headers=engineer_headers)) == []


def test_project_name_at_the_length_limit_is_accepted(client, engineer_headers):
    assert data(_create(client, engineer_headers, "P" * 100))["name"] == "P" * 100


# ----- locks between portals ------------------------------------------------------------------
def test_project_locked_by_another_portal(client, engineer_headers):
    portal_a = data(client.get("/api/instance/status", headers=engineer_headers))["pid"]
    data(_create(client, engineer_headers, "Shared"))
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    portal_b = data(client.post("/api/instance/actions/launch", json={}, headers=engineer_headers))["pid"]
    body = assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "Shared/Shared.ap19"}, headers=engineer_headers),
        423, "PROJECT_LOCKED",
    )
    assert str(portal_a) in body["message"]
    assert body["details"]["holderPid"] == portal_a
    # the async twin fails the same way
    job = run_job(client, "POST", "/api/projects/actions/open", engineer_headers, json={"path": "Shared/Shared.ap19"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "PROJECT_LOCKED"
    assert job_error(job)["status"] == 423
    # shut portal A down: its lock goes, and B can open the project
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    data(client.post("/api/instance/actions/attach", json={"pid": portal_a}, headers=engineer_headers))
    data(client.post("/api/instance/actions/shutdown", headers=engineer_headers))
    data(client.post("/api/instance/actions/attach", json={"pid": portal_b}, headers=engineer_headers))
    opened = data(client.post("/api/projects/actions/open-sync", json={"path": "Shared/Shared.ap19"},
                              headers=engineer_headers))
    assert opened["name"] == "Shared"


def test_a_stale_lock_of_a_dead_portal_does_not_block(client, engineer_headers, workspace):
    data(_create(client, engineer_headers, "Stale"))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    lock = workspace / "Stale" / ".engineering-api.lock"
    lock.write_text(json.dumps({"pid": 1, "host": "elsewhere", "openedAt": "2020-01-01T00:00:00Z"}))
    opened = data(client.post("/api/projects/actions/open-sync", json={"path": "Stale/Stale.ap19"},
                              headers=engineer_headers))
    assert opened["name"] == "Stale"
    pid = data(client.get("/api/instance/status", headers=engineer_headers))["pid"]
    assert json.loads(lock.read_text())["pid"] == pid


# ----- versions -------------------------------------------------------------------------------
def test_a_v18_project_opens_in_a_v19_portal_only_by_an_upgrade_asked_for(client, engineer_headers):
    v19 = data(client.get("/api/instance/status", headers=engineer_headers))["pid"]
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    data(client.post("/api/instance/actions/launch", json={"version": "V18"}, headers=engineer_headers))
    created = data(_create(client, engineer_headers, "Old"))
    assert created["path"].endswith("Old/Old.ap18")
    assert created["version"] == "V18"
    data(client.post("/api/instance/actions/shutdown", headers=engineer_headers))
    data(client.post("/api/instance/actions/attach", json={"pid": v19}, headers=engineer_headers))
    body = assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "Old/Old.ap18"}, headers=engineer_headers),
        409, "PROJECT_UPGRADE_REQUIRED",
    )
    assert "V18" in body["message"] and "V19" in body["message"]
    assert '"upgrade": true' in body["message"]
    assert body["details"] == {"projectVersion": "V18", "portalVersion": "V19", "option": "upgrade"}
    # the simulated portal has no converter: an asked-for upgrade is an honest 501, and nothing is opened
    assert_error(client.post("/api/projects/actions/open-sync", json={"path": "Old/Old.ap18", "upgrade": True},
                             headers=engineer_headers), 501, "UPGRADE_NOT_SIMULATED")
    assert data(client.get("/api/projects", headers=engineer_headers)) == []


def test_a_newer_project_names_the_portal_that_can_open_it(client, engineer_headers, workspace):
    folder = workspace / "New"
    folder.mkdir()
    (folder / "New.ap20").write_text(json.dumps(
        {"format": "engineering-api/fake-project", "name": "New", "tiaVersion": "V20"}))
    body = assert_error(
        client.post("/api/projects/actions/open-sync", json={"path": "New/New.ap20"}, headers=engineer_headers),
        422, "PROJECT_VERSION_MISMATCH",
    )
    assert "TIA Portal V20" in body["message"]


# ----- archive and retrieve -------------------------------------------------------------------
def _archive(client, headers, path):
    return client.post("/api/projects/actions/archive-sync", json={"archivePath": path}, headers=headers)


def test_archive_retrieve_round_trip(client, engineer_headers, cpu, workspace):
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    info = data(_archive(client, engineer_headers, "backup/Line1.zap19"))
    archive = workspace / "backup" / "Line1.zap19"
    assert info["archivePath"] == str(archive)
    assert info["sizeBytes"] == archive.stat().st_size
    assert info["fileCount"] >= 2
    assert len(info["sha256"]) == 64
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assert "Line1/Line1.ap19" in names
    assert not any(".lock" in n for n in names)
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    restored = data(
        client.post(
            "/api/projects/actions/create-from-archive-sync",
            json={"archivePath": "backup/Line1.zap19", "targetDirectory": "restored"}, headers=engineer_headers,
        )
    )
    assert restored["path"] == str(workspace / "restored" / "Line1" / "Line1.ap19")
    devices = data(client.get("/api/projects/devices", headers=engineer_headers))
    assert [d["name"] for d in devices] == ["PLC_1"]
    assert devices[0]["interfaces"][0]["ipAddress"] == "192.168.0.1"
    assert not list((workspace / "restored").glob(".retrieve-*"))


def test_archive_and_retrieve_async(client, engineer_headers, project, workspace):
    job = run_job(client, "POST", "/api/projects/actions/archive", engineer_headers, json={"archivePath": "a.zap19"})
    assert job["status"] == "Completed"
    assert job["result"]["archivePath"] == str(workspace / "a.zap19")
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    job = run_job(
        client, "POST", "/api/projects/actions/create-from-archive", engineer_headers,
        json={"ArchivePath": "a.zap19", "TargetDirectory": "async-restore"},
    )
    assert job["status"] == "Completed", job
    assert job["result"]["path"] == str(workspace / "async-restore" / "Line1" / "Line1.ap19")


def test_archive_wrong_extension_is_422(client, engineer_headers, project):
    assert_error(_archive(client, engineer_headers, "backup/Line1.zip"), 422, "PATH_REJECTED")
    body = assert_error(_archive(client, engineer_headers, "backup/Line1.zap18"), 422, "ARCHIVE_EXTENSION")
    assert ".zap19" in body["message"]


def test_archive_existing_target_is_409(client, engineer_headers, project, workspace):
    (workspace / "there.zap19").write_bytes(b"x")
    assert_error(_archive(client, engineer_headers, "there.zap19"), 409, "ARCHIVE_EXISTS")


def test_archive_without_project_is_409(client, engineer_headers):
    assert_error(_archive(client, engineer_headers, "x.zap19"), 409, "NO_PROJECT_OPEN")


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "sqlite3" not in p.name)


def test_retrieve_a_zip_slip_archive_is_refused_and_writes_nothing(client, engineer_headers, workspace, tmp_path):
    archive = workspace / "evil.zap19"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Evil/Evil.ap19", json.dumps({"format": "engineering-api/fake-project", "name": "Evil"}))
        z.writestr("../../escaped.txt", "gotcha")
    before = _tree(tmp_path)
    for target in ("out", None):  # a new target folder, and the default (the file root)
        body = assert_error(
            client.post(
                "/api/projects/actions/create-from-archive-sync",
                json={"archivePath": "evil.zap19", "targetDirectory": target}, headers=engineer_headers,
            ),
            422, "ARCHIVE_REJECTED",
        )
        assert "outside the archive" in body["message"]
        assert _tree(tmp_path) == before
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert data(client.get("/api/projects", headers=engineer_headers)) == []


def test_retrieve_errors(client, engineer_headers, project, workspace):
    def retrieve(archive, **more):
        return client.post("/api/projects/actions/create-from-archive-sync", json={"archivePath": archive, **more},
                           headers=engineer_headers)

    # a project is open: 409
    data(_archive(client, engineer_headers, "l.zap19"))
    assert_error(retrieve("l.zap19"), 409, "PROJECT_ALREADY_OPEN")
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    # the default target is the file root, where Line1 already exists
    assert_error(retrieve("l.zap19"), 409, "PROJECT_EXISTS")
    # missing archive, wrong extension, not a project archive
    assert_error(retrieve("none.zap19"), 404, "FILE_NOT_FOUND")
    (workspace / "l.zip").write_bytes((workspace / "l.zap19").read_bytes())
    assert_error(retrieve("l.zip"), 422, "PATH_REJECTED")
    with zipfile.ZipFile(workspace / "empty.zap19", "w") as z:
        z.writestr("readme.txt", "no project here")
    assert_error(retrieve("empty.zap19", targetDirectory="x"), 422, "NOT_AN_ARCHIVE")
    (workspace / "garbage.zap19").write_bytes(b"not a zip at all")
    assert_error(retrieve("garbage.zap19", targetDirectory="y"), 422)


# ----- history, overview, infrastructure, simulation, index ------------------------------------
def test_history_and_removing_an_entry(client, engineer_headers, workspace):
    assert data(client.get("/api/projects/history", headers=engineer_headers)) == []
    data(_create(client, engineer_headers, "H1"))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(_create(client, engineer_headers, "H2"))
    history = data(client.get("/api/projects/history", headers=engineer_headers))
    assert [h["name"] for h in history] == ["H2", "H1"]  # newest first
    assert history[0]["path"] == str(workspace / "H2" / "H2.ap19")
    assert history[0]["lastAccess"]
    remaining = data(client.delete("/api/projects/history", params={"path": history[1]["path"]},
                                   headers=engineer_headers))
    assert [h["name"] for h in remaining] == ["H2"]
    assert_error(
        client.delete("/api/projects/history", params={"path": history[1]["path"]}, headers=engineer_headers),
        404, "HISTORY_ENTRY_NOT_FOUND",
    )
    assert_error(client.delete("/api/projects/history", headers=engineer_headers), 422)


def test_overview(client, engineer_headers, cpu):
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    overview = data(client.get("/api/projects/overview", headers=engineer_headers))
    assert overview["projectName"] == "Line1"
    assert overview["projectPath"].endswith("Line1/Line1.ap19")
    assert overview["version"] == "V19"
    assert overview["deviceCount"] == 1
    assert overview["devices"][0]["name"] == "PLC_1"
    assert overview["subnets"][0]["name"] == "PN/IE_1"
    assert overview["subnets"][0]["networkAddress"] == "192.168.0.0/24"
    assert overview["hasUnsavedChanges"] is True


def test_overview_and_infrastructure_need_a_project(client, viewer_headers):
    assert_error(client.get("/api/projects/overview", headers=viewer_headers), 409, "NO_PROJECT_OPEN")
    assert_error(client.get("/api/projects/infrastructure", headers=viewer_headers), 409, "NO_PROJECT_OPEN")


def test_infrastructure_shows_subnets_and_io_systems(client, engineer_headers, cpu):
    add_device(client, engineer_headers, IM, "IO_1")
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    configure(client, engineer_headers, "IO_1", "192.168.0.10")
    infra = data(client.get("/api/projects/infrastructure", headers=engineer_headers))
    assert [s["name"] for s in infra["subnets"]] == ["PN/IE_1"]
    nodes = {n["device"]: n for n in infra["subnets"][0]["nodes"]}
    assert nodes["IO_1"]["ipAddress"] == "192.168.0.10"
    assert nodes["PLC_1"]["profinetName"] == "plc-1"  # DNS-compatible: no underscore
    assert infra["ioSystems"] == [
        {"name": "PROFINET IO-System (100)", "controller": "PLC_1", "subnet": "PN/IE_1", "devices": ["IO_1"]}
    ]
    assert infra["connections"] == []


def test_simulation_support(client, engineer_headers, project):
    assert data(client.get("/api/projects", headers=engineer_headers))[0]["simulationSupport"] is False
    info = data(client.post("/api/projects/actions/simulation-support", json={"enabled": True},
                            headers=engineer_headers))
    assert info["simulationSupport"] is True
    assert info["hasUnsavedChanges"] is True
    info = data(client.post("/api/projects/actions/simulation-support", json={"Enabled": False},
                            headers=engineer_headers))
    assert info["simulationSupport"] is False
    assert_error(
        client.post("/api/projects/actions/simulation-support", json={"enabled": "sometimes"},
                    headers=engineer_headers),
        422,
    )


def test_simulation_support_needs_a_project(client, engineer_headers):
    assert_error(
        client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=engineer_headers),
        409, "NO_PROJECT_OPEN",
    )


def test_index(client, engineer_headers, cpu):
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    result = data(client.post("/api/projects/actions/index", headers=engineer_headers))
    assert result["projectName"] == "Line1"
    assert result["counts"] == {"devices": 1, "modules": 0, "interfaces": 3, "subnets": 1}
    assert result["objectCount"] == 5
    assert result["indexedAt"]


def test_index_needs_a_project(client, engineer_headers):
    assert_error(client.post("/api/projects/actions/index", headers=engineer_headers), 409, "NO_PROJECT_OPEN")


def test_viewer_cannot_change_projects(client, viewer_headers):
    assert_error(_create(client, viewer_headers, "Nope"), 403, "FORBIDDEN")
    assert_error(client.post("/api/projects/actions/create", json={"name": "Nope"}, headers=viewer_headers), 403)


def test_async_start_with_an_idempotency_key_returns_the_same_job(client, engineer_headers):
    headers = {**engineer_headers, "Idempotency-Key": "create-once"}
    first = start_job(client, "POST", "/api/projects/actions/create", headers, json={"name": "Once"})
    second = start_job(client, "POST", "/api/projects/actions/create", headers, json={"name": "Once"})
    assert first == second
    assert wait_job(client, first, engineer_headers)["status"] == "Completed"


def test_detach_keeps_the_project_open_with_its_changes(client, engineer_headers, project):
    pid = data(client.get("/api/instance/status", headers=engineer_headers))["pid"]
    add_device(client, engineer_headers, CPU, "Pending")
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    portals = data(client.get("/api/instances", headers=engineer_headers))
    assert portals[0]["projectName"] == "Line1"
    data(client.post("/api/instance/actions/attach", json={"pid": pid}, headers=engineer_headers))
    assert _device_names(client, engineer_headers) == ["Pending"]
    assert data(client.get("/api/instance/status", headers=engineer_headers))["hasUnsavedChanges"] is True


def test_archive_inside_the_project_folder_is_422(client, engineer_headers, project):
    assert_error(_archive(client, engineer_headers, "Line1/inside.zap19"), 422, "ARCHIVE_TARGET")


def test_retrieving_an_archive_of_an_older_version_is_409_naming_the_upgrade(client, engineer_headers, workspace):
    v19 = data(client.get("/api/instance/status", headers=engineer_headers))["pid"]
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    data(client.post("/api/instance/actions/launch", json={"version": "V18"}, headers=engineer_headers))
    data(_create(client, engineer_headers, "Old"))
    data(_archive(client, engineer_headers, "Old.zap18"))
    data(client.post("/api/instance/actions/shutdown", headers=engineer_headers))
    data(client.post("/api/instance/actions/attach", json={"pid": v19}, headers=engineer_headers))
    body = assert_error(
        client.post(
            "/api/projects/actions/create-from-archive-sync",
            json={"archivePath": "Old.zap18", "targetDirectory": "restored"}, headers=engineer_headers,
        ),
        409, "PROJECT_UPGRADE_REQUIRED",
    )
    assert "V18" in body["message"] and "V19" in body["message"]
    assert not (workspace / "restored").exists()


def test_a_file_in_the_way_of_a_folder_is_422_not_500(client, engineer_headers, workspace):
    (workspace / "afile").write_text("x")
    assert_error(_create(client, engineer_headers, "P", directory="afile"), 422, "NOT_A_FOLDER")
    data(_create(client, engineer_headers, "P"))
    assert_error(_archive(client, engineer_headers, "afile/P.zap19"), 422, "NOT_A_FOLDER")
    add_device(client, engineer_headers, CPU, "PLC_1")
    assert_error(
        client.post("/api/devices/PLC_1/actions/export-hardware", json={"exportPath": "afile/plc.aml"},
                    headers=engineer_headers),
        422, "NOT_A_FOLDER",
    )
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(_archive(client, engineer_headers, "P.zap19"))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    assert_error(
        client.post("/api/projects/actions/create-from-archive-sync",
                    json={"archivePath": "P.zap19", "targetDirectory": "afile"}, headers=engineer_headers),
        422, "NOT_A_FOLDER",
    )
    assert (workspace / "afile").read_text() == "x"
