"""Tags & Constants through HTTP: tag tables and folders, tags, constants, XML export.

Import and export of files are in ``test_tags_files_api.py``.
"""

from __future__ import annotations


import pytest

from engineering_api.backend.models import ProgramDocument
from simatic_xml import parse_bytes
from simatic_xml.objects import Block, PlcTagTable
from tests.conftest import HMI, add_device, assert_error, data, job_error, run_job, simaticml_object
from tests.lib.shared_corpus import SHARED

D = "/api/devices/PLC_1"
DEFAULT = "Default tag table"
CORPUS = (SHARED / "corpus/simaticml")


def _tables(client, headers):
    return [t["name"] for t in data(client.get(f"{D}/tag-tables", headers=headers))]


def _create_table(client, headers, name, **extra):
    return client.post(f"{D}/tag-tables/actions/create-sync", json={"name": name, **extra}, headers=headers)


def _tag(client, headers, table, **body):
    return client.post(f"{D}/tag-tables/{table}/tags", json=body, headers=headers)


def _tags(client, headers, table=DEFAULT):
    return data(client.get(f"{D}/tag-tables/{table}/tags", headers=headers))


# ----- tag tables ------------------------------------------------------------------------------
def test_default_table_exists(client, viewer_headers, cpu):
    tables = data(client.get(f"{D}/tag-tables", headers=viewer_headers))
    assert tables == [{"name": DEFAULT, "folder": "", "tagCount": 0, "userConstantCount": 0, "isDefault": True}]


def test_list_tables_async(client, viewer_headers, cpu):
    job = run_job(client, "GET", f"{D}/tag-tables/async", viewer_headers)
    assert job["status"] == "Completed"
    assert [t["name"] for t in job["result"]] == [DEFAULT]


def test_create_rename_delete_table(client, engineer_headers, cpu):
    created = data(client.post(f"{D}/tag-tables/actions/create-sync", json={"Name": "Motors"},
                               headers=engineer_headers))
    assert created["name"] == "Motors" and created["isDefault"] is False
    assert _tables(client, engineer_headers) == [DEFAULT, "Motors"]
    assert_error(_create_table(client, engineer_headers, "motors"), 409, "TAG_TABLE_EXISTS")
    assert_error(_create_table(client, engineer_headers, 'Bad"Name'), 422, "INVALID_NAME")
    assert_error(_create_table(client, engineer_headers, "A/B"), 422, "INVALID_NAME")
    assert_error(client.post(f"{D}/tag-tables/actions/create-sync", json={}, headers=engineer_headers), 422)
    renamed = data(client.put(f"{D}/tag-tables/Motors/actions/update-sync", json={"NewName": "Drives"},
                              headers=engineer_headers))
    assert renamed["name"] == "Drives"
    assert _tables(client, engineer_headers) == [DEFAULT, "Drives"]
    assert_error(client.put(f"{D}/tag-tables/Nope/actions/update-sync", json={"newName": "X"},
                            headers=engineer_headers), 404, "TAG_TABLE_NOT_FOUND")
    assert_error(client.put(f"{D}/tag-tables/Drives/actions/update-sync", json={"newName": DEFAULT.upper()},
                            headers=engineer_headers), 409, "TAG_TABLE_EXISTS")
    assert data(client.delete(f"{D}/tag-tables/Drives/actions/delete-sync",
                              headers=engineer_headers)) == {"deleted": "Drives", "kind": "tag table"}
    assert _tables(client, engineer_headers) == [DEFAULT]
    assert_error(client.delete(f"{D}/tag-tables/Drives/actions/delete-sync", headers=engineer_headers), 404,
                 "TAG_TABLE_NOT_FOUND")


def test_default_table_cannot_be_deleted_or_renamed(client, engineer_headers, cpu):
    body = assert_error(client.delete(f"{D}/tag-tables/{DEFAULT}/actions/delete-sync", headers=engineer_headers), 409,
                        "DEFAULT_TAG_TABLE")
    assert "cannot be deleted" in body["message"]
    assert_error(client.put(f"{D}/tag-tables/{DEFAULT}/actions/update-sync", json={"newName": "X"},
                            headers=engineer_headers), 409, "DEFAULT_TAG_TABLE")
    assert _tables(client, engineer_headers) == [DEFAULT]


