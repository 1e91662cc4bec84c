"""Snapshot history as server state: survives a restart, cleaned by the scheduler, autoSnapshot hook."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from engineering_api.config import Settings
from engineering_api.snapshots import CLEANUP_JOB_ID, SnapshotService, SnapshotStore, run_cleanup
from engineering_api.jobs.operations import OperationContext, SnapshotTarget
from engineering_api.lib.db import Database
from engineering_api.lib.paths import PathPolicy
from fakes.backend import FakeBackend
from tests.service.conftest import make_client

CPU = "6ES7 516-3AN02-0AB0"


def _admin(data_dir: Path) -> dict[str, str]:
    return {"X-API-Key": (data_dir / "api.secret").read_text().strip()}


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _setup_plc(client: TestClient, headers: dict[str, str]) -> None:
    _ok(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=headers))
    _ok(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                    headers=headers))


def _put_udt(client: TestClient, headers: dict[str, str], *names: str) -> None:
    members = [{"name": n, "dataType": "Int"} for n in names]
    response = client.post("/api/devices/PLC_1/udts", json={"name": "UDT_A", "members": members, "overwrite": True},
                           headers=headers)
    _ok(response)


def test_snapshots_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with make_client(data_dir) as client:
        headers = _admin(data_dir)
        _setup_plc(client, headers)
        _put_udt(client, headers, "A")
        _ok(client.post("/api/projects/actions/save-sync", headers=headers))
        snap = _ok(client.post("/api/history/udts/PLC_1/UDT_A/actions/snapshot", json={"comment": "keep"},
                               headers=headers))
        _ok(client.post("/api/settings", json={"autoSnapshot": True}, headers=headers))
    with make_client(data_dir) as client:
        headers = _admin(data_dir)
        # No project is open after the restart: every project's snapshots are listed.
        listed = _ok(client.get("/api/history/udts/PLC_1/UDT_A", headers=headers))
        assert [(s["id"], s["comment"]) for s in listed] == [(snap["id"], "keep")]
        assert _ok(client.get("/api/history/stats", headers=headers))["total"] == 1
        content = _ok(client.get(f"/api/history/snapshots/{snap['id']}/content", headers=headers))
        assert 'Name="A"' in content["xml"]
        # The saved autoSnapshot setting is back too; reopen the project, change, restore.
        _ok(client.post("/api/projects/actions/open-sync", json={"path": snap["projectPath"]}, headers=headers))
        _put_udt(client, headers, "B")
        # create with overwrite replaced the existing UDT: that is a change, snapshotted first
        assert [s["reason"] for s in _ok(client.get("/api/history/udts/PLC_1/UDT_A", headers=headers))] == [
            "udts.create", "manual"]
        response = client.put("/api/devices/PLC_1/udts/UDT_A", json={"members": [{"name": "C", "dataType": "Int"}]},
                              headers=headers)
        _ok(response)
        assert [s["reason"] for s in _ok(client.get("/api/history/udts/PLC_1/UDT_A", headers=headers))] == [
            "udts.update", "udts.create", "manual"]
        _ok(client.post(f"/api/history/snapshots/{snap['id']}/actions/restore-sync", headers=headers))
        udt = _ok(client.get("/api/devices/PLC_1/udts/UDT_A", headers=headers))
        assert [m["name"] for m in udt["members"]] == ["A"]


def test_cleanup_job_is_scheduled_and_uses_the_runtime_policy(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with make_client(data_dir, snapshot_cleanup_interval_hours=2.0) as client:
        headers = _admin(data_dir)
        services = client.app.state.services
        job = services.scheduler.get_job(CLEANUP_JOB_ID)
        assert job is not None and job.trigger.interval.total_seconds() == 7200
        _setup_plc(client, headers)
        _put_udt(client, headers, "A")
        for _ in range(3):
            _ok(client.post("/api/history/udts/PLC_1/UDT_A/actions/snapshot", json={}, headers=headers))
        assert run_cleanup(services).deleted == 0  # 50 per object by default
        _ok(client.post("/api/settings", json={"snapshotMaxPerObject": 1}, headers=headers))
        result = run_cleanup(services)
        assert result.deleted == 2 and result.remaining == 1


def test_no_cleanup_job_when_the_interval_is_zero(tmp_path: Path) -> None:
    with make_client(tmp_path / "var", snapshot_cleanup_interval_hours=0) as client:
        assert client.app.state.services.scheduler.get_job(CLEANUP_JOB_ID) is None


def test_store_schema_is_idempotent_and_cleanup_rules(tmp_path: Path) -> None:
    db = Database(tmp_path / "h.db")
    store = SnapshotStore(db)
    SnapshotStore(db)  # CREATE TABLE IF NOT EXISTS: a second store on the same database is fine

    def add(name: str, content: bytes = b"<x/>") -> str:
        return store.add(project_path="/p.ap19", device="PLC_1", kind="block", name=name, object_type="FB",
                         folder="", reason="manual", created_by="t", comment=None, content=content).id

    ids = [add("FB_A") for _ in range(3)]
    other = add("FB_B", b"<yy/>")
    assert store.stats({}).total_bytes == 3 * 4 + 5
    assert store.cleanup(retention_days=0, max_per_object=0).deleted == 0  # 0 and 0: keep everything
    db.execute("UPDATE snapshots SET created_at = '2001-01-01T00:00:00.000Z' WHERE id = ?", (other,))
    result = store.cleanup(retention_days=1, max_per_object=2)
    assert sorted(result.deleted_ids) == sorted([ids[0], other])
    assert [s.id for s in store.list(device="PLC_1", kind="block", name="FB_A")] == [ids[2], ids[1]]


def test_before_change_snapshots_existing_targets_and_skips_new_ones(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path / "state")
    backend.on_worker_thread_started()
    try:
        backend.launch_portal(with_ui=False, version="V19")
        project = backend.create_project(tmp_path / "workspace", "Line1", author="", comment="")
        backend.devices.add_device(CPU, None, "PLC_1")
        backend.blocks.generate_blocks_from_source("PLC_1", "a.scl", "FUNCTION_BLOCK FB_A\nEND_FUNCTION_BLOCK\n",
                                                   version="V19", overwrite=False)
        backend.tags.create_tag_table("PLC_1", "Tags")
        settings = Settings(auto_snapshot=True)
        service = SnapshotService(SnapshotStore(Database(tmp_path / "h.db")), lambda: settings)
        targets = [SnapshotTarget("PLC_1", "block", "FB_A"), SnapshotTarget("PLC_1", "block", "FB_New"),
                   SnapshotTarget("PLC_1", "tag_table", "Tags"), SnapshotTarget("PLC_1", "udt", "FB_A")]
        service.before_change(OperationContext(backend, settings, PathPolicy((tmp_path,))), targets, "blocks.update")

        def taken() -> list[tuple[str, str, str, str, str]]:
            listed = [service.store.list(device=t.device, kind=t.kind, name=t.name) for t in targets]
            return [(s.kind, s.object_name, s.reason, s.created_by, s.project_path) for some in listed for s in some]

        path = str(project.path)
        assert taken() == [("block", "FB_A", "blocks.update", "autoSnapshot", path),
                           ("tag_table", "Tags", "blocks.update", "autoSnapshot", path)]
        off = replace(settings, auto_snapshot=False)
        service.before_change(OperationContext(backend, off, PathPolicy((tmp_path,))), targets, "blocks.update")
        assert len(taken()) == 2
    finally:
        backend.close()
