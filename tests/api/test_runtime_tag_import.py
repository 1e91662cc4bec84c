"""Importing the released tags of a project's PLC as a connection's tag mappings, through HTTP: OPC UA node ids as
an S7-1500 names them, S7 absolute addresses of the standard DB layout (checked against a python-snap7 server)."""

from __future__ import annotations

import struct
from typing import Any

from litestar.testing import TestClient

from tests.api.test_runtime_auth import RT, login, make_user
from tests.api.test_runtime_connections import CONN, S7TestServer
from tests.conftest import Headers, assert_error, data

DEV = "/api/devices/PLC_1"
SCL = """DATA_BLOCK "Tank_DB"
{ S7_Optimized_Access := 'FALSE' }
   VAR
      a : Bool;
      b : Bool;
      level : Int;
      flow : Real;
      mode : Byte;
      valve : Struct
         open : Bool;
         position : Int;
      END_STRUCT;
      pumps : Array[0..1] of Int;
      secret { ExternalAccessible := 'False' } : Int;
      limit { ExternalWritable := 'False' } : Int;
   END_VAR
BEGIN
END_DATA_BLOCK

DATA_BLOCK "Fast_DB"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      speed : Real;
   END_VAR
BEGIN
END_DATA_BLOCK

DATA_BLOCK "Closed_DB"
{ S7_Optimized_Access := 'FALSE' }
   VAR
      speed : Real;
   END_VAR
BEGIN
END_DATA_BLOCK
"""


def fill(client: TestClient[Any], headers: Headers) -> None:
    data(client.post(f"{DEV}/external-sources/import-and-generate",
                     json={"SourceName": "tank.scl", "SclContent": SCL}, headers=headers))
    for name, data_type, address, accessible in (("Start", "Bool", "%I0.0", True), ("Counter", "Int", "%MW10", True),
                                                 ("Hidden", "Int", "%MW12", False)):
        data(client.post(f"{DEV}/tags", json={"name": name, "dataType": data_type, "logicalAddress": address,
                                              "hmiAccessible": accessible}, headers=headers))


def close_to_opcua(client: TestClient[Any], name: str) -> None:
    """Switch off a DB's "DB accessible from OPC UA" (no SCL attribute has it: edit its SimaticML and import it)."""
    from engineering_api.backend.models import ProgramDocument

    backend = client.app.state.services.backend
    xml = backend.export_program_object("PLC_1", name).decode()
    assert "<MemoryLayout>" in xml
    xml = xml.replace("<MemoryLayout>", "<DBAccessibleFromOPCUA>false</DBAccessibleFromOPCUA><MemoryLayout>", 1)
    backend.import_program_documents("PLC_1", [ProgramDocument(source=f"{name}.xml", data=xml.encode())],
                                     overwrite=True)


def test_import_maps_released_tags_as_opcua_node_ids(client: TestClient[Any], admin_headers: Headers,
                                                     cpu: dict[str, Any]) -> None:
    fill(client, admin_headers)
    close_to_opcua(client, "Closed_DB")
    made = data(client.post(CONN, json={"name": "UA", "kind": "opcua", "endpointUrl": "opc.tcp://10.0.0.9:4840"},
                            headers=admin_headers), 201)
    answer = data(client.post(f"{CONN}/{made['connectionId']}/tags/import", json={"device": "PLC_1"},
                              headers=admin_headers))
    by_name = {t["name"]: t for t in answer["tags"]}
    assert by_name['"Tank_DB".flow']["nodeId"] == 'ns=3;s="Tank_DB"."flow"'
    assert by_name['"Tank_DB".valve.position']["nodeId"] == 'ns=3;s="Tank_DB"."valve"."position"'
    assert by_name['"Tank_DB".pumps[1]']["nodeId"] == 'ns=3;s="Tank_DB"."pumps"[1]'
    assert by_name['"Fast_DB".speed']["dataType"] == "Real" and by_name['"Start"']["nodeId"] == 'ns=3;s="Start"'
    assert by_name['"Tank_DB".limit']["writable"] is False and by_name['"Tank_DB".level']["writable"] is True
    assert '"Tank_DB".secret' not in by_name and '"Hidden"' not in by_name
    assert '"Closed_DB".speed' not in by_name  # its DB is not accessible from OPC UA
    listed = data(client.get(f"{CONN}/{made['connectionId']}/tags", headers=admin_headers))
    assert [t["name"] for t in listed] == [t["name"] for t in answer["tags"]]
    assert_error(client.post(f"{CONN}/{made['connectionId']}/tags/import", json={"device": "Nope"},
                             headers=admin_headers), 404)


def test_import_gives_s7_addresses_of_the_standard_layout(client: TestClient[Any], admin_headers: Headers,
                                                          cpu: dict[str, Any]) -> None:
    fill(client, admin_headers)
    close_to_opcua(client, "Closed_DB")
    number = next(b["number"] for b in data(client.get(f"{DEV}/blocks", headers=admin_headers))
                  if b["name"] == "Tank_DB")
    with S7TestServer(db_number=number) as plc:
        made = data(client.post(CONN, json={"name": "S7", "kind": "s7", "host": "127.0.0.1", "port": plc.port},
                                headers=admin_headers), 201)
        answer = data(client.post(f"{CONN}/{made['connectionId']}/tags/import", json={"device": "PLC_1"},
                                  headers=admin_headers))
        address = {t["name"]: t["address"] for t in answer["tags"]}
        db = f"DB{number}"
        assert address['"Closed_DB".speed'].endswith(".DBD0")  # PUT/GET does not ask the OPC UA switch
        del address['"Closed_DB".speed']
        assert address == {
            '"Tank_DB".a': f"{db}.DBX0.0", '"Tank_DB".b': f"{db}.DBX0.1", '"Tank_DB".level': f"{db}.DBW2",
            '"Tank_DB".flow': f"{db}.DBD4", '"Tank_DB".mode': f"{db}.DBB8", '"Tank_DB".valve.open': f"{db}.DBX10.0",
            '"Tank_DB".valve.position': f"{db}.DBW12", '"Tank_DB".pumps[0]': f"{db}.DBW14",
            '"Tank_DB".pumps[1]': f"{db}.DBW16", '"Tank_DB".limit': f"{db}.DBW20",
            '"Start"': "I0.0", '"Counter"': "MW10",
        }
        assert {s["name"] for s in answer["skipped"]} == {'"Fast_DB"'}
        assert "optimized" in answer["skipped"][0]["reason"]
        plc.db1[2:4] = struct.pack(">h", 321)
        plc.db1[4:8] = struct.pack(">f", 2.5)
        plc.db1[12:14] = struct.pack(">h", -7)
        make_user(client, admin_headers, "mes", ["read"])
        data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=admin_headers))
        names = ['"Tank_DB".level', '"Tank_DB".flow', '"Tank_DB".valve.position']
        values = data(client.post(f"{RT}/tags/values", json={"tagNames": names}, headers=login(client, "mes")))
        assert [v["value"] for v in values] == [321, 2.5, -7]
