"""Block Generation into the project: generate-and-import (+ async twin), import-only, bulk-import (+ async
twin)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simatic_xml import parse_bytes
from simatic_xml.objects import PlcStruct
from tests.api.blockgen_support import (
    BOM, FB_LAD, FC_SCL, INSTANCE_DB, OB_MAIN, UDT, Shared, generate, post_import, program_objects, shared_app,
    spec_with, xml_of
)
from tests.conftest import CPU, HMI, add_device, assert_error, data, interface_of, job_error, run_job


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    yield from shared_app(tmp_path_factory)


# ----- generate-and-import ---------------------------------------------------------------------
def test_generate_and_import_then_overwrite(client, engineer_headers, cpu, services):
    result = data(post_import(client, engineer_headers, {"spec": FC_SCL, "deviceName": "PLC_1"}))
    assert result["block"]["name"] == "FC_Scale"
    assert [(r["source"], r["status"], r["name"], r["kind"]) for r in result["reports"]] == [
        ("FC_Scale.xml", "Imported", "FC_Scale", "FC")
    ]
    assert program_objects(services)["FC_Scale"].language == "SCL"
    # Same name again without overwrite: 409, the stored block is unchanged.
    before = services.backend.program.export_program_object("PLC_1", "FC_Scale")
    changed = spec_with(FC_SCL, networks=[{"scl": "#Scaled := INT_TO_REAL(#Raw);"}])
    assert_error(post_import(client, engineer_headers, {"spec": changed, "deviceName": "PLC_1"}), 409, "OBJECT_EXISTS")
    assert services.backend.program.export_program_object("PLC_1", "FC_Scale") == before
    # With overwrite the block is replaced.
    result = data(post_import(client, engineer_headers, {"spec": changed, "deviceName": "PLC_1", "overwrite": True}))
    after = services.backend.program.export_program_object("PLC_1", "FC_Scale")
    assert after != before
    assert after == BOM + result["block"]["xml"].encode("utf-8")
    assert list(program_objects(services)) == ["FC_Scale"]


def test_generate_and_import_errors(client, engineer_headers, admin_headers, services):
    body = {"spec": FC_SCL, "deviceName": "PLC_1"}
    assert_error(post_import(client, engineer_headers, body), 409, "NO_PROJECT_OPEN")
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))
    assert_error(post_import(client, engineer_headers, body), 404, "DEVICE_NOT_FOUND")
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(post_import(client, engineer_headers, {**body, "deviceName": "HMI_1"}), 422, "NOT_A_PLC")
    add_device(client, admin_headers, CPU, "PLC_1")
    bad = assert_error(post_import(client, engineer_headers, {**body, "spec": spec_with(FC_SCL, blockType="X")}), 422,
                       "INVALID_SPEC")
    assert bad["details"]["field"] == "blockType"
    assert_error(post_import(client, engineer_headers, {"prompt": "a motor", "deviceName": "PLC_1"}), 501,
                 "PROMPT_NOT_SUPPORTED")
    assert_error(post_import(client, engineer_headers, {"spec": FC_SCL}), 422)  # deviceName is required
    # a text XML 1.0 cannot carry was imported as a document no reader (TIA's import included) accepts
    bad = assert_error(post_import(client, engineer_headers, {**body, "spec": spec_with(FC_SCL, comment="a\x0bb")}),
                       422, "INVALID_SPEC")
    assert bad["details"]["field"] == "comment" and "U+000B" in bad["message"]
    assert program_objects(services) == {}


def test_generate_and_import_block_number_clash(client, engineer_headers, cpu, services):
    data(post_import(client, engineer_headers, {"spec": UDT, "deviceName": "PLC_1"}))
    data(post_import(client, engineer_headers, {"spec": FB_LAD, "deviceName": "PLC_1"}))
    other = spec_with(FB_LAD, name="FB_Other")
    assert_error(post_import(client, engineer_headers, {"spec": other, "deviceName": "PLC_1"}), 409,
                 "BLOCK_NUMBER_IN_USE")
    assert "FB_Other" not in program_objects(services)


def test_two_auto_numbered_templates_import_into_one_plc(client, engineer_headers, cpu, services):
    data(post_import(client, engineer_headers, {"template": "valve", "deviceName": "PLC_1"}))
    data(post_import(client, engineer_headers, {"template": "alarm", "deviceName": "PLC_1"}))
    objects = program_objects(services)
    assert {objects["FB_Valve"].number, objects["FB_Alarm"].number} == {1, 2}


def test_explicit_numbers_do_not_clash(client, engineer_headers, cpu, services):
    data(post_import(client, engineer_headers, {"spec": spec_with(FC_SCL, number=5), "deviceName": "PLC_1"}))
    data(post_import(client, engineer_headers,
                     {"spec": spec_with(FC_SCL, name="FC_Other", number=6), "deviceName": "PLC_1"}))
    assert {n: o.number for n, o in program_objects(services).items()} == {"FC_Scale": 5, "FC_Other": 6}


def test_generate_and_import_writes_the_output_file_too(client, engineer_headers, cpu, workspace):
    result = data(post_import(client, engineer_headers,
                              {"spec": FC_SCL, "deviceName": "PLC_1", "outputPath": "gen/FC_Scale.xml"}))
    assert (workspace / "gen" / "FC_Scale.xml").read_bytes() == BOM + result["block"]["xml"].encode("utf-8")


def test_generate_and_import_async(client, engineer_headers, cpu, services):
    job = run_job(client, "POST", "/api/blockgeneration/generate-and-import-async", engineer_headers,
                  json={"template": "valve", "deviceName": "PLC_1"})
    assert job["status"] == "Completed", job
    assert job["operation"] == "blockgeneration.generate-and-import"
    sync = data(post_import(client, engineer_headers, {"template": "valve", "deviceName": "PLC_1", "overwrite": True}))
    assert set(job["result"]) == set(sync) == {"block", "reports"}
    assert job["result"]["block"] == sync["block"]
    assert [r["status"] for r in job["result"]["reports"]] == ["Imported"]
    assert "FB_Valve" in program_objects(services)


def test_generate_and_import_async_failure(client, engineer_headers, cpu):
    job = run_job(client, "POST", "/api/blockgeneration/generate-and-import-async", engineer_headers,
                  json={"template": "valve", "deviceName": "PLC_9"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "DEVICE_NOT_FOUND"
    assert job_error(job)["status"] == 404


def test_viewer_cannot_generate_or_import(client, viewer_headers, cpu, services):
    assert_error(generate(client, viewer_headers, {"spec": FC_SCL}), 403, "FORBIDDEN")
    assert_error(post_import(client, viewer_headers, {"spec": FC_SCL, "deviceName": "PLC_1"}), 403, "FORBIDDEN")
    assert_error(post_import(client, viewer_headers, {"deviceName": "PLC_1", "directory": "x"}, "bulk-import"), 403,
                 "FORBIDDEN")


# ----- import-only -----------------------------------------------------------------------------
def test_import_only_by_file_path(client, engineer_headers, cpu, services, workspace):
    xml = xml_of(client, engineer_headers, FC_SCL)
    (workspace / "blocks").mkdir()
    (workspace / "blocks" / "FC_Scale.xml").write_bytes(xml)
    reports = data(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "blocks/FC_Scale.xml"},
                               "import-only"))
    assert [(r["source"], r["status"], r["name"], r["kind"])
            for r in reports] == [("FC_Scale.xml", "Imported", "FC_Scale", "FC")]
    assert services.backend.program.export_program_object("PLC_1", "FC_Scale") == xml
    # Again: exists; with overwrite: replaced.
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "blocks/FC_Scale.xml"},
                             "import-only"),
                 409, "OBJECT_EXISTS")
    data(post_import(client, engineer_headers,
                     {"deviceName": "PLC_1", "filePath": "blocks/FC_Scale.xml", "overwrite": True}, "import-only"))


def test_import_only_inline_xml(client, engineer_headers, cpu, services):
    xml = xml_of(client, engineer_headers, UDT)
    reports = data(post_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": xml.decode("utf-8-sig")},
                               "import-only"))
    assert [(r["status"], r["name"], r["kind"]) for r in reports] == [("Imported", "UDT_Motor", "UDT")]
    assert services.backend.program.export_program_object("PLC_1", "UDT_Motor") == xml


def test_import_only_errors(client, engineer_headers, cpu, services, workspace):
    (workspace / "a.xml").write_bytes(xml_of(client, engineer_headers, FC_SCL))
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1"}, "import-only"), 422)
    assert_error(post_import(client, engineer_headers,
                             {"deviceName": "PLC_1", "filePath": "a.xml", "xml": "<Document/>"}, "import-only"), 422)
    body = assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "missing.xml"},
                                    "import-only"), 404, "FILE_NOT_FOUND")
    assert body["details"]["field"] in ("file_path", "filePath")  # see test_path_errors_name_the_field_as_sent
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "../../a.xml"},
                             "import-only"), 422, "PATH_REJECTED")
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": "not xml"}, "import-only"), 422,
                 "INVALID_SIMATICML")
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_9", "filePath": "a.xml"}, "import-only"),
                 404, "DEVICE_NOT_FOUND")
    assert program_objects(services) == {}



WATCH_TABLE = Path(__file__).resolve().parents[1] / "simatic_xml" / "data" / "watch_table.xml"
"""A PLC watch table exported as SimaticML: a document, but no block, PLC data type or tag table."""


def test_import_only_refuses_an_object_that_is_no_program_object(client, engineer_headers, cpu, services, workspace):
    """A watch table is imported through the watch tables' own route: here it is refused with UNSUPPORTED_OBJECT
    naming its kind, and nothing is imported; in a bulk import it fails that file, and so the import."""
    body = assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1",
                                                               "xml": WATCH_TABLE.read_text(encoding="utf-8-sig")},
                                    "import-only"), 422, "UNSUPPORTED_OBJECT")
    assert body["message"] == ("'SW.WatchAndForceTables.PlcWatchTable' documents cannot be imported as program "
                               "objects (blocks, PLC data types, tag tables).")
    (workspace / "mixed").mkdir()
    (workspace / "mixed" / "FC_Scale.xml").write_bytes(xml_of(client, engineer_headers, FC_SCL))
    (workspace / "mixed" / "Motor_Watch.xml").write_bytes(WATCH_TABLE.read_bytes())
    body = assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "mixed"},
                                    "bulk-import"), 422, "IMPORT_FAILED")
    files = {f["source"]: (f["status"], f.get("code")) for f in body["details"]["files"]}
    assert files == {"FC_Scale.xml": ("NotImported", None), "Motor_Watch.xml": ("Failed", "UNSUPPORTED_OBJECT")}
    assert program_objects(services) == {}

XXE = """<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document><Engineering version="V19" /><SW.Types.PlcStruct ID="0"><AttributeList><Name>&xxe;</Name></AttributeList></SW.Types.PlcStruct></Document>"""  # noqa: E501 - the text is data: its lines stay as they are
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document><Engineering version="V19" /><SW.Types.PlcStruct ID="0"><AttributeList><Name>&lol2;</Name></AttributeList></SW.Types.PlcStruct></Document>"""  # noqa: E501 - the text is data: its lines stay as they are
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://attacker.example/evil.dtd">
<Document><Engineering version="V19" /></Document>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_import_only_refuses_doctype_payloads(client, engineer_headers, cpu, services, workspace, payload):
    body = assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": payload}, "import-only"),
                        422, "INVALID_SIMATICML")
    assert "passwd" not in body["message"] and "lollol" not in body["message"]
    (workspace / "evil.xml").write_text(payload, encoding="utf-8")
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "evil.xml"}, "import-only"),
                 422)
    assert program_objects(services) == {}


