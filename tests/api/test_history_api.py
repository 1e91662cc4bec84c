"""History & Snapshots routes (and the Blocks snapshot routes) through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.services import Services
from simatic_xml.generate import tag_table_xml
from tests.conftest import Headers, assert_error, data

H = "/api/history"
UDTS = "/api/devices/PLC_1/udts"


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def put_fc(client: TestClient[Any], h: Headers, name: str, number: int, statement: str) -> None:
    spec = {"blockType": "FC", "name": name, "number": number, "language": "SCL",
            "interface": {"Input": [{"name": "X", "dataType": "Int"}]}, "networks": [{"scl": statement}]}
    data(client.post("/api/blockgeneration/generate-and-import",
                     json={"spec": spec, "deviceName": "PLC_1", "overwrite": True}, headers=h))


def put_table(client: TestClient[Any], h: Headers, name: str, tags: list[dict[str, str]]) -> None:
    xml = tag_table_xml(name, tags, "V19").decode("utf-8-sig")
    data(client.post("/api/blockgeneration/import-only",
                     json={"deviceName": "PLC_1", "xml": xml, "overwrite": True}, headers=h))


def snap_block(client: TestClient[Any], h: Headers, name: str, **body: Any) -> dict[str, Any]:
    return data(client.post(f"{H}/blocks/PLC_1/{name}/actions/snapshot", json=body, headers=h))


def current_sha(client: TestClient[Any], h: Headers, name: str) -> str:
    """The sha of the block's current content, read through a fresh snapshot (deleted again)."""
    taken = snap_block(client, h, name)
    data(client.delete(f"{H}/snapshots/{taken['id']}", headers=h))
    return taken["sha256"]


def test_manual_block_snapshot_list_details_and_content(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A", comment="before refactoring", author="jdoe")
    assert snap["kind"] == "block" and snap["objectName"] == "FC_A" and snap["objectType"] == "FC"
    assert snap["reason"] == "manual" and snap["createdBy"] == "jdoe" and snap["comment"] == "before refactoring"
    assert snap["projectPath"].endswith("Line1.ap19") and snap["size"] > 0 and len(snap["sha256"]) == 64
    listed = data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h))
    assert [s["id"] for s in listed] == [snap["id"]]
    details = data(client.get(f"{H}/snapshots/{snap['id']}", headers=h))
    assert details["snapshot"] == snap
    assert details["diff"]["identical"] is True and details["diff"]["xmlDiff"] == ""
    content = data(client.get(f"{H}/snapshots/{snap['id']}/content", headers=h))
    assert content["xml"].startswith("<?xml") and "SW.Blocks.FC" in content["xml"]
    assert content["sourceText"].strip() == "#X := 1;"
    no_diff = data(client.get(f"{H}/snapshots/{snap['id']}", params={"includeDiff": "false"}, headers=h))
    assert no_diff["diff"] is None


def test_diff_against_current_content(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A")
    put_fc(client, h, "FC_A", 1, "#X := 2;")
    diff = data(client.get(f"{H}/snapshots/{snap['id']}", headers=h))["diff"]
    assert diff["identical"] is False and diff["currentExists"] is True
    assert f"--- snapshot/{snap['id']}/FC_A.xml" in diff["xmlDiff"] and "+++ current/FC_A.xml" in diff["xmlDiff"]
    assert "-      <ConstantValue" in diff["xmlDiff"] and ">1</ConstantValue>" in diff["xmlDiff"]
    assert ">2</ConstantValue>" in diff["xmlDiff"]
    assert diff["linesAdded"] == 1 and diff["linesRemoved"] == 1
    assert "\n-#X := 1;\n" in diff["sourceDiff"] and "\n+#X := 2;\n" in diff["sourceDiff"]


def test_restore_after_a_change(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A")
    put_fc(client, h, "FC_A", 1, "#X := 2;")
    assert current_sha(client, h, "FC_A") != snap["sha256"]
    result = data(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h))
    assert result["snapshot"]["id"] == snap["id"] and result["reports"][0]["status"] == "Imported"
    assert result["safetySnapshot"] is None  # autoSnapshot is off
    assert current_sha(client, h, "FC_A") == snap["sha256"]
    assert data(client.get(f"{H}/snapshots/{snap['id']}", headers=h))["diff"]["identical"] is True


def test_restore_is_atomic(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A")
    put_fc(client, h, "FC_A", 2, "#X := 2;")  # FC_A moves to number 2 ...
    put_fc(client, h, "FC_B", 1, "#X := 3;")  # ... and FC_B takes number 1
    before = current_sha(client, h, "FC_A")
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    body = assert_error(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h), 409,
                        "BLOCK_NUMBER_IN_USE")
    assert "FC_B" in body["message"]
    data(client.post("/api/settings", json={"autoSnapshot": False}, headers=h))
    assert current_sha(client, h, "FC_A") == before  # unchanged
    # The safety snapshot of the failed restore is not kept: only the original one remains.
    assert [s["id"] for s in data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h))] == [snap["id"]]