def test_table_async_routes(client, engineer_headers, cpu):
    job = run_job(client, "POST", f"{D}/tag-tables/actions/create", engineer_headers, json={"tableName": "A"})
    assert job["status"] == "Completed" and job["result"]["name"] == "A"
    job = run_job(client, "PUT", f"{D}/tag-tables/A/actions/update", engineer_headers, json={"name": "B"})
    assert job["status"] == "Completed" and job["result"]["name"] == "B"
    job = run_job(client, "DELETE", f"{D}/tag-tables/B/actions/delete", engineer_headers)
    assert job["status"] == "Completed"
    job = run_job(client, "DELETE", f"{D}/tag-tables/{DEFAULT}/actions/delete", engineer_headers)
    assert job["status"] == "Failed" and job_error(job)["code"] == "DEFAULT_TAG_TABLE"
    assert _tables(client, engineer_headers) == [DEFAULT]


def test_folders_and_tree(client, engineer_headers, viewer_headers, cpu):
    folder = data(client.post(f"{D}/tag-tables/folders", json={"path": "Line1/Motors"}, headers=engineer_headers))
    assert folder == {"name": "Motors", "isFolder": True, "path": "Line1/Motors", "nodeType": "Folder", "tagCount": 0,
                      "isDefault": False, "children": []}
    assert_error(client.post(f"{D}/tag-tables/folders", json={"FolderPath": "Line1/Motors"}, headers=engineer_headers),
                 409, "FOLDER_EXISTS")
    assert_error(client.post(f"{D}/tag-tables/folders", json={"path": "a//b"}, headers=engineer_headers), 422,
                 "INVALID_FOLDER")
    data(_create_table(client, engineer_headers, "M1", folder="Line1/Motors"))
    data(_create_table(client, engineer_headers, "Valves", folder="Line1"))
    data(_create_table(client, engineer_headers, "Other", folder="Line2"))  # folder created on the way
    data(_tag(client, engineer_headers, "M1", name="M1_Run", dataType="Bool", logicalAddress="%Q0.0"))
    tree = data(client.get(f"{D}/tag-tables/tree", headers=viewer_headers))
    assert tree["name"] == "PLC tags" and tree["isFolder"] is True

    def shape(node):
        return (node["name"],
                [shape(c) for c in node["children"]]) if node["isFolder"] else (node["name"], node["tagCount"])

    assert shape(tree) == ("PLC tags", [
        ("Line1", [("Motors", [("M1", 1)]), ("Valves", 0)]),
        ("Line2", [("Other", 0)]),
        (DEFAULT, 0),
    ])
    deleted = data(client.delete(f"{D}/tag-tables/folders", params={"path": "Line1"}, headers=engineer_headers))
    assert sorted(deleted) == ["M1", "Valves"]
    assert _tables(client, engineer_headers) == [DEFAULT, "Other"]
    assert_error(client.delete(f"{D}/tag-tables/folders", params={"path": "Line1"}, headers=engineer_headers), 404,
                 "FOLDER_NOT_FOUND")
    # the tag of a deleted table is gone with it: its name is free again
    data(_tag(client, engineer_headers, DEFAULT, name="M1_Run", dataType="Bool", logicalAddress="%Q0.0"))


def test_tables_need_a_plc(client, engineer_headers, cpu):
    add_device(client, engineer_headers, HMI, "HMI_1")
    assert_error(client.get("/api/devices/HMI_1/tag-tables", headers=engineer_headers), 422, "NOT_A_PLC")
    assert_error(client.get("/api/devices/Nope/tag-tables", headers=engineer_headers), 404, "DEVICE_NOT_FOUND")


def test_tables_need_a_project(client, viewer_headers):
    assert_error(client.get(f"{D}/tag-tables", headers=viewer_headers), 409, "NO_PROJECT_OPEN")