def test_import_only_refuses_a_newer_document(client, engineer_headers, cpu, services):
    xml = xml_of(client, engineer_headers, UDT, version="V21")
    body = assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": xml.decode("utf-8-sig")},
                                    "import-only"),
                        422, "NEWER_VERSION")
    assert "V21" in body["message"]
    assert program_objects(services) == {}


def test_an_older_document_is_stored_in_the_projects_version(client, engineer_headers, cpu, services):
    xml = xml_of(client, engineer_headers, UDT, version="V17")
    data(post_import(client, engineer_headers, {"deviceName": "PLC_1", "xml": xml.decode("utf-8-sig")}, "import-only"))
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
        written[name] = xml_of(client, headers, spec)
        (root / name).write_bytes(written[name])
    return written


DEPENDENCY_ORDER = ["4_UDT_Motor.xml", "3_FB_Motor.xml", "2_DB_Motor.xml", "1_Main.xml"]


def test_bulk_import_directory_in_dependency_order(client, engineer_headers, cpu, services, workspace):
    written = _write_program(client, engineer_headers, workspace)
    # overwrite: the program's Main replaces the Main [OB1] TIA created with the PLC
    result = data(post_import(client, engineer_headers,
                              {"deviceName": "PLC_1", "directory": "program", "overwrite": True}, "bulk-import"))
    assert result["order"] == DEPENDENCY_ORDER
    assert [r["source"] for r in result["reports"]] == DEPENDENCY_ORDER
    assert all(r["status"] == "Imported" for r in result["reports"]), result["reports"]
    objects = program_objects(services)
    assert {n: o.kind for n, o in objects.items()} == {"UDT_Motor": "UDT", "FB_Motor": "FB", "DB_Motor": "InstanceDB",
                                                       "Main": "OB"}
    assert objects["DB_Motor"].instance_of == "FB_Motor"
    assert all(o.consistent for o in objects.values())
    for name, xml in written.items():
        assert services.backend.program.export_program_object("PLC_1", name[2:-4]) == xml