def test_restore_keeps_a_safety_snapshot_with_auto_snapshot(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A")
    put_fc(client, h, "FC_A", 1, "#X := 2;")
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    result = data(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h))
    safety = result["safetySnapshot"]
    assert safety["reason"] == "history.restore" and safety["createdBy"] == "autoSnapshot"
    assert data(client.get(f"{H}/snapshots/{safety['id']}/content", headers=h))["sourceText"].strip() == "#X := 2;"


def test_tag_table_snapshots(client: TestClient[Any], h: Headers) -> None:
    put_table(client, h, "Motors", [{"name": "Start", "address": "%I0.0", "dataType": "Bool", "comment": "go"}])
    snap = data(client.post(f"{H}/tags/PLC_1/Motors/actions/snapshot", json={}, headers=h))
    assert snap["kind"] == "tag_table" and snap["objectType"] == "TagTable"
    put_table(client, h, "Motors", [{"name": "Start", "address": "%I0.1", "dataType": "Bool"},
                                    {"name": "Stop", "address": "%I0.2", "dataType": "Bool"}])
    assert [s["id"] for s in data(client.get(f"{H}/tags/PLC_1/Motors", headers=h))] == [snap["id"]]
    content = data(client.get(f"{H}/snapshots/{snap['id']}/content", headers=h))
    assert [(t["name"], t["logicalAddress"], t["dataType"]) for t in content["tags"]] == [("Start", "%I0.0", "Bool")]
    assert content["sourceText"] is None
    diff = data(client.get(f"{H}/snapshots/{snap['id']}", headers=h))["diff"]
    assert "%I0.0" in diff["xmlDiff"] and "Stop" in diff["xmlDiff"] and diff["sourceDiff"] is None
    data(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h))
    assert data(client.get(f"{H}/snapshots/{snap['id']}", headers=h))["diff"]["identical"] is True


def test_kinds_are_kept_apart_and_404s(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    assert_error(client.post(f"{H}/tags/PLC_1/FC_A/actions/snapshot", json={}, headers=h), 404, "TAG_TABLE_NOT_FOUND")
    assert_error(client.post(f"{H}/blocks/PLC_1/FC_Nope/actions/snapshot", json={}, headers=h), 404, "BLOCK_NOT_FOUND")
    assert_error(client.post(f"{H}/blocks/PLC_9/FC_A/actions/snapshot", json={}, headers=h), 404)
    for method, path in (("GET", "x"), ("GET", "x/content"), ("DELETE", "x"), ("POST", "x/actions/restore-sync")):
        assert_error(client.request(method, f"{H}/snapshots/{path}", headers=h), 404, "SNAPSHOT_NOT_FOUND")
    assert data(client.get(f"{H}/blocks/PLC_1/FC_Nope", headers=h)) == []


def test_delete_snapshot(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A")
    assert data(client.delete(f"{H}/snapshots/{snap['id']}", headers=h))["deleted"]["id"] == snap["id"]
    assert_error(client.delete(f"{H}/snapshots/{snap['id']}", headers=h), 404)
    assert data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h)) == []


def test_stats(client: TestClient[Any], h: Headers) -> None:
    empty = data(client.get(f"{H}/stats", headers=h))
    assert empty["total"] == 0 and empty["totalBytes"] == 0 and empty["oldest"] is None
    assert empty["byKind"] == {"block": 0, "udt": 0, "tag_table": 0}
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    put_table(client, h, "T", [{"name": "A", "address": "%M0.0", "dataType": "Bool"}])
    first = snap_block(client, h, "FC_A")
    second = snap_block(client, h, "FC_A")
    table = data(client.post(f"{H}/tags/PLC_1/T/actions/snapshot", json={}, headers=h))
    stats = data(client.get(f"{H}/stats", headers=h))
    assert stats["total"] == 3 and stats["byKind"] == {"block": 2, "udt": 0, "tag_table": 1}
    assert stats["totalBytes"] == first["size"] + second["size"] + table["size"]
    assert stats["objects"] == 2 and stats["projects"] == 1
    assert stats["oldest"] == first["createdAt"] and stats["newest"] == table["createdAt"]
    assert stats["policy"]["retentionDays"] == 30.0 and stats["policy"]["maxPerObject"] == 50