# ----- tags ------------------------------------------------------------------------------------
def test_add_tag_pascal_case_into_default_table(client, engineer_headers, cpu):
    change = data(client.post(f"{D}/tags", json={
        "Name": "Start", "DataType": "bool", "LogicalAddress": "i0.0", "Comment": "Start button", "HmiWriteable": False,
    }, headers=engineer_headers))
    assert change["warnings"] == []
    assert change["tag"] == {
        "name": "Start", "dataType": "Bool", "logicalAddress": "%I0.0", "comment": "Start button", "hmiVisible": True,
        "hmiAccessible": True, "hmiWriteable": False, "tableName": DEFAULT,
    }
    assert _tags(client, engineer_headers) == [change["tag"]]


def test_tag_addresses_are_checked(client, engineer_headers, cpu):
    good = [("B0", "Bool", "%Q1.7"), ("B1", "Bool", "%M10.3"), ("Y", "Byte", "%IB2"), ("W", "Int", "%QW4"),
            ("D", "Real", "%MD100"), ("IW", "Word", "%IW64"), ("DI", "DInt", "%MD200"), ("S", "SInt", "%MB7")]
    for name, dtype, address in good:
        data(_tag(client, engineer_headers, DEFAULT, name=name, dataType=dtype, logicalAddress=address))
    body = assert_error(_tag(client, engineer_headers, DEFAULT, name="X", dataType="Bool",
                             logicalAddress="%DB1.DBX0.0"), 422, "ADDRESS_NOT_ALLOWED")
    assert "data block address" in body["message"] and body["details"]["field"] == "Logical Address"
    cases = [("Bool", "%I0.8", "bit number"), ("Bool", "%MW10", "bit address"), ("Int", "%M10.0", "word address"),
             ("DInt", "%MW10", "double-word"), ("Byte", "%MW2", "byte address"), ("Int", "%X5", "not an address"),
             ("Bool", "", "empty"), ("Int", "%L0.0", "local data")]
    for dtype, address, words in cases:
        body = assert_error(_tag(client, engineer_headers, DEFAULT, name="X", dataType=dtype, logicalAddress=address),
                            422)
        assert words in body["message"], (address, body["message"])
    assert_error(_tag(client, engineer_headers, DEFAULT, name="X", dataType="Flute", logicalAddress="%M0.0"), 422,
                 "UNKNOWN_DATA_TYPE")
    assert_error(_tag(client, engineer_headers, DEFAULT, name='Q"uote', dataType="Bool", logicalAddress="%M0.0"), 422,
                 "INVALID_NAME")
    assert len(_tags(client, engineer_headers)) == len(good)


def test_tag_names_unique_across_tables(client, engineer_headers, cpu):
    data(_create_table(client, engineer_headers, "Other"))
    data(_tag(client, engineer_headers, DEFAULT, name="Motor_On", dataType="Bool", logicalAddress="%Q0.0"))
    body = assert_error(_tag(client, engineer_headers, "Other", name="MOTOR_ON", dataType="Bool",
                             logicalAddress="%Q0.1"), 409, "TAG_EXISTS")
    assert DEFAULT in body["message"]
    data(client.post(f"{D}/tag-tables/Other/constants", json={"name": "LIMIT", "dataType": "Int", "value": "5"},
                     headers=engineer_headers))
    assert_error(_tag(client, engineer_headers, DEFAULT, name="limit", dataType="Int", logicalAddress="%MW0"), 409,
                 "TAG_EXISTS")
    assert_error(_tag(client, engineer_headers, "Nope", name="A", dataType="Int", logicalAddress="%MW0"), 404,
                 "TAG_TABLE_NOT_FOUND")


