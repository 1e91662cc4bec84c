"""The runtime tag API over HTTP, on a simulated CPU running a program: released tags only (TIA's "accessible
from HMI/OPC UA/Web API"), paging, single and bulk reads and writes with per-item errors, roles, 503 without a
running PLC, and writes audited with the runtime user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


from tests.api.runtime_users import RT
from tests.conftest import assert_error, data
from tests.api.runtime_tag_program import PROGRAM, SIM, TAGS, value_path

if TYPE_CHECKING:
    from litestar.testing import TestClient

    from fakes.runtime.image import ProgramImage

Headers = dict[str, str]


def test_list_shows_released_tags_only_and_pages(client: TestClient[Any], running_plc: str,
                                                 users: dict[str, Headers]) -> None:
    reader = users["reader"]
    page = data(client.get(f"{RT}/tags", headers=reader))
    names = [t["name"] for t in page["tags"]]
    assert names == ['"Motor_DB".speed', '"Motor_DB".running', '"Motor_DB".count', '"Motor_DB".limit', '"Start"']
    access = {t["name"]: (t["dataType"], t["access"]) for t in page["tags"]}
    assert access['"Motor_DB".limit'] == ("Int", "read") and access['"Motor_DB".speed'] == ("Real", "readWrite")
    assert page["continuationPoint"] is None
    seen, point = [], None
    while True:
        query = f"?limit=2&continuationPoint={point}" if point else "?limit=2"
        page = data(client.get(f"{RT}/tags{query}", headers=reader))
        seen += [t["name"] for t in page["tags"]]
        point = page["continuationPoint"]
        if point is None:
            break
    assert seen == names
    assert_error(client.get(f"{RT}/tags?continuationPoint=bm90LWEtdGFn", headers=reader), 422,
                 "INVALID_CONTINUATION_POINT")
    assert_error(client.get(f"{RT}/tags?limit=0", headers=reader), 422)


def test_read_one_value_with_quality_and_timestamp(client: TestClient[Any], running_plc: str, engineer_headers: Headers,
                                                   users: dict[str, Headers]) -> None:
    data(client.post(f"{SIM}/instances/Rt/actions/step", json={"cycles": 3}, headers=engineer_headers))
    value = data(client.get(value_path('"Motor_DB".count'), headers=users["reader"]))
    assert value["name"] == '"Motor_DB".count' and value["value"] == 3
    assert value["dataType"] == "Int" and value["quality"] == "Good" and value["timestamp"].endswith("Z")
    # TIA's spelling without quotes and in another case finds the same tag
    assert data(client.get(value_path("motor_db.COUNT"), headers=users["reader"]))["value"] == 3
    assert_error(client.get(value_path('"Motor_DB".secret'), headers=users["reader"]), 404, "TAG_NOT_FOUND")
    assert_error(client.get(value_path('"Motor_DB".hidden.a'), headers=users["reader"]), 404, "TAG_NOT_FOUND")
    assert_error(client.get(value_path('"Nope".x'), headers=users["reader"]), 404, "TAG_NOT_FOUND")
    assert_error(client.get(value_path("%MW10"), headers=users["reader"]), 404, "TAG_NOT_FOUND")


def test_bulk_read_answers_200_with_a_per_item_error(client: TestClient[Any], running_plc: str,
                                                     users: dict[str, Headers]) -> None:
    body = {"tagNames": ['"Motor_DB".speed', '"Motor_DB".unknown', '"Start"', '"Motor_DB".secret']}
    results = data(client.post(f"{RT}/tags/values", json=body, headers=users["reader"]))
    assert [r["name"] for r in results] == ['"Motor_DB".speed', '"Motor_DB".unknown', '"Start"', '"Motor_DB".secret']
    assert results[0]["quality"] == "Good" and results[0]["error"] is None and results[0]["value"] == 0.0
    assert results[1]["quality"] == "Bad" and results[1]["value"] is None
    assert results[1]["error"]["code"] == "TAG_NOT_FOUND" and results[1]["error"]["description"]
    assert results[2]["value"] is False and results[3]["error"]["code"] == "TAG_NOT_FOUND"
    assert_error(client.post(f"{RT}/tags/values", json={"tagNames": []}, headers=users["reader"]), 422)


def test_bulk_read_takes_tag_names_and_still_the_first_spelling(client: TestClient[Any], running_plc: str,
                                                                users: dict[str, Headers]) -> None:
    """``tagNames`` as everywhere else on the wire; ``names`` (the body's first spelling) still reads; one list."""
    legacy = data(client.post(f"{RT}/tags/values", json={"names": ['"Start"']}, headers=users["reader"]))
    assert [r["name"] for r in legacy] == ['"Start"'] and legacy[0]["value"] is False
    for body in ({}, {"tagNames": ['"Start"'], "names": ['"Start"']}):
        answer = client.post(f"{RT}/tags/values", json=body, headers=users["reader"])
        assert_error(answer, 422)
        assert "tagNames" in answer.text


def test_writes_need_the_write_role_and_a_writable_tag(client: TestClient[Any], running_plc: str,
                                                       engineer_headers: Headers,
                                                        users: dict[str, Headers]) -> None:
    denied = assert_error(client.put(value_path('"Motor_DB".speed'), json={"value": 12.5}, headers=users["reader"]),
                          403, "FORBIDDEN")
    assert "write" in denied["message"]
    assert_error(client.put(f"{RT}/tags/values", json={"values": [{"name": '"Motor_DB".speed', "value": 1}]},
                            headers=users["reader"]), 403, "FORBIDDEN")
    written = data(client.put(value_path('"Motor_DB".speed'), json={"value": 12.5}, headers=users["writer"]))
    assert written["value"] == 12.5 and written["quality"] == "Good"
    assert data(client.get(value_path('"Motor_DB".speed'), headers=users["reader"]))["value"] == 12.5
    assert_error(client.put(value_path('"Motor_DB".limit'), json={"value": 1}, headers=users["writer"]), 403,
                 "TAG_NOT_WRITABLE")
    assert_error(client.put(value_path('"Motor_DB".secret'), json={"value": 1}, headers=users["writer"]), 404,
                 "TAG_NOT_FOUND")
    assert_error(client.put(value_path('"Motor_DB".count'), json={"value": "many"}, headers=users["writer"]), 422,
                 "TYPE_MISMATCH")
    # bulk: each item its own result, the good ones written
    results = data(client.put(f"{RT}/tags/values", headers=users["writer"], json={"values": [
        {"name": '"Start"', "value": True}, {"name": '"Motor_DB".limit', "value": 5},
        {"name": '"Motor_DB".ghost', "value": 1}, {"name": '"Motor_DB".count', "value": 7}]}))
    assert [r["error"]["code"] if r["error"] else None for r in results] == [
        None, "TAG_NOT_WRITABLE", "TAG_NOT_FOUND", None]
    data(client.post(f"{SIM}/instances/Rt/actions/step", json={"cycles": 1}, headers=engineer_headers))
    values = data(client.post(f"{RT}/tags/values", json={"tagNames": ['"Motor_DB".running', '"Motor_DB".count',
                                                                   '"Motor_DB".limit']}, headers=users["reader"]))
    assert [v["value"] for v in values] == [True, 8, 100]


def test_writes_are_audited_with_the_runtime_user(client: TestClient[Any], running_plc: str, admin_headers: Headers,
                                                  users: dict[str, Headers]) -> None:
    data(client.put(value_path('"Motor_DB".speed'), json={"value": 3.0}, headers=users["writer"]))
    client.put(value_path('"Motor_DB".speed'), json={"value": 4.0}, headers=users["reader"])
    data(client.post(f"{RT}/tags/values", json={"tagNames": ['"Motor_DB".speed']}, headers=users["reader"]))
    rows = client.app.state.services.db.all(
        "SELECT key_id, role, method, path, status FROM audit WHERE path LIKE '/api/runtime/tags%'")
    got = [(r["key_id"], r["role"], r["method"], r["status"]) for r in rows]
    assert ("runtime:writer", "runtime:read,write", "PUT", 200) in got
    assert ("runtime:reader", "runtime:read", "PUT", 403) in got
    assert not any(method == "POST" for _k, _r, method, _s in got)  # a bulk read changes nothing


def test_no_running_plc_is_503(client: TestClient[Any], engineer_headers: Headers, users: dict[str, Headers]) -> None:
    assert_error(client.get(f"{RT}/tags", headers=users["reader"]), 503, "RUNTIME_NOT_RUNNING")
    assert_error(client.get(value_path('"Start"'), headers=users["reader"]), 503, "RUNTIME_NOT_RUNNING")
    assert_error(client.post(f"{RT}/tags/values", json={"tagNames": ['"Start"']}, headers=users["reader"]), 503,
                 "RUNTIME_NOT_RUNNING")
    # an instance that exists but is powered off is no runtime either
    data(client.post(f"{SIM}/instances/create", json={"name": "Off"}, headers=engineer_headers))
    try:
        assert_error(client.get(f"{RT}/tags", headers=users["reader"]), 503, "RUNTIME_NOT_RUNNING")
    finally:
        client.app.state.services.backend.plcsim.delete("Off")


def test_stop_makes_values_uncertain(client: TestClient[Any], running_plc: str, engineer_headers: Headers,
                                     users: dict[str, Headers]) -> None:
    data(client.post(f"{SIM}/instances/Rt/stop", json={"confirm": True}, headers=engineer_headers))
    value = data(client.get(value_path('"Motor_DB".count'), headers=users["reader"]))
    assert value["quality"] == "Uncertain"


def test_runtime_routes_refuse_without_a_token(client: TestClient[Any], admin_headers: Headers) -> None:
    for method, path, body in (("GET", f"{RT}/tags", None), ("GET", value_path('"Start"'), None),
                               ("PUT", value_path('"Start"'), {"value": True}),
                               ("POST", f"{RT}/tags/values", {"tagNames": ['"Start"']}),
                               ("PUT", f"{RT}/tags/values", {"values": [{"name": '"Start"', "value": True}]}),
                               ("GET", f"{RT}/users/current", None), ("POST", f"{RT}/auth/logout", None)):
        for headers in ({}, admin_headers):
            body_out = assert_error(client.request(method, path, json=body, headers=headers), 401, "UNAUTHORIZED")
            assert body_out["status"] == 401 and body_out["success"] is False
    # Host and Origin checks apply to runtime routes too
    assert client.get(f"{RT}/tags", headers={"Host": "evil.example"}).status_code == 421
    assert_error(client.post(f"{RT}/auth/login", json={"username": "a", "password": "bbbbbbbb"},
                             headers={"Origin": "https://evil.example"}), 403, "ORIGIN_NOT_ALLOWED")


def test_plc_tags_are_released_by_their_own_flags(image: ProgramImage) -> None:
    """A PLC tag's ExternalAccessible/ExternalWritable, as TIA exports them in the tag table, decide too."""
    from fakes.runtime.image import build_image
    from tools.plc_software import software_from_scl

    from fakes.runtime_values_ops import released_tags

    tags = [*TAGS, {"name": "Stop", "address": "%I0.1", "dataType": "Bool"},
            {"name": "Lamp", "address": "%Q0.0", "dataType": "Bool"}]
    built = build_image(software_from_scl(PROGRAM, tags), "PLC_1")
    table = built.objects["Default tag table"].decode()
    for address, flag in (("%I0.1", "<ExternalAccessible>false</ExternalAccessible>"),
                          ("%Q0.0", "<ExternalWritable>false</ExternalWritable>")):
        before = f"<DataTypeName>Bool</DataTypeName>\n          <LogicalAddress>{address}"
        assert before in table
        table = table.replace(before, before.replace("</DataTypeName>", f"</DataTypeName>{flag}"))
    built.objects["Default tag table"] = table.encode()
    released = {t.name.lower(): t for t in released_tags(built)}
    assert '"stop"' not in released
    assert released['"lamp"'].writable is False and released['"start"'].writable is True
    assert '"motor_db".secret' not in released and released['"motor_db".limit'].writable is False
