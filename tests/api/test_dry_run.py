"""Issue 14: every destructive operation answers ``dryRun: true`` with an exact preview and changes nothing.

Each destructive operation of the registry has a case here: the request as a client sends it (query string for
GET/DELETE, JSON body for POST/PUT), the objects its preview must name, and a read-back of the whole project
through the API before and after (programs with their SimaticML, tables, folders, simulation state, stored test
cases, snapshots, jobs, files), which must be equal. A dry run needs the operation's own role and fails like the
real call for bad input (an unknown block is 404).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from engineering_api.app import registry
from engineering_api.backend.errors import ValidationError
from engineering_api.config import Settings
from engineering_api.jobs.operations import Operation
from engineering_api.jobs.preview import Preview
from engineering_api.services import Services
from fakes.runtime.cpu import OperatingMode
from tests.conftest import CPU, IM, Headers, add_device, assert_error, data, fake_backend, served
from tests.contract.stub_engine import make_instance

DATA = Path(__file__).parent / "data"
"""The design specs these tests use, as JSON files."""

DEV = "/api/devices/PLC_1"
HMI = "/api/devices/HMI_1/hmi"
UNI = "/api/devices/HMI_U/hmi"
SIM = "/api/simulation"
LIB = "/api/project/library"
GLIB = "/api/libraries/global"
PROGRAM = """TYPE "UDT_Motor"
VERSION : 0.1
   STRUCT
      Speed : Real;
      Running : Bool;
   END_STRUCT;
END_TYPE

FUNCTION_BLOCK "FB_Motor"
   VAR_INPUT
      Start : Bool;
   END_VAR
   VAR
      Speed : Real;
      Spare : Int;
      Data : "UDT_Motor";
   END_VAR
BEGIN
    IF #Start THEN
        #Speed := 1500.0;
    END_IF;
END_FUNCTION_BLOCK

DATA_BLOCK "Motor_DB"
"FB_Motor"
BEGIN
END_DATA_BLOCK

FUNCTION "FC_Scale" : Real
   VAR_INPUT
      Raw : Int;
   END_VAR
BEGIN
    #FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;
END_FUNCTION

ORGANIZATION_BLOCK "Main"
BEGIN
    "Motor_DB"(Start := "Pump1_Run");
END_ORGANIZATION_BLOCK
"""
ONE = 'FUNCTION "FC_One" : Int\nVERSION : 0.1\nBEGIN\n\t#FC_One := 1;\nEND_FUNCTION\n'
DESIGN = json.loads((DATA / "pump_design.json").read_text(encoding="utf-8"))


# ----- the project every case starts from ---------------------------------------------------------
def _post(client: TestClient[Any], path: str, h: Headers, body: Any = None) -> Any:
    return data(client.post(path, json=body if body is not None else {}, headers=h))


def build_plant(client: TestClient[Any], h: Headers) -> None:
    """PLC_1 with a program (UDT, FB, instance DB, FC, OB), folders of every tree, tag tables with a tag and a
    constant, external sources, watch and force tables, a parked IO device; saved."""
    _post(client, f"{DEV}/tag-tables/actions/create-sync", h, {"name": "Motors"})
    _post(client, f"{DEV}/tag-tables/Motors/tags", h,
          {"name": "Pump1_Run", "dataType": "Bool", "logicalAddress": "%Q0.0"})
    _post(client, f"{DEV}/tag-tables/Motors/constants", h, {"name": "MAX_PUMPS", "dataType": "Int", "value": "8"})
    _post(client, f"{DEV}/tag-tables/folders", h, {"path": "Line1"})
    _post(client, f"{DEV}/tag-tables/actions/create-sync", h, {"name": "IO", "folder": "Line1"})
    _post(client, f"{DEV}/tag-tables/IO/tags", h, {"name": "Level_Low", "dataType": "Bool", "logicalAddress": "%I1.0"})
    _post(client, f"{DEV}/external-sources/import-and-generate", h, {"SourceName": "plant.scl", "SclContent": PROGRAM})
    _post(client, f"{DEV}/blocks/folders", h, {"folderPath": "Motors/Pumps"})
    _post(client, f"{DEV}/blocks", h,
          {"blockType": "FC", "name": "FC_Pump", "language": "SCL", "folder": "Motors/Pumps",
           "networks": [{"scl": ";"}]})
    _post(client, f"{DEV}/udts/folders", h, {"folderPath": "Types"})
    _post(client, f"{DEV}/udts", h,
          {"name": "UDT_Valve", "folderPath": "Types", "members": [{"name": "Open", "dataType": "Bool"}]})
    _post(client, f"{DEV}/external-sources/folders", h, {"folderPath": "Lib"})
    _post(client, f"{DEV}/external-sources/from-text", h, {"name": "One.scl", "text": ONE, "folder": "Lib"})
    _post(client, f"{DEV}/watch-tables", h, {"name": "Motors", "tags": ['"Pump1_Run"', '"Motor_DB".Speed']})
    _post(client, f"{DEV}/watch-force-tables/folders", h, {"folderPath": "Commissioning"})
    _post(client, f"{DEV}/watch-tables", h, {"name": "Checks", "folderPath": "Commissioning", "tags": ['"Level_Low"']})
    _post(client, f"{DEV}/force-tables", h,
          {"name": "Motors_Force", "entries": [{"name": "%Q0.0", "forceValue": True}]})
    add_device(client, h, IM, "IO_1")
    _post(client, "/api/projects/actions/save-sync", h)


PLANT = "Line1/Line1.ap19"
"""The plant's project file, relative to the workspace."""


