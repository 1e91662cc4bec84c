"""Tag import and export through HTTP: TIA's Excel layout, CSV, JSON; row-by-row errors, all or nothing."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from engineering_api.domain.tag_formats import TAG_COLUMNS
from tests.conftest import assert_error, data, job_error, run_job
from tests.api.tag_workbooks import TIA_ROWS, tia_tags_workbook

D = "/api/devices/PLC_1"
DEFAULT = "Default tag table"


def _tags(client, headers, table=DEFAULT):
    return data(client.get(f"{D}/tag-tables/{table}/tags", headers=headers))


def test_tia_exported_xlsx_imports(client, engineer_headers, workspace, cpu):
    tia_tags_workbook(workspace / "PLCTags.xlsx", TIA_ROWS, [["MAX_SPEED", "Default tag table", "Int", "1500", "rpm"]])
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                              json={"FilePath": "PLCTags.xlsx"}, headers=engineer_headers))
    assert result["tagsImported"] == 6 and result["constantsImported"] == 1 and result["warnings"] == []
    tags = {t["name"]: t for t in _tags(client, engineer_headers)}
    assert list(tags) == [r[0] for r in TIA_ROWS]
    assert tags["Stop_PB"]["hmiWriteable"] is False and tags["Stop_PB"]["hmiVisible"] is True
    assert (tags["Motor_Run"]["hmiAccessible"], tags["Motor_Run"]["comment"]) == (False, "")
    assert tags["Flow_PV"]["logicalAddress"] == "%ID64" and tags["Status"]["comment"] == "Überwachung"
    constants = data(client.get(f"{D}/tag-tables/{DEFAULT}/constants/user", headers=engineer_headers))
    assert [(c["name"], c["dataType"], c["value"], c["comment"])
            for c in constants] == [("MAX_SPEED", "Int", "1500", "rpm")]


def test_path_column_creates_tables(client, engineer_headers, workspace, cpu):
    rows = [["A", "Motors", "Bool", "%Q0.0", "", "True", "True", "True", None, None],
            ["B", "Valves", "Bool", "%Q0.1", "", "True", "True", "True", None, None],
            ["C", "", "Bool", "%Q0.2", "", "True", "True", "True", None, None]]
    tia_tags_workbook(workspace / "multi.xlsx", rows)
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                              json={"filePath": "multi.xlsx", "usePathColumn": True}, headers=engineer_headers))
    assert sorted(result["createdTables"]) == ["Motors", "Valves"]
    everything = data(client.get(f"{D}/tags/all", headers=engineer_headers))
    assert {(t["name"], t["tableName"]) for t in everything} == {("A", "Motors"), ("B", "Valves"), ("C", DEFAULT)}


def test_bad_rows_reported_and_nothing_imported(client, engineer_headers, workspace, cpu):
    data(client.post(f"{D}/tags", json={"name": "Existing", "dataType": "Bool", "logicalAddress": "%M0.0"},
                     headers=engineer_headers))
    rows = [
        ["Good1", DEFAULT, "Bool", "%I0.0", "", "True", "True", "True", None, None],
        ["Bad_DB", DEFAULT, "Bool", "%DB1.DBX0.0", "", "True", "True", "True", None, None],
        ["Bad_Size", DEFAULT, "Int", "%MB4", "", "True", "True", "True", None, None],
        ["Good2", DEFAULT, "Int", "%MW20", "", "True", "True", "True", None, None],
        ["existing", DEFAULT, "Bool", "%M0.1", "", "True", "True", "True", None, None],
        ["Good1", DEFAULT, "Bool", "%I0.1", "", "True", "True", "True", None, None],
        ["Bad_Type", DEFAULT, "Banana", "%MW2", "", "True", "True", "True", None, None],
        ["Bad_Flag", DEFAULT, "Bool", "%I1.0", "", "Maybe", "True", "True", None, None],
        [None, DEFAULT, "Bool", "%I1.1", "", "True", "True", "True", None, None],
    ]
    tia_tags_workbook(workspace / "bad.xlsx", rows)
    body = assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                                    json={"filePath": "bad.xlsx"}, headers=engineer_headers), 422,
                                    "IMPORT_ROWS_INVALID")
    assert "nothing was imported" in body["message"]
    # reading problems (flags, empty cells) and rule problems come in one report, in row order
    problems = {(r["row"], r["column"]): r["reason"] for r in body["details"]["rows"]}
    assert [(r["row"], r["column"]) for r in body["details"]["rows"]] == [
        (3, "Logical Address"), (4, "Logical Address"), (6, "Name"), (7, "Name"), (8, "Data Type"), (9, "Hmi Visible"),
        (10, "Name")]
    assert body["details"]["errorCount"] == 7
    assert "True or False" in problems[(9, "Hmi Visible")] and "empty" in problems[(10, "Name")]
    assert "data block address" in problems[(3, "Logical Address")]
    assert "word address" in problems[(4, "Logical Address")]
    assert "Existing" in problems[(6, "Name")] and "row 2" in problems[(7, "Name")]
    assert [t["name"] for t in _tags(client, engineer_headers)] == ["Existing"]  # nothing half-imported
    rows[7][5], rows[8][0] = "True", "Good3"
    tia_tags_workbook(workspace / "bad.xlsx", rows)
    body = assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                                    json={"filePath": "bad.xlsx"}, headers=engineer_headers), 422,
                                    "IMPORT_ROWS_INVALID")
    assert body["details"]["errorCount"] == 5
    assert [t["name"] for t in _tags(client, engineer_headers)] == ["Existing"]


def test_xlsx_round_trip(client, engineer_headers, workspace, cpu):
    data(client.post(f"{D}/tag-tables/actions/create-sync", json={"name": "IO"}, headers=engineer_headers))
    tags = [("In_1", "Bool", "%I0.0", "a", True, True, True), ("Out_W", "Word", "%QW2", "b", False, True, False),
            ("M_Real", "Real", "%MD8", "", True, False, True),
            ("Cnt", "DInt", "%MD12", "d, with comma", True, True, True)]
    for name, dtype, address, comment, visible, accessible, writeable in tags:
        data(client.post(f"{D}/tag-tables/IO/tags", json={
            "name": name, "dataType": dtype, "logicalAddress": address, "comment": comment, "hmiVisible": visible,
            "hmiAccessible": accessible, "hmiWriteable": writeable}, headers=engineer_headers))
    data(client.post(f"{D}/tag-tables/IO/constants", json={"name": "K", "dataType": "Real", "value": "1.5"},
                     headers=engineer_headers))
    before = _tags(client, engineer_headers, "IO")
    exported = data(client.post(f"{D}/tag-tables/IO/actions/export-excel-sync", json={"exportPath": "out/io.xlsx"},
                                headers=engineer_headers))
    assert exported["tagCount"] == 4 and exported["constantCount"] == 1
    sheet = openpyxl.load_workbook(workspace / "out" / "io.xlsx")["PLC Tags"]
    assert [c.value for c in sheet[1]] == list(TAG_COLUMNS)
    assert [c.value for c in sheet[3]][:8] == ["Out_W", "IO", "Word", "%QW2", "b", "False", "True", "False"]
    data(client.delete(f"{D}/tag-tables/IO/actions/delete-sync", headers=engineer_headers))
    data(client.post(f"{D}/tag-tables/actions/create-sync", json={"name": "IO"}, headers=engineer_headers))
    result = data(client.post(f"{D}/tag-tables/IO/actions/import-xlsx-sync", json={"filePath": "out/io.xlsx"},
                              headers=engineer_headers))
    assert result["tagsImported"] == 4 and result["constantsImported"] == 1
    assert _tags(client, engineer_headers, "IO") == before
    # export refuses to overwrite unless asked
    assert_error(client.post(f"{D}/tag-tables/IO/actions/export-excel-sync", json={"exportPath": "out/io.xlsx"},
                             headers=engineer_headers), 409, "FILE_EXISTS")
    data(client.post(f"{D}/tag-tables/IO/actions/export-excel-sync",
                     json={"exportPath": "out/io.xlsx", "overwrite": True}, headers=engineer_headers))


def test_import_existing_names_need_overwrite(client, engineer_headers, workspace, cpu):
    data(client.post(f"{D}/tags", json={"name": "A", "dataType": "Bool", "logicalAddress": "%M0.0", "comment": "old"},
                     headers=engineer_headers))
    tia_tags_workbook(workspace / "a.xlsx", [["A", DEFAULT, "Int", "%MW2", "new", "True", "True", "True", None, None],
                                             ["B", DEFAULT, "Bool", "%M0.1", "", "True", "True", "True", None, None]])
    body = assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync", json={"filePath": "a.xlsx"},
                                    headers=engineer_headers), 422)
    assert "overwrite" in body["details"]["rows"][0]["reason"]
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                              json={"filePath": "a.xlsx", "overwrite": True}, headers=engineer_headers))
    assert result["tagsReplaced"] == 1 and result["tagsImported"] == 2
    assert [(t["name"], t["dataType"], t["comment"]) for t in _tags(client, engineer_headers)] == [("A", "Int", "new"),
                                                                                                   ("B", "Bool", "")]


def test_import_warns_about_overlaps(client, engineer_headers, workspace, cpu):
    tia_tags_workbook(workspace / "o.xlsx", [["W", DEFAULT, "Word", "%MW10", "", "True", "True", "True", None, None],
                                             ["B", DEFAULT, "Byte", "%MB11", "", "True", "True", "True", None, None]])
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync", json={"filePath": "o.xlsx"},
                              headers=engineer_headers))
    assert result["warningCount"] == 1 and result["warnings"][0]["otherTag"] == "W"
    assert "Row 3" in result["warnings"][0]["message"]


def test_import_file_errors(client, engineer_headers, workspace, cpu):
    url = f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync"
    assert_error(client.post(url, json={"filePath": "missing.xlsx"}, headers=engineer_headers), 404, "FILE_NOT_FOUND")
    assert_error(client.post(url, json={"filePath": "../outside.xlsx"}, headers=engineer_headers), 422, "PATH_REJECTED")
    (workspace / "t.csv").write_text("x")
    assert_error(client.post(url, json={"filePath": "t.csv"}, headers=engineer_headers), 422, "PATH_REJECTED")
    (workspace / "broken.xlsx").write_bytes(b"not a zip")
    assert_error(client.post(url, json={"filePath": "broken.xlsx"}, headers=engineer_headers), 422, "INVALID_TAG_FILE")
    workbook = openpyxl.Workbook()
    workbook.active.title = "PLC Tags"
    workbook.active.append(["Name", "Comment"])
    workbook.save(workspace / "nocols.xlsx")
    body = assert_error(client.post(url, json={"filePath": "nocols.xlsx"}, headers=engineer_headers), 422,
                        "INVALID_TAG_FILE")
    assert "Data Type" in body["message"]
    tia_tags_workbook(workspace / "ok.xlsx", TIA_ROWS)
    assert_error(client.post(f"{D}/tag-tables/Nope/actions/import-xlsx-sync", json={"filePath": "ok.xlsx"},
                             headers=engineer_headers), 404, "TAG_TABLE_NOT_FOUND")


def test_import_xlsx_async(client, engineer_headers, workspace, cpu):
    tia_tags_workbook(workspace / "a.xlsx", TIA_ROWS)
    job = run_job(client, "POST", f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx", engineer_headers,
                  json={"filePath": "a.xlsx"})
    assert job["status"] == "Completed" and job["result"]["tagsImported"] == 6
    job = run_job(client, "POST", f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx", engineer_headers,
                  json={"filePath": "a.xlsx"})
    assert job["status"] == "Failed" and job_error(job)["code"] == "IMPORT_ROWS_INVALID"


# ----- CSV -------------------------------------------------------------------------------------
def test_csv_round_trip_and_async(client, engineer_headers, workspace, cpu):
    for name, dtype, address in (("A", "Bool", "%I0.0"), ("B", "Int", "%IW2")):
        data(client.post(f"{D}/tags",
                         json={"name": name, "dataType": dtype, "logicalAddress": address, "comment": "x;y,z"},
                         headers=engineer_headers))
    before = _tags(client, engineer_headers)
    exported = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/export-csv-sync", json={"exportPath": "tags.csv"},
                                headers=engineer_headers))
    assert exported["tagCount"] == 2
    with (workspace / "tags.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(TAG_COLUMNS) and rows[1][:5] == ["A", DEFAULT, "Bool", "%I0.0", "x;y,z"]
    job = run_job(client, "POST", f"{D}/tag-tables/{DEFAULT}/actions/export-csv", engineer_headers,
                  json={"exportPath": "tags.csv"})
    assert job["status"] == "Failed" and job_error(job)["code"] == "FILE_EXISTS"
    for name in ("A", "B"):
        data(client.delete(f"{D}/tag-tables/{DEFAULT}/tags/{name}", headers=engineer_headers))
    job = run_job(client, "POST", f"{D}/tag-tables/{DEFAULT}/actions/import-csv", engineer_headers,
                  json={"filePath": "tags.csv"})
    assert job["status"] == "Completed"
    assert _tags(client, engineer_headers) == before


def test_semicolon_csv_with_bom(client, engineer_headers, workspace, cpu):
    text = "Name;Path;Data Type;Logical Address;Comment;Hmi Visible;Hmi Accessible;Hmi Writeable;" \
           "Typeobject ID;Version ID\r\n" \
           "Füllstand;Default tag table;Int;%IW64;Behälter 1;True;True;False;;\r\n" \
           "Pumpe;Default tag table;Bool;%Q4.0;;True;True;True;;\r\n"
    (workspace / "de.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-csv-sync", json={"filePath": "de.csv"},
                              headers=engineer_headers))
    assert result["tagsImported"] == 2
    tags = _tags(client, engineer_headers)
    assert (tags[0]["name"], tags[0]["comment"], tags[0]["hmiWriteable"]) == ("Füllstand", "Behälter 1", False)


def test_csv_bad_rows(client, engineer_headers, workspace, cpu):
    (workspace / "bad.csv").write_text(
        "Name,Data Type,Logical Address\nA,Bool,%I0.0\nB,Int,%DB2.DBW0\nC,Bool,%I0.9\n", encoding="utf-8")
    body = assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-csv-sync", json={"filePath": "bad.csv"},
                                    headers=engineer_headers), 422, "IMPORT_ROWS_INVALID")
    assert [(r["row"], r["column"]) for r in body["details"]["rows"]] == [(3, "Logical Address"),
                                                                          (4, "Logical Address")]
    assert _tags(client, engineer_headers) == []


# ----- JSON ------------------------------------------------------------------------------------
def test_json_import_inline(client, engineer_headers, cpu):
    body = {"TableName": "Json", "Tags": [
        {"Name": "J1", "DataType": "Bool", "LogicalAddress": "%I0.0"},
        {"name": "J2", "dataType": "Int", "logicalAddress": "%MW2", "tableName": DEFAULT, "hmiVisible": False},
        {"Name": "J3", "Data Type": "Real", "Logical Address": "%MD4", "Comment": "excel names"},
    ], "UserConstants": [{"name": "JC", "dataType": "Int", "value": "4"}]}
    result = data(client.post(f"{D}/tags/actions/import-sync", json=body, headers=engineer_headers))
    assert result["createdTables"] == ["Json"] and result["tagsImported"] == 3 and result["constantsImported"] == 1
    everything = data(client.get(f"{D}/tags/all", headers=engineer_headers))
    assert [(t["name"], t["tableName"], t["hmiVisible"]) for t in everything] == [
        ("J2", DEFAULT, False), ("J1", "Json", True), ("J3", "Json", True)]


def test_json_import_errors_and_async(client, engineer_headers, cpu):
    body = {"tags": [{"name": "Ok", "dataType": "Bool", "logicalAddress": "%I0.0"},
                     {"name": "NoAddress", "dataType": "Bool"},
                     {"name": "Db", "dataType": "Bool", "logicalAddress": "%DB1.DBX0.0"}]}
    result = assert_error(client.post(f"{D}/tags/actions/import-sync", json=body, headers=engineer_headers), 422,
                          "IMPORT_ROWS_INVALID")
    assert [(r["row"], r["column"]) for r in result["details"]["rows"]] == [(2, "Logical Address"),
                                                                            (3, "Logical Address")]
    assert "missing" in result["details"]["rows"][0]["reason"]
    assert "data block" in result["details"]["rows"][1]["reason"]
    del body["tags"][1]
    result = assert_error(client.post(f"{D}/tags/actions/import-sync", json=body, headers=engineer_headers), 422,
                          "IMPORT_ROWS_INVALID")
    assert [(r["row"], r["column"]) for r in result["details"]["rows"]] == [(2, "Logical Address")]
    assert data(client.get(f"{D}/tags/all", headers=engineer_headers)) == []
    assert_error(client.post(f"{D}/tags/actions/import-sync", json={}, headers=engineer_headers), 422)
    job = run_job(client, "POST", f"{D}/tags/actions/import", engineer_headers, json={"tags": body["tags"][:1]})
    assert job["status"] == "Completed" and job["result"]["tagsImported"] == 1


def test_json_file_round_trip(client, engineer_headers, workspace, cpu):
    data(client.post(f"{D}/tags", json={"name": "A", "dataType": "Bool", "logicalAddress": "%I0.0"},
                     headers=engineer_headers))
    data(client.post(f"{D}/tag-tables/{DEFAULT}/constants", json={"name": "C", "dataType": "Int", "value": "2"},
                     headers=engineer_headers))
    data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/export-json-sync", json={"exportPath": "t.json"},
                     headers=engineer_headers))
    document = json.loads((workspace / "t.json").read_text())
    assert document["tagTable"] == DEFAULT and document["tags"][0]["name"] == "A"
    data(client.post(f"{D}/tag-tables/actions/create-sync", json={"name": "Copy"}, headers=engineer_headers))
    document["tagTable"] = "Copy"
    document["tags"][0]["tableName"] = "Copy"
    document["tags"][0]["name"] = "A2"
    document["userConstants"][0]["tableName"] = "Copy"
    document["userConstants"][0]["name"] = "C2"
    (workspace / "t2.json").write_text(json.dumps(document))
    result = data(client.post(f"{D}/tags/actions/import-sync", json={"filePath": "t2.json"}, headers=engineer_headers))
    assert result["tables"] == ["Copy"] and result["tagsImported"] == 1 and result["constantsImported"] == 1


@pytest.mark.parametrize("route", ["export-excel-sync", "export-csv-sync"])
def test_export_unknown_table(client, engineer_headers, cpu, route):
    suffix = ".xlsx" if "excel" in route else ".csv"
    assert_error(client.post(f"{D}/tag-tables/Nope/actions/{route}", json={"exportPath": "x" + suffix},
                             headers=engineer_headers), 404, "TAG_TABLE_NOT_FOUND")


def test_path_column_carries_the_folder(client, engineer_headers, workspace, cpu):
    data(client.post(f"{D}/tag-tables/actions/create-sync", json={"name": "IO", "folder": "Line1/Cell2"},
                     headers=engineer_headers))
    data(client.post(f"{D}/tag-tables/IO/tags", json={"name": "A", "dataType": "Bool", "logicalAddress": "%I0.0"},
                     headers=engineer_headers))
    data(client.post(f"{D}/tag-tables/IO/actions/export-excel-sync", json={"exportPath": "io.xlsx"},
                     headers=engineer_headers))
    workbook = openpyxl.load_workbook(workspace / "io.xlsx")
    assert workbook.sheetnames == ["PLC Tags", "User Constants", "TagTable Properties"]
    assert workbook["PLC Tags"]["B2"].value == "Line1\\Cell2\\IO"
    assert [c.value for c in workbook["TagTable Properties"][1]] == ["Path", "BelongsToUnit", "Accessibility"]
    data(client.delete(f"{D}/tag-tables/folders", params={"path": "Line1"}, headers=engineer_headers))
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                              json={"filePath": "io.xlsx", "usePathColumn": True}, headers=engineer_headers))
    assert result["createdTables"] == ["IO"]
    tables = data(client.get(f"{D}/tag-tables", headers=engineer_headers))
    assert [(t["name"], t["folder"]) for t in tables] == [(DEFAULT, ""), ("IO", "Line1/Cell2")]


def test_constants_sheet_named_constants(client, engineer_headers, workspace, cpu):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Constants"
    workbook.active.append(["Name", "Path", "Data Type", "Value", "Comment"])
    workbook.active.append(["K1", DEFAULT, "Int", "3", "three"])
    workbook.active.append(["K2", DEFAULT, "Int", "99999", ""])
    workbook.save(workspace / "c.xlsx")
    body = assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync", json={"filePath": "c.xlsx"},
                                    headers=engineer_headers), 422)
    assert [(r["row"], r["column"], r["sheet"]) for r in body["details"]["rows"]] == [(3, "Value", "User Constants")]
    workbook.active["D3"] = "9"
    workbook.save(workspace / "c.xlsx")
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync", json={"filePath": "c.xlsx"},
                              headers=engineer_headers))
    assert (result["tagsImported"], result["constantsImported"]) == (0, 2)
