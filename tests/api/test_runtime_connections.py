"""Real PLCs as runtime data sources, through HTTP: connections (passwords write-only and encrypted), tag mappings,
the OPC UA source reading and writing a test ``asyncua`` server, the S7 source a ``python-snap7`` test server, and a
PLC that does not answer failing only its own items."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.runtime.opcua.server import free_port
from tests.api.runtime_users import RT, login, make_user
from tests.conftest import assert_error, data
from tests.api.partner_servers import CONN, OpcUaTestServer, S7TestServer

if TYPE_CHECKING:
    from pathlib import Path

    from litestar.testing import TestClient

Headers = dict[str, str]


@pytest.fixture
def runtime_users(client: TestClient[Any], admin_headers: Headers) -> dict[str, Headers]:
    make_user(client, admin_headers, "reader", ["read"])
    make_user(client, admin_headers, "writer", ["read", "write"])
    return {"reader": login(client, "reader"), "writer": login(client, "writer")}


def test_connections_keep_passwords_write_only_and_encrypted(client: TestClient[Any], admin_headers: Headers,
                                                             engineer_headers: Headers) -> None:
    body = {"name": "Line 1", "kind": "opcua", "endpointUrl": "opc.tcp://10.0.0.5:4840", "username": "ua",
            "password": "s3cret-pw"}
    made = data(client.post(CONN, json=body, headers=admin_headers), 201)
    assert made["passwordSet"] is True and "password" not in made and made["securityPolicy"] == "None"
    cid = made["connectionId"]
    listed = client.get(CONN, headers=admin_headers)
    assert "s3cret-pw" not in listed.text and data(listed)[0]["name"] == "Line 1"
    stored = [tuple(row) for row in client.app.state.services.db.all("SELECT * FROM kv")]
    assert stored and all("s3cret-pw" not in str(row) for row in stored)
    # an omitted password stays for the same endpoint, and goes when the endpoint changes
    assert data(client.put(f"{CONN}/{cid}", json={**body, "password": None}, headers=admin_headers))["passwordSet"]
    moved = {**body, "password": None, "endpointUrl": "opc.tcp://10.0.0.6:4840"}
    assert data(client.put(f"{CONN}/{cid}", json=moved, headers=admin_headers))["passwordSet"] is False
    assert_error(client.post(CONN, json={"name": "x", "kind": "opcua"}, headers=admin_headers), 422,
                 "CONNECTION_INVALID")
    assert_error(client.post(CONN, json={"name": "y", "kind": "opcua", "endpointUrl": "opc.tcp://h:4840",
                                         "securityPolicy": "Basic256Sha256"}, headers=admin_headers), 422,
                 "CONNECTION_INVALID")
    assert_error(client.post(CONN, json={"name": "z", "kind": "s7"}, headers=admin_headers), 422,
                 "CONNECTION_INVALID")
    assert_error(client.post(CONN, json={**body, "name": "LINE 1"}, headers=admin_headers), 422,
                 "CONNECTION_NAME_TAKEN")
    assert_error(client.get(CONN, headers=engineer_headers), 403)
    bad_tags = {"tags": [{"name": "x", "dataType": "Real"}]}
    assert_error(client.put(f"{CONN}/{cid}/tags", json=bad_tags, headers=admin_headers), 422, "MAPPING_INVALID")
    data(client.delete(f"{CONN}/{cid}", headers=admin_headers))
    assert_error(client.get(f"{CONN}/{cid}", headers=admin_headers), 404, "CONNECTION_NOT_FOUND")


def test_opcua_source_reads_and_writes_a_test_server(client: TestClient[Any], admin_headers: Headers,
                                                     opcua_server: OpcUaTestServer,
                                                     runtime_users: dict[str, Headers]) -> None:
    made = data(client.post(CONN, json={"name": "UA", "kind": "opcua", "endpointUrl": opcua_server.url},
                            headers=admin_headers), 201)
    tags = [
        {"name": "Speed", "nodeId": "ns=2;s=Speed", "dataType": "Real", "writable": True},
        {"name": "Count", "nodeId": "ns=2;s=Count", "dataType": "Int", "writable": True},
        {"name": "Ghost", "nodeId": "ns=2;s=Ghost", "dataType": "Int"},
        {"name": "CountRO", "nodeId": "ns=2;s=Count", "dataType": "Int"},
    ]
    assert len(data(client.put(f"{CONN}/{made['connectionId']}/tags", json={"tags": tags},
                               headers=admin_headers))) == 4
    data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
    reader, writer = runtime_users["reader"], runtime_users["writer"]
    listed = data(client.get(f"{RT}/tags", headers=reader))["tags"]
    assert [(t["name"], t["access"]) for t in listed][:2] == [("Speed", "readWrite"), ("Count", "readWrite")]
    results = data(client.post(f"{RT}/tags/values", json={"tagNames": ["Speed", "Count", "Ghost", "Nope"]},
                               headers=reader))
    assert [r["value"] for r in results[:2]] == [1.5, 7] and results[0]["quality"] == "Good"
    assert results[0]["timestamp"].endswith("Z") and results[1]["dataType"] == "Int"
    assert results[2]["error"]["code"] == "TAG_NOT_FOUND" and results[3]["error"]["code"] == "TAG_NOT_FOUND"
    written = data(client.put(f"{RT}/tags/values", json={"values": [
        {"name": "Speed", "value": 42.25}, {"name": "Count", "value": 1}, {"name": "CountRO", "value": 1},
        {"name": "Speed", "value": "fast"}]}, headers=writer))
    assert written[0]["value"] == 42.25 and written[0]["error"] is None
    assert written[1]["error"]["code"] == "TAG_NOT_WRITABLE"  # the server's node is read-only
    assert written[2]["error"]["code"] == "TAG_NOT_WRITABLE"  # mapped read-only
    assert written[3]["error"]["code"] == "TYPE_MISMATCH"
    assert data(client.get(f"{RT}/tags/Speed/value", headers=reader))["value"] == 42.25
    assert_error(client.get(f"{RT}/tags/Ghost/value", headers=reader), 404, "TAG_NOT_FOUND")


def test_s7_source_reads_and_writes_a_snap7_server(client: TestClient[Any], admin_headers: Headers,
                                                   runtime_users: dict[str, Headers]) -> None:
    with S7TestServer() as plc:
        made = data(client.post(CONN, json={"name": "S7", "kind": "s7", "host": "127.0.0.1", "port": plc.port,
                                            "rack": 0, "slot": 1}, headers=admin_headers), 201)
        tags: list[dict[str, Any]] = [
            {"name": '"Tank".level', "address": "DB1.DBD0", "dataType": "Real"},
            {"name": '"Tank".count', "address": "DB1.DBW4", "dataType": "Int", "writable": True},
            {"name": '"Tank".full', "address": "DB1.DBX6.1", "dataType": "Bool", "writable": True},
        ]
        data(client.put(f"{CONN}/{made['connectionId']}/tags", json={"tags": tags}, headers=admin_headers))
        bad = [{"name": "w", "address": "DB1.DBD4", "dataType": "Int"}]
        assert_error(client.put(f"{CONN}/{made['connectionId']}/tags", json={"tags": bad}, headers=admin_headers),
                     422, "MAPPING_INVALID")
        data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
        results = data(client.post(f"{RT}/tags/values", json={"tagNames": [t["name"] for t in tags]},
                                   headers=runtime_users["reader"]))
        assert [r["value"] for r in results] == [21.5, -3, True]
        written = data(client.put(f"{RT}/tags/values", json={"values": [
            {"name": '"Tank".count', "value": 1234}, {"name": '"Tank".full', "value": False},
            {"name": '"Tank".level', "value": 1.0}]}, headers=runtime_users["writer"]))
        assert [w["value"] for w in written[:2]] == [1234, False]
        assert written[2]["error"]["code"] == "TAG_NOT_WRITABLE"
        assert struct.unpack(">h", plc.db1[4:6])[0] == 1234 and plc.db1[6] == 0
        # a DB the CPU does not have fails its own item only
        data(client.put(f"{CONN}/{made['connectionId']}/tags", json={"tags": [
            *tags, {"name": '"Gone".x', "address": "DB9.DBW0", "dataType": "Int"}]}, headers=admin_headers))
        mixed = data(client.post(f"{RT}/tags/values", json={"tagNames": ['"Tank".count', '"Gone".x']},
                                 headers=runtime_users["reader"]))
        assert mixed[0]["value"] == 1234 and mixed[1]["error"]["code"] == "TAG_NOT_FOUND"


def test_a_plc_that_does_not_answer_fails_only_its_items(client: TestClient[Any], admin_headers: Headers,
                                                         opcua_server: OpcUaTestServer,
                                                         runtime_users: dict[str, Headers]) -> None:
    up = data(client.post(CONN, json={"name": "UA", "kind": "opcua", "endpointUrl": opcua_server.url},
                          headers=admin_headers), 201)
    down = data(client.post(CONN, json={"name": "Gone", "kind": "s7", "host": "127.0.0.1", "port": free_port(),
                                        "timeoutSeconds": 1}, headers=admin_headers), 201)
    data(client.put(f"{CONN}/{up['connectionId']}/tags",
                    json={"tags": [{"name": "Speed", "nodeId": "ns=2;s=Speed", "dataType": "Real"}]},
                    headers=admin_headers))
    data(client.put(f"{CONN}/{down['connectionId']}/tags",
                    json={"tags": [{"name": "Level", "address": "DB1.DBD0", "dataType": "Real"}]},
                    headers=admin_headers))
    data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
    results = data(client.post(f"{RT}/tags/values", json={"tagNames": ["Level", "Speed"]},
                               headers=runtime_users["reader"]))
    assert results[0]["error"]["code"] == "CONNECTION_FAILED" and results[0]["quality"] == "Bad"
    assert results[1]["value"] == 1.5
    assert_error(client.get(f"{RT}/tags/Level/value", headers=runtime_users["reader"]), 503, "CONNECTION_FAILED")
    # back to the simulated PLCs: none runs here
    data(client.put(f"{RT}/tag-source", json={"source": "simulated"}, headers=admin_headers))
    assert_error(client.get(f"{RT}/tags/Speed/value", headers=runtime_users["reader"]), 503)


def test_opcua_source_signs_encrypts_and_logs_in(client: TestClient[Any], admin_headers: Headers, tmp_path: Path,
                                                 runtime_users: dict[str, Headers]) -> None:
    with OpcUaTestServer(secure_in=tmp_path) as plc:
        body = {"name": "Secure", "kind": "opcua", "endpointUrl": plc.url, "securityPolicy": "Basic256Sha256",
                "securityMode": "SignAndEncrypt", "username": "ua", "password": "s3cret-pw"}
        good = data(client.post(CONN, json=body, headers=admin_headers), 201)
        wrong = data(client.post(CONN, json={**body, "name": "Wrong", "password": "guess"}, headers=admin_headers),
                     201)
        for made, name in ((good, "Speed"), (wrong, "Guess")):
            data(client.put(f"{CONN}/{made['connectionId']}/tags",
                            json={"tags": [{"name": name, "nodeId": "ns=2;s=Speed", "dataType": "Real"}]},
                            headers=admin_headers))
        data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
        results = data(client.post(f"{RT}/tags/values", json={"tagNames": ["Speed", "Guess"]},
                                   headers=runtime_users["reader"]))
        assert results[0]["value"] == 1.5 and results[0]["error"] is None
        assert results[1]["error"]["code"] == "CONNECTION_FAILED" and "guess" not in results[1]["error"]["description"]
    data_dir = client.app.state.services.settings.data_dir
    assert (data_dir / "runtime-opcua-client" / "client-cert.der").is_file()


def test_a_password_is_never_sent_in_plain_text(client: TestClient[Any], admin_headers: Headers,
                                                opcua_server: OpcUaTestServer,
                                                runtime_users: dict[str, Headers]) -> None:
    made = data(client.post(CONN, json={"name": "Clear", "kind": "opcua", "endpointUrl": opcua_server.url,
                                        "username": "ua", "password": "s3cret-pw"}, headers=admin_headers), 201)
    data(client.put(f"{CONN}/{made['connectionId']}/tags",
                    json={"tags": [{"name": "Speed", "nodeId": "ns=2;s=Speed", "dataType": "Real"}]},
                    headers=admin_headers))
    data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
    result = data(client.post(f"{RT}/tags/values", json={"tagNames": ["Speed"]}, headers=runtime_users["reader"]))[0]
    assert result["error"]["code"] == "CONNECTION_FAILED" and "plain text" in result["error"]["description"]