@pytest.fixture(scope="session")
def plant_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the plant (:func:`build_plant`) saved and closed, with its admin key, jobs and
    snapshots; each test starts from a copy of it. Building the plant through the API costs more than most cases."""
    data_dir = tmp_path_factory.mktemp("plant") / "var"
    with served(Settings.from_env(data_dir=data_dir)) as client:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        _post(client, "/api/projects/actions/create-sync", admin, {"name": "Line1"})
        add_device(client, admin, CPU, "PLC_1")
        build_plant(client, admin)
        _post(client, "/api/projects/actions/close-sync", admin)
    return data_dir


@pytest.fixture
def settings(plant_template: Path, tmp_path: Path) -> Settings:
    """The suite's settings over a copy of the plant's data directory."""
    shutil.copytree(plant_template, tmp_path, dirs_exist_ok=True)
    return Settings.from_env(data_dir=tmp_path)


@pytest.fixture
def h(client: TestClient[Any], admin_headers: Headers) -> Headers:
    """Admin headers; the plant (:func:`build_plant`) is open."""
    _post(client, "/api/projects/actions/open-sync", admin_headers, {"path": PLANT})
    return admin_headers


@pytest.fixture
def online(client: TestClient[Any], h: Headers, services: Services) -> Any:
    """The plant downloaded to the virtual PLC ``PLC_1_sim`` (stepped time), PLC_1 online with it, the CPU in RUN
    and connected as the simulation session; a second instance ``Spare_Sim`` (with an IP address of its own, so
    PLC_1 binds to PLC_1_sim) is powered off."""
    _post(client, "/api/projects/actions/simulation-support", h, {"enabled": True})
    plcsim = fake_backend(services).plcsim
    cpu = plcsim.create("PLC_1_sim", "CPU1516")
    cpu.set_mode(OperatingMode.SINGLE_STEP)
    cpu.power_on()
    make_instance(plcsim, "Spare_Sim", "192.168.0.99", on=False)
    _post(client, f"{DEV}/actions/download-sync", h)
    _post(client, f"{DEV}/online", h)
    _post(client, f"{SIM}/connect", h, {"instanceName": "PLC_1_sim"})
    _post(client, f"{DEV}/cpu/actions/start", h)
    return cpu


# ----- reading the whole state back ---------------------------------------------------------------
def _get(client: TestClient[Any], path: str, h: Headers, **params: Any) -> Any:
    response = client.get(path, headers=h, params=params)
    return response.json()["data"] if response.status_code == 200 else response.status_code


def state(client: TestClient[Any], h: Headers, workspace: Path) -> dict[str, Any]:
    """Everything a destructive call could change, read through the API (and the files of the workspace)."""
    found: dict[str, Any] = {
        "instance": _get(client, "/api/instance/status", h),
        "devices": _get(client, "/api/projects/devices", h),
        "designSpec": _get(client, "/api/design-spec/model", h),
        "simulation": _get(client, f"{SIM}/instances", h),
        "session": _get(client, f"{SIM}/state", h),
        "profiles": _get(client, f"{SIM}/profiles", h),
        "tests": _get(client, "/api/testharness/tests", h),
        "pipelines": [_get(client, f"/api/pipelines/{name}", h) for name in _get(client, "/api/pipelines", h)],
        "executions": _get(client, "/api/pipelines/executions", h),
        "vcs": [_get(client, f"{VCS}/{what}", h) for what in ("branches", "remotes", "log")],
        "snapshots": _get(client, "/api/history/stats", h),
        "jobs": _get(client, "/api/jobs", h)["total"],
        "files": {str(p.relative_to(workspace)): hashlib.sha256(p.read_bytes()).hexdigest()
                  for p in sorted(workspace.rglob("*")) if p.is_file() and p.suffix not in (".ap19", ".lock")},
    }
    if isinstance(found["devices"], list) and any(d["name"] == "PLC_1" for d in found["devices"]):
        blocks = _get(client, f"{DEV}/blocks", h)
        found["blocks"] = blocks
        found["xml"] = {b["name"]: _get(client, f"{DEV}/blocks/{b['name']}/export-xml", h) for b in blocks}
        found["blockTree"] = _get(client, f"{DEV}/blocks/tree", h)
        found["udts"] = [_get(client, f"{DEV}/udts/{u['name']}", h) for u in _get(client, f"{DEV}/udts", h)]
        found["udtTree"] = _get(client, f"{DEV}/udts/tree", h)
        found["tagTree"] = _get(client, f"{DEV}/tag-tables/tree", h)
        tables = _get(client, f"{DEV}/tag-tables", h)
        found["tags"] = {t["name"]: (_get(client, f"{DEV}/tag-tables/{t['name']}/tags", h),
                                     _get(client, f"{DEV}/tag-tables/{t['name']}/constants/user", h)) for t in tables}
        found["sources"] = _get(client, f"{DEV}/external-sources", h)
        for kind in ("watch-tables", "force-tables"):
            found[kind] = [_get(client, f"{DEV}/{kind}/{t['name']}", h) for t in _get(client, f"{DEV}/{kind}", h)]
        found["online"] = _get(client, f"{DEV}/online/status", h)
        found["cpu"] = _get(client, f"{DEV}/cpu/status", h)
    found["library"] = [_get(client, f"{LIB}/{what}", h) for what in ("tree", "types", "master-copies")]
    found["globalLibraries"] = [_get(client, GLIB, h), *(_get(client, f"{GLIB}/{what}", h)
                                                         for what in ("tree", "types", "master-copies"))]
    if isinstance(found["devices"], list) and any(d["name"] == "HMI_1" for d in found["devices"]):
        screens = _get(client, f"{HMI}/screens", h)
        found["hmi"] = (screens, _get(client, f"{HMI}/tags/tree", h), _get(client, f"{HMI}/connections", h),
                        [_get(client, f"{HMI}/screens/{s['name']}/details", h) for s in screens],
                        _get(client, f"{HMI}/scripts/tree", h), _get(client, f"{HMI}/text-lists", h),
                        _get(client, f"{HMI}/graphic-lists", h), _get(client, f"{HMI}/project-graphics", h))
    if isinstance(found["devices"], list) and any(d["name"] == "HMI_U" for d in found["devices"]):
        found["unified"] = _get(client, f"{UNI}/unified", h)
    return found


def _snapshot_then_stop(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    """A snapshot "Before 1" of the running virtual PLC, which is then stopped (a restore needs STOP)."""
    _post(client, f"{SIM}/instances/PLC_1_sim/snapshots", h, {"snapshotName": "Before 1"})
    _post(client, f"{SIM}/instances/PLC_1_sim/stop", h, {"confirm": True})


# ----- the cases ----------------------------------------------------------------------------------
Setup = Callable[[TestClient[Any], Headers, Path], None]


@dataclass
class Case:
    """A dry run of one operation and the changes its preview must list (``(action, kind, name)``)."""

    operation: str
    method: str
    path: str
    body: dict[str, Any] = field(default_factory=dict)
    expect: list[tuple[str, str, str]] = field(default_factory=list)
    setup: Setup | None = None
    online: bool = False
    summary: str = ""
    """A phrase the summary must contain."""
    warning: str = ""
    """A phrase one of the warnings must contain."""
    label: str = ""

    @property
    def id(self) -> str:
        return self.operation + (f"[{self.label}]" if self.label else "")


_TAG_TABLE_EXPORT = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V19" />
  <SW.Tags.PlcTagTable ID="0">
    <AttributeList><Name>Motors</Name></AttributeList>
    <ObjectList>
      <SW.Tags.PlcTag ID="1" CompositionName="Tags">
        <AttributeList>
          <DataTypeName>Bool</DataTypeName>
          <LogicalAddress>%Q0.1</LogicalAddress>
          <Name>Pump1_Run</Name>
        </AttributeList>
      </SW.Tags.PlcTag>
    </ObjectList>
  </SW.Tags.PlcTagTable>
</Document>
"""
"""The table Motors as TIA exports a tag table (the shape of the corpus' tagtable/*.xml), with one tag it holds."""


def _export(path: str, body: dict[str, Any]) -> Setup:
    """Write a file through an export route first, so the case finds it (and may overwrite it)."""
    def setup(client: TestClient[Any], h: Headers, _: Path) -> None:
        _post(client, path, h, body)

    return setup


def _export_again(operation: str, path: str, file: str, *, before: Setup | None = None, first: str = "") -> Case:
    """An export to the file it (or ``first``, another route of it) wrote already: the preview overwrites it."""
    written = _export(first or path, {"exportPath": file})
    return Case(operation, "POST", path, setup=_steps(before, written) if before else written,
                body={"exportPath": file, "overwrite": True}, expect=[("overwrite", "file", file.rsplit("/", 1)[-1])])


def _write(relative: str, text: str) -> Setup:
    def setup(client: TestClient[Any], h: Headers, workspace: Path) -> None:
        target = workspace / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    return setup


def _steps(*setups: Setup) -> Setup:
    def setup(client: TestClient[Any], h: Headers, workspace: Path) -> None:
        for step in setups:
            step(client, h, workspace)

    return setup


def _call(method: str, path: str, body: dict[str, Any] | None = None) -> Setup:
    def setup(client: TestClient[Any], h: Headers, _: Path) -> None:
        data(client.request(method, path, json=body, headers=h))

    return setup


_LIB_TYPE = _call("POST", f"{LIB}/types/versions",
                  {"action": "create", "deviceName": "PLC_1", "objectName": "FC_Scale"})
_LIB_EDIT = _call("POST", f"{LIB}/types/versions", {"typeName": "FC_Scale", "action": "edit", "deviceName": "PLC_1"})
_GLIB = _call("POST", GLIB, {"name": "Kit", "directory": "libs"})
_GLIB_TYPE = _steps(_LIB_TYPE, _GLIB, _call("POST", f"{GLIB}/types/actions/update", {"typeNames": ["FC_Scale"]}))
_HMI = _call("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": "6AV2 124-0GC01-0AX0", "name": "HMI_1"})
_HMI_CONNECTED = _steps(_HMI, _write("h/connection.xml", (
    '<?xml version="1.0" encoding="utf-8"?><Document><Engineering version="V19" /><Hmi.Communication.Connection ID="0">'
    "<AttributeList><Driver>ILRT_S7_1500_OMS</Driver><Name>HMI_Connection_1</Name><PartnerName>PLC_1</PartnerName>"
    "</AttributeList></Hmi.Communication.Connection></Document>")),
    _call("POST", f"{HMI}/connections/actions/import", {"importFilePath": "h/connection.xml"}))

_UNIFIED = _steps(
    _call("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": "6AV2 128-3GB06-0AX1", "name": "HMI_U"}),
    _call("POST", f"{UNI}/connections", {"name": "HMI_Connection_1", "partner": "PLC_1"}),
    _call("POST", f"{UNI}/connections", {"name": "Spare"}),
    _call("POST", f"{UNI}/tags", {"name": "Speed", "dataType": "Int", "tagTable": "Motor",
                                  "connection": "HMI_Connection_1", "plcTag": "Motor_DB.Speed"}),
    _call("POST", f"{UNI}/screens", {"name": "Main", "items": [{"name": "IO", "type": "HmiIOField", "tag": "Speed"}]}),
    _call("POST", f"{UNI}/scripts", {"name": "Helpers", "code": "export function f() {}"}))