def test_cleanup_policy(client: TestClient[Any], h: Headers, services: Services) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    put_fc(client, h, "FC_B", 2, "#X := 1;")
    a = [snap_block(client, h, "FC_A") for _ in range(4)]
    b = snap_block(client, h, "FC_B")
    dry = data(client.post(f"{H}/actions/cleanup", json={"maxPerObject": 2, "dryRun": True}, headers=h))
    assert dry["dryRun"] is True and sorted(dry["deletedIds"]) == sorted([a[0]["id"], a[1]["id"]])
    assert dry["remaining"] == 3 and data(client.get(f"{H}/stats", headers=h))["total"] == 5
    done = data(client.post(f"{H}/actions/cleanup", json={"maxPerObject": 2}, headers=h))
    assert done["deleted"] == 2 and done["freedBytes"] == a[0]["size"] + a[1]["size"] and done["remaining"] == 3
    assert [s["id"] for s in data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h))] == [a[3]["id"], a[2]["id"]]
    # Retention: age one snapshot by 40 days; the configured 30 days removes it.
    services.db.execute("UPDATE snapshots SET created_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (b["id"],))
    aged = data(client.post(f"{H}/actions/cleanup", headers=h))
    assert aged["deletedIds"] == [b["id"]] and aged["policy"] == {"retentionDays": 30.0, "maxPerObject": 50}
    # The configured policy is changed at runtime through the settings.
    data(client.post("/api/settings", json={"snapshotMaxPerObject": 1}, headers=h))
    assert data(client.post(f"{H}/actions/cleanup", json={}, headers=h))["deletedIds"] == [a[2]["id"]]
    assert data(client.get(f"{H}/stats", headers=h))["policy"]["maxPerObject"] == 1
    assert_error(client.post(f"{H}/actions/cleanup", json={"retentionDays": -1}, headers=h), 422)


def test_auto_snapshot_on_and_off(client: TestClient[Any], h: Headers) -> None:
    members = [{"name": "A", "dataType": "Int"}]
    data(client.post(UDTS, json={"name": "UDT_A", "members": members}, headers=h))
    data(client.put(f"{UDTS}/UDT_A", json={"members": [{"name": "B", "dataType": "Int"}]}, headers=h))
    assert data(client.get(f"{H}/udts/PLC_1/UDT_A", headers=h)) == []  # off by default
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    assert data(client.get(f"{H}/stats", headers=h))["policy"]["autoSnapshot"] is True
    data(client.put(f"{UDTS}/UDT_A", json={"members": [{"name": "C", "dataType": "Int"}]}, headers=h))
    data(client.post(UDTS, json={"name": "UDT_New", "members": members}, headers=h))  # does not exist yet: skipped
    assert data(client.get(f"{H}/udts/PLC_1/UDT_New", headers=h)) == []
    data(client.delete(f"{UDTS}/UDT_A", headers=h))
    snaps = data(client.get(f"{H}/udts/PLC_1/UDT_A", headers=h))
    assert [(s["reason"], s["createdBy"]) for s in snaps] == [("udts.delete", "autoSnapshot"),
                                                             ("udts.update", "autoSnapshot")]
    older = data(client.get(f"{H}/snapshots/{snaps[1]['id']}/content", headers=h))["xml"]
    assert 'Name="B"' in older and 'Name="C"' not in older  # the state before the change
    # Restoring the delete's snapshot brings the UDT back.
    data(client.post(f"{H}/snapshots/{snaps[0]['id']}/actions/restore-sync", headers=h))
    assert data(client.get(f"{UDTS}/UDT_A", headers=h))["members"][0]["name"] == "C"
    data(client.post("/api/settings", json={"autoSnapshot": False}, headers=h))
    data(client.put(f"{UDTS}/UDT_A", json={"members": [{"name": "D", "dataType": "Int"}]}, headers=h))
    assert len(data(client.get(f"{H}/udts/PLC_1/UDT_A", headers=h))) == 2


def test_failed_change_still_leaves_the_auto_snapshot_harmless(client: TestClient[Any], h: Headers) -> None:
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    assert_error(client.put(f"{UDTS}/UDT_Missing", json={"members": [{"name": "A", "dataType": "Int"}]}, headers=h),
                 404)
    assert data(client.get(f"{H}/stats", headers=h))["total"] == 0


def test_manual_udt_snapshot(client: TestClient[Any], h: Headers) -> None:
    data(client.post(UDTS, json={"name": "UDT_A", "members": [{"name": "A", "dataType": "Int"}]}, headers=h))
    snap = data(client.post(f"{H}/udts/PLC_1/UDT_A/actions/snapshot", json={"comment": "x"}, headers=h))
    assert snap["kind"] == "udt" and snap["objectType"] == "UDT"
    assert_error(client.post(f"{H}/udts/PLC_1/FC_A/actions/snapshot", json={}, headers=h), 404, "UDT_NOT_FOUND")


def test_block_create_and_load_snapshot_routes(client: TestClient[Any], h: Headers) -> None:
    blocks = "/api/devices/PLC_1/blocks"
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    assert_error(client.post(f"{blocks}/FC_A/actions/load-snapshot", json={}, headers=h), 404, "SNAPSHOT_NOT_FOUND")
    first = data(client.post(f"{blocks}/FC_A/actions/create-snapshot", json={"comment": "v1"}, headers=h))
    assert first["kind"] == "block" and first["comment"] == "v1"
    put_fc(client, h, "FC_A", 1, "#X := 2;")
    second = data(client.post(f"{blocks}/FC_A/actions/create-snapshot", json={}, headers=h))
    put_fc(client, h, "FC_A", 1, "#X := 3;")
    latest = data(client.post(f"{blocks}/FC_A/actions/load-snapshot", json={}, headers=h))
    assert latest["snapshot"]["id"] == second["id"] and current_sha(client, h, "FC_A") == second["sha256"]
    chosen = data(client.post(f"{blocks}/FC_A/actions/load-snapshot", json={"snapshotId": first["id"]}, headers=h))
    assert chosen["snapshot"]["id"] == first["id"] and current_sha(client, h, "FC_A") == first["sha256"]
    put_fc(client, h, "FC_B", 2, "#X := 1;")
    assert_error(client.post(f"{blocks}/FC_B/actions/load-snapshot", json={"snapshotId": first["id"]}, headers=h),
                 422, "SNAPSHOT_MISMATCH")
    assert_error(client.post(f"{blocks}/FC_Nope/actions/create-snapshot", json={}, headers=h), 404)


def test_snapshots_outlive_closing_the_project(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    data(client.post("/api/projects/actions/save-sync", headers=h))
    snap = snap_block(client, h, "FC_A")
    project_path = snap["projectPath"]
    data(client.post("/api/projects/actions/close-sync", headers=h))
    assert [s["id"] for s in data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h))] == [snap["id"]]
    assert data(client.get(f"{H}/snapshots/{snap['id']}", headers=h))["diff"]["currentExists"] is False
    assert_error(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h), 409)
    data(client.post("/api/projects/actions/open-sync", json={"path": project_path}, headers=h))
    put_fc(client, h, "FC_A", 1, "#X := 9;")
    data(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h))
    assert current_sha(client, h, "FC_A") == snap["sha256"]