def test_overlapping_addresses_are_warnings(client, engineer_headers, cpu):
    data(_tag(client, engineer_headers, DEFAULT, name="Word10", dataType="Word", logicalAddress="%MW10"))
    change = data(_tag(client, engineer_headers, DEFAULT, name="Byte11", dataType="Byte", logicalAddress="%MB11"))
    assert [(w["code"], w["otherTag"]) for w in change["warnings"]] == [("ADDRESS_OVERLAP", "Word10")]
    change = data(_tag(client, engineer_headers, DEFAULT, name="Bit10", dataType="Bool", logicalAddress="%M10.0"))
    assert [w["otherTag"] for w in change["warnings"]] == ["Word10"]
    change = data(_tag(client, engineer_headers, DEFAULT, name="Bit10_1", dataType="Bool", logicalAddress="%M10.1"))
    assert [w["otherTag"] for w in change["warnings"]] == ["Word10"]  # another bit of the byte is no overlap
    change = data(_tag(client, engineer_headers, DEFAULT, name="In10", dataType="Word", logicalAddress="%IW10"))
    assert change["warnings"] == []  # other area
    assert len(_tags(client, engineer_headers)) == 5


def test_udt_tags(client, engineer_headers, services, cpu):
    udt = (CORPUS / "udt" / "Amadeusz97_typeSqlData.xml").read_bytes()
    services.backend.program.import_program_documents("PLC_1", [ProgramDocument(source="udt.xml", data=udt)],
                                                      overwrite=False)
    name = parse_bytes(udt).object.name
    change = data(_tag(client, engineer_headers, DEFAULT, name="Sql", dataType=name, logicalAddress="%MB100"))
    assert change["tag"]["dataType"] == f'"{name}"'
    assert_error(_tag(client, engineer_headers, DEFAULT, name="Sql2", dataType=f'"{name}"', logicalAddress="%M10.3"),
                 422, "INVALID_ADDRESS")
    data(_tag(client, engineer_headers, DEFAULT, name="Arr", dataType="Array[0..7] of Bool", logicalAddress="%I4.0"))


def test_list_tags_async_and_all(client, engineer_headers, viewer_headers, cpu):
    data(_create_table(client, engineer_headers, "Other"))
    data(_tag(client, engineer_headers, DEFAULT, name="A", dataType="Bool", logicalAddress="%I0.0"))
    data(_tag(client, engineer_headers, "Other", name="B", dataType="Int", logicalAddress="%IW2"))
    job = run_job(client, "GET", f"{D}/tag-tables/Other/tags/async", viewer_headers)
    assert [t["name"] for t in job["result"]] == ["B"]
    everything = data(client.get(f"{D}/tags/all", headers=viewer_headers))
    assert [(t["name"], t["tableName"]) for t in everything] == [("A", DEFAULT), ("B", "Other")]
    assert_error(client.get(f"{D}/tag-tables/Nope/tags", headers=viewer_headers), 404, "TAG_TABLE_NOT_FOUND")


def test_update_and_delete_tag(client, engineer_headers, cpu):
    data(_tag(client, engineer_headers, DEFAULT, name="A", dataType="Bool", logicalAddress="%I0.0"))
    data(_tag(client, engineer_headers, DEFAULT, name="B", dataType="Bool", logicalAddress="%I0.1"))
    url = f"{D}/tag-tables/{DEFAULT}/tags/A"
    change = data(client.put(url,
                             json={"Name": "A2", "DataType": "Int", "LogicalAddress": "%MW4", "HmiVisible": False},
                             headers=engineer_headers))
    assert (
        change["tag"]["name"] == "A2"
        and change["tag"]["logicalAddress"] == "%MW4"
        and change["tag"]["hmiVisible"] is False
    )
    assert [t["name"] for t in _tags(client, engineer_headers)] == ["A2", "B"]  # keeps its place
    change = data(client.put(f"{D}/tag-tables/{DEFAULT}/tags/A2", json={"comment": "moved"}, headers=engineer_headers))
    assert change["tag"]["dataType"] == "Int" and change["tag"]["comment"] == "moved"
    assert_error(client.put(f"{D}/tag-tables/{DEFAULT}/tags/A2", json={"newName": "b"}, headers=engineer_headers), 409,
                 "TAG_EXISTS")
    assert_error(client.put(f"{D}/tag-tables/{DEFAULT}/tags/A2", json={"logicalAddress": "%MD4"},
                            headers=engineer_headers), 422, "INVALID_ADDRESS")
    assert_error(client.put(f"{D}/tag-tables/{DEFAULT}/tags/Zed", json={"comment": "x"}, headers=engineer_headers),
                 404, "TAG_NOT_FOUND")
    change = data(client.put(f"{D}/tag-tables/{DEFAULT}/tags/B", json={"logicalAddress": "%M4.0"},
                             headers=engineer_headers))
    assert [w["otherTag"] for w in change["warnings"]] == ["A2"]
    deleted = data(client.delete(f"{D}/tag-tables/{DEFAULT}/tags/A2", headers=engineer_headers))
    assert deleted == {"deleted": "A2", "kind": "tag"}
    assert_error(client.delete(f"{D}/tag-tables/{DEFAULT}/tags/A2", headers=engineer_headers), 404, "TAG_NOT_FOUND")
    assert [t["name"] for t in _tags(client, engineer_headers)] == ["B"]


