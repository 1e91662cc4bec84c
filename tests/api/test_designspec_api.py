"""Design Spec: load, load-separate, model (GET/DELETE), generate, generate-and-import; the loaded
design survives a restart."""

from __future__ import annotations

import copy

import pytest

from engineering_api.config import Settings
from simatic_xml import parse_bytes
from tests.api.blockgen_support import assert_pump_imported, program_objects
from tests.conftest import CPU, HMI, add_device, assert_error, data, served
from tests.api.design_spec_sample import DESIGN, INTERLOCKS, IO, MODULES, OUTPUTS

BOM = b"\xef\xbb\xbf"

SEPARATE = {
    "inputs": IO, "outputs": OUTPUTS, "logic": {"modules": MODULES, "interlocks": INTERLOCKS},
    "configuration": {"name": "Line1"},
}
BLOCKS = ["FB_Motor", "Pump1", "Main"]
DOCUMENTS = ["Line1_IO", "FB_Motor", "Pump1", "Main"]


def _load(client, headers, design=DESIGN):
    return client.post("/api/design-spec/load", json={"design": design}, headers=headers)


def _model(client, headers):
    return client.get("/api/design-spec/model", headers=headers)


def _objects(services, device="PLC_1"):
    return program_objects(services, device)


# ----- load / model / clear --------------------------------------------------------------------
def test_load_then_model_then_clear(client, engineer_headers, viewer_headers):
    assert_error(_model(client, viewer_headers), 404, "NO_DESIGN_LOADED")
    summary = data(_load(client, engineer_headers))
    assert summary["blocks"] == BLOCKS
    assert summary["tags"] == 6
    assert summary["tagTable"] == "Line1_IO"
    assert summary["design"] == DESIGN
    assert data(_model(client, viewer_headers)) == summary
    assert data(client.delete("/api/design-spec/model", headers=engineer_headers)) == {"cleared": True}
    assert_error(_model(client, viewer_headers), 404, "NO_DESIGN_LOADED")
    assert_error(client.delete("/api/design-spec/model", headers=engineer_headers), 404, "NO_DESIGN_LOADED")


def test_load_replaces_the_previous_design(client, engineer_headers):
    data(_load(client, engineer_headers))
    other = {"io": [], "modules": [{"name": "Inlet", "template": "valve"}]}
    summary = data(_load(client, engineer_headers, other))
    assert summary["blocks"] == ["FB_Valve", "Inlet", "Main"]
    assert summary["tags"] == 0 and summary["tagTable"] == "IO"
    assert data(_model(client, engineer_headers))["design"] == other


def test_load_separate_gives_the_same_result(client, engineer_headers):
    whole = data(_load(client, engineer_headers))
    parts = data(client.post("/api/design-spec/load-separate", json=SEPARATE, headers=engineer_headers))
    assert (parts["blocks"], parts["tags"], parts["tagTable"]) == (whole["blocks"], whole["tags"], whole["tagTable"])
    assert parts["design"]["io"] == [*IO, *OUTPUTS]
    assert parts["design"]["modules"] == MODULES and parts["design"]["interlocks"] == INTERLOCKS
    assert data(_model(client, engineer_headers)) == parts
    generated = data(client.post("/api/design-spec/generate", json={}, headers=engineer_headers))
    data(_load(client, engineer_headers))
    assert data(client.post("/api/design-spec/generate", json={}, headers=engineer_headers)) == generated