_UNIFIED_LISTS = _steps(
    _UNIFIED,
    _write("h/lists.json", '{"format": "engineering-api.hmi-unified", "formatVersion": 1, "textLists": [{"name": '
                           '"States", "entries": [{"rangeFrom": "0", "text": "Off"}]}], "graphicLists": [{"name": '
                           '"Lamp", "listRange": "Bit"}]}'),
    _call("POST", f"{UNI}/unified/actions/import", {"importFilePath": "h/lists.json"}))

_HMI_LISTS = _steps(
    _HMI,
    _write("h/script.xml",
           '<Document><Engineering version="V19" /><Hmi.RuntimeScripting.VBScript ID="0"><AttributeList>'
                           "<Name>Reset</Name><ScriptCode>Sub Reset()\nEnd Sub</ScriptCode><Type>Sub</Type>"
                           "</AttributeList></Hmi.RuntimeScripting.VBScript></Document>"),
    _write("h/states.xml", '<Document><Engineering version="V19" /><Hmi.TextGraphicList.TextList ID="0"><AttributeList>'
                           "<ListRange>Bit</ListRange><Name>States</Name></AttributeList></Hmi.TextGraphicList.TextList>"
                           "</Document>"),
    _write("h/lamp.xml",
           '<Document><Engineering version="V19" /><Hmi.TextGraphicList.GraphicList ID="0"><AttributeList>'
                         "<Name>Lamp</Name></AttributeList></Hmi.TextGraphicList.GraphicList></Document>"),
    _call("POST", f"{HMI}/scripts/actions/import", {"importFilePath": "h/script.xml"}),
    _call("POST", f"{HMI}/text-lists/actions/import", {"importFilePath": "h/states.xml"}))


def _snapshot_then_edit(client: TestClient[Any], h: Headers, _: Path) -> None:
    """A snapshot of FC_Scale, then FC_Scale changed: a restore would overwrite the change."""
    _post(client, "/api/history/blocks/PLC_1/FC_Scale/actions/snapshot", h, {"comment": "before"})
    data(client.put(f"{DEV}/blocks/FC_Scale/content", json={
        "blockType": "FC", "language": "SCL", "returnType": "Real",
        "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]}, "networks": [{"scl": "#FC_Scale := 0.0;"}]},
        headers=h))


_FC_SCALE = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
             "networks": [{"scl": "#FC_Scale := 1.0;"}]}
_EDIT_FC_SCALE = _call("PUT", f"{DEV}/blocks/FC_Scale/content", {**_FC_SCALE, "name": None})
_SPEC = {"spec": _FC_SCALE, "deviceName": "PLC_1", "overwrite": True}
_LOAD_DESIGN = _call("POST", "/api/design-spec/load", {"design": DESIGN})
_CASE_TEST = {"name": "Pump starts", "deviceName": "PLC_1",
              "steps": [{"cycles": 1}, {"expect": {"tag": '"Pump1_Run"', "equals": False}}]}
_PROFILE = {"name": "Line1", "instances": [{"name": "A_Sim", "cpuType": "CPU1516"}]}
VCS = "/api/source-control"
_PIPELINE = {"name": "Build", "variables": {"deviceName": "PLC_1"},
             "steps": [
                 {"name": "Compile", "action": "devices.compile-hardware", "params": {"deviceName": "${deviceName}"}},
                       {"name": "Download", "action": "devices.download", "params": {"deviceName": "PLC_1"}}]}
_SAVE_PIPELINE = _call("POST", "/api/pipelines", _PIPELINE)
_VCS_COMMITTED = _steps(_call("POST", f"{VCS}/init"), _call("POST", f"{VCS}/commit-sync", {"message": "one"}))