def test_the_given_order_would_fail(client, engineer_headers, cpu, services, workspace):
    """The files imported one by one in directory order fail at the instance DB: the order matters."""
    _write_program(client, engineer_headers, workspace)
    data(post_import(client, engineer_headers,
                     {"deviceName": "PLC_1", "filePath": "program/1_Main.xml", "overwrite": True}, "import-only"))
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "program/2_DB_Motor.xml"},
                             "import-only"),
                 422, "INSTANCE_OF_MISSING")


def test_bulk_import_files_list(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    files = [f"program/{n}" for n in ("1_Main.xml", "2_DB_Motor.xml", "3_FB_Motor.xml", "4_UDT_Motor.xml")]
    result = data(post_import(client, engineer_headers, {"deviceName": "PLC_1", "files": files, "overwrite": True},
                              "bulk-import"))  # Main over the PLC's own OB1
    assert result["order"] == DEPENDENCY_ORDER
    assert [r["status"] for r in result["reports"]] == ["Imported"] * 4
    assert set(program_objects(services)) == {"UDT_Motor", "FB_Motor", "DB_Motor", "Main"}


def test_bulk_import_orders_multi_instances_and_calls(client, engineer_headers, cpu, services, workspace):
    inner = {"blockType": "FB", "name": "FB_Inner", "number": 1, "language": "SCL",
             "interface": {"Input": [{"name": "A", "dataType": "Bool"}]}}
    outer = {"blockType": "FB", "name": "FB_Outer", "number": 2, "language": "SCL",
             "interface": {"Static": [{"name": "I1", "dataType": '"FB_Inner"'}]},
             "networks": [{"scl": "#I1(A := TRUE);"}]}
    fc_b = {"blockType": "FC", "name": "FC_B", "number": 1, "language": "SCL"}
    fc_a = {"blockType": "FC", "name": "FC_A", "number": 2, "language": "SCL", "networks": [{"scl": '"FC_B"();'}]}
    (workspace / "calls").mkdir()
    for name, spec in (("a_Outer.xml", outer), ("b_Inner.xml", inner), ("c_FC_A.xml", fc_a), ("d_FC_B.xml", fc_b)):
        (workspace / "calls" / name).write_bytes(xml_of(client, engineer_headers, spec))
    result = data(post_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "calls"}, "bulk-import"))
    assert result["order"] == ["b_Inner.xml", "a_Outer.xml", "d_FC_B.xml", "c_FC_A.xml"]
    objects = program_objects(services)
    assert objects["FB_Outer"].consistent and objects["FB_Outer"].missing_types == []