BAD_DESIGNS = [
    ("no-modules", {"io": IO}, "modules"),
    ("unknown-template", {**DESIGN, "modules": [{"name": "M1", "template": "nope"}]}, "modules[0].template"),
    ("bad-parameter", {**DESIGN, "modules": [{**MODULES[0], "parameters": {"feedbackTimeout": "3s"}}]},
     "modules[0].parameters.feedbackTimeout"),
    ("bad-address", {**DESIGN, "io": [{"name": "A", "address": "%X0.0"}]}, "io[0].address"),
    ("type-does-not-fit", {**DESIGN, "io": [{"name": "A", "address": "%I0.0", "dataType": "Int"}]}, "io[0].dataType"),
    ("tag-type-mismatch", {**DESIGN, "io": [*IO, {"name": "Pump1_Run", "address": "%QW2", "dataType": "Int"}]},
     "modules[0].io.Run"),
    ("module-name-clash", {**DESIGN, "modules": [{**MODULES[0], "name": "Tank_Level"}]}, "modules[0].name"),
    ("interlock-local", {**DESIGN, "interlocks": [{"target": "Pump1", "condition": "#Level > 3"}]},
     "interlocks[0].condition"),
    ("interlock-statement", {**DESIGN, "interlocks": [{"target": "Pump1", "condition": '"A" := TRUE; "B"'}]},
     "interlocks[0].condition"),
    ("interlock-target", {**DESIGN, "interlocks": [{"target": "Pump9", "condition": "TRUE"}]}, "interlocks[0].target"),
    ("main-ob-name", {**DESIGN, "mainOb": {"name": "Main/1"}}, "mainOb.name"),
    ("unknown-field", {**DESIGN, "colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("design", "field"), [(d, f) for _, d, f in BAD_DESIGNS], ids=[i for i, _, _ in BAD_DESIGNS])
def test_load_refuses_an_invalid_design_and_keeps_the_loaded_one(client, engineer_headers, design, field):
    loaded = data(_load(client, engineer_headers))
    body = assert_error(_load(client, engineer_headers, design), 422, "INVALID_SPEC")
    assert body["details"]["field"] == field
    assert body["details"]["reason"]
    assert data(_model(client, engineer_headers)) == loaded


@pytest.mark.parametrize("condition", ['"Tank_Level_Low" AND', "x := 1", "NOT", '("Tank_Level_Low"'])
def test_an_interlock_condition_must_be_an_expression(client, engineer_headers, condition):
    design = {**DESIGN, "interlocks": [{"target": "Pump1", "condition": condition}]}
    body = assert_error(_load(client, engineer_headers, design), 422, "INVALID_SPEC")
    assert body["details"]["field"] == "interlocks[0].condition"


def test_a_module_named_like_the_main_ob_is_refused(client, engineer_headers, cpu, services):
    design = {**DESIGN, "modules": [{**MODULES[0], "name": "Main"}], "interlocks": []}
    response = client.post("/api/blockgeneration/generate-from-design", json={"design": design, "deviceName": "PLC_1"},
                           headers=engineer_headers)
    assert response.status_code == 422, response.text  # today: 500
    body = assert_error(_load(client, engineer_headers, design), 422, "INVALID_SPEC")
    assert body["details"]["field"] in ("modules[0].name", "mainOb.name")
    assert _objects(services) == {}


def test_load_body_errors(client, engineer_headers):
    assert assert_error(client.post("/api/design-spec/load", json={}, headers=engineer_headers),
                        422)["details"]["field"] == "design"
    assert_error(client.post("/api/design-spec/load", json={"prompt": "two pumps and a tank"},
                             headers=engineer_headers),
                 501, "PROMPT_NOT_SUPPORTED")
    assert_error(client.post("/api/design-spec/load", json={"design": "a tank"}, headers=engineer_headers), 422)
    body = assert_error(client.post("/api/design-spec/load-separate", json={**SEPARATE, "logic": {"rules": []}},
                                    headers=engineer_headers), 422)
    assert body["details"]["field"] == "logic"
    body = assert_error(client.post("/api/design-spec/load-separate", json={"inputs": IO}, headers=engineer_headers),
                        422, "INVALID_SPEC")
    assert body["details"]["field"] == "logic.modules"  # named as sent in parts
    assert_error(_model(client, engineer_headers), 404, "NO_DESIGN_LOADED")


def test_load_separate_names_the_field_as_sent(client, engineer_headers):
    bad = {**SEPARATE, "outputs": [{"name": "Pump1_Run", "address": "%Q0"}]}
    body = assert_error(client.post("/api/design-spec/load-separate", json=bad, headers=engineer_headers), 422,
                        "INVALID_SPEC")
    assert body["details"]["field"] == "outputs[0].address"


def test_the_loaded_design_survives_a_restart(tmp_path):
    data_dir = tmp_path / "var"
    with served(Settings.from_env(data_dir=data_dir)) as first:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        loaded = data(_load(first, admin))
    with served(Settings.from_env(data_dir=data_dir)) as second:
        assert data(_model(second, admin)) == loaded
        data(second.delete("/api/design-spec/model", headers=admin))
    with served(Settings.from_env(data_dir=data_dir)) as third:
        assert_error(_model(third, admin), 404, "NO_DESIGN_LOADED")


# ----- generate --------------------------------------------------------------------------------
def test_generate_from_the_loaded_design(client, engineer_headers):
    assert_error(client.post("/api/design-spec/generate", json={}, headers=engineer_headers), 404, "NO_DESIGN_LOADED")
    data(_load(client, engineer_headers))
    result = data(client.post("/api/design-spec/generate", json={}, headers=engineer_headers))
    assert result["version"] == "V19"  # no project open: the generator's default
    assert result["imported"] is None
    assert [d["name"] for d in result["documents"]] == DOCUMENTS
    docs = [parse_bytes(d["xml"]) for d in result["documents"]]
    assert [type(doc.object).__name__ for doc in docs] == ["PlcTagTable", "FB", "InstanceDB", "OB"]
    assert all(doc.engineering_version == "V19" and doc.object.name == d["name"]
               for doc, d in zip(docs, result["documents"]))
    tags = {t.name: t for t in docs[0].object.objects("Tags")}
    assert set(tags) == {t["name"] for t in [*IO, *OUTPUTS]}
    assert tags["Tank_Level"].attr("LogicalAddress") == "%IW64"
    assert tags["Tank_Level"].attr("DataTypeName") == "Int"
    assert docs[2].object.attr("InstanceOfName") == "FB_Motor"
    main = result["documents"][3]["xml"]
    assert "Tank_Level_Low" in main and "Pump1_Start" in main  # the interlock and the I/O wiring
    assert "T#3s" in result["documents"][1]["xml"]  # the module's parameter


@pytest.mark.parametrize("version", ["V16", "V18", "V21"])
def test_generate_for_a_version(client, engineer_headers, version):
    data(_load(client, engineer_headers))
    result = data(client.post("/api/design-spec/generate", json={"targetVersion": version}, headers=engineer_headers))
    assert result["version"] == version
    assert all(f'<Engineering version="{version}" />' in d["xml"] for d in result["documents"])


def test_generate_for_an_unknown_version_is_422(client, engineer_headers):
    data(_load(client, engineer_headers))
    body = assert_error(client.post("/api/design-spec/generate", json={"targetVersion": "V12"},
                                    headers=engineer_headers),
                        422, "VERSION_CANNOT_EXPRESS")
    assert body["details"]["field"] == "version"


# ----- generate-and-import ---------------------------------------------------------------------
def _import(client, headers, **body):
    return client.post("/api/design-spec/generate-and-import", json={"deviceName": "PLC_1", **body}, headers=headers)


def test_generate_and_import(client, engineer_headers, cpu, services):
    assert_error(_import(client, engineer_headers), 404, "NO_DESIGN_LOADED")
    data(_load(client, engineer_headers))
    # The design's Main replaces the Main [OB1] TIA created with the PLC: only with overwrite, as on TIA.
    body = assert_error(_import(client, engineer_headers), 422, "IMPORT_FAILED")
    assert {f["source"]: f["code"] for f in body["details"]["files"] if f["status"] == "Failed"} == {
        "Main": "OBJECT_EXISTS"}
    result = data(_import(client, engineer_headers, overwrite=True))
    assert result["version"] == "V19"
    assert [d["name"] for d in result["documents"]] == DOCUMENTS
    assert result["imported"]["order"] == DOCUMENTS
    assert [(r["source"], r["status"]) for r in result["imported"]["reports"]] == [(n, "Imported") for n in DOCUMENTS]
    assert_pump_imported(services, result["documents"], "Line1_IO")
    # A second import without overwrite changes nothing; with overwrite it replaces everything.
    body = assert_error(_import(client, engineer_headers), 422, "IMPORT_FAILED")
    assert {(f["status"], f["code"]) for f in body["details"]["files"]} == {("Failed", "OBJECT_EXISTS")}
    result = data(_import(client, engineer_headers, overwrite=True))
    assert [r["status"] for r in result["imported"]["reports"]] == ["Imported"] * 4
    assert len(_objects(services)) == 4


def test_generate_and_import_into_a_v18_project(client, admin_headers, services):
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    data(client.post("/api/instance/actions/launch", json={"version": "V18"}, headers=admin_headers))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Old"}, headers=admin_headers))
    add_device(client, admin_headers, CPU, "PLC_1")
    data(_load(client, admin_headers))
    result = data(_import(client, admin_headers, overwrite=True))  # its Main over the PLC's own OB1
    assert result["version"] == "V18"  # the open project's
    for document in result["documents"]:
        assert services.backend.program.export_program_object("PLC_1",
                                                              document["name"]) == BOM + document["xml"].encode("utf-8")


def test_generate_and_import_errors(client, engineer_headers, admin_headers, services):
    data(_load(client, engineer_headers))
    assert_error(_import(client, engineer_headers), 409, "NO_PROJECT_OPEN")
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))
    assert_error(_import(client, engineer_headers), 404, "DEVICE_NOT_FOUND")
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(_import(client, engineer_headers, deviceName="HMI_1"), 422, "NOT_A_PLC")
    add_device(client, admin_headers, CPU, "PLC_1")
    # deviceName
    assert_error(client.post("/api/design-spec/generate-and-import", json={}, headers=engineer_headers), 422)
    # newer than the project
    body = assert_error(_import(client, engineer_headers, targetVersion="V21"), 422, "IMPORT_FAILED")
    assert {f["code"] for f in body["details"]["files"] if f["status"] == "Failed"} == {"NEWER_VERSION"}
    assert _objects(services) == {}


def test_generate_and_import_with_a_module_sharing_an_fb(client, engineer_headers, cpu, services):
    design = copy.deepcopy(DESIGN)
    design["io"].append({"name": "Pump2_Start", "address": "%I1.0", "dataType": "Bool"})
    design["modules"].append({"name": "Pump2", "template": "motor_starter", "parameters": MODULES[0]["parameters"],
                              "io": {"Start": "Pump2_Start"}})
    summary = data(_load(client, engineer_headers, design))
    assert summary["blocks"] == ["FB_Motor", "Pump1", "Pump2", "Main"]  # one FB, two instances
    assert [d["name"]
            for d in data(client.post("/api/design-spec/generate", json={}, headers=engineer_headers))[
                "documents"]] == [
        "Line1_IO", "FB_Motor", "Pump1", "Pump2", "Main"
    ]


# ----- roles -----------------------------------------------------------------------------------
def test_viewer_reads_but_cannot_change(client, engineer_headers, viewer_headers, cpu, services):
    data(_load(client, engineer_headers))
    assert data(_model(client, viewer_headers))["blocks"] == BLOCKS
    assert data(client.get("/api/blockgeneration/templates", headers=viewer_headers))
    assert_error(_load(client, viewer_headers), 403, "FORBIDDEN")
    assert_error(client.post("/api/design-spec/load-separate", json=SEPARATE, headers=viewer_headers), 403, "FORBIDDEN")
    assert_error(client.delete("/api/design-spec/model", headers=viewer_headers), 403, "FORBIDDEN")
    assert_error(_import(client, viewer_headers), 403, "FORBIDDEN")
    assert _objects(services) == {}
    assert data(_model(client, viewer_headers))["blocks"] == BLOCKS
