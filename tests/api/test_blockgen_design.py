"""Block Generation: the templates and generate-from-design."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simatic_xml import parse_bytes
from tests.api.blockgen_support import (
    DESIGN, DESIGN_ONE, TEMPLATES, Shared, assert_pump_imported, generate, program_objects, shared_app
)
from tests.conftest import HMI, add_device, assert_error, data


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    yield from shared_app(tmp_path_factory)


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
    from_spec = data(generate(client, headers, {"spec": valve["spec"]}))
    from_template = data(generate(client, headers, {"template": "valve"}))
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
    # The design's Main replaces the Main [OB1] TIA created with the PLC: only with overwrite, as on TIA.
    body = assert_error(_from_design(client, engineer_headers, {"design": DESIGN_ONE, "deviceName": "PLC_1"}), 422,
                        "IMPORT_FAILED")
    assert {f["source"]: f["code"] for f in body["details"]["files"] if f["status"] == "Failed"} == {
        "Main": "OBJECT_EXISTS"}
    result = data(_from_design(client, engineer_headers,
                               {"design": DESIGN_ONE, "deviceName": "PLC_1", "overwrite": True}))
    assert result["version"] == "V19"  # the open project's
    names = [d["name"] for d in result["documents"]]
    assert names == ["IO", "FB_Motor", "Pump1", "Main"]
    imported = result["imported"]
    assert imported["order"] == names
    assert [r["status"] for r in imported["reports"]] == ["Imported"] * 4
    assert_pump_imported(services, result["documents"], "IO")
    # Again without overwrite: every document exists, nothing changes; with overwrite it succeeds.
    body = assert_error(_from_design(client, engineer_headers, {"design": DESIGN_ONE, "deviceName": "PLC_1"}), 422,
                        "IMPORT_FAILED")
    assert {(f["status"], f["code"]) for f in body["details"]["files"]} == {("Failed", "OBJECT_EXISTS")}
    result = data(_from_design(client, engineer_headers,
                               {"design": DESIGN_ONE, "deviceName": "PLC_1", "overwrite": True}))
    assert [r["status"] for r in result["imported"]["reports"]] == ["Imported"] * 4


def test_generate_from_design_with_two_modules_imports(client, engineer_headers, cpu, services):
    result = data(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "PLC_1", "overwrite": True}))
    assert [r["status"] for r in result["imported"]["reports"]] == ["Imported"] * 6  # Main over the PLC's OB1
    assert {n: o.kind for n, o in program_objects(services).items()} == {
        "IO": "TagTable", "FB_Motor": "FB", "FB_Valve": "FB", "Pump1": "InstanceDB", "Inlet": "InstanceDB", "Main": "OB"
    }


BAD_DESIGNS = [
    ("no-modules", {"io": DESIGN["io"]}, "modules"),
    ("unknown-template", {**DESIGN, "modules": [{"name": "M1", "template": "nope"}]}, "modules[0].template"),
    ("bad-address", {**DESIGN, "io": [{"name": "A", "address": "%X0.0"}]}, "io[0].address"),
    ("duplicate-address", {**DESIGN, "io": [*DESIGN["io"], {"name": "Other", "address": "%I0.0"}]}, "io[4].address"),
    ("duplicate-tag", {**DESIGN, "io": [*DESIGN["io"], {"name": "pump1_start", "address": "%I1.0"}]}, "io[4].name"),
    ("unknown-io-key", {**DESIGN, "modules": [{**DESIGN["modules"][0], "io": {"Nope": "Pump1_Start"}}]},
     "modules[0].io.Nope"),
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
    body = assert_error(_from_design(client, engineer_headers, {"design": design, "deviceName": "PLC_1"}), 422,
                        "INVALID_SPEC")
    assert body["details"]["field"] == "interlocks[0].target"
    assert program_objects(services) == {}


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
    assert_error(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "PLC_1"}), 409,
                 "NO_PROJECT_OPEN")
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))
    assert_error(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "PLC_1"}), 404,
                 "DEVICE_NOT_FOUND")
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(_from_design(client, engineer_headers, {"design": DESIGN, "deviceName": "HMI_1"}), 422, "NOT_A_PLC")