def test_bulk_import_keeps_subfolders_as_groups(client, engineer_headers, cpu, services, workspace):
    (workspace / "lib" / "types").mkdir(parents=True)
    (workspace / "lib" / "types" / "UDT_Motor.xml").write_bytes(xml_of(client, engineer_headers, UDT))
    (workspace / "lib" / "FC_Scale.xml").write_bytes(xml_of(client, engineer_headers, FC_SCL))
    result = data(post_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "lib"}, "bulk-import"))
    assert result["order"] == ["types/UDT_Motor.xml", "FC_Scale.xml"]
    objects = program_objects(services)
    assert objects["UDT_Motor"].folder == "types"
    assert objects["FC_Scale"].folder == ""


def test_bulk_import_is_all_or_nothing(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    (workspace / "program" / "5_Broken.xml").write_text("<Document><Engineering version=", encoding="utf-8")
    body = assert_error(post_import(client, engineer_headers,
                                    {"deviceName": "PLC_1", "directory": "program", "overwrite": True}, "bulk-import"),
                        422, "IMPORT_FAILED")
    files = {f["source"]: f for f in body["details"]["files"]}
    assert set(files) == {*DEPENDENCY_ORDER, "5_Broken.xml"}
    assert files["5_Broken.xml"]["status"] == "Failed"
    assert files["5_Broken.xml"]["code"] == "INVALID_SIMATICML"
    assert {s: f["status"] for s, f in files.items() if s != "5_Broken.xml"} == dict.fromkeys(DEPENDENCY_ORDER,
                                                                                              "NotImported")
    assert program_objects(services) == {}


def test_bulk_import_conflict_reports_and_imports_nothing(client, engineer_headers, cpu, services, workspace):
    data(post_import(client, engineer_headers, {"spec": UDT, "deviceName": "PLC_1"}))
    _write_program(client, engineer_headers, workspace)
    body = assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "directory": "program"},
                                    "bulk-import"), 422, "IMPORT_FAILED")
    statuses = {f["source"]: (f["status"], f.get("code")) for f in body["details"]["files"]}
    assert statuses["4_UDT_Motor.xml"] == ("Failed", "OBJECT_EXISTS")
    assert statuses["1_Main.xml"] == ("Failed", "OBJECT_EXISTS")  # the Main [OB1] the PLC came with
    assert list(program_objects(services)) == ["UDT_Motor"]
    # With overwrite everything goes in.
    result = data(post_import(client, engineer_headers,
                              {"deviceName": "PLC_1", "directory": "program", "overwrite": True}, "bulk-import"))
    assert [r["status"] for r in result["reports"]] == ["Imported"] * 4


