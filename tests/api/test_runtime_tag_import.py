"""Importing the released tags of a project's PLC as a connection's tag mappings, through HTTP: OPC UA node ids as
an S7-1500 names them, S7 absolute addresses of the standard DB layout (checked against a python-snap7 server)."""

from __future__ import annotations

import struct
from typing import Any

from litestar.testing import TestClient

from tests.api.runtime_users import RT, login, make_user
from tests.api.partner_servers import CONN, S7TestServer
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
    xml = backend.program.export_program_object("PLC_1", name).decode()
    assert "<MemoryLayout>" in xml
    xml = xml.replace("<MemoryLayout>", "<DBAccessibleFromOPCUA>false</DBAccessibleFromOPCUA><MemoryLayout>", 1)
    backend.program.import_program_documents("PLC_1", [ProgramDocument(source=f"{name}.xml", data=xml.encode())],
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


MOTOR = """FUNCTION_BLOCK "FB_Motor"
{ S7_Optimized_Access := 'FALSE' }
   VAR_INPUT
      start : Bool;
   END_VAR
   VAR_OUTPUT
      running : Bool;
   END_VAR
   VAR
      speed : Real;
      count : Int;
      hidden { ExternalAccessible := 'False' } : Int;
      delay : TON_TIME;
   END_VAR
   VAR_TEMP
      scratch : Int;
   END_VAR
BEGIN
END_FUNCTION_BLOCK

DATA_BLOCK "Motor_DB"
{ S7_Optimized_Access := 'FALSE' }
"FB_Motor"
BEGIN
END_DATA_BLOCK
"""


def _motor(client: TestClient[Any], headers: Headers, kind: str, **target: Any) -> str:
    data(client.post(f"{DEV}/external-sources/import-and-generate",
                     json={"SourceName": "motor.scl", "SclContent": MOTOR}, headers=headers))
    made = data(client.post(CONN, json={"name": kind.upper(), "kind": kind, **target}, headers=headers), 201)
    return str(made["connectionId"])


def test_instance_db_members_are_mapped_or_skipped_with_a_reason(client: TestClient[Any], admin_headers: Headers,
                                                                  cpu: dict[str, Any]) -> None:
    ua_id = _motor(client, admin_headers, "opcua", endpointUrl="opc.tcp://10.0.0.9:4840")
    answer = data(client.post(f"{CONN}/{ua_id}/tags/import", json={"device": "PLC_1"}, headers=admin_headers))
    nodes = {t["name"]: t["nodeId"] for t in answer["tags"]}
    assert nodes['"Motor_DB".start'] == 'ns=3;s="Motor_DB"."start"'
    assert {'"Motor_DB".running', '"Motor_DB".speed', '"Motor_DB".count'} <= set(nodes)
    assert '"Motor_DB".hidden' not in nodes and '"Motor_DB".scratch' not in nodes  # not released; Temp is no data
    # a system FB's multi-instance: its parameters are nodes of their own on the S7-1500's server
    assert nodes['"Motor_DB".delay.Q'] == 'ns=3;s="Motor_DB"."delay"."Q"'
    assert {'"Motor_DB".delay.IN', '"Motor_DB".delay.PT', '"Motor_DB".delay.ET'} <= set(nodes)
    assert '"Motor_DB".delay' not in {s["name"] for s in answer["skipped"]}
    number = next(b["number"] for b in data(client.get(f"{DEV}/blocks", headers=admin_headers))
                  if b["name"] == "Motor_DB")
    data(client.put(f"{CONN}/{ua_id}/tags", json={"tags": []}, headers=admin_headers))  # a name maps to one connection
    s7_id = data(client.post(CONN, json={"name": "S7", "kind": "s7", "host": "127.0.0.1", "port": 102},
                             headers=admin_headers), 201)["connectionId"]
    answer = data(client.post(f"{CONN}/{s7_id}/tags/import", json={"device": "PLC_1"}, headers=admin_headers))
    address = {t["name"]: t["address"] for t in answer["tags"]}
    db = f"DB{number}"
    # the standard layout of an instance DB: Input, Output, then InOut and Static
    assert (address['"Motor_DB".start'], address['"Motor_DB".running'], address['"Motor_DB".speed'],
            address['"Motor_DB".count']) == (f"{db}.DBX0.0", f"{db}.DBX2.0", f"{db}.DBD4", f"{db}.DBW8")
    assert '"Motor_DB".delay' in {s["name"] for s in answer["skipped"]}


def test_an_import_keeps_earlier_mappings_unless_told_to_replace_them(client: TestClient[Any], admin_headers: Headers,
                                                                      cpu: dict[str, Any]) -> None:
    made = data(client.post(CONN, json={"name": "UA", "kind": "opcua", "endpointUrl": "opc.tcp://10.0.0.9:4840"},
                            headers=admin_headers), 201)
    tags = f"{CONN}/{made['connectionId']}/tags"
    mine = {"name": "Line.speed", "dataType": "Real", "nodeId": "ns=2;s=Line.speed"}
    data(client.put(tags, json={"tags": [mine]}, headers=admin_headers))
    # the PLC has no released tags: the import maps nothing and removes nothing
    answer = data(client.post(f"{tags}/import", json={"device": "PLC_1"}, headers=admin_headers))
    assert answer["removed"] == [] and [t["name"] for t in answer["tags"]] == ["Line.speed"]
    assert [t["name"] for t in data(client.get(tags, headers=admin_headers))] == ["Line.speed"]
    fill(client, admin_headers)
    answer = data(client.post(f"{tags}/import", json={"device": "PLC_1"}, headers=admin_headers))
    names = [t["name"] for t in answer["tags"]]
    assert "Line.speed" in names and '"Start"' in names and answer["removed"] == []
    # replacing is explicit, and says what went
    answer = data(client.post(f"{tags}/import", json={"device": "PLC_1", "replace": True}, headers=admin_headers))
    assert answer["removed"] == ["Line.speed"] and "Line.speed" not in [t["name"] for t in answer["tags"]]


ALARM = """FUNCTION_BLOCK "FB_Tank"
{ S7_Optimized_Access := 'TRUE' }
   VAR_INPUT
      level : Real;
   END_VAR
   VAR
      highLevel : Program_Alarm;
   END_VAR
BEGIN
   #highLevel(SIG := #level > 90.0);
END_FUNCTION_BLOCK

DATA_BLOCK "Tank_DB"
{ S7_Optimized_Access := 'TRUE' }
"FB_Tank"
BEGIN
END_DATA_BLOCK
"""


def test_a_program_alarm_instance_is_imported_by_its_members(client: TestClient[Any], admin_headers: Headers,
                                                              cpu: dict[str, Any]) -> None:
    """Not skipped whole: SIG, TIMESTAMP, Error and Status are tags; a Variant SD_n is named with its reason."""
    data(client.post(f"{DEV}/external-sources/import-and-generate",
                     json={"SourceName": "tank.scl", "SclContent": ALARM}, headers=admin_headers))
    made = data(client.post(CONN, json={"name": "UA", "kind": "opcua", "endpointUrl": "opc.tcp://10.0.0.9:4840"},
                            headers=admin_headers), 201)
    answer = data(client.post(f"{CONN}/{made['connectionId']}/tags/import", json={"device": "PLC_1"},
                              headers=admin_headers))
    types = {t["name"]: t["dataType"] for t in answer["tags"]}
    assert types['"Tank_DB".highLevel.SIG'] == "Bool" and types['"Tank_DB".highLevel.Status'] == "Word"
    assert {'"Tank_DB".highLevel.Error', '"Tank_DB".level'} <= set(types)
    skipped = {s["name"]: s["reason"] for s in answer["skipped"]}
    assert '"Tank_DB".highLevel' not in skipped
    assert "Variant" in skipped['"Tank_DB".highLevel.SD_1']  # each member it cannot map is named with its reason
    # LDT is an OPC UA DateTime (S7-1500 Communication function manual A5E03735815-AF, table 9-1): a tag, not skipped
    assert types['"Tank_DB".highLevel.TIMESTAMP'] == "LDT" and '"Tank_DB".highLevel.TIMESTAMP' not in skipped
    node = next(t["nodeId"] for t in answer["tags"] if t["name"] == '"Tank_DB".highLevel.TIMESTAMP')
    assert node == 'ns=3;s="Tank_DB"."highLevel"."TIMESTAMP"'


def test_the_released_list_the_opcua_server_and_the_import_agree_on_a_program_alarm(
        client: TestClient[Any], admin_headers: Headers, cpu: dict[str, Any]) -> None:
    """One rule (rules.released_tags.instance_parameters): the simulated PLC's released-tag list, the nodes its
    OPC UA server serves and the import name the same members of the instance. Before, the list showed its internal
    statics (SD_0, SIG_Edge_History, INIT_FB_State) read-write, the server served two of them, and the import
    dropped all three without a word; its LDT TIMESTAMP was skipped."""
    from tests.api.runtime_users import RT, login, make_user
    from tests.api.runtime_plant import download_line

    h = admin_headers
    download_line(client, h, (), ALARM)
    make_user(client, h, "board", ["read"])
    board = login(client, "board")
    instance = '"Tank_DB".highLevel'
    listed = {t["name"] for t in data(client.get(f"{RT}/tags", headers=board))["tags"]
              if t["name"].startswith(instance + ".")}
    assert {f"{instance}.{member}" for member in ("SD_0", "SIG_Edge_History", "INIT_FB_State")}.isdisjoint(listed)
    server = data(client.put(f"{RT}/opcua-servers/Line", json={}, headers=h), 201)
    try:
        made = data(client.post(f"{RT}/connections", json={"name": "Line over OPC UA", "kind": "opcua",
                                                          "endpointUrl": server["endpointUrl"]}, headers=h), 201)
        answer = data(client.post(f"{RT}/connections/{made['connectionId']}/tags/import", json={"device": "PLC_1"},
                                  headers=h))
        imported = {t["name"] for t in answer["tags"] if t["name"].startswith(instance + ".")}
        skipped = {s["name"] for s in answer["skipped"] if s["name"].startswith(instance + ".")}
        assert imported | skipped == listed and not imported & skipped
        assert f"{instance}.TIMESTAMP" in imported and f"{instance}.SIG" in imported
        data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=h))
        values = data(client.post(f"{RT}/tags/values", json={"tagNames": sorted(imported)}, headers=board))
        assert [(v["name"], v["quality"]) for v in values] == [(name, "Good") for name in sorted(imported)], values
    finally:
        client.delete(f"{RT}/opcua-servers/Line", headers=h)