# ----- constants -------------------------------------------------------------------------------
def test_user_constants(client, engineer_headers, viewer_headers, cpu):
    url = f"{D}/tag-tables/{DEFAULT}/constants"
    made = data(client.post(url, json={"Name": "MAX_PUMPS", "DataType": "int", "Value": "8", "Comment": "pumps"},
                            headers=engineer_headers))
    assert made == {"name": "MAX_PUMPS", "dataType": "Int", "value": "8", "comment": "pumps", "tableName": DEFAULT,
                    "isSystem": False}
    data(client.post(url, json={"name": "MASK", "dataType": "Word", "value": "16#FF00"}, headers=engineer_headers))
    assert_error(client.post(url, json={"name": "max_pumps", "dataType": "Int", "value": "1"},
                             headers=engineer_headers), 409, "CONSTANT_EXISTS")
    assert_error(client.post(url, json={"name": "BIG", "dataType": "Int", "value": "40000"}, headers=engineer_headers),
                 422, "INVALID_VALUE")
    assert_error(client.post(url, json={"name": "NOPE", "dataType": "Bool", "value": "maybe"},
                             headers=engineer_headers), 422, "INVALID_VALUE")
    assert_error(client.post(url, json={"name": "T", "dataType": "Nothing", "value": "1"}, headers=engineer_headers),
                 422, "UNKNOWN_DATA_TYPE")
    user = data(client.get(f"{url}/user", headers=viewer_headers))
    assert [c["name"] for c in user] == ["MAX_PUMPS", "MASK"]
    updated = data(client.put(f"{url}/MAX_PUMPS", json={"value": "10"}, headers=engineer_headers))
    assert updated["value"] == "10" and updated["comment"] == "pumps"
    renamed = data(client.put(f"{url}/MASK", json={"Name": "MASK_HI"}, headers=engineer_headers))
    assert renamed["name"] == "MASK_HI"
    assert_error(client.put(f"{url}/Nope", json={"value": "1"}, headers=engineer_headers), 404, "CONSTANT_NOT_FOUND")
    assert data(client.delete(f"{url}/MASK_HI", headers=engineer_headers))["deleted"] == "MASK_HI"
    assert_error(client.delete(f"{url}/MASK_HI", headers=engineer_headers), 404, "CONSTANT_NOT_FOUND")
    assert [c["name"] for c in data(client.get(f"{url}/user", headers=viewer_headers))] == ["MAX_PUMPS"]
    # the name is taken for tags as well
    assert_error(_tag(client, engineer_headers, DEFAULT, name="MAX_PUMPS", dataType="Int", logicalAddress="%MW0"), 409,
                 "TAG_EXISTS")


