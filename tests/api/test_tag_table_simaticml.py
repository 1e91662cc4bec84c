"""A tag table exported by TIA as SimaticML, imported over REST (tags.import-simaticml:
``POST …/tag-tables/actions/import-simaticml-sync``) with the checks of the CSV, Excel and JSON imports: every tag
table of the corpus arrives with its tags and user constants as the export lists them; bad documents and bad rows
are a clear 422 and change nothing."""

from __future__ import annotations

import re
from pathlib import Path


from simatic_xml import read_file
from simatic_xml.objects import PlcTagTable
from tests.conftest import CPU, add_device, assert_error, data
from tests.simatic_xml.sxml_corpus import CORPUS
from tests.lib.shared_corpus import READS_SHARED

D = "/api/devices/PLC_1"
IMPORT = f"{D}/tag-tables/actions/import-simaticml-sync"
TABLES = sorted((CORPUS / "tagtable").glob("*.xml")) if CORPUS.is_dir() else []


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


@READS_SHARED
def test_every_corpus_tag_table_arrives_as_its_export_lists_it(client, admin_headers, project):
    """Each export into a PLC of its own (tag names are unique in a PLC, and the corpus' projects share names)."""
    refused = {}
    for number, path in enumerate(TABLES, start=1):
        table = read_file(path).object
        assert isinstance(table, PlcTagTable)
        plc = f"/api/devices/PLC_{number}"
        add_device(client, admin_headers, CPU, f"PLC_{number}")
        answer = client.post(f"{plc}/tag-tables/actions/import-simaticml-sync", json={"xml": _text(path)},
                             headers=admin_headers)
        if answer.status_code != 200:
            refused[path.name] = answer.json().get("details", {}).get("rows", [answer.json()["message"]])[:2]
            continue
        tags = {t["name"]: t for t in data(client.get(f"{plc}/tag-tables/{table.name}/tags", headers=admin_headers))}
        assert [t.name for t in table.tags] == list(tags)  # every tag, in the export's order
        for tag in table.tags:
            assert tags[tag.name]["dataType"].strip('"') == (tag.data_type or "").strip('"'), tag.name
            assert tags[tag.name]["logicalAddress"] == tag.logical_address, tag.name
        constants = data(client.get(f"{plc}/tag-tables/{table.name}/constants/user", headers=admin_headers))
        assert [c.name for c in table.user_constants] == [c["name"] for c in constants]
    assert refused == {}


def test_a_block_document_or_broken_xml_is_refused_and_nothing_changes(client, engineer_headers, cpu):
    before = data(client.get(f"{D}/tag-tables", headers=engineer_headers))
    block = _text(CORPUS / "fc" / "mking2203_plcBlock_LAD_Block_3.xml") if CORPUS.is_dir() else "<Document/>"
    assert_error(client.post(IMPORT, json={"xml": block}, headers=engineer_headers), 422, "INVALID_TAG_FILE")
    assert_error(client.post(IMPORT, json={"xml": "<Document><"}, headers=engineer_headers), 422, "INVALID_TAG_FILE")
    assert_error(client.post(IMPORT, json={}, headers=engineer_headers), 422, "VALIDATION_FAILED")
    assert data(client.get(f"{D}/tag-tables", headers=engineer_headers)) == before


@READS_SHARED
def test_a_bad_row_refuses_the_whole_table_with_its_row_and_table_name_redirects(client, engineer_headers, cpu):
    text = _text(CORPUS / "tagtable" / "Fwaldt_Analog_Outputs.xml")
    broken = re.sub(r"<LogicalAddress>[^<]*</LogicalAddress>", "<LogicalAddress>%Q99999.9</LogicalAddress>", text,
                    count=1)
    failed = assert_error(client.post(IMPORT, json={"xml": broken}, headers=engineer_headers), 422,
                          "IMPORT_ROWS_INVALID")
    # a row of a SimaticML table is its tag's element line, where the check's finding is too
    line = broken[:broken.index("<SW.Tags.PlcTag ")].count("\n") + 1
    assert failed["details"]["rows"][0]["row"] == line
    assert [(d["code"], d["line"]) for d in failed["details"]["files"][0]["diagnostics"]] == [("TAG_INVALID", line)]
    assert "Analog_Outputs" not in [t["name"] for t in data(client.get(f"{D}/tag-tables", headers=engineer_headers))]
    missing = client.post(IMPORT, json={"xml": text, "tableName": "Copied"}, headers=engineer_headers)
    assert_error(missing, 404, "TAG_TABLE_NOT_FOUND")  # as the CSV and Excel imports into a named table
    data(client.post(f"{D}/tag-tables/actions/create-sync", json={"name": "Copied"}, headers=engineer_headers))
    imported = data(client.post(IMPORT, json={"xml": text, "tableName": "Copied"}, headers=engineer_headers))
    assert imported["tagsImported"] == 4
    assert len(data(client.get(f"{D}/tag-tables/Copied/tags", headers=engineer_headers))) == 4