def _bare_remote(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    import pygit2

    pygit2.init_repository(str(workspace / "remote.git"), bare=True)
    data(client.post(f"{VCS}/remotes", json={"name": "origin", "url": "remote.git"}, headers=h))

def _stopper(*_: Any) -> None:
    """A stopper as ``engineering-api serve`` has one (this one stops nothing if called)."""
    from engineering_api.domain import health

    health.install_stopper(health.Stopper(pid=4711, how="SIGTERM to engineering-api serve (pid 4711)",
                                          grace_seconds=15.0, stop=lambda: None))


CASES: list[Case] = [
    # ----- projects and the portal
    Case("projects.close", "POST", "/api/projects/actions/close-sync", expect=[("close", "project", "Line1")],
         summary="close the project 'Line1'"),
    Case("projects.close", "POST", "/api/projects/actions/close", setup=_call("PUT", f"{DEV}/blocks/FC_Scale/content",
         {**_FC_SCALE, "name": None}), expect=[("close", "project", "Line1"), ("discard", "project", "Line1")],
         summary="discard its unsaved changes", label="async-unsaved"),
    Case("instance.shutdown", "POST", "/api/instance/actions/shutdown",
         expect=[("close", "portal", ""), ("close", "project", "Line1")]),
    Case("health.shutdown", "POST", "/api/health/shutdown", setup=_stopper, expect=[("stop", "server", "pid 4711")],
         summary="Would stop this server gracefully", warning="Every client loses the server"),
    # ----- devices
    Case("devices.delete", "DELETE", DEV, expect=[("delete", "device", "PLC_1"), ("delete", "block", "FB_Motor"),
         ("delete", "udt", "UDT_Motor"), ("delete", "tagTable", "Motors"), ("delete", "externalSource", "One.scl"),
         ("delete", "watchTable", "Motors"), ("delete", "forceTable", "Motors_Force")]),
    Case("devices.delete", "POST", f"{DEV}/actions/delete-async", expect=[("delete", "device", "PLC_1")],
         label="async"),
    Case("devices.parking-lot.clear", "POST", "/api/projects/devices/parking-lot/actions/clear",
         expect=[("delete", "device", "IO_1")], summary="'IO_1'"),
    # ----- block generation and design specs (destructive with overwrite)
    Case("blockgeneration.generate-and-import", "POST", "/api/blockgeneration/generate-and-import", body=_SPEC,
         expect=[("overwrite", "block", "FC_Scale")]),
    Case("blockgeneration.generate-and-import", "POST", "/api/blockgeneration/generate-and-import",
         body={**_SPEC, "spec": {**_FC_SCALE, "name": "FC_New", "networks": [{"scl": "#FC_New := 1.0;"}]},
               "overwrite": False}, expect=[("create", "block", "FC_New")],
         summary="nothing would be overwritten", label="new-block"),
    Case("blockgeneration.import-only", "POST", "/api/blockgeneration/import-only",
         setup=_export(f"{DEV}/blocks/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "x/FC_Scale.xml"}),
         body={"deviceName": "PLC_1", "filePath": "x/FC_Scale.xml", "overwrite": True},
         expect=[("overwrite", "block", "FC_Scale")]),
    Case("blockgeneration.generate-graph", "POST", "/api/blockgeneration/generate-graph",
         body={"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"}, "targetVersion": "V18",
               "deviceName": "PLC_1"}, expect=[("create", "block", "Seq_Tank")]),
    Case("blockgeneration.bulk-import", "POST", "/api/blockgeneration/bulk-import",
         setup=_steps(
             _export(f"{DEV}/blocks/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "bulk/FC_Scale.xml"}),
             _export(f"{DEV}/udts/actions/export", {"udtName": "UDT_Motor", "exportPath": "bulk/UDT_Motor.xml"})),
         body={"deviceName": "PLC_1", "directory": "bulk", "overwrite": True},
         expect=[("overwrite", "block", "FC_Scale"), ("overwrite", "udt", "UDT_Motor")], summary="2 documents"),
    Case("design-spec.clear", "DELETE", "/api/design-spec/model", setup=_LOAD_DESIGN,
         expect=[("delete", "design", "loaded design")]),
    Case("design-spec.generate-and-import", "POST", "/api/design-spec/generate-and-import",
         setup=_LOAD_DESIGN, body={"deviceName": "PLC_1", "overwrite": True},
         expect=[("overwrite", "block", "FB_Motor")]),
    Case("blockgeneration.generate-from-design", "POST", "/api/blockgeneration/generate-from-design",
         body={"design": DESIGN, "deviceName": "PLC_1", "overwrite": True},
         expect=[("overwrite", "block", "FB_Motor")]),
    # ----- blocks
    Case("blocks.create", "POST", f"{DEV}/blocks", body={**_FC_SCALE, "overwrite": True},
         expect=[("overwrite", "block", "FC_Scale")]),
    Case("blocks.generate-and-import", "POST", f"{DEV}/blocks/generate-and-import",
         body={"BlockType": "FB", "Name": "FB_Motor", "Language": "SCL", "overwrite": True},
         expect=[("overwrite", "block", "FB_Motor")]),
    Case("blocks.delete", "DELETE", f"{DEV}/blocks/FC_Scale", expect=[("delete", "block", "FC_Scale")],
         summary="Would delete block 'FC_Scale' (FC"),
    Case("blocks.delete", "DELETE", f"{DEV}/blocks/FB_Motor", expect=[("delete", "block", "FB_Motor")],
         warning="'Motor_DB'", label="fb-with-instance"),
    Case("blocks.export", "POST", f"{DEV}/blocks/actions/export",
         setup=_export(f"{DEV}/blocks/actions/export-sync", {"blockName": "FC_Scale", "exportPath": "x/FC_Scale.xml"}),
         body={"blockName": "FC_Scale", "exportPath": "x/FC_Scale.xml", "overwrite": True},
         expect=[("overwrite", "file", "FC_Scale.xml")]),
    Case("blocks.import", "POST", f"{DEV}/blocks/actions/import-sync",
         setup=_export(f"{DEV}/blocks/actions/export-sync", {"blockName": "FB_Motor", "exportPath": "x/FB_Motor.xml"}),
         body={"importFilePath": "x/FB_Motor.xml", "overwrite": True}, expect=[("overwrite", "block", "FB_Motor")]),
    Case("blocks.members.delete", "DELETE", f"{DEV}/blocks/FB_Motor/interface/members/Spare",
         expect=[("delete", "member", "FB_Motor.Spare")]),
    Case("blocks.folders.delete", "DELETE", f"{DEV}/blocks/folders", body={"folderPath": "Motors"},
         expect=[("delete", "folder", "Motors"), ("delete", "folder", "Motors/Pumps"), ("delete", "block", "FC_Pump")]),
    _export_again("blocks.export-source", f"{DEV}/blocks/FC_Scale/actions/export-source", "src/FC_Scale.scl"),
    Case("blocks.load-start-values", "POST", f"{DEV}/blocks/Motor_DB/actions/load-start-values", online=True,
         expect=[("reset", "block", "Motor_DB")]),
    # ----- external sources
    Case("external-sources.from-file", "POST", f"{DEV}/external-sources/from-file", setup=_write("src/One.scl", ONE),
         body={"filePath": "src/One.scl", "overwrite": True}, expect=[("overwrite", "externalSource", "One.scl")]),
    Case("external-sources.from-text", "POST", f"{DEV}/external-sources/from-text",
         body={"name": "One.scl", "text": ONE, "overwrite": True}, expect=[("overwrite", "externalSource", "One.scl")]),
    Case("external-sources.delete", "DELETE", f"{DEV}/external-sources/One.scl",
         expect=[("delete", "externalSource", "One.scl")]),
    Case("external-sources.generate", "POST", f"{DEV}/external-sources/plant.scl/generate",
         expect=[("overwrite", "block", "FB_Motor"), ("overwrite", "block", "Main"),
                 ("overwrite", "udt", "UDT_Motor")]),
    Case("external-sources.folders.delete", "DELETE", f"{DEV}/external-sources/folders", body={"folderPath": "Lib"},
         expect=[("delete", "folder", "Lib"), ("delete", "externalSource", "One.scl")]),
    Case("external-sources.import-and-generate", "POST", f"{DEV}/external-sources/import-and-generate",
         body={"SourceName": "plant.scl", "SclContent": PROGRAM},
         expect=[("overwrite", "block", "FC_Scale"), ("overwrite", "externalSource", "plant.scl")]),
    # ----- tags and constants
    Case("tag-tables.delete", "DELETE", f"{DEV}/tag-tables/Motors/actions/delete-sync",
         expect=[("delete", "tagTable", "Motors"), ("delete", "tag", "Pump1_Run"),
                 ("delete", "constant", "MAX_PUMPS")]),
    Case("tag-tables.delete", "DELETE", f"{DEV}/tag-tables/Motors/actions/delete",
         expect=[("delete", "tagTable", "Motors")], label="async"),
    Case("tag-tables.folders.delete", "DELETE", f"{DEV}/tag-tables/folders", body={"path": "Line1"},
         expect=[("delete", "folder", "Line1"), ("delete", "tagTable", "IO"), ("delete", "tag", "Level_Low")]),
    Case("tags.delete", "DELETE", f"{DEV}/tag-tables/Motors/tags/Pump1_Run", expect=[("delete", "tag", "Pump1_Run")]),
    Case("constants.delete", "DELETE", f"{DEV}/tag-tables/Motors/constants/MAX_PUMPS",
         expect=[("delete", "constant", "MAX_PUMPS")]),
    Case("tags.import-json", "POST", f"{DEV}/tags/actions/import-sync", body={"tableName": "Motors", "overwrite": True,
         "tags": [{"name": "Pump1_Run", "dataType": "Bool", "logicalAddress": "%Q0.1"},
                  {"name": "Pump2_Run", "dataType": "Bool", "logicalAddress": "%Q0.2"}]},
         expect=[("overwrite", "tag", "Pump1_Run")], summary="overwriting 'Pump1_Run'"),
    Case("tags.import-simaticml", "POST", f"{DEV}/tag-tables/actions/import-simaticml-sync",
         body={"xml": _TAG_TABLE_EXPORT, "overwrite": True}, expect=[("overwrite", "tag", "Pump1_Run")]),
    Case("tags.import-csv", "POST", f"{DEV}/tag-tables/Motors/actions/import-csv-sync",
         setup=_export(f"{DEV}/tag-tables/Motors/actions/export-csv-sync", {"exportPath": "t/tags.csv"}),
         body={"filePath": "t/tags.csv", "overwrite": True}, expect=[("overwrite", "tag", "Pump1_Run")]),
    Case("tags.import-xlsx", "POST", f"{DEV}/tag-tables/Motors/actions/import-xlsx",
         setup=_export(f"{DEV}/tag-tables/Motors/actions/export-excel-sync", {"exportPath": "t/tags.xlsx"}),
         body={"filePath": "t/tags.xlsx", "overwrite": True},
         expect=[("overwrite", "tag", "Pump1_Run"), ("overwrite", "constant", "MAX_PUMPS")]),
    _export_again("tags.export-xlsx", f"{DEV}/tag-tables/Motors/actions/export-excel-sync", "t/tags.xlsx"),
    _export_again("tags.export-csv", f"{DEV}/tag-tables/Motors/actions/export-csv",
                  "t/tags.csv", first=f"{DEV}/tag-tables/Motors/actions/export-csv-sync"),
    Case("tags.export-json", "POST", f"{DEV}/tag-tables/Motors/actions/export-json-sync",
         body={"exportPath": "t/tags.json"}, summary="write the new file 'tags.json'; nothing would be overwritten"),
    # ----- UDTs
    Case("udts.create", "POST", f"{DEV}/udts", body={"name": "UDT_Motor", "overwrite": True,
         "members": [{"name": "Speed", "dataType": "LReal"}]}, expect=[("overwrite", "udt", "UDT_Motor")],
         warning="'FB_Motor'"),
    Case("udts.delete", "DELETE", f"{DEV}/udts/UDT_Motor", body={"force": True},
         expect=[("delete", "udt", "UDT_Motor")],
         warning="'FB_Motor'"),
    Case("udts.export", "POST", f"{DEV}/udts/actions/export",
         setup=_export(f"{DEV}/udts/actions/export", {"udtName": "UDT_Motor", "exportPath": "u/UDT_Motor.xml"}),
         body={"udtName": "UDT_Motor", "exportPath": "u/UDT_Motor.xml", "overwrite": True},
         expect=[("overwrite", "file", "UDT_Motor.xml")]),
    Case("udts.export-one", "POST", f"{DEV}/udts/UDT_Valve/actions/export", body={"exportPath": "u/UDT_Valve.xml"},
         summary="write the new file 'UDT_Valve.xml'"),
    Case("udts.import", "POST", f"{DEV}/udts/actions/import",
         setup=_export(f"{DEV}/udts/actions/export", {"udtName": "UDT_Motor", "exportPath": "u/UDT_Motor.xml"}),
         body={"importFilePath": "u/UDT_Motor.xml", "overwrite": True}, expect=[("overwrite", "udt", "UDT_Motor")]),
    Case("udts.folders.delete", "DELETE", f"{DEV}/udts/folders/Types",
         expect=[("delete", "folder", "Types"), ("delete", "udt", "UDT_Valve")]),
    # ----- history
    Case("history.snapshots.delete", "DELETE", "/api/history/snapshots/{snapshot}",
         setup=_call("POST", "/api/history/blocks/PLC_1/FC_Scale/actions/snapshot", {}),
         expect=[("delete", "snapshot", "{snapshot}")]),
    Case("history.snapshots.restore", "POST", "/api/history/snapshots/{snapshot}/actions/restore-sync",
         setup=_snapshot_then_edit, expect=[("overwrite", "block", "FC_Scale")],
         summary="overwrite the block 'FC_Scale'"),
    Case("blocks.snapshot.load", "POST", f"{DEV}/blocks/FC_Scale/actions/load-snapshot", setup=_snapshot_then_edit,
         expect=[("overwrite", "block", "FC_Scale")]),
    # ----- simulation
    Case("simulation.instances.delete", "DELETE", f"{SIM}/instances/Spare_Sim", online=True,
         expect=[("delete", "instance", "Spare_Sim")]),
    Case("simulation.instances.power-off", "POST", f"{SIM}/instances/PLC_1_sim/power-off", online=True,
         expect=[("power off", "instance", "PLC_1_sim")], warning='"confirm": true'),
    Case("simulation.instances.stop", "POST", f"{SIM}/instances/PLC_1_sim/stop", online=True, body={"confirm": True},
         expect=[("stop", "instance", "PLC_1_sim")]),
    Case("simulation.instances.memory-reset", "POST", f"{SIM}/instances/PLC_1_sim/memory-reset", online=True,
         expect=[("reset", "instance", "PLC_1_sim")]),
    Case("simulation.instances.snapshots.restore", "POST", f"{SIM}/instances/PLC_1_sim/snapshots/Before%201/restore",
         online=True, setup=_snapshot_then_stop, expect=[("restore", "instance", "PLC_1_sim")], summary="'Before 1'"),
    Case("simulation.instances.snapshots.delete", "DELETE", f"{SIM}/instances/PLC_1_sim/snapshots/before%201",
         online=True, setup=_snapshot_then_stop, expect=[("delete", "snapshot", "Before 1")]),
    Case("simulation.stop", "POST", f"{SIM}/stop", online=True,
         expect=[("stop", "instance", "PLC_1_sim"), ("disconnect", "instance", "PLC_1_sim")]),
    Case("simulation.profiles.create", "POST", f"{SIM}/profiles", setup=_call("POST", f"{SIM}/profiles", _PROFILE),
         body={**_PROFILE, "overwrite": True}, expect=[("overwrite", "profile", "Line1")]),
    # ----- download / upload / CPU
    Case("devices.cpu.stop", "POST", f"{DEV}/cpu/actions/stop", online=True, expect=[("stop", "cpu", "PLC_1_sim")],
         warning='"confirm": true', summary="(now RUN)"),
    Case("devices.download", "POST", f"{DEV}/actions/download-sync", online=True, setup=_EDIT_FC_SCALE,
         expect=[("stop", "cpu", "PLC_1_sim"), ("replace", "block", "FC_Scale")], warning='"stopCpu": true'),
    Case("devices.download", "POST", f"{DEV}/actions/download", online=True, setup=_EDIT_FC_SCALE,
         body={"stopCpu": True, "startAfterDownload": True},
         expect=[("stop", "cpu", "PLC_1_sim"), ("replace", "block", "FC_Scale"), ("start", "cpu", "PLC_1_sim")],
         label="async-confirmed"),
    Case("devices.upload", "POST", f"{DEV}/actions/upload-sync", online=True, setup=_EDIT_FC_SCALE,
         body={"apply": True}, expect=[("overwrite", "block", "FC_Scale")]),
    # ----- watch and force tables
    Case("watch-tables.delete", "DELETE", f"{DEV}/watch-tables/Motors", expect=[("delete", "watchTable", "Motors")]),
    Case("watch-tables.entries.remove", "POST", f"{DEV}/watch-tables/Motors/entries/actions/remove",
         body={"names": ['"Pump1_Run"']}, expect=[("delete", "entry", '"Pump1_Run"')]),
    Case("watch-tables.entries.clear", "POST", f"{DEV}/watch-tables/Motors/entries/actions/clear",
         expect=[("delete", "entry", '"Pump1_Run"'), ("delete", "entry", '"Motor_DB".Speed')]),
    _export_again("watch-tables.export", f"{DEV}/watch-tables/Motors/actions/export", "w/Motors.xml"),
    Case("force-tables.delete", "DELETE", f"{DEV}/force-tables/Motors_Force", online=True,
         setup=_call("POST", f"{DEV}/force-tables/Motors_Force/actions/start-forcing", {"confirm": True}),
         body={"stopForcing": True}, expect=[("unforce", "force", "%Q0.0"), ("delete", "forceTable", "Motors_Force")]),
    Case("force-tables.entries.remove", "POST", f"{DEV}/force-tables/Motors_Force/entries/actions/remove",
         body={"names": ["%Q0.0"]}, expect=[("delete", "entry", "%Q0.0")]),
    _export_again("force-tables.export", f"{DEV}/force-tables/Motors_Force/actions/export", "w/Motors_Force.xml"),
    Case("force-tables.start-forcing", "POST", f"{DEV}/force-tables/Motors_Force/actions/start-forcing", online=True,
         expect=[("force", "force", "%Q0.0")], warning='"confirm": true'),
    Case("force-tables.stop-forcing", "POST", f"{DEV}/force-tables/Motors_Force/actions/stop-forcing", online=True,
         setup=_call("POST", f"{DEV}/force-tables/Motors_Force/actions/start-forcing", {"confirm": True}),
         expect=[("unforce", "force", "%Q0.0")]),
    Case("watch-force-tables.import", "POST", f"{DEV}/watch-force-tables/actions/import",
         setup=_export(f"{DEV}/watch-tables/Motors/actions/export", {"exportPath": "w/Motors.xml"}),
         body={"importFilePath": "w/Motors.xml", "overwrite": True}, expect=[("overwrite", "watchTable", "Motors")]),
    Case("watch-force-tables.folders.delete", "DELETE", f"{DEV}/watch-force-tables/folders",
         body={"folderPath": "Commissioning"},
         expect=[("delete", "folder", "Commissioning"), ("delete", "watchTable", "Checks")]),
    # ----- HMI
    _export_again("hmi.screens.export", f"{HMI}/screens/Root screen/actions/export", "h/root.xml", before=_HMI),
    Case("hmi.screens.import", "POST", f"{HMI}/screens/actions/import",
         setup=_steps(_HMI, _export(f"{HMI}/screens/Root screen/actions/export", {"exportPath": "h/root.xml"})),
         body={"importFilePath": "h/root.xml", "overwrite": True}, expect=[("overwrite", "screen", "Root screen")]),
    _export_again("hmi.tags.export", f"{HMI}/tags/actions/export", "h/tags.xml", before=_HMI),
    Case("hmi.tags.import", "POST", f"{HMI}/tags/actions/import",
         setup=_steps(_HMI, _export(f"{HMI}/tags/actions/export", {"exportPath": "h/tags.xml"})),
         body={"importFilePath": "h/tags.xml", "overwrite": True},
         expect=[("overwrite", "tagTable", "Default tag table")]),
    _export_again("hmi.connections.export", f"{HMI}/connections/actions/export", "h/c.xml", before=_HMI_CONNECTED),
    Case("hmi.connections.import", "POST", f"{HMI}/connections/actions/import", setup=_HMI_CONNECTED,
         body={"importFilePath": "h/connection.xml", "overwrite": True},
         expect=[("overwrite", "connection", "HMI_Connection_1")]),
    Case("hmi.scripts.import", "POST", f"{HMI}/scripts/actions/import", setup=_HMI_LISTS,
         body={"importFilePath": "h/script.xml", "overwrite": True}, expect=[("overwrite", "script", "Reset")]),
    Case("hmi.text-lists.import", "POST", f"{HMI}/text-lists/actions/import", setup=_HMI_LISTS,
         body={"importFilePath": "h/states.xml", "overwrite": True}, expect=[("overwrite", "textList", "States")]),
    Case("hmi.graphic-lists.import", "POST", f"{HMI}/graphic-lists/actions/import", setup=_HMI_LISTS,
         body={"importFilePath": "h/lamp.xml"}, expect=[("create", "graphicList", "Lamp")]),
    Case("hmi.screens.create", "POST", f"{UNI}/screens", setup=_UNIFIED, body={"name": "Main", "overwrite": True},
         expect=[("overwrite", "screen", "Main")]),
    Case("hmi.tags.create", "POST", f"{UNI}/tags", setup=_UNIFIED,
         body={"name": "Speed", "dataType": "Int", "tagTable": "Motor", "overwrite": True},
         expect=[("update", "tagTable", "Motor")]),
    Case("hmi.connections.create", "POST", f"{UNI}/connections", setup=_UNIFIED,
         body={"name": "Spare", "partner": "PLC_1", "overwrite": True}, expect=[("overwrite", "connection", "Spare")]),
    Case("hmi.scripts.create", "POST", f"{UNI}/scripts", setup=_UNIFIED,
         body={"name": "Helpers", "code": "// v2", "overwrite": True},
         expect=[("overwrite", "scriptModule", "Helpers")]),
    Case("hmi.screens.delete", "DELETE", f"{UNI}/screens/Main", setup=_UNIFIED, expect=[("delete", "screen", "Main")]),
    Case("hmi.tags.delete", "DELETE", f"{UNI}/tags/Speed", setup=_UNIFIED, expect=[("delete", "tag", "Speed")]),
    Case("hmi.tag-tables.delete", "DELETE", f"{UNI}/tag-tables/Motor", setup=_UNIFIED,
         expect=[("delete", "tagTable", "Motor")]),
    Case("hmi.connections.delete", "DELETE", f"{UNI}/connections/Spare", setup=_UNIFIED,
         expect=[("delete", "connection", "Spare")]),
    Case("hmi.scripts.delete", "DELETE", f"{UNI}/scripts/Helpers", setup=_UNIFIED,
         expect=[("delete", "scriptModule", "Helpers")]),
    Case("hmi.text-lists.delete", "DELETE", f"{UNI}/text-lists/States", setup=_UNIFIED_LISTS,
         expect=[("delete", "textList", "States")]),
    Case("hmi.graphic-lists.delete", "DELETE", f"{UNI}/graphic-lists/Lamp", setup=_UNIFIED_LISTS,
         expect=[("delete", "graphicList", "Lamp")]),
    _export_again("hmi.unified.export", f"{UNI}/unified/actions/export", "h/u.json", before=_UNIFIED),
    Case("hmi.unified.import", "POST", f"{UNI}/unified/actions/import",
         setup=_steps(_UNIFIED, _export(f"{UNI}/unified/actions/export", {"exportPath": "h/u.json"})),
         body={"importFilePath": "h/u.json", "overwrite": True},
         expect=[("overwrite", "screen", "Main"), ("overwrite", "connection", "Spare")]),
    Case("hmi.project-graphics.import", "POST", f"{HMI}/project-graphics/actions/import",
         setup=_steps(_HMI, _write("h/Lamp.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>'),
                      _call("POST", f"{HMI}/project-graphics/actions/import", {"importFilePath": "h/Lamp.svg"})),
         body={"importFilePath": "h/Lamp.svg", "overwrite": True}, expect=[("overwrite", "projectGraphic", "Lamp")]),
    Case("hmi.project-graphics.export", "POST", f"{HMI}/project-graphics/Lamp/actions/export",
         setup=_steps(_HMI, _write("h/Lamp.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>'),
                      _call("POST", f"{HMI}/project-graphics/actions/import", {"importFilePath": "h/Lamp.svg"})),
         body={"exportPath": "h/Lamp.svg", "overwrite": True}, expect=[("overwrite", "file", "Lamp.svg")]),
    Case("hmi.project-graphics.delete", "DELETE", f"{HMI}/project-graphics/Lamp",
         setup=_steps(_HMI, _write("h/Lamp.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>'),
                      _call("POST", f"{HMI}/project-graphics/actions/import", {"importFilePath": "h/Lamp.svg"})),
         expect=[("delete", "projectGraphic", "Lamp")]),
    # ----- source control
    Case("vcs.branches.delete", "DELETE", f"{VCS}/branches/b",
         setup=_steps(_VCS_COMMITTED, _call("POST", f"{VCS}/branches", {"branchName": "b"})),
         expect=[("delete", "branch", "b")]),
    Case("vcs.remotes.remove", "DELETE", f"{VCS}/remotes/origin",
         setup=_steps(_call("POST", f"{VCS}/init"), _bare_remote),
         expect=[("delete", "remote", "origin")]),
    Case("vcs.branches.checkout", "POST", f"{VCS}/branches/checkout", body={"branchName": "b"},
         setup=_steps(_VCS_COMMITTED, _call("POST", f"{VCS}/branches", {"branchName": "b"}), _EDIT_FC_SCALE,
                      _call("POST", f"{VCS}/commit-sync", {"message": "two"})),
         expect=[("replace", "object", "FC_Scale")], summary="Would switch to 'b'"),
    Case("vcs.restore", "POST", f"{VCS}/restore-sync", setup=_steps(_VCS_COMMITTED, _EDIT_FC_SCALE),
         body={"commitSha": "HEAD", "filePath": "PLC_1/Program blocks/FC_Scale.xml"},
         expect=[("replace", "object", "FC_Scale")]),
    Case("vcs.restore", "POST", f"{VCS}/restore", setup=_steps(_VCS_COMMITTED, _EDIT_FC_SCALE),
         body={"commitSha": "HEAD", "filePath": "PLC_1/Program blocks/FC_Scale.xml"},
         expect=[("replace", "object", "FC_Scale")], label="async"),
    # ----- test harness
    Case("testharness.tests.create", "POST", "/api/testharness/tests",
         setup=_call("POST", "/api/testharness/tests", _CASE_TEST),
         body={**_CASE_TEST, "overwrite": True}, expect=[("overwrite", "testCase", "Pump starts")]),
    Case("testharness.tests.delete", "DELETE", "/api/testharness/tests/Pump starts",
         setup=_call("POST", "/api/testharness/tests", _CASE_TEST), expect=[("delete", "testCase", "Pump starts")]),
    # ----- pipelines
    Case("pipelines.save", "POST", "/api/pipelines", setup=_SAVE_PIPELINE, body={**_PIPELINE, "overwrite": True},
         expect=[("overwrite", "pipeline", "Build")]),
    Case("pipelines.delete", "DELETE", "/api/pipelines/Build", setup=_SAVE_PIPELINE,
         expect=[("delete", "pipeline", "Build")]),
    Case("pipelines.run", "POST", "/api/pipelines/Build/run-sync", setup=_SAVE_PIPELINE,
         expect=[("run", "pipelineStep", "Compile"), ("run", "pipelineStep", "Download")],
         warning="Step 'Download' runs devices.download, which is destructive"),
    Case("pipelines.run", "POST", "/api/pipelines/Build/run", setup=_SAVE_PIPELINE,
         body={"variables": {"deviceName": "X"}},
         expect=[("run", "pipelineStep", "Compile")], label="async"),
    Case("pipelines.templates.instantiate", "POST", "/api/pipelines/templates/build-and-test/instantiate",
         body={"pipelineName": "CI"}, expect=[("create", "pipeline", "CI")]),
    # ----- security
    Case("security.configure", "POST", f"{DEV}/security/configure",
         body={"protectionLevel": "ReadAccess", "passwords": {"FullAccess": "Fu11-access!"}},
         expect=[("replace", "protectionLevel", "ReadAccess"), ("create", "password", "FullAccess")],
         warning="downloads and writes need a password"),
    Case("security.password.delete", "DELETE", f"{DEV}/security/password/ReadAccess",
         setup=_call("POST", f"{DEV}/security/configure", {
             "protectionLevel": "NoAccess", "passwords": {"FullAccess": "Fu11-access!", "ReadAccess": "R3ad!"}}),
         expect=[("delete", "password", "ReadAccess")]),
    Case("security.display-password.set", "POST", f"{DEV}/security/display-password", body={"password": "D1splay!"},
         expect=[("create", "password", "display")]),
    Case("security.master-secret", "POST", f"{DEV}/security/master-secret/actions", body={"action": "reset"},
         setup=_call("POST", f"{DEV}/security/master-secret/actions", {"password": "C0nfidential!"}),
         expect=[("reset", "masterSecret", "PLC_1")], warning="removes the protected configuration data"),
    # ----- libraries
    Case("library.master-copies.delete", "DELETE", f"{LIB}/master-copies/Kit%5CFC_Scale",
         setup=_steps(_call("POST", f"{LIB}/master-copies/folders", {"folderPath": "Kit"}),
                      _call("POST", f"{LIB}/master-copies", {"deviceName": "PLC_1", "objectName": "FC_Scale",
                                                             "folder": "Kit"})),
         expect=[("delete", "masterCopy", "Kit/FC_Scale")]),
    Case("library.types.delete", "DELETE", f"{LIB}/types/FC_Scale",
         setup=_steps(_LIB_TYPE, _call("DELETE", f"{DEV}/blocks/FC_Scale")),
         expect=[("delete", "libraryType", "FC_Scale")]),
    Case("library.types.versions", "POST", f"{LIB}/types/versions", body={"typeName": "FC_Scale", "action": "discard"},
         setup=_steps(_LIB_TYPE, _LIB_EDIT), expect=[("discard", "instance", "FC_Scale")]),
    Case("library.types.instantiate", "POST", f"{LIB}/types/actions/instantiate",
         body={"typeName": "FC_Scale", "deviceName": "PLC_1", "versionNumber": "0.0.1"},
         setup=_steps(_LIB_TYPE, _LIB_EDIT, _call("POST", f"{LIB}/types/versions",
                                                  {"typeName": "FC_Scale", "action": "release"})),
         expect=[("replace", "instance", "FC_Scale")]),
    Case("libraries.global.close", "POST", f"{GLIB}/actions/close", body={"discardChanges": True},
         setup=_steps(_GLIB, _call("POST", f"{GLIB}/master-copies/folders", {"folderPath": "Drives"})),
         expect=[("close", "globalLibrary", "Kit"), ("discard", "globalLibrary", "Kit")]),
    Case("libraries.global.master-copies.delete", "DELETE", f"{GLIB}/master-copies", body={"mcPath": "FC_Scale"},
         setup=_steps(_GLIB, _call("POST", f"{GLIB}/master-copies", {"deviceName": "PLC_1", "objectName": "FC_Scale"})),
         expect=[("delete", "masterCopy", "FC_Scale")]),
    Case("libraries.global.types.delete", "DELETE", f"{GLIB}/types/FC_Scale", setup=_GLIB_TYPE,
         expect=[("delete", "libraryType", "FC_Scale")]),
    Case("libraries.global.types.instantiate", "POST", f"{GLIB}/types/actions/instantiate",
         body={"typeName": "FC_Scale", "deviceName": "PLC_1"},
         setup=_steps(_GLIB_TYPE, _LIB_EDIT, _call("POST", f"{LIB}/types/versions",
                                                   {"typeName": "FC_Scale", "action": "release"})),
         expect=[("replace", "instance", "FC_Scale")]),
]
OWN_DRY_RUN = {"history.cleanup"}
"""Operations whose input has a ``dryRun`` of its own; their preview is tested through the job manager."""
FARM_ONLY = {"farm.agents.release"}
"""Operations that need a farm (agents over a broker); their dry run is tested in tests/farm."""


def _latest_snapshot(client: TestClient[Any], h: Headers) -> str:
    return data(client.get("/api/history/blocks/PLC_1/FC_Scale", headers=h))[0]["id"]


def _dry_run(client: TestClient[Any], h: Headers, case: Case, path: str) -> Any:
    if case.method in ("GET", "DELETE"):
        params = {**{k: str(v).lower() if isinstance(v, bool) else v for k, v in case.body.items()}, "dryRun": "true"}
        return client.request(case.method, path, params=params, headers=h)
    return client.request(case.method, path, json={**case.body, "dryRun": True}, headers=h)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_dry_run_names_what_would_change_and_changes_nothing(
    case: Case, client: TestClient[Any], h: Headers, workspace: Path, request: pytest.FixtureRequest,
) -> None:
    if case.online:
        request.getfixturevalue("online")
    if case.setup is not None:
        case.setup(client, h, workspace)
    path = case.path
    expect = case.expect
    if "{snapshot}" in path:
        snapshot = _latest_snapshot(client, h)
        path = path.replace("{snapshot}", snapshot)
        expect = [(a, k, n.replace("{snapshot}", snapshot)) for a, k, n in expect]
    before = state(client, h, workspace)
    response = _dry_run(client, h, case, path)
    preview = data(response)
    assert response.headers["x-dry-run"] == "true" and response.json()["message"] == "dry run: nothing was changed"
    assert preview["operation"] == case.operation and preview["dryRun"] is True and preview["summary"]
    msgspec.convert(preview, Preview)  # the documented shape
    changes = [(c["action"], c["kind"], c["name"]) for c in preview["changes"]]
    for action, kind, name in expect:
        # an empty name matches any; a file is named by its full path
        named = [c for c in changes if c[:2] == (action, kind)]
        assert any(not name or c[2] == name or c[2].endswith("/" + name) for c in named), (action, kind, name, preview)
    assert case.summary in preview["summary"], preview
    assert not case.warning or any(case.warning in w for w in preview["warnings"]), preview
    assert state(client, h, workspace) == before


def test_every_destructive_operation_has_a_case_and_a_preview() -> None:
    operations = list(registry())
    destructive = {op.name for op in operations if op.destructive}
    assert all(op.preview is not None for op in operations if op.destructive)
    assert destructive - OWN_DRY_RUN - FARM_ONLY == {c.operation for c in CASES}
    named = {  # issue 14's list; the registry may add to it, never drop one
        "projects.close", "devices.delete", "blocks.delete", "blocks.members.delete", "blocks.folders.delete",
        "external-sources.delete", "external-sources.folders.delete", "tag-tables.delete", "tag-tables.folders.delete",
        "tags.delete", "constants.delete", "udts.delete", "udts.folders.delete", "history.snapshots.delete",
        "history.snapshots.restore", "simulation.instances.delete", "simulation.instances.stop", "simulation.stop",
        "devices.cpu.stop", "devices.download", "watch-tables.delete", "force-tables.delete",
        "force-tables.stop-forcing", "watch-force-tables.folders.delete", "testharness.tests.delete",
    }
    assert named <= destructive
    for op in operations:  # an input that can overwrite makes the operation destructive
        fields = {f.name for f in msgspec.structs.fields(op.input)} if op.input is not None else set()
        assert "overwrite" not in fields or op.destructive, op.name
        assert not op.destructive or op.mutating, op.name


def test_the_registry_refuses_a_destructive_operation_without_a_preview() -> None:
    from engineering_api.jobs.operations import OperationRegistry

    bare: Operation[Any,
                    Any] = Operation(name="x.delete", summary="x", section="x", handler=lambda ctx, d: None,
                                     input=None, output=None,
                     destructive=True)
    with pytest.raises(ValueError, match="no preview"):
        OperationRegistry().add(bare)


def test_a_dry_run_fails_like_the_call(client: TestClient[Any], h: Headers) -> None:
    jobs = data(client.get("/api/jobs", headers=h))["total"]
    assert_error(client.delete(f"{DEV}/blocks/Nope", params={"dryRun": "true"}, headers=h), 404, "BLOCK_NOT_FOUND")
    assert_error(client.delete("/api/devices/Nope", params={"dryRun": "true"}, headers=h), 404, "DEVICE_NOT_FOUND")
    assert_error(client.delete(f"{DEV}/blocks/FB_Motor/interface/members/Speed", params={"dryRun": "true"}, headers=h),
                 409, "MEMBER_IN_USE")
    assert_error(client.delete(f"{DEV}/udts/UDT_Motor", params={"dryRun": "true"}, headers=h), 409, "TYPE_IN_USE")
    assert_error(client.delete(f"{DEV}/tag-tables/Default tag table/actions/delete-sync", params={"dryRun": "true"},
                               headers=h), 409, "DEFAULT_TAG_TABLE")
    assert_error(client.delete(f"{DEV}/blocks/folders", params={"folderPath": "Nope", "dryRun": "true"}, headers=h),
                 404, "FOLDER_NOT_FOUND")
    assert_error(client.post(f"{DEV}/blocks", json={**_FC_SCALE, "dryRun": True}, headers=h), 409, "OBJECT_EXISTS")
    assert_error(client.post(f"{DEV}/blocks/actions/export-sync", json={
        "blockName": "Nope", "exportPath": "x/Nope.xml", "dryRun": True}, headers=h), 404, "BLOCK_NOT_FOUND")
    assert_error(client.post("/api/blockgeneration/import-only", json={
        "deviceName": "PLC_1", "filePath": "../outside.xml", "dryRun": True}, headers=h), 422, "PATH_REJECTED")
    assert_error(client.post(f"{DEV}/force-tables/Motors_Force/actions/start-forcing", json={"dryRun": True},
                             headers=h), 409, "DEVICE_OFFLINE")
    # the project is still as built, and no job was recorded for any of these
    assert {b["name"] for b in data(client.get(f"{DEV}/blocks", headers=h))} >= {"FC_Scale", "FB_Motor", "Motor_DB"}
    assert data(client.get("/api/jobs", headers=h))["total"] == jobs


def test_a_dry_run_needs_the_operation_s_role(
    client: TestClient[Any], h: Headers, viewer_headers: Headers, engineer_headers: Headers, services: Services,
) -> None:
    assert_error(client.delete(f"{DEV}/blocks/FC_Scale", params={"dryRun": "true"}, headers=viewer_headers), 403,
                 "FORBIDDEN")
    assert_error(client.post("/api/projects/actions/close-sync", json={"dryRun": True}, headers=viewer_headers), 403)
    assert data(client.delete(f"{DEV}/blocks/FC_Scale", params={"dryRun": "true"}, headers=engineer_headers))["dryRun"]
    records = services.audit.page(limit=3).records
    assert [(r.status, r.outcome) for r in records[:2]] == [(200, "dry run"), (403, "denied")]
    assert data(client.get(f"{DEV}/blocks/FC_Scale/content", headers=h))["name"] == "FC_Scale"


def test_a_failed_dry_run_is_audited_as_one(client: TestClient[Any], h: Headers, services: Services) -> None:
    assert_error(client.delete(f"{DEV}/blocks/Nope", params={"dryRun": "true"}, headers=h), 404)
    record = services.audit.page(limit=1).records[0]
    assert (record.method, record.path, record.status, record.outcome) == (
        "DELETE", f"{DEV}/blocks/Nope", 404, "dry run failed")
    data(client.delete(f"{DEV}/blocks/FC_Scale", headers=h))  # the real call is audited as a change
    assert services.audit.page(limit=1).records[0].outcome == "succeeded"


def test_dry_run_false_runs_the_call_and_the_preview_listed_what_it_removed(
    client: TestClient[Any], h: Headers,
) -> None:
    folder = {"folderPath": "Motors"}
    preview = data(client.delete(f"{DEV}/blocks/folders", params={**folder, "dryRun": "true"}, headers=h))
    removed = data(client.delete(f"{DEV}/blocks/folders", params={**folder, "dryRun": "false"}, headers=h))
    assert removed["removed"] == [c["name"] for c in preview["changes"] if c["kind"] == "block"] == ["FC_Pump"]
    preview = data(client.delete(f"{DEV}/tag-tables/folders", params={"path": "Line1", "dryRun": "true"}, headers=h))
    removed = data(client.delete(f"{DEV}/tag-tables/folders", params={"path": "Line1"}, headers=h))
    assert removed == [c["name"] for c in preview["changes"] if c["kind"] == "tagTable"] == ["IO"]


def test_without_overwrite_an_import_preview_says_so_or_fails_like_the_import(
    client: TestClient[Any], h: Headers,
) -> None:
    fresh_spec = {**_FC_SCALE, "name": "FC_Fresh", "networks": [{"scl": "#FC_Fresh := 1.0;"}]}
    body = {"deviceName": "PLC_1", "spec": fresh_spec, "dryRun": True}
    fresh = data(client.post("/api/blockgeneration/generate-and-import", json=body, headers=h))
    assert fresh["summary"].endswith("nothing would be overwritten (overwrite is off).")
    assert [(c["action"], c["name"]) for c in fresh["changes"]] == [("create", "FC_Fresh")]
    clash = assert_error(client.post("/api/blockgeneration/generate-and-import", json={**body, "spec": _FC_SCALE},
                                     headers=h), 409, "OBJECT_EXISTS")
    real = assert_error(client.post("/api/blockgeneration/generate-and-import",
                                    json={**body, "spec": _FC_SCALE, "dryRun": False}, headers=h), 409, "OBJECT_EXISTS")
    assert clash["message"] == real["message"]


def test_a_confirmation_gate_is_a_warning_in_the_preview_not_an_error(
    client: TestClient[Any], h: Headers, online: Any,
) -> None:
    """The real call without confirm answers 409 and stops nothing; its preview shows the stop and says why."""
    preview = data(client.post(f"{DEV}/cpu/actions/stop", json={"dryRun": True}, headers=h))
    stop = [(c["action"], c["detail"].split(";")[0]) for c in preview["changes"]]
    assert stop == [("stop", "CPU is RUN (running the program of 'PLC_1')")]
    assert_error(client.post(f"{DEV}/cpu/actions/stop", json={}, headers=h), 409, "STOP_NOT_CONFIRMED")
    confirmed = data(client.post(f"{DEV}/cpu/actions/stop", json={"confirm": True, "dryRun": True}, headers=h))
    assert confirmed["warnings"] == [] and online.state == "Run"
    data(client.post(f"{DEV}/cpu/actions/stop", json={"confirm": True}, headers=h))
    assert data(client.post(f"{DEV}/cpu/actions/stop", json={"dryRun": True}, headers=h))["changes"] == []


def test_the_job_manager_previews_for_mcp(client: TestClient[Any], h: Headers, services: Services) -> None:
    """``JobManager.preview`` is what the MCP layer calls; history.cleanup (a dryRun of its own on REST) too."""
    operations = registry()

    def operation(name: str) -> Operation[Any, Any]:
        found = operations.get(name)
        assert found is not None, name
        return found

    close = operation("projects.close")
    preview = client.blocking_portal.call(services.jobs.preview, close, None)
    assert (preview.operation, preview.dry_run, preview.changes[0].name) == ("projects.close", True, "Line1")
    cleanup = operation("history.cleanup")
    data(client.post("/api/history/blocks/PLC_1/FC_Scale/actions/snapshot", json={}, headers=h))
    data(client.post("/api/history/blocks/PLC_1/FC_Scale/actions/snapshot", json={}, headers=h))
    assert cleanup.input is not None
    doomed = client.blocking_portal.call(services.jobs.preview, cleanup, cleanup.input(max_per_object=1))
    assert [(c.action, c.kind) for c in doomed.changes] == [("delete", "snapshot")]
    assert data(client.get("/api/history/stats", headers=h))["total"] == 2
    with pytest.raises(ValidationError) as refused:
        client.blocking_portal.call(services.jobs.preview, operation("blocks.list"), None)
    assert refused.value.code == "NO_PREVIEW"


def test_openapi_documents_dry_run(client: TestClient[Any]) -> None:
    document = client.app.openapi_schema.to_schema()
    destructive = {op.name for op in registry() if op.destructive} - OWN_DRY_RUN
    seen = set()
    for methods in document["paths"].values():
        for operation in methods.values():
            names = {p["name"] for p in operation.get("parameters", [])}
            summary = operation.get("description") or ""
            if "dryRun" in names:
                seen.add(operation["operationId"])
                assert "Destructive: takes dryRun." in summary
                ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
                refs = [s["$ref"] for s in ok.get("anyOf", [ok])]
                assert "#/components/schemas/PreviewResponse" in refs
                for ref in refs:
                    assert ref.rsplit("/", 1)[-1] in document["components"]["schemas"]
    routes = sum(1 for op in registry() if op.name in destructive for _ in op.routes())
    assert len(seen) == routes
    cleanup = document["paths"]["/api/history/actions/cleanup"]["post"]
    assert "dryRun" not in {p["name"] for p in cleanup.get("parameters", [])}