def test_system_constants_come_from_the_hardware(client, engineer_headers, viewer_headers, cpu):
    url = f"{D}/tag-tables/{DEFAULT}/constants"
    system = data(client.get(f"{url}/system", headers=viewer_headers))
    names = {c["name"]: c for c in system}
    assert names["Local~PROFINET_interface_1"]["dataType"] == "Hw_Interface"
    assert "Local~PROFINET_interface_1~Port_1" in names
    assert "Local~DP_interface_1" in names
    assert names["Local~Common"]["dataType"] == "Hw_SubModule"
    assert all(c["isSystem"] for c in system)
    data(client.post(url, json={"name": "USER_ONE", "dataType": "Int", "value": "1"}, headers=engineer_headers))
    everything = data(client.get(url, headers=viewer_headers))
    assert everything[0]["name"] == "USER_ONE" and len(everything) == len(system) + 1
    data(_create_table(client, engineer_headers, "Other"))
    assert data(client.get(f"{D}/tag-tables/Other/constants/system", headers=viewer_headers)) == []
    body = assert_error(client.put(f"{url}/Local~Common", json={"value": "1"}, headers=engineer_headers), 422,
                        "SYSTEM_CONSTANT_READ_ONLY")
    assert "read-only" in body["message"]
    assert_error(client.delete(f"{url}/Local~Common", headers=engineer_headers), 422, "SYSTEM_CONSTANT_READ_ONLY")
    assert_error(client.post(url, json={"name": "local~common", "dataType": "Int", "value": "1"},
                             headers=engineer_headers), 409)


# ----- XML -------------------------------------------------------------------------------------
def test_export_xml_is_the_simaticml_table(client, engineer_headers, viewer_headers, cpu):
    data(_tag(client, engineer_headers, DEFAULT, name="Start", dataType="Bool", logicalAddress="%I0.0", comment="go",
              hmiWriteable=False))
    data(client.post(f"{D}/tag-tables/{DEFAULT}/constants", json={"name": "N", "dataType": "Int", "value": "3"},
                     headers=engineer_headers))
    xml = data(client.get(f"{D}/tag-tables/{DEFAULT}/export-xml", headers=viewer_headers))
    assert isinstance(xml, str) and "SW.Tags.PlcTagTable" in xml
    table = simaticml_object(xml.encode(), PlcTagTable)
    assert table.name == DEFAULT
    tag = table.tags[0]
    assert tag.comment is not None
    assert (tag.name, tag.data_type, tag.logical_address, tag.comment.text("en-US")) == ("Start", "Bool", "%I0.0", "go")
    assert tag.attr("ExternalWritable") is False and tag.attr("ExternalVisible") is None  # V19 leaves defaults out
    assert [(c.name, c.value) for c in table.user_constants] == [("N", "3")]
    assert_error(client.get(f"{D}/tag-tables/Nope/export-xml", headers=viewer_headers), 404, "TAG_TABLE_NOT_FOUND")


def test_table_imported_as_simaticml_is_editable(client, engineer_headers, services, cpu):
    source = (CORPUS / "tagtable" / "Jmeyer1292_tags0.xml").read_bytes()
    services.backend.program.import_program_documents("PLC_1", [ProgramDocument(source="t.xml", data=source)],
                                                      overwrite=False)
    original = simaticml_object(source, PlcTagTable)
    name = original.name
    tags = _tags(client, engineer_headers, name)
    assert [t["name"] for t in tags] == [t.name for t in original.tags]
    constants = data(client.get(f"{D}/tag-tables/{name}/constants/user", headers=engineer_headers))
    assert [c["name"] for c in constants] == [c.name for c in original.user_constants]
    data(_tag(client, engineer_headers, name, name="Added", dataType="Bool", logicalAddress="%M99.0"))
    xml = data(client.get(f"{D}/tag-tables/{name}/export-xml", headers=engineer_headers))
    assert [t.name for t in simaticml_object(xml.encode(), PlcTagTable).tags] == [*(t.name for t in original.tags),
                                                                                  "Added"]


# ----- roles -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", f"{D}/tags", {"name": "A", "dataType": "Bool", "logicalAddress": "%I0.0"}),
    ("POST", f"{D}/tag-tables/actions/create-sync", {"name": "X"}),
    ("DELETE", f"{D}/tag-tables/{DEFAULT}/tags/A", None),
    ("POST", f"{D}/tag-tables/{DEFAULT}/constants", {"name": "C", "dataType": "Int", "value": "1"}),
    ("POST", f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync", {"filePath": "x.xlsx"}),
])
def test_viewer_cannot_change_tags(client, viewer_headers, cpu, method, path, body):
    assert_error(client.request(method, path, json=body, headers=viewer_headers), 403, "FORBIDDEN")


