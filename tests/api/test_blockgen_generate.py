"""Block Generation, generate-only: from a spec or a template, the bad specs it refuses, GRAPH, and every
template imported back and re-exported identically."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from engineering_api.backend.errors import EngineeringError
from simatic_xml import parse_bytes
from simatic_xml.objects import Block
from tests.api.blockgen_support import (
    BOM, FB_LAD, FC_SCL, GLOBAL_DB, INSTANCE_DB, OB_MAIN, TEMPLATES, UDT, Shared, generate, new_portal, post_import,
    program_objects, shared_app, spec_with
)
from tests.conftest import CPU, add_device, assert_error, data, interface_of, simaticml_object


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    yield from shared_app(tmp_path_factory)


# ----- generate-only ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "element", "language"),
    [(FC_SCL, "FC", "SCL"), (FB_LAD, "FB", "LAD"), (GLOBAL_DB, "GlobalDB", "DB"), (UDT, "PlcStruct", None),
     (OB_MAIN, "OB", "SCL"), (INSTANCE_DB, "InstanceDB", "DB")],
    ids=["scl-fc", "lad-fb", "global-db", "udt", "ob", "instance-db"],
)
def test_generate_only_from_a_spec_rereads(shared, spec, element, language):
    client, headers = shared.client, shared.headers
    block = data(generate(client, headers, {"spec": spec}))
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
    block = data(generate(client, headers, {"spec": GLOBAL_DB}))
    members = {m.name: m for s in interface_of(simaticml_object(block["xml"], Block)).sections.sections
               for m in s.members}
    assert members["Count"].datatype == "Int"
    assert members["Buf"].datatype == "Array[0..9] of Int"


@pytest.mark.parametrize("template", TEMPLATES)
def test_generate_only_from_each_template(shared, template):
    client, headers = shared.client, shared.headers
    version = "V18" if template == "graph_sequence" else "V19"
    block = data(generate(client, headers, {"template": template, "targetVersion": version}))
    doc = parse_bytes(block["xml"])
    assert type(doc.object).__name__ == "FB" == block["blockType"]
    assert doc.object.name == block["name"]
    assert doc.engineering_version == version == block["version"]
    assert doc.object.attr("ProgrammingLanguage") == block["language"]


def test_template_parameters_apply(shared):
    client, headers = shared.client, shared.headers
    block = data(generate(client, headers,
                          {"template": "valve", "parameters": {"blockName": "FB_Inlet", "discrepancyTime": "T#3s"}}))
    assert block["name"] == "FB_Inlet" and block["fileName"] == "FB_Inlet.xml"
    assert parse_bytes(block["xml"]).object.name == "FB_Inlet"
    assert "T#3s" in block["xml"]


@pytest.mark.parametrize("version", ["V16", "V17", "V18", "V19", "V20", "V21"])
def test_generate_only_target_versions(shared, version):
    client, headers = shared.client, shared.headers
    block = data(generate(client, headers, {"spec": FB_LAD, "targetVersion": version}))
    assert block["version"] == version
    assert f'<Engineering version="{version}" />' in block["xml"]
    assert parse_bytes(block["xml"]).engineering_version == version


def test_the_documented_example_generates(shared):
    example = shared.client.app.state.services.operations.get("blockgeneration.generate-only").example
    block = data(generate(shared.client, shared.headers, example))
    assert block["name"] == "FC_Scale"


def test_an_fc_assigns_its_return_value_through_its_own_name(shared):
    """TIA SCL sets a function's value as #<FunctionName> := ...; Ret_Val is the member's name, not an operand."""
    spec = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
            "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
            "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw);"}]}
    block = data(generate(shared.client, shared.headers, {"spec": spec}))
    assert 'Name="Ret_Val" Datatype="Real"' in block["xml"]
    spec["networks"] = [{"scl": "#Ret_Val := INT_TO_REAL(#Raw);"}]
    body = assert_error(generate(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "networks[0].scl" and "Ret_Val" in body["message"]


def test_every_network_error_is_reported_where_the_user_wrote_it(shared):
    """All findings of all networks, each with its network number and the line and column in that network's text."""
    spec = {"blockType": "FC", "name": "FC_Bad", "language": "SCL", "returnType": "Int",
            "networks": [{"scl": "#FC_Bad := #nope;"}, {"scl": "#FC_Bad := 2;\n  #FC_Bad := ;"},
                         {"scl": "IF TRUE THEN\n   #also := 1;\nEND_IF;"}]}
    body = assert_error(generate(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "networks[0].scl" and "(and 2 more error(s)" in body["message"]
    found = [(d["network"], d["line"], d["column"], d["code"], d["block"]) for d in body["details"]["diagnostics"]]
    assert found == [(1, 1, 12, "UNDECLARED", "FC_Bad"), (2, 2, 14, "SYNTAX_ERROR", "FC_Bad"),
                     (3, 2, 4, "UNDECLARED", "FC_Bad")]


def test_a_network_that_cannot_be_written_is_an_invalid_network(shared):
    """A LAD element of no known kind cannot be written into SimaticML: INVALID_NETWORK, an Error naming the network
    and the element. An undeclared operand of a LAD network is UNDECLARED, as in an SCL network (it was reported as
    INVALID_NETWORK)."""
    spec = spec_with(FB_LAD, networks=[{"lad": [[{"contact": "#Start"}, {"coil": "#Run"}]]},
                                       {"lad": [[{"contact": "#Start"}, {"coil": "#Gone"}]]},
                                       {"lad": [[{"contact": "#Start"}, {"lamp": "#Run"}]]}])
    body = assert_error(generate(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "networks[1].lad[0][1].coil"
    assert [(d["code"], d["severity"], d["block"], d["network"], d["message"])
            for d in body["details"]["diagnostics"]] == [
        ("UNDECLARED", "Error", "FB_Motor", 2,
         "networks[1].lad[0][1].coil: operand #Gone is not declared in the block interface"),
        ("INVALID_NETWORK", "Error", "FB_Motor", 3, "networks[2].lad[0][1]: an element needs exactly one of contact, "
         "coil, set, reset, series, parallel, box, call")]


@pytest.mark.parametrize("version", ["V15", "V14SP1", "V99"])
def test_generate_only_unsupported_versions(shared, version):
    client, headers = shared.client, shared.headers
    body = assert_error(generate(client, headers, {"spec": FC_SCL, "targetVersion": version}), 422,
                        "VERSION_CANNOT_EXPRESS")
    assert body["details"]["field"] == "version"


def test_generate_only_defaults_to_the_open_projects_version(client, admin_headers):
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    data(client.post("/api/instance/actions/launch", json={"version": "V18"}, headers=admin_headers))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Old"}, headers=admin_headers))
    block = data(generate(client, admin_headers, {"spec": FC_SCL}))
    assert block["version"] == "V18"
    assert '<Engineering version="V18" />' in block["xml"]


def test_generate_only_without_a_portal_uses_the_default_version_but_no_other_error(client, admin_headers,
                                                                                   services, monkeypatch):
    """No portal (or no project) is why there is no project version to follow: the generator's default serves.
    Any other failure to read the open projects is the answer, not a block made for a version nobody asked."""
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    assert data(generate(client, admin_headers, {"spec": FC_SCL}))["version"] == "V19"

    def failing() -> Any:
        raise EngineeringError("the Openness call GetProjects failed", code="OPENNESS_ERROR")

    monkeypatch.setattr(services.backend, "open_projects", failing)
    assert_error(generate(client, admin_headers, {"spec": FC_SCL}), 500, "OPENNESS_ERROR")


def test_generate_only_writes_the_output_file(client, engineer_headers, workspace):
    block = data(generate(client, engineer_headers, {"spec": FC_SCL, "outputPath": "out/FC_Scale.xml"}))
    target = workspace / "out" / "FC_Scale.xml"
    assert block["writtenTo"] == str(target)
    written = target.read_bytes()
    assert written == BOM + block["xml"].encode("utf-8")
    assert parse_bytes(written).object.name == "FC_Scale"
    # An existing file is not overwritten.
    assert_error(generate(client, engineer_headers, {"spec": FC_SCL, "outputPath": "out/FC_Scale.xml"}), 409)
    assert target.read_bytes() == written


@pytest.mark.parametrize("path", ["../../FC.xml", "/etc/FC.xml"])
def test_generate_only_output_outside_the_roots(shared, path):
    client, headers = shared.client, shared.headers
    body = assert_error(generate(client, headers, {"spec": FC_SCL, "outputPath": path}), 422, "PATH_REJECTED")
    assert body["details"]["field"] in ("output_path", "outputPath")
    assert body["details"]["reason"]


def test_path_errors_name_the_field_as_sent(shared):
    body = assert_error(generate(shared.client, shared.headers, {"spec": FC_SCL, "outputPath": "../x.xml"}), 422,
                        "PATH_REJECTED")
    assert body["details"]["field"] == "outputPath"


def test_generate_only_output_must_be_xml(client, engineer_headers, workspace):
    assert_error(generate(client, engineer_headers, {"spec": FC_SCL, "outputPath": "out/FC.txt"}), 422, "PATH_REJECTED")
    assert not (workspace / "out" / "FC.txt").exists()


# ----- bad specs -------------------------------------------------------------------------------
BAD_SPECS = [
    ("block-type", spec_with(FC_SCL, blockType="Program"), "blockType"),
    ("data-type", spec_with(FC_SCL, interface={"Input": [{"name": "Raw", "dataType": "Intt"}]}),
     "interface.Input[0].dataType"),
    ("duplicate-member",
     spec_with(FC_SCL, interface={"Input": [{"name": "Raw", "dataType": "Int"}, {"name": "raw", "dataType": "Int"}]}),
     "interface.Input[1].name"),
    ("duplicate-across-sections", spec_with(FC_SCL, interface={"Input": [{"name": "Raw", "dataType": "Int"}],
                                                          "Temp": [{"name": "RAW", "dataType": "Real"}]}),
                                                          "interface.Temp[0].name"),
    ("forbidden-member-name", spec_with(FC_SCL, interface={"Input": [{"name": "Ra\"w", "dataType": "Int"}]}),
     "interface.Input[0].name"),
    ("forbidden-block-name", spec_with(FC_SCL, name="FC/Scale"), "name"),
    ("graph-reserved-name",
     spec_with(FC_SCL, blockType="FB", language="GRAPH",
               interface={"Static": [{"name": "INIT_SQ", "dataType": "Bool"}]},
                                  networks=[{"graph": {"steps": [], "transitions": []}}]), "interface.Static[0].name"),
    ("undeclared-scl-operand", spec_with(FC_SCL, networks=[{"scl": "#Scaled := INT_TO_REAL(#Nope);"}]),
     "networks[0].scl"),
    ("undeclared-lad-operand", spec_with(FB_LAD, networks=[{"lad": [[{"contact": "#Start"}, {"coil": "#Missing"}]]}]),
     "networks[0].lad[0][1].coil"),
    ("language-for-type", spec_with(FC_SCL, language="GRAPH"), "language"),
    ("language-for-db", spec_with(GLOBAL_DB, language="SCL"), "language"),
    ("network-language", spec_with(FC_SCL, networks=[{"lad": [[{"contact": "#Raw"}]]}]), "networks[0].lad"),
    ("unknown-field", spec_with(FC_SCL, colour="red"), "colour"),
]


@pytest.mark.parametrize(("spec", "field"), [(s, f) for _, s, f in BAD_SPECS], ids=[i for i, _, _ in BAD_SPECS])
def test_bad_specs_name_the_field(shared, spec, field):
    client, headers = shared.client, shared.headers
    body = assert_error(generate(client, headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == field
    assert body["details"]["reason"]
    assert body["message"].startswith(field)


@pytest.mark.parametrize(("datatype", "value"), [("Bool", 5), ("Int", "abc"), ("Int", 99999), ("Time", "5")])
def test_a_start_value_must_fit_its_type(shared, datatype, value):
    spec = spec_with(GLOBAL_DB, interface={"Static": [{"name": "V", "dataType": datatype, "startValue": value}]})
    body = assert_error(generate(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "interface.Static[0].startValue"


def test_a_udt_cannot_contain_itself(shared):
    spec = {"blockType": "UDT", "name": "UDT_Loop", "interface": {"None": [{"name": "Next", "dataType": '"UDT_Loop"'}]}}
    body = assert_error(generate(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "interface.None[0].dataType"


def test_graph_for_v19_cannot_be_expressed(shared):
    client, headers = shared.client, shared.headers
    for route in ("generate-only", "generate-graph-only"):
        body = assert_error(
            generate(client, headers, {"template": "graph_sequence", "targetVersion": "V19"}, route), 422,
            "VERSION_CANNOT_EXPRESS"
        )
        assert body["details"]["field"] == "version"
        assert "V19" in body["message"]


@pytest.mark.parametrize("body", [{"spec": FC_SCL, "template": "valve"}, {}, {"parameters": {"blockName": "X"}}],
                         ids=["both", "neither", "params-only"])
def test_spec_and_template_exactly_one(shared, body):
    client, headers = shared.client, shared.headers
    assert assert_error(generate(client, headers, body), 422, "INVALID_SPEC")["details"]["field"] == "spec"


def test_unknown_template_and_bad_parameters(shared):
    client, headers = shared.client, shared.headers
    body = assert_error(generate(client, headers, {"template": "nope"}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "template"
    assert "valve" in body["message"]  # names the available templates
    body = assert_error(generate(client, headers, {"template": "valve", "parameters": {"colour": 1}}), 422,
                        "INVALID_SPEC")
    assert body["details"]["field"] == "parameters.colour"
    body = assert_error(generate(client, headers, {"template": "valve", "parameters": {"discrepancyTime": "5s"}}), 422)
    assert body["details"]["field"] == "parameters.discrepancyTime"


def test_a_bad_template_parameter_is_named_as_sent(shared):
    # TIA's header fields take blanks and more than 8 characters ("SIEMENS SUP Applications" in TIA's own
    # exports); a line break is what no header field can hold.
    bad = "John\nSmith"
    body = assert_error(generate(shared.client, shared.headers,
                                 {"template": "motor_starter", "parameters": {"author": bad}}),
                        422, "INVALID_SPEC")
    assert body["details"]["field"] == "parameters.author"
    design = {"modules": [{"name": "P1", "template": "motor_starter", "parameters": {"author": bad}}]}
    body = assert_error(generate(shared.client, shared.headers, {"design": design}, "generate-from-design"), 422,
                        "INVALID_SPEC")
    assert body["details"]["field"] == "modules[0].parameters.author"


@pytest.mark.parametrize("route", ["generate-only", "generate-graph-only"])
def test_prompt_needs_an_assistant(shared, route):
    client, headers = shared.client, shared.headers
    assert_error(generate(client, headers, {"prompt": "a motor starter with a feedback timeout"}, route), 501,
                 "PROMPT_NOT_SUPPORTED")


def test_prompt_with_a_template_uses_the_template(shared):
    client, headers = shared.client, shared.headers
    block = data(generate(client, headers, {"prompt": "ignored", "template": "alarm"}))
    assert block["name"] == "FB_Alarm"


def test_a_bad_body_is_422(shared):
    client, headers = shared.client, shared.headers
    assert_error(generate(client, headers, {"spec": "not an object"}), 422)
    assert_error(generate(client, headers, {"template": "valve", "targetVersion": 19}), 422)


# ----- GRAPH routes ----------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["V17", "V18", "V21"])
def test_generate_graph_only(shared, version):
    client, headers = shared.client, shared.headers
    block = data(generate(client, headers, {"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"},
                                               "targetVersion": version}, "generate-graph-only"))
    assert (block["name"], block["language"], block["version"]) == ("Seq_Tank", "GRAPH", version)
    doc = parse_bytes(block["xml"])
    assert doc.object.attr("ProgrammingLanguage") == "GRAPH"
    assert doc.engineering_version == version


def test_generate_graph_only_refuses_other_languages(shared):
    client, headers = shared.client, shared.headers
    body = assert_error(generate(client, headers, {"template": "valve", "targetVersion": "V18"},
                                 "generate-graph-only"), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "language"


def test_generate_graph_only_sets_the_language(shared):
    client, headers = shared.client, shared.headers
    spec = copy.deepcopy(data(client.get("/api/blockgeneration/templates?name=graph_sequence", headers=shared.viewer))[
        0]["spec"])
    spec.pop("language")
    block = data(generate(client, headers, {"spec": spec, "targetVersion": "V21"}, "generate-graph-only"))
    assert block["language"] == "GRAPH"


def test_generate_graph_imports_into_a_v18_project(client, admin_headers, services):
    new_portal(client, admin_headers, "V18")
    result = data(post_import(client, admin_headers,
                              {"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"},
                                                  "deviceName": "PLC_1"}, "generate-graph"))
    assert result["block"]["version"] == "V18"  # the open project's version
    assert [r["status"] for r in result["reports"]] == ["Imported"]
    assert program_objects(services)["Seq_Tank"].language == "GRAPH"


def test_generate_graph_in_a_v19_project_is_422(client, engineer_headers, cpu, services):
    body = assert_error(post_import(client, engineer_headers, {"template": "graph_sequence", "deviceName": "PLC_1"},
                                    "generate-graph"),
                        422, "VERSION_CANNOT_EXPRESS")
    assert body["details"]["field"] == "version"
    assert program_objects(services) == {}


# ----- every template imports back and re-exports identically ---------------------------------
@pytest.mark.parametrize("version", ["V17", "V18", "V19", "V20", "V21"])
def test_every_template_round_trips_through_the_model(client, admin_headers, services, version):
    """Each template (GRAPH where the version can express it) is generated and imported into its own
    PLC of a project of ``version``; the stored object exports to exactly the generated bytes."""
    if version == "V19":
        data(client.post("/api/projects/actions/create-sync", json={"name": "RT"}, headers=admin_headers))
    else:
        new_portal(client, admin_headers, version, device=False)
    templates = [t for t in TEMPLATES if t != "graph_sequence" or version in ("V17", "V18", "V21")]
    for template in templates:
        plc = f"PLC_{template}"
        add_device(client, admin_headers, CPU, plc)
        result = data(post_import(client, admin_headers, {"template": template, "deviceName": plc}))
        block = result["block"]
        assert block["version"] == version  # the open project's
        assert [(r["source"], r["status"], r["name"], r["kind"]) for r in result["reports"]] == [
            (block["fileName"], "Imported", block["name"], "FB")
        ]
        exported = services.backend.program.export_program_object(plc, block["name"])
        assert exported == BOM + block["xml"].encode("utf-8"), template
        assert parse_bytes(exported).engineering_version == version
    assert len(templates) == (6 if version in ("V17", "V18", "V21") else 5)


NOT_XML_CHARACTERS = ("\x00", "\x08", "\x0b", "\x0c", "\x1c", "\x1f", "\ufffe", "\uffff")
"""A sample of the characters XML 1.0's ``Char`` production leaves out, each class of it (JSON cannot carry a lone
surrogate into a Python text the API reads)."""
TEXTS_OF_A_SPEC = [
    (FC_SCL, ("networks", 0, "scl"), "networks[0].scl"),
    (FC_SCL, ("networks", 0, "title"), "networks[0].title"),
    (FB_LAD, ("networks", 0, "lad", 0, 1, "contact"), "networks[0].lad[0][1].contact"),
    (GLOBAL_DB, ("interface", "Static", 0, "startValue"), "interface.Static[0].startValue"),
    (UDT, ("interface", "None", 1, "name"), "interface.None[1].name"),
]


@pytest.mark.parametrize("character", NOT_XML_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(("spec", "where", "field"), TEXTS_OF_A_SPEC, ids=[t[2] for t in TEXTS_OF_A_SPEC])
def test_a_spec_text_holding_a_character_xml_cannot_carry_is_refused_where_it_is(shared, spec, where, field,
                                                                                   character):
    """Each such character in any text of a spec was written into SimaticML that no reader (TIA's import included)
    accepts; it is refused with the field it is in."""
    spec = copy.deepcopy(spec)
    holder = spec
    for step in where[:-1]:
        holder = holder[step]
    holder[where[-1]] = f"{holder[where[-1]]}{character}"
    body = assert_error(generate(shared.client, shared.headers, {"spec": spec}), 422, "INVALID_SPEC")
    assert body["details"]["field"] == field
    assert f"U+{ord(character):04X}" in body["message"] and "XML 1.0" in body["message"]
