"""Malformed bodies answer 400 and out-of-range numbers 422, never 500 (issue 12, failure 5)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar.exceptions import ClientException
from litestar.testing import TestClient

from engineering_api.lib.bounds import PAGE_OFFSET_MAX
from engineering_api.lib.json_body import MAX_JSON_DEPTH, check_json_depth
from tests.conftest import assert_error, data

JSON = {"Content-Type": "application/json"}


def _post_raw(client: TestClient[Any], admin: dict[str, str], path: str, body: bytes) -> Any:
    return client.post(path, content=body, headers={**admin, **JSON})


@pytest.mark.parametrize(
    ("body", "offset"),
    [(b'{"retentionDays": 1, "dryRun": "\xff"}', 32), (b'\xc3\x28{}', 0), (b'{"a": "ok", "b": "\xed\xa0\x80"}', 18)],
)
def test_invalid_utf8_in_a_json_body_is_400_naming_the_offset(client, admin, body: bytes, offset: int) -> None:
    error = assert_error(_post_raw(client, admin, "/api/history/actions/cleanup", body), 400, "INVALID_JSON")
    assert f"offset {offset}" in error["message"]
    assert "UTF-8" in error["message"]


def test_invalid_utf8_inside_execute_sync_parameters_is_400(client, admin) -> None:
    body = b'{"operation": "history.cleanup", "parameters": {"x": "caf\xe9"}}'
    assert_error(_post_raw(client, admin, "/api/jobs/execute-sync", body), 400, "INVALID_JSON")


def test_malformed_json_is_400_with_the_same_code(client, admin) -> None:
    error = assert_error(_post_raw(client, admin, "/api/history/actions/cleanup", b'{"retentionDays": '), 400)
    assert error["code"] == "INVALID_JSON"


@pytest.mark.parametrize("depth", [100_000, 2_000, MAX_JSON_DEPTH + 1])
@pytest.mark.parametrize("path", ["/api/history/actions/cleanup", "/api/jobs/execute-sync", "/api/settings"])
def test_json_nested_too_deep_is_400(client, admin, depth: int, path: str) -> None:
    nested = b"[" * depth + b"]" * depth
    body = b'{"operation": "history.cleanup", "parameters": {"x": ' + nested + b"}}"
    assert_error(_post_raw(client, admin, path, body), 400, "JSON_TOO_DEEP")


def test_json_at_the_depth_limit_is_accepted(client, admin) -> None:
    nested = b"[" * (MAX_JSON_DEPTH - 2) + b"]" * (MAX_JSON_DEPTH - 2)
    body = b'{"dryRun": true, "extra": ' + nested + b"}"
    assert data(_post_raw(client, admin, "/api/history/actions/cleanup", body))["dryRun"] is True


def test_depth_check_counts_objects_and_arrays() -> None:
    deep: Any = 1
    for level in range(MAX_JSON_DEPTH + 1):
        deep = {"k": deep} if level % 2 else [deep]
    raw = msgspec.json.encode(deep)
    with pytest.raises(ClientException):
        check_json_depth(raw, deep)
    wide = [[i] for i in range(10_000)]  # many brackets, little depth
    check_json_depth(msgspec.json.encode(wide), wide)


@pytest.mark.parametrize("offset", [2**70, 2**63, PAGE_OFFSET_MAX + 1])
def test_job_list_offset_out_of_range_is_422(client, admin, offset: int) -> None:
    assert_error(client.get(f"/api/jobs?offset={offset}", headers=admin), 422)


def test_job_list_offset_in_range_still_pages(client, admin) -> None:
    page = data(client.get(f"/api/jobs?offset={PAGE_OFFSET_MAX}", headers=admin))
    assert page["jobs"] == [] and page["offset"] == PAGE_OFFSET_MAX


@pytest.mark.parametrize(
    "body",
    [{"retentionDays": 1e17}, {"retentionDays": 2**70}, {"retentionDays": -1}, {"maxPerObject": 2**63},
     {"maxPerObject": -1}],
)
def test_history_cleanup_numbers_out_of_range_are_422_naming_the_field(client, admin, body: dict[str, Any]) -> None:
    error = assert_error(client.post("/api/history/actions/cleanup", json=body, headers=admin), 422)
    assert next(iter(body)) in error["message"]


def test_history_cleanup_at_the_bounds_works(client, admin) -> None:
    result = data(client.post("/api/history/actions/cleanup",
                              json={"retentionDays": 36_500, "maxPerObject": 1_000_000, "dryRun": True}, headers=admin))
    assert result["deleted"] == 0


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("simulation.runtime.port", {"port": 2**70}),
        ("simulation.runtime.configure", {"port": -1}),
        ("simulation.instances.diagnostics", {"name": "S1", "limit": -1}),
        ("simulation.instances.diagnostics", {"name": "S1", "limit": 2**64}),
        ("instance.attach", {"pid": 2**70}),
        ("catalog.search", {"query": "1516", "limit": 2**70}),
        ("blocks.create", {"deviceName": "PLC_1", "blockType": "FC", "name": "FC_A", "number": 2**70}),
        ("blocks.create", {"deviceName": "PLC_1", "blockType": "OB", "name": "OB_A", "cyclicTime": -5}),
        ("history.cleanup", {"retentionDays": 1e300}),
    ],
)
def test_operation_numbers_out_of_range_are_422_before_any_work(client, admin, operation, parameters) -> None:
    body = {"operation": operation, "parameters": parameters}
    error = assert_error(client.post("/api/jobs/execute-sync", json=body, headers=admin), 422)
    field = next(key for key, value in parameters.items() if isinstance(value, int | float) and key != "name")
    assert field in error["message"]


def test_diagnostics_limit_query_out_of_range_is_422(client, admin) -> None:
    data(client.post("/api/simulation/instances/create", json={"name": "S1"}, headers=admin))
    assert_error(client.get("/api/simulation/instances/S1/diagnostics?limit=-1", headers=admin), 422)
    assert data(client.get("/api/simulation/instances/S1/diagnostics?limit=5", headers=admin))["instance"] == "S1"


def test_a_json_tag_file_nested_too_deep_is_422(client, admin, data_dir) -> None:
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
    data(client.post("/api/projects/devices/actions/add-sync",
                     json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}, headers=admin))
    (data_dir / "workspace" / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    response = client.post("/api/devices/PLC_1/tags/actions/import-sync", json={"filePath": "deep.json"}, headers=admin)
    assert "nested too deep" in assert_error(response, 422, "INVALID_TAG_FILE")["message"]


@pytest.mark.parametrize("manifest", ["[" * 100_000 + "]" * 100_000, "[]", '"Line1"'])
def test_a_project_file_of_the_wrong_shape_is_422_damaged(client, admin, data_dir, manifest: str) -> None:
    project = data_dir / "workspace" / "Odd" / "Odd.ap19"
    project.parent.mkdir(parents=True)
    project.write_text(manifest)
    response = client.post("/api/projects/actions/open-sync", json={"path": "Odd/Odd.ap19"}, headers=admin)
    assert_error(response, 422, "PROJECT_DAMAGED")