def test_tables_survive_save_and_reopen(client, engineer_headers, cpu):
    data(_create_table(client, engineer_headers, "IO", folder="Line1"))
    data(_tag(client, engineer_headers, "IO", name="A", dataType="Int", logicalAddress="%IW2", comment="kept",
              hmiVisible=False))
    data(client.post(f"{D}/tag-tables/IO/constants", json={"name": "K", "dataType": "Int", "value": "7"},
                     headers=engineer_headers))
    before = (_tags(client, engineer_headers, "IO"), data(client.get(f"{D}/tag-tables", headers=engineer_headers)))
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    assert (_tags(client, engineer_headers, "IO"),
            data(client.get(f"{D}/tag-tables", headers=engineer_headers))) == before
    assert [c["name"] for c in data(client.get(f"{D}/tag-tables/IO/constants/user", headers=engineer_headers))] == ["K"]


def test_failed_change_leaves_the_table_as_it_was(client, engineer_headers, cpu):
    data(_tag(client, engineer_headers, DEFAULT, name="A", dataType="Bool", logicalAddress="%I0.0"))
    assert_error(client.put(f"{D}/tag-tables/{DEFAULT}/tags/A", json={"logicalAddress": "%DB1.DBX0.0"},
                            headers=engineer_headers), 422)
    assert _tags(client, engineer_headers)[0]["logicalAddress"] == "%I0.0"


def test_auto_snapshot_before_tag_changes_and_restore(client, admin_headers, cpu):
    h = admin_headers
    data(_tag(client, h, DEFAULT, name="A", dataType="Bool", logicalAddress="%I0.0"))
    data(client.post("/api/settings", json={"autoSnapshot": True}, headers=h))
    try:
        data(client.put(f"{D}/tag-tables/{DEFAULT}/tags/A", json={"logicalAddress": "%I0.1"}, headers=h))
        data(_tag(client, h, DEFAULT, name="B", dataType="Int", logicalAddress="%MW2"))
    finally:
        data(client.post("/api/settings", json={"autoSnapshot": False}, headers=h))
    snaps = data(client.get(f"/api/history/tags/PLC_1/{DEFAULT}", headers=h))
    assert len(snaps) == 2 and all(s["createdBy"] == "autoSnapshot" for s in snaps)
    assert sorted(s["reason"] for s in snaps) == ["tags.create-in-table", "tags.update"]
    first = next(s for s in snaps if s["reason"] == "tags.update")
    content = data(client.get(f"/api/history/snapshots/{first['id']}/content", headers=h))
    assert [(t["name"], t["logicalAddress"]) for t in content["tags"]] == [("A", "%I0.0")]
    data(client.post(f"/api/history/snapshots/{first['id']}/actions/restore-sync", headers=h))
    assert [(t["name"], t["logicalAddress"]) for t in _tags(client, h)] == [("A", "%I0.0")]
    data(_tag(client, h, DEFAULT, name="B", dataType="Int", logicalAddress="%MW2"))  # the restored table is editable


def test_system_constants_name_the_obs(client, viewer_headers, services, cpu):
    source = (CORPUS / "ob" / "Gildej31_Main_V18.xml").read_bytes()
    # over the Main [OB1] TIA created with the PLC
    services.backend.program.import_program_documents("PLC_1", [ProgramDocument(source="ob.xml", data=source)],
                                                      overwrite=True)
    ob = simaticml_object(source, Block)
    system = data(client.get(f"{D}/tag-tables/{DEFAULT}/constants/system", headers=viewer_headers))
    assert {"name": ob.name, "dataType": "OB_PCYCLE", "value": str(ob.number)}.items() <= next(
        c for c in system if c["name"] == ob.name).items()