def test_bulk_import_errors(client, engineer_headers, cpu, services, workspace):
    xml = xml_of(client, engineer_headers, UDT)
    for folder in ("a", "b", "empty"):
        (workspace / folder).mkdir()
    (workspace / "a" / "UDT_Motor.xml").write_bytes(xml)
    (workspace / "b" / "UDT_Motor.xml").write_bytes(xml)
    (workspace / "empty" / "notes.txt").write_text("no xml here")
    bulk = lambda body: post_import(client, engineer_headers, {"deviceName": "PLC_1", **body}, "bulk-import")  # noqa: E731
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
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_9", "directory": "a"}, "bulk-import"), 404,
                 "DEVICE_NOT_FOUND")
    assert program_objects(services) == {}


def test_bulk_import_does_not_follow_links_out_of_the_roots(client, engineer_headers, cpu, services, workspace,
                                                            tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "UDT_Secret.xml").write_bytes(xml_of(client, engineer_headers, spec_with(UDT, name="UDT_Secret")))
    (workspace / "prog").mkdir()
    (workspace / "prog" / "linked").symlink_to(outside, target_is_directory=True)
    (workspace / "prog" / "file_link.xml").symlink_to(outside / "UDT_Secret.xml")
    bulk = lambda body: post_import(client, engineer_headers, {"deviceName": "PLC_1", **body}, "bulk-import")  # noqa: E731
    assert_error(bulk({"directory": "prog"}), 422)  # no .xml file inside the roots
    assert_error(bulk({"files": ["prog/linked/UDT_Secret.xml"]}), 422, "PATH_REJECTED")
    assert_error(bulk({"files": ["prog/file_link.xml"]}), 422, "PATH_REJECTED")
    assert_error(post_import(client, engineer_headers, {"deviceName": "PLC_1", "filePath": "prog/file_link.xml"},
                             "import-only"),
                 422, "PATH_REJECTED")
    assert program_objects(services) == {}


def test_bulk_import_async(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    job = run_job(client, "POST", "/api/blockgeneration/bulk-import-async", engineer_headers,
                  json={"deviceName": "PLC_1", "directory": "program", "overwrite": True})  # Main over the PLC's OB1
    assert job["status"] == "Completed", job
    assert job["operation"] == "blockgeneration.bulk-import"
    assert job["result"]["order"] == DEPENDENCY_ORDER
    assert [r["status"] for r in job["result"]["reports"]] == ["Imported"] * 4
    assert len(program_objects(services)) == 4


def test_bulk_import_async_failure(client, engineer_headers, cpu, services, workspace):
    _write_program(client, engineer_headers, workspace)
    (workspace / "program" / "5_Broken.xml").write_text("<nope/>", encoding="utf-8")
    job = run_job(client, "POST", "/api/blockgeneration/bulk-import-async", engineer_headers,
                  json={"deviceName": "PLC_1", "directory": "program"})
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "IMPORT_FAILED"
    assert job_error(job)["status"] == 422
    assert program_objects(services) == {}
