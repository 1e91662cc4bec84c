"""Source control diff through HTTP: the patch, the changed files and the semantic diff per object (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from simatic_xml.generate import tag_table_xml
from tests.api.source_control_support import FB_PATH, SC, commit, put_block
from tests.conftest import Headers, assert_error, data


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def diff(client: TestClient[Any], h: Headers, **params: str) -> dict[str, Any]:
    return data(client.get(f"{SC}/diff", params=params, headers=h))


def test_interface_and_code_changes(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;", members=[
        {"name": "Speed", "dataType": "Int"}, {"name": "Gone", "dataType": "Bool"}])
    first = commit(client, h, "one")
    put_block(client, h, "FB_Motor", "#Speed := 2;", members=[
        {"name": "Speed", "dataType": "DInt"}, {"name": "Limit", "dataType": "Real"}])
    second = commit(client, h, "two")
    result = diff(client, h, **{"from": "HEAD~1"})
    assert result["fromSha"] == first["sha"] and result["toSha"] == second["sha"]
    assert result["files"] == [{"path": FB_PATH, "status": "Modified", "linesAdded": result["files"][0]["linesAdded"],
                                "linesDeleted": result["files"][0]["linesDeleted"]}]
    assert result["files"][0]["linesAdded"] > 0 and result["files"][0]["linesDeleted"] > 0
    assert f"diff --git a/{FB_PATH} b/{FB_PATH}" in result["patch"]
    [obj] = result["objects"]
    assert obj["itemName"] == "FB_Motor" and obj["domain"] == "Program blocks" and obj["deviceName"] == "PLC_1"
    assert obj["membersAdded"] == ["Input.Limit"] and obj["membersRemoved"] == ["Input.Gone"]
    assert obj["membersChanged"] == ["Input.Speed: type"]
    assert obj["networksChanged"] == ["#1"] and obj["commentsOnly"] is False
    assert obj["kind"] == "interface, code" and "FB_Motor" in obj["summary"]
    # The first commit against itself: nothing; the viewer may read diffs.
    empty = diff(client, viewer_headers, **{"from": first["sha"], "to": first["sha"]})
    assert empty["files"] == [] and empty["objects"] == [] and empty["patch"] == ""
    back = diff(client, h, **{"from": "HEAD", "to": first["sha"]})
    assert back["objects"][0]["membersAdded"] == ["Input.Gone"]


def test_pending_changes_without_revisions(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    # T-IA Connect's tia_vcs_diff tool ("diff of pending changes") sends no from/to: HEAD against the open project.
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;", members=[{"name": "Speed", "dataType": "Int"}])
    first = commit(client, h, "one")
    assert diff(client, h)["files"] == []
    put_block(client, h, "FB_Motor", "#Speed := 2;", members=[{"name": "Speed", "dataType": "Int"}])
    pending = diff(client, viewer_headers)
    assert pending["fromSha"] == first["sha"] and pending["toSha"] == "WORKING"
    assert [(f["path"], f["status"]) for f in pending["files"]] == [(FB_PATH, "Modified")]
    [obj] = pending["objects"]
    assert obj["itemName"] == "FB_Motor" and obj["networksChanged"] == ["#1"]
    assert f"diff --git a/{FB_PATH} b/{FB_PATH}" in pending["patch"]
    # reading the pending changes committed nothing
    assert data(client.get(f"{SC}/log", headers=h))[0]["sha"] == first["sha"]


def test_comments_only(client: TestClient[Any], h: Headers) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;", members=[{"name": "Speed", "dataType": "Int", "comment": "old"}])
    commit(client, h, "one")
    put_block(client, h, "FB_Motor", "#Speed := 1;", members=[{"name": "Speed", "dataType": "Int", "comment": "new"}])
    commit(client, h, "two")
    [obj] = diff(client, h, **{"from": "HEAD~1"})["objects"]
    assert obj["commentsOnly"] is True and obj["kind"] == "comments only"
    assert obj["membersChanged"] == ["Input.Speed: comment"] and obj["networksChanged"] == []


def test_added_removed_objects_and_tag_tables(client: TestClient[Any], h: Headers) -> None:
    data(client.post(f"{SC}/init", headers=h))
    table = tag_table_xml("Motors", [{"name": "Start", "address": "%I0.0", "dataType": "Bool"},
                                     {"name": "Stop", "address": "%I0.1", "dataType": "Bool"}], "V19")
    data(client.post("/api/blockgeneration/import-only",
                     json={"deviceName": "PLC_1", "xml": table.decode("utf-8-sig"), "overwrite": True}, headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    commit(client, h, "one")
    table = tag_table_xml("Motors", [{"name": "Start", "address": "%I0.2", "dataType": "Bool"},
                                     {"name": "Run", "address": "%Q0.0", "dataType": "Bool"}], "V19")
    data(client.post("/api/blockgeneration/import-only",
                     json={"deviceName": "PLC_1", "xml": table.decode("utf-8-sig"), "overwrite": True}, headers=h))
    data(client.delete("/api/devices/PLC_1/blocks/FB_Motor", headers=h))
    put_block(client, h, "FC_New", "#Speed := 1;", block_type="FC", number=3)
    commit(client, h, "two")
    objects = {o["itemName"]: o for o in diff(client, h, **{"from": "HEAD~1"})["objects"]}
    assert objects["FB_Motor"]["status"] == "Removed" and objects["FC_New"]["status"] == "Added"
    motors = objects["Motors"]
    assert motors["domain"] == "PLC tags" and motors["status"] == "Modified"
    assert motors["membersAdded"] == ["Run"] and motors["membersRemoved"] == ["Stop"]
    assert motors["membersChanged"] == ["Start: address"] and "tags" in motors["kind"]


def test_bad_revisions(client: TestClient[Any], h: Headers) -> None:
    assert_error(client.get(f"{SC}/diff", params={"from": "HEAD"}, headers=h), 409, "VCS_NOT_INITIALIZED")
    data(client.post(f"{SC}/init", headers=h))
    commit(client, h, "one")
    assert_error(client.get(f"{SC}/diff", params={"to": "HEAD"}, headers=h), 422, "INVALID_REVISION")  # to needs from
    assert_error(client.get(f"{SC}/diff", params={"from": "HEAD~1"}, headers=h), 404, "COMMIT_NOT_FOUND")
    assert_error(client.get(f"{SC}/diff", params={"from": "nope"}, headers=h), 404, "COMMIT_NOT_FOUND")
    assert_error(client.get(f"{SC}/diff", params={"from": "HEAD", "to": "HEAD:x"}, headers=h), 422, "INVALID_REVISION")