def test_snapshots_are_tied_to_their_project(client: TestClient[Any], h: Headers, workspace: Any) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    snap = snap_block(client, h, "FC_A")
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line2"}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync",
                     json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"},
                     headers=h))
    put_fc(client, h, "FC_A", 1, "#X := 5;")
    assert data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h)) == []
    everywhere = data(client.get(f"{H}/blocks/PLC_1/FC_A", params={"allProjects": "true"}, headers=h))
    assert [s["id"] for s in everywhere] == [snap["id"]]
    assert_error(client.post(f"{H}/snapshots/{snap['id']}/actions/restore-sync", headers=h), 409, "OTHER_PROJECT")


def test_viewer_reads_history_but_cannot_snapshot(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    assert data(client.get(f"{H}/stats", headers=viewer_headers))["total"] == 0
    assert_error(client.post(f"{H}/blocks/PLC_1/FC_A/actions/snapshot", json={}, headers=viewer_headers), 403)


def test_auto_snapshot_before_a_block_route_and_restore_of_a_deleted_block(client: TestClient[Any], h: Headers) -> None:
    put_fc(client, h, "FC_A", 1, "#X := 1;")
    original = current_sha(client, h, "FC_A")
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    data(client.delete("/api/devices/PLC_1/blocks/FC_A", headers=h))
    snaps = data(client.get(f"{H}/blocks/PLC_1/FC_A", headers=h))
    assert [(s["reason"], s["createdBy"], s["sha256"]) for s in snaps] == [("blocks.delete", "autoSnapshot", original)]
    diff = data(client.get(f"{H}/snapshots/{snaps[0]['id']}", headers=h))["diff"]
    assert diff["currentExists"] is False and diff["linesRemoved"] > 0
    restored = data(client.post("/api/devices/PLC_1/blocks/FC_A/actions/load-snapshot", json={}, headers=h))
    assert restored["safetySnapshot"] is None  # nothing to keep: the block did not exist
    assert current_sha(client, h, "FC_A") == original


def test_auto_snapshot_before_a_udt_import_that_replaces(client: TestClient[Any], h: Headers) -> None:
    data(client.post(UDTS, json={"name": "UDT_A", "members": [{"name": "A", "dataType": "Int"}]}, headers=h))
    data(client.post(f"{UDTS}/UDT_A/actions/export", json={"exportPath": "UDT_A.xml"}, headers=h))
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    data(client.post(f"{UDTS}/actions/import", json={"importFilePath": "UDT_A.xml", "overwrite": True}, headers=h))
    assert [s["reason"] for s in data(client.get(f"{H}/udts/PLC_1/UDT_A", headers=h))] == ["udts.import"]
