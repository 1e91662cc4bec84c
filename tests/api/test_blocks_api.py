"""Blocks: list (+async), tree, content, create (spec, T-IA minimal, rawXml), update, delete, rename (+async),
networks, interface members, folders, XML export/import (+async), export-xml, SCL source export, load-start-values,
export-prodiag, cross-references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.backend.areas.program import ProgramPort
from engineering_api.backend.areas.program_pages import Category
from engineering_api.config import Settings
from simatic_xml import parse_bytes
from simatic_xml.objects import Block
from tests.api.blockgen_support import INSTANCE_DB, UDT
from tests.conftest import CPU, HMI, add_device, assert_error, data, interface_of, run_job, served, simaticml_object

D = "/api/devices/PLC_1"
B = f"{D}/blocks"

FC_SCL: dict[str, Any] = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real", "number": 5,
    "interface": {"Input": [{"name": "Raw", "dataType": "Int", "comment": "raw value"}],
                  "Temp": [{"name": "Tmp", "dataType": "Real"}]},
    "networks": [{"scl": "#Tmp := INT_TO_REAL(#Raw);\n#FC_Scale := #Tmp / 27648.0 * 100.0;"}],
}
FB_LAD = {
    "blockType": "FB", "name": "FB_Motor", "language": "LAD", "number": 10,
    "interface": {
        "Input": [{"name": "Start", "dataType": "Bool"}, {"name": "Stop", "dataType": "Bool"}],
        "Output": [{"name": "Run", "dataType": "Bool"}],
        "Static": [{"name": "Data", "dataType": '"UDT_Motor"'}, {"name": "Spare", "dataType": "Int"}],
    },
    "networks": [{"title": "Run", "lad": [[{"parallel": [[{"contact": "#Start"}], [{"contact": "#Run"}]]},
                                           {"contact": "#Stop", "negated": True}, {"coil": "#Run"}]]}],
}
DB = {"blockType": "GlobalDB", "name": "DB_Data",
      "interface": {"Static": [{"name": "Count", "dataType": "Int", "startValue": 5},
                               {"name": "Level", "dataType": "Real", "comment": "tank"}]}}
OB = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL",
      "networks": [{"scl": '"DB_Motor"(Start := "Start_PB", Stop := FALSE);\n"DB_Data".Level := "FC_Scale"(Raw := 5);',
                    "calls": {"DB_Motor": {"blockType": "FB", "block": "FB_Motor"}}}]}


class Env:
    def __init__(self, client: TestClient, headers: dict[str, str], viewer: dict[str, str], root) -> None:
        self.client, self.headers, self.viewer, self.root = client, headers, viewer, root

    def get(self, path: str, **kw: Any):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, body: Any = None, **kw: Any):
        return self.client.post(path, json=body, headers=self.headers, **kw)

    def put(self, path: str, body: Any):
        return self.client.put(path, json=body, headers=self.headers)

    def delete(self, path: str, **kw: Any):
        return self.client.delete(path, headers=self.headers, **kw)


@pytest.fixture
def env(tmp_path):
    settings = Settings.from_env(data_dir=tmp_path)
    with served(settings) as client:
        keys = client.app.state.services.keys
        headers = {"X-API-Key": keys.create("eng", "engineer")[1]}
        viewer = {"X-API-Key": keys.create("view", "viewer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        yield Env(client, headers, viewer, settings.roots[0])


def _program(env: Env) -> None:
    data(env.client.post("/api/blockgeneration/generate-and-import", json={"spec": UDT, "deviceName": "PLC_1"},
                         headers=env.headers))
    for spec in (FC_SCL, FB_LAD, DB, INSTANCE_DB):
        data(env.post(B, spec))
    data(env.post(B, {**OB, "overwrite": True}))  # over the Main [OB1] TIA created with the PLC


def test_list_and_async_list(env):
    _program(env)
    blocks = {b["name"]: b for b in data(env.get(B))}
    assert set(blocks) == {"FC_Scale", "FB_Motor", "DB_Data", "DB_Motor", "Main"}  # the UDT is not a block
    assert blocks["FC_Scale"]["blockType"] == "FC" and blocks["FC_Scale"]["number"] == 5
    assert blocks["FB_Motor"]["language"] == "LAD"
    assert blocks["DB_Motor"]["instanceOf"] == "FB_Motor"
    record = run_job(env.client, "GET", f"{B}/async", env.headers)
    assert record["status"] == "Completed"
    assert {b["name"] for b in record["result"]} == set(blocks)
    assert env.client.get(B, headers=env.viewer).status_code == 200


def test_unknown_device_and_non_plc(env):
    assert_error(env.get("/api/devices/NOPE/blocks"), 404)
    add_device(env.client, env.headers, HMI, "HMI_1")
    assert_error(env.get("/api/devices/HMI_1/blocks"), 422, "NOT_A_PLC")


def test_tree_has_folders_and_blocks(env):
    data(env.post(f"{B}/folders", {"folderPath": "Motors/Pumps"}))
    data(env.post(B, {**FC_SCL, "folder": "Motors/Pumps"}))
    data(env.post(B, DB))
    root = data(env.get(f"{B}/tree"))
    assert root["name"] == "Program blocks" and root["isFolder"] is True
    motors = next(c for c in root["children"] if c["name"] == "Motors")
    assert motors["isFolder"] is True and motors["nodeType"] == "Folder"
    pumps = motors["children"][0]
    assert pumps["name"] == "Pumps"
    fc = pumps["children"][0]
    assert fc["name"] == "FC_Scale" and fc["type"] == "FC" and fc["isFolder"] is False
    assert fc["programmingLanguage"] == "SCL" and fc["number"] == 5 and fc["isConsistent"] is True
    assert fc["isKnowHowProtected"] is False and fc["blockInfo"]["folder"] == "Motors/Pumps"
    # T-IA Connect's tree reads BlockInfo.{Name, Type, Number, Language, IsConsistent, IsKnowHowProtected}.
    info = fc["blockInfo"]
    assert (info["name"], info["type"], info["number"], info["language"]) == ("FC_Scale", "FC", 5, "SCL")
    assert info["isConsistent"] is True and info["isKnowHowProtected"] is False
    assert any(c["name"] == "DB_Data" for c in root["children"])


def test_a_page_of_the_tree_lists_folders_first_then_blocks_by_name_and_finds_by_name(env):
    _program(env)
    data(env.post(f"{B}/folders", {"folderPath": "Motors/Pumps"}))
    data(env.post(f"{B}/folders", {"folderPath": "Empty"}))
    data(env.post(B, {"blockType": "FC", "name": "fc_pump", "language": "SCL", "number": 40, "networks": [],
                      "folder": "Motors/Pumps"}))
    page = data(env.get(f"{B}/page", params={"limit": 3}))
    assert (page["total"], page["matching"], page["offset"]) == (6, 6, 0)
    assert page["folders"] == [{"path": "Empty", "objects": 0}, {"path": "Motors", "objects": 0},
                               {"path": "Motors/Pumps", "objects": 1}]
    # a folder's subfolders before its own blocks, each level by name whatever its case (TIA's project tree)
    assert [o["name"] for o in page["objects"]] == ["fc_pump", "DB_Data", "DB_Motor"]
    assert page["objects"][0] == {"name": "fc_pump", "kind": "FC", "number": 40, "language": "SCL",
                                  "folder": "Motors/Pumps"}
    rest = data(env.get(f"{B}/page", params={"limit": 3, "offset": 3}))
    assert [o["name"] for o in rest["objects"]] == ["FB_Motor", "FC_Scale", "Main"]
    found = data(env.get(f"{B}/page", params={"find": "FC_"}))
    assert (found["matching"], [o["name"] for o in found["objects"]]) == (2, ["fc_pump", "FC_Scale"])
    types = data(env.get(f"{B}/page", params={"category": "types"}))
    assert [(o["name"], o["kind"]) for o in types["objects"]] == [(UDT["name"], "UDT")]
    assert_error(env.get(f"{B}/page", params={"limit": 0}), 422)
    # the fake's page, from its tree kept in order, is the port's default paging of the listing
    backend = env.client.app.state.services.backend
    cases: tuple[tuple[Category, str, int], ...] = (("blocks", "", 0), ("blocks", "m", 1), ("types", "", 0))
    for category, find, offset in cases:
        assert backend.program.program_page("PLC_1", category, find=find, offset=offset, limit=4).objects == \
            ProgramPort.program_page(backend.program, "PLC_1", category, find=find, offset=offset, limit=4).objects


def test_content_scl_block(env):
    data(env.post(B, FC_SCL))
    content = data(env.get(f"{B}/FC_Scale/content"))
    assert content["name"] == "FC_Scale" and content["blockType"] == "FC" and content["number"] == 5
    assert content["programmingLanguage"] == "SCL"
    assert content["isKnowHowProtected"] is False and content["needsCompilation"] is False
    assert parse_bytes(content["rawXml"].encode()).object.name == "FC_Scale"
    assert content["sourceText"].startswith('FUNCTION "FC_Scale" : Real')
    assert "Raw : Int;   // raw value" in content["sourceText"]
    assert "#FC_Scale := #Tmp / 27648.0 * 100.0;" in content["sourceText"]
    assert content["sourceTextReason"] is None
    assert content["interface"]["Input"][0] == {"name": "Raw", "dataType": "Int", "comment": "raw value"}
    assert content["networks"][0]["scl"] == FC_SCL["networks"][0]["scl"]


def test_content_lad_block_has_no_source(env):
    data(env.client.post("/api/blockgeneration/generate-and-import", json={"spec": UDT, "deviceName": "PLC_1"},
                         headers=env.headers))
    data(env.post(B, FB_LAD))
    content = data(env.get(f"{B}/FB_Motor/content"))
    assert content["sourceText"] is None
    assert "LAD" in content["sourceTextReason"]
    assert content["networks"][0]["language"] == "LAD" and content["networks"][0]["title"] == "Run"
    assert_error(env.get(f"{B}/FB_Motor/source"), 422, "NO_SCL_SOURCE")


def test_content_db_source_has_begin_start_values(env):
    data(env.post(B, DB))
    text = data(env.get(f"{B}/DB_Data/content"))["sourceText"]
    assert text.startswith('DATA_BLOCK "DB_Data"')
    assert "Count : Int;" in text and "Level : Real;   // tank" in text
    assert text.split("BEGIN")[1].strip().startswith("Count := 5;")
    assert data(env.get(f"{B}/DB_Data/source"))["sourceText"] == text


def test_content_unknown_block(env):
    assert_error(env.get(f"{B}/Nope/content"), 404, "BLOCK_NOT_FOUND")
    assert_error(env.get("/api/devices/NOPE/blocks/X/content"), 404)


def test_export_xml_of_what_is_not_a_block(env):
    _program(env)
    assert data(env.get(f"{B}/DB_Motor/export-xml")).count("<SW.Blocks.InstanceDB") == 1
    assert_error(env.get(f"{B}/UDT_Motor/export-xml"), 404, "BLOCK_NOT_FOUND")  # a UDT of that name
    assert_error(env.get(f"{B}/Default tag table/export-xml"), 404, "BLOCK_NOT_FOUND")
    assert_error(env.get(f"{B}/Nope/export-xml"), 404, "BLOCK_NOT_FOUND")
    assert_error(env.get("/api/devices/NOPE/blocks/X/export-xml"), 404, "DEVICE_NOT_FOUND")


@pytest.mark.parametrize(("device", "name", "code"), [
    ("PLC_1", "UDT_Motor", "BLOCK_NOT_FOUND"), ("PLC_1", "Default tag table", "BLOCK_NOT_FOUND"),
    ("PLC_1", "Nope", "BLOCK_NOT_FOUND"), ("NOPE", "X", "DEVICE_NOT_FOUND"),
])
def test_an_export_file_of_what_is_not_a_block_is_refused_and_writes_nothing(env, device, name, code):
    """The export reads the object's SimaticML once and asks for the block only when that is no block's."""
    _program(env)
    written = data(env.post(f"{B}/actions/export-sync", {"blockName": "DB_Motor", "exportPath": "ok.xml"}))
    assert Path(written["path"]).read_bytes().count(b"<SW.Blocks.InstanceDB") == 1
    assert_error(env.post(f"/api/devices/{device}/blocks/actions/export-sync",
                          {"blockName": name, "exportPath": "refused.xml"}), 404, code)
    assert not (env.root / "refused.xml").exists()


def test_create_minimal_tia_body(env):
    result = data(env.post(B, {"BlockType": "FB", "Name": "FB_New", "Language": "SCL"}))
    assert result["block"]["name"] == "FB_New" and result["block"]["blockType"] == "FB"
    assert result["block"]["language"] == "SCL" and result["block"]["number"] == 1  # TIA picked a number
    db = data(env.post(B, {"BlockType": "DB", "Name": "DB_New", "Language": "SCL"}))
    assert db["block"]["blockType"] == "GlobalDB"
    gen = data(env.post(f"{B}/generate-and-import", {"BlockType": "FC", "Name": "FC_New", "Language": "SCL"}))
    assert gen["block"]["blockType"] == "FC"


def test_create_with_spec_wrapper_and_raw_xml(env):
    data(env.post(B, {"spec": FC_SCL}))
    xml = data(env.get(f"{B}/FC_Scale/export-xml"))
    data(env.delete(f"{B}/FC_Scale"))
    created = data(env.post(B, {"rawXml": xml, "folder": ""}))
    assert created["block"]["name"] == "FC_Scale" and created["block"]["number"] == 5
    assert data(env.get(f"{B}/FC_Scale/export-xml")) == xml


def test_create_errors(env):
    data(env.post(B, FC_SCL))
    assert_error(env.post(B, FC_SCL), 409, "OBJECT_EXISTS")
    clash = assert_error(env.post(B, {**FC_SCL, "name": "FC_Other", "networks": []}), 409, "BLOCK_NUMBER_IN_USE")
    assert "FC 5" in clash["message"]
    bad = assert_error(env.post(B, {**FC_SCL, "name": "FC_Bad", "number": None,
                                    "interface": {"Input": [{"name": "Raw", "dataType": "Intt"}]}}), 422,
                                    "INVALID_SPEC")
    assert "interface.Input[0].dataType" in bad["message"]
    assert_error(env.post(B, {"blockType": "FC", "language": "SCL"}), 422)
    assert_error(env.post(B, {"rawXml": "<not xml"}), 422, "INVALID_SIMATICML")
    udt_xml = env.client.post("/api/blockgeneration/generate-only", json={"spec": UDT}, headers=env.headers)
    assert_error(env.post(B, {"rawXml": data(udt_xml)["xml"]}), 422, "NOT_A_BLOCK")
    objects = env.client.app.state.services.backend.program.list_program_objects("PLC_1")
    assert "UDT_Motor" not in {o.name for o in objects}  # refused before anything was imported
    xxe = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<Document><Engineering version="V19"/>&x;</Document>')
    assert_error(env.post(B, {"rawXml": xxe}), 422)
    assert_error(env.post(B, {**FC_SCL, "name": "FC_X", "number": 6, "folder": "Missing"}), 422)
    assert_error(env.post("/api/devices/NOPE/blocks", FC_SCL), 404)
    assert env.client.post(B, json=FC_SCL, headers=env.viewer).status_code == 403


def test_update_content_keeps_name_and_number(env):
    data(env.post(f"{B}/folders", {"folderPath": "F"}))
    data(env.post(B, {**FC_SCL, "folder": "F"}))
    spec = {**FC_SCL, "number": None, "networks": [{"scl": "#FC_Scale := 1.0;"}]}
    spec.pop("number")
    result = data(env.put(f"{B}/FC_Scale/content", spec))
    assert result["block"]["number"] == 5 and result["block"]["folder"] == "F"
    assert data(env.get(f"{B}/FC_Scale/content"))["networks"][0]["scl"] == "#FC_Scale := 1.0;"
    assert_error(env.put(f"{B}/FC_Scale/content", {**FC_SCL, "name": "Other"}), 422, "INVALID_SPEC")
    xml = data(env.get(f"{B}/FC_Scale/export-xml"))
    data(env.put(f"{B}/FC_Scale/content", {"rawXml": xml}))
    assert_error(env.put(f"{B}/FC_Scale/content", {"rawXml": xml.replace("FC_Scale", "FC_Z")}), 422)
    assert_error(env.put(f"{B}/Nope/content", FC_SCL), 404)


def test_delete_and_rename(env):
    data(env.post(B, FC_SCL))
    data(env.post(B, DB))
    renamed = data(env.post(f"{B}/actions/rename", {"blockName": "FC_Scale", "newName": "FC_Scaled"}))
    assert renamed["name"] == "FC_Scaled" and renamed["number"] == 5
    xml = data(env.get(f"{B}/FC_Scaled/export-xml"))
    assert parse_bytes(xml.encode()).object.name == "FC_Scaled"
    assert_error(env.post(f"{B}/actions/rename", {"blockName": "FC_Scaled", "newName": "DB_Data"}), 409)
    assert_error(env.post(f"{B}/actions/rename", {"blockName": "Nope", "newName": "X"}), 404)
    assert_error(env.post(f"{B}/actions/rename", {"blockName": "FC_Scaled", "newName": "a\"b"}), 422)
    record = run_job(env.client, "POST", f"{B}/actions/rename-async", env.headers,
                     json={"blockName": "FC_Scaled", "newName": "FC_Again"})
    assert record["status"] == "Completed" and record["result"]["name"] == "FC_Again"
    gone = data(env.delete(f"{B}/FC_Again"))
    assert gone["name"] == "FC_Again"
    assert {b["name"] for b in data(env.get(B))} == {"DB_Data", "Main"}  # Main: the PLC's OB1
    assert_error(env.delete(f"{B}/FC_Again"), 404)


def test_add_networks(env):
    data(env.post(B, FC_SCL))
    result = data(env.post(f"{B}/FC_Scale/networks", {"networks": [{"title": "Clamp", "scl": "#Tmp := 0.0;"}]}))
    assert result["block"]["name"] == "FC_Scale"
    nets = data(env.get(f"{B}/FC_Scale/content"))["networks"]
    assert [n["scl"] for n in nets] == [FC_SCL["networks"][0]["scl"], "#Tmp := 0.0;"]
    assert nets[1]["title"] == "Clamp"
    bad = assert_error(env.post(f"{B}/FC_Scale/networks", {"networks": [{"scl": "#Nope := 1;"}]}), 422)
    assert "networks[0]" in bad["message"] or "Nope" in bad["message"]
    data(env.post(B, DB))
    assert_error(env.post(f"{B}/DB_Data/networks", {"networks": [{"scl": "x"}]}), 422, "NO_NETWORKS")
    assert_error(env.post(f"{B}/Nope/networks", {"networks": [{"scl": "x"}]}), 404)


def test_interface_members_crud(env):
    data(env.post(B, FC_SCL))
    added = data(env.post(f"{B}/FC_Scale/interface/members",
                          {"section": "Input", "name": "Gain", "dataType": "Real", "comment": "factor"}))
    assert added["member"] == {"name": "Gain", "dataType": "Real", "comment": "factor"}
    assert [m["name"] for m in added["interface"]["Input"]] == ["Raw", "Gain"]
    assert_error(env.post(f"{B}/FC_Scale/interface/members", {"section": "Input", "name": "Gain", "dataType": "Real"}),
                 409, "MEMBER_EXISTS")
    bad = assert_error(env.post(f"{B}/FC_Scale/interface/members",
                                {"section": "Input", "name": "X", "dataType": "Nope"}), 422)
    assert bad["details"]["field"] == "dataType"
    assert_error(env.post(f"{B}/FC_Scale/interface/members", {"section": "Static", "name": "S", "dataType": "Int"}),
                 422)
    updated = data(env.put(f"{B}/FC_Scale/interface/members/Gain", {"dataType": "LReal", "comment": "gain"}))
    assert updated["member"]["dataType"] == "LReal" and updated["member"]["comment"] == "gain"
    renamed = data(env.put(f"{B}/FC_Scale/interface/members/Gain", {"newName": "K"}))
    assert renamed["member"]["name"] == "K"
    conflict = assert_error(env.delete(f"{B}/FC_Scale/interface/members/Raw"), 409, "MEMBER_IN_USE")
    assert "network 1, line 1" in conflict["message"]
    assert_error(env.put(f"{B}/FC_Scale/interface/members/Tmp", {"newName": "T2"}), 409, "MEMBER_IN_USE")
    deleted = data(env.delete(f"{B}/FC_Scale/interface/members/K"))
    assert [m["name"] for m in deleted["interface"]["Input"]] == ["Raw"]
    assert_error(env.delete(f"{B}/FC_Scale/interface/members/K"), 404, "MEMBER_NOT_FOUND")
    # the block is still valid SimaticML with the right interface
    block = simaticml_object(data(env.get(f"{B}/FC_Scale/export-xml")).encode(), Block)
    inputs = interface_of(block).sections.section("Input")
    assert inputs is not None and [m.name for m in inputs.members] == ["Raw"]


def test_interface_members_of_a_db_and_lad_usage(env):
    data(env.post(B, DB))
    added = data(env.post(f"{B}/DB_Data/interface/members",
                          {"section": "Static", "name": "Flag", "dataType": "Bool", "startValue": True, "position": 0}))
    assert added["interface"]["Static"][0] == {"name": "Flag", "dataType": "Bool", "startValue": "true"}
    assert "Flag := true;" in data(env.get(f"{B}/DB_Data/source"))["sourceText"]
    data(env.client.post("/api/blockgeneration/generate-and-import", json={"spec": UDT, "deviceName": "PLC_1"},
                         headers=env.headers))
    data(env.post(B, FB_LAD))
    conflict = assert_error(env.delete(f"{B}/FB_Motor/interface/members/Stop"), 409, "MEMBER_IN_USE")
    assert "network 1" in conflict["message"]
    data(env.delete(f"{B}/FB_Motor/interface/members/Spare"))
    data(env.post(B, INSTANCE_DB))
    assert_error(env.post(f"{B}/DB_Motor/interface/members", {"section": "Static", "name": "X", "dataType": "Int"}),
                 422, "INTERFACE_NOT_EDITABLE")


def test_block_folders(env):
    assert data(env.post(f"{B}/folders", {"folderPath": "A/B"}))["folder"] == "A/B"
    assert_error(env.post(f"{B}/folders", {"folderPath": "A/B"}), 409)
    assert_error(env.post(f"{B}/folders", {"folderPath": "../x"}), 422)
    assert_error(env.post(f"{B}/folders", {}), 422)
    data(env.post(B, {**FC_SCL, "folder": "A/B"}))
    data(env.post(B, DB))
    removed = data(env.delete(f"{B}/folders", params={"folderPath": "A"}))
    assert removed == {"folder": "A", "removed": ["FC_Scale"]}
    assert {b["name"] for b in data(env.get(B))} == {"DB_Data", "Main"}  # Main: the PLC's OB1
    assert_error(env.delete(f"{B}/folders", params={"folderPath": "A"}), 404)


def test_export_and_import_files(env):
    data(env.post(B, FC_SCL))
    written = data(env.post(f"{B}/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "out/FC_Scale.xml"}))
    path = env.root / "out" / "FC_Scale.xml"
    assert written["path"] == str(path) and path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert_error(env.post(f"{B}/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "out/FC_Scale.xml"}),
                 409, "FILE_EXISTS")
    data(env.post(f"{B}/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "out/FC_Scale.xml",
                                               "overwrite": True}))
    (env.root / "dir").mkdir()
    into_dir = data(env.post(f"{B}/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "dir"}))
    assert into_dir["path"] == str(env.root / "dir" / "FC_Scale.xml")
    assert_error(env.post(f"{B}/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "dir"}), 409,
                 "FILE_EXISTS")
    record = run_job(env.client, "POST", f"{B}/actions/export", env.headers,
                     json={"blockName": "FC_Scale", "exportPath": "out2/x.xml"})
    assert record["status"] == "Completed" and (env.root / "out2" / "x.xml").exists()
    assert_error(env.post(f"{B}/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "../evil.xml"}), 422)
    assert_error(env.post(f"{B}/actions/export-sync", {"blockName": "Nope", "exportPath": "n.xml"}), 404)
    data(env.delete(f"{B}/FC_Scale"))
    imported = data(env.post(f"{B}/actions/import-sync", {"importFilePath": "out/FC_Scale.xml"}))
    assert imported["block"]["name"] == "FC_Scale"
    assert_error(env.post(f"{B}/actions/import-sync", {"importFilePath": "out/FC_Scale.xml"}), 409)
    data(env.post(f"{B}/actions/import-sync", {"importFilePath": "out/FC_Scale.xml", "overwrite": True}))
    record = run_job(env.client, "POST", f"{B}/actions/import", env.headers,
                     json={"importFilePath": "out2/x.xml", "overwrite": True})
    assert record["status"] == "Completed"
    assert_error(env.post(f"{B}/actions/import-sync", {"importFilePath": "missing.xml"}), 404)
    assert_error(env.post(f"{B}/actions/import-sync", {"importFilePath": "/etc/passwd"}), 422)
    (env.root / "bad.xml").write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')
    assert_error(env.post(f"{B}/actions/import-sync", {"importFilePath": "bad.xml"}), 422)


def test_export_xml_and_source_file(env):
    data(env.post(B, FC_SCL))
    xml = data(env.get(f"{B}/FC_Scale/export-xml"))
    assert xml.startswith("<?xml") and "SW.Blocks.FC" in xml
    assert_error(env.get(f"{B}/Nope/export-xml"), 404)
    written = data(env.post(f"{B}/FC_Scale/actions/export-source", {"exportPath": "src/FC_Scale.scl"}))
    text = (env.root / "src" / "FC_Scale.scl").read_text(encoding="utf-8-sig")
    assert written["size"] > 0 and text == data(env.get(f"{B}/FC_Scale/source"))["sourceText"]
    assert_error(env.post(f"{B}/FC_Scale/actions/export-source", {"exportPath": "src/FC_Scale.scl"}), 409)
    assert_error(env.post(f"{B}/FC_Scale/actions/export-source", {"exportPath": "/tmp/x.scl"}), 422)
    data(env.client.post("/api/blockgeneration/generate-and-import", json={"spec": UDT, "deviceName": "PLC_1"},
                         headers=env.headers))
    data(env.post(B, FB_LAD))
    refused = assert_error(env.post(f"{B}/FB_Motor/actions/export-source", {"exportPath": "src/m.scl"}), 422,
                           "NO_SCL_SOURCE")
    assert "LAD" in refused["message"]


def test_load_start_values_and_prodiag(env):
    data(env.post(B, DB))
    data(env.post(B, FC_SCL))
    offline = assert_error(env.post(f"{B}/DB_Data/actions/load-start-values"), 409, "NOT_ONLINE")  # go online first
    assert "online" in offline["message"]
    assert_error(env.post(f"{B}/FC_Scale/actions/load-start-values"), 422, "NOT_A_DATA_BLOCK")
    assert_error(env.post(f"{B}/Nope/actions/load-start-values"), 404)
    prodiag = assert_error(env.post(f"{B}/FC_Scale/actions/export-prodiag", {}), 501, "PRODIAG_NOT_AVAILABLE")
    assert "ProDiag" in prodiag["message"]


def test_cross_references(env):
    _program(env)
    data(env.post("/api/devices/PLC_1/tag-tables/Default tag table/tags",
                  {"Name": "Start_PB", "DataType": "Bool", "LogicalAddress": "%I0.0"}))
    refs = data(env.get(f"{B}/Main/cross-references"))
    assert refs["blockName"] == "Main"
    uses = {(u["name"], u["usage"]) for u in refs["uses"]}
    assert ("FB_Motor", "Call") in uses and ("DB_Motor", "Call") in uses and ("FC_Scale", "Call") in uses
    tags = [u for u in refs["uses"] if u["name"] == "Start_PB"]
    assert tags and tags[0]["type"] == "GlobalTag" and tags[0]["display"] == '"Start_PB"'
    assert tags[0]["exists"] is True  # it is in a tag table
    assert any(u["name"] == "DB_Data" and u["usage"] == "Access" for u in refs["uses"])
    motor = data(env.get(f"{B}/FB_Motor/cross-references"))
    assert {u["name"] for u in motor["usedBy"]} == {"DB_Motor", "Main"}
    assert any(u["name"] == "UDT_Motor" and u["type"] == "UDT" for u in motor["uses"])
    assert {s["direction"] for s in motor["sources"]} == {"Uses", "UsedBy"}
    # T-IA Connect's webview: SourceCount, TotalReferenceCount, Sources[].TypeName/ReferenceObjects[].Locations.
    assert motor["sourceCount"] == len(motor["sources"]) == 3  # FB_Motor itself, DB_Motor and Main
    own = motor["sources"][0]
    assert (own["name"], own["typeName"], own["device"]) == ("FB_Motor", "FB", "PLC_1")
    assert own["address"].startswith("FB ") and own["path"].startswith("Program blocks")
    udt = next(o for o in own["referenceObjects"] if o["name"] == "UDT_Motor")
    assert udt["typeName"] == "UDT" and udt["locations"][0]["referenceType"] == "Type"
    assert motor["totalReferenceCount"] == sum(len(s["referenceObjects"]) for s in motor["sources"])
    main = next(s for s in motor["sources"] if s["name"] == "Main")
    assert main["referenceObjects"][0]["name"] == "FB_Motor"
    tag = next(o for o in refs["sources"][0]["referenceObjects"] if o["name"] == "Start_PB")
    assert tag["typeName"] == "GlobalTag" and tag["address"].startswith("%")  # a tag of a tag table
    assert_error(env.get(f"{B}/Nope/cross-references"), 404)


def test_software_unit_block_update_and_rename_keep_namespace(env):
    """A V20 software-unit block is known by Namespace.Name; raw-XML update and rename keep the namespace."""
    cases = Path(__file__).resolve().parents[1] / "realcode" / "cases" / "software_unit_namespace"
    data(env.client.post("/api/instance/actions/detach", headers=env.headers))
    data(env.client.post("/api/instance/actions/launch", json={"version": "V20"}, headers=env.headers))
    data(env.client.post("/api/projects/actions/create-sync", json={"name": "P20"}, headers=env.headers))
    add_device(env.client, env.headers, CPU, "PLC_1")
    for name in ("Data", "Pump"):
        data(env.post(B, {"rawXml": (cases / f"{name}.xml").read_text(encoding="utf-8")}))
    assert {"Plant.Data", "Plant.Pump"} <= {b["name"] for b in data(env.get(B))}
    # The plain name is no block's name; the answer names the qualified one (as does a compile of it).
    for missing in (env.get(f"{B}/Pump/export-xml"), env.post(f"{B}/pump/actions/compile", {})):
        body = assert_error(missing, 404, "BLOCK_NOT_FOUND")
        assert "use 'Plant.Pump'" in body["message"] and body["details"]["suggestions"] == ["Plant.Pump"]
    unknown = assert_error(env.get(f"{B}/Nope/export-xml"), 404, "BLOCK_NOT_FOUND")
    assert unknown["message"] == "The block 'Nope' was not found."
    xml = data(env.get(f"{B}/Plant.Pump/export-xml"))
    result = data(env.put(f"{B}/Plant.Pump/content", {"rawXml": xml}))
    assert result["block"]["name"] == "Plant.Pump"
    renamed = data(env.post(f"{B}/actions/rename", {"blockName": "Plant.Pump", "newName": "Pump2"}))
    assert renamed["name"] == "Plant.Pump2"
    obj = parse_bytes(data(env.get(f"{B}/Plant.Pump2/export-xml")).encode()).object
    assert obj.name == "Pump2" and obj.qualified_name == "Plant.Pump2"
    again = data(env.post(f"{B}/actions/rename", {"blockName": "Plant.Pump2", "newName": "Plant.Pump3"}))
    assert again["name"] == "Plant.Pump3"
    assert_error(env.post(f"{B}/actions/rename", {"blockName": "Plant.Pump3", "newName": "Data"}), 409)
