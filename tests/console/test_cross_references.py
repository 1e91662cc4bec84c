"""Cross-references: where a tag, DB member, block or PLC data type is used, per block and network with the access,
read from real TIA exports; the REST route (``GET /api/devices/{deviceName}/cross-references``) and the console page
that links each use to its network."""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend.errors import ValidationError
from engineering_api.domain.cross_references import Usage, parse_object_path, usages_in
from simatic_xml import parse_bytes
from tests.console.conftest import corpus_file, sign_in
from tests.conftest import assert_error, data

XREF = "/api/devices/PLC_1/cross-references"

UDT: dict[str, Any] = {"blockType": "UDT", "name": "UDT_Motor",
                       "interface": {"None": [{"name": "Speed", "dataType": "Real"}]}}
FC_SCL: dict[str, Any] = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real", "number": 5,
    "interface": {"Input": [{"name": "Raw", "dataType": "Int"}],
                  "Temp": [{"name": "Motor", "dataType": '"UDT_Motor"'}]},
    "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw);"}],
}
DB: dict[str, Any] = {"blockType": "GlobalDB", "name": "DB_Data",
                      "interface": {
                          "Static": [{"name": "Level", "dataType": "Real"}, {"name": "Count", "dataType": "Int"}]}}
OB: dict[str, Any] = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "networks": [
    {"scl": '"DB_Data".Level := "FC_Scale"(Raw := "DB_Data".Count);'},
    {"title": "Copy", "scl": '"DB_Data".Count := "DB_Data".Count + 1;'},
]}


def _uses(relative: str) -> list[Usage]:
    return usages_in(parse_bytes(corpus_file(relative).read_bytes()))


# ----- read from real exports (each expectation checked against the file's XML by eye) -------------------------
def test_lad_operands_are_read_written_or_edge_memory_by_their_pins():
    # Block_3: contacts on AlwaysTRUE, Tag_1, Tag_2; a P_TRIG box whose edge bit is Tag_7; a coil on Tag_3
    assert _uses("fc/mking2203_plcBlock_LAD_Block_3.xml") == [
        Usage(("AlwaysTRUE",), 1, "Read"), Usage(("Tag_1",), 1, "Read"), Usage(("Tag_2",), 1, "Read"),
        Usage(("Tag_7",), 1, "ReadWrite"), Usage(("Tag_3",), 1, "Write")]


def test_an_in_out_parameter_of_a_lad_call_is_read_and_written():
    # Gildej31's Main network 2: FC_CALCUL(Validation := "AlwaysTRUE", DATA := "DB_CALCUL".DATA), both InOut
    network_2 = [u for u in _uses("ob/Gildej31_Main_V18.xml") if u.network == 2]
    assert network_2 == [Usage(("AlwaysTRUE",), 2, "ReadWrite"), Usage(("DB_CALCUL", "DATA"), 2, "ReadWrite"),
                         Usage(("FC_CALCUL",), 2, "Call")]


def test_stl_writes_are_the_assignments():
    # FC_LIST: A "ENTREE_0_0"; = "SORTIE_0_0"; = "SORTIE_0_1"
    assert _uses("fc/Gildej31_FC_LIST_V18.xml") == [
        Usage(("ENTREE_0_0",), 1, "Read"), Usage(("SORTIE_0_0",), 1, "Write"), Usage(("SORTIE_0_1",), 1, "Write")]


def test_scl_writes_are_left_of_the_assignment_or_an_output_parameter():
    uses = _uses("ob/Fwaldt_CyclicInterrupt.xml")
    # "CONT_C_Clim_DB"(COM_RST := "DB_Temperature".sPIDRestart, …, LMN => "DB_AnalogOutputs"….sSWRealValue)
    assert uses[0] == Usage(("CONT_C_Clim_DB",), 1, "Call")  # the route answers Instance for a DB it holds
    assert Usage(("DB_Temperature", "sPIDRestart"), 1, "Read") in uses
    assert uses[-1] == Usage(("DB_AnalogOutputs", "sPropValveClimSetPoint", "sSWRealValue"), 1, "Write")
    alarms = _uses("fb/Czarnak_AlarmsContainer.xml")
    assert Usage(("Alarms_DB", "General", "EmergencyStop"), 2, "Write") in alarms
    assert Usage(("InputValues_DB", "InputsDigital", "EmergencyStop"), 2, "Read") in alarms


def test_an_scl_fc_call_is_a_call_of_the_fc():
    # Fwaldt's Main: "LBP_MainBP"(); TIA writes <CallInfo BlockType="FC"><Instance …><Component Name="LBP_MainBP"/>
    assert Usage(("LBP_MainBP",), 1, "Call") in _uses("ob/Fwaldt_Main.xml")
    assert Usage(("LBP_OpUnitComm_DB",), 1, "Instance") in _uses("ob/Fwaldt_Main.xml")


def test_object_names_are_read_as_tia_writes_them_or_with_plain_dots():
    assert parse_object_path('"DB_ALARM"."+KM1".LeakageR134a') == ("DB_ALARM", "+KM1", "LeakageR134a")
    assert parse_object_path("DB_ALARM.+KM1") == ("DB_ALARM", "+KM1")
    assert parse_object_path('"a ""b"""[3].c') == ('a "b"', "c")
    for bad in ("", "  ", "a..b", ".a", "a.", '"open'):
        with pytest.raises(ValidationError):
            parse_object_path(bad)


# ----- the REST route -----------------------------------------------------------------------------------------
@pytest.fixture
def program(client, admin_headers, cpu) -> dict[str, str]:
    data(client.post("/api/blockgeneration/generate-and-import", json={"spec": UDT, "deviceName": "PLC_1"},
                     headers=admin_headers))
    for spec in (FC_SCL, DB):
        data(client.post("/api/devices/PLC_1/blocks", json=spec, headers=admin_headers))
    # over the Main [OB1] TIA created with the PLC
    data(client.post("/api/devices/PLC_1/blocks", json={**OB, "overwrite": True}, headers=admin_headers))
    lad = corpus_file("fc/mking2203_plcBlock_LAD_Block_3.xml").read_text(encoding="utf-8-sig")
    data(client.post("/api/devices/PLC_1/blocks", json={"rawXml": lad}, headers=admin_headers))
    data(client.post("/api/devices/PLC_1/tag-tables/Default tag table/tags",
                     json={"Name": "Tag_3", "DataType": "Bool", "LogicalAddress": "%Q0.3"}, headers=admin_headers))
    return admin_headers


def _xref(client, headers, name: str) -> dict[str, Any]:
    return data(client.get(XREF, params={"objectName": name}, headers=headers))


def _rows(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(u["block"], u["network"], u["access"], u["operand"]) for u in answer["usages"]]


def test_a_tag_a_db_member_a_block_and_a_type_answer_their_uses(client, program, make_key):
    viewer = make_key("viewer")  # a read: the viewer role is enough
    tag = _xref(client, viewer, "Tag_3")
    assert (tag["objectType"], tag["exists"], tag["display"]) == ("PlcTag", True, '"Tag_3"')
    assert _rows(tag) == [("Block_3", 1, "Write", '"Tag_3"')] and tag["usageCount"] == 1
    assert tag["usages"][0]["blockType"] == "FC" and tag["usages"][0]["language"] == "LAD"
    count = _xref(client, viewer, '"DB_Data".Count')
    assert count["objectType"] == "DbMember"
    assert _rows(count) == [("Main", 1, "Read", '"DB_Data".Count'), ("Main", 2, "Write", '"DB_Data".Count'),
                            ("Main", 2, "Read", '"DB_Data".Count')]
    assert count["usages"][1]["networkTitle"] == "Copy"
    whole = _xref(client, viewer, "db_data")  # names are matched as TIA matches them, regardless of case
    assert whole["objectType"] == "GlobalDB" and whole["usageCount"] == 4
    assert _rows(_xref(client, viewer, "FC_Scale")) == [("Main", 1, "Call", '"FC_Scale"')]
    udt = _xref(client, viewer, "UDT_Motor")
    assert udt["objectType"] == "UDT" and _rows(udt) == [("FC_Scale", None, "Type", '"UDT_Motor"')]
    # used but not held: said so, not refused
    dangling = _xref(client, viewer, "Tag_7")
    assert (dangling["exists"], dangling["objectType"]) == (False, "Unknown")
    assert _rows(dangling) == [("Block_3", 1, "ReadWrite", '"Tag_7"')]


def test_a_bad_or_unknown_name_is_a_clear_4xx(client, program):
    assert_error(client.get(XREF, params={"objectName": "Nowhere"}, headers=program), 404, "OBJECT_NOT_FOUND")
    assert_error(client.get(XREF, params={"objectName": "a..b"}, headers=program), 422, "INVALID_OBJECT_NAME")
    assert client.get(XREF, headers=program).status_code in (400, 422)
    assert_error(client.get("/api/devices/NOPE/cross-references", params={"objectName": "x"}, headers=program), 404)


def test_a_tag_tables_uses_answer_as_each_tags_query(client, program):
    """One answer for a whole table, each tag's uses exactly what the object query gives for it."""
    data(client.post("/api/devices/PLC_1/tag-tables/Default tag table/tags",
                     json={"Name": "Tag_Unused", "DataType": "Bool", "LogicalAddress": "%Q0.5"}, headers=program))
    table = data(client.get("/api/devices/PLC_1/tag-tables/Default tag table/cross-references", headers=program))
    assert table["tableName"] == "Default tag table"
    assert [t["tag"] for t in table["tags"]] == ["Tag_3"]  # a tag no block uses is left out
    for tag in table["tags"]:
        alone = _xref(client, program, tag["tag"])
        assert (tag["usages"], tag["usageCount"]) == (alone["usages"], alone["usageCount"])
    assert_error(client.get("/api/devices/PLC_1/tag-tables/Nowhere/cross-references", headers=program), 404)


def test_the_answers_follow_every_change_of_the_program(client, program):
    """The index is kept under the program's revision: a tag created, a block changed or deleted is in the next
    answer, of this route and of a block's cross-references."""
    assert_error(client.get(XREF, params={"objectName": "Tag_9"}, headers=program), 404, "OBJECT_NOT_FOUND")
    data(client.post("/api/devices/PLC_1/tag-tables/Default tag table/tags",
                     json={"Name": "Tag_9", "DataType": "Bool", "LogicalAddress": "%Q0.4"}, headers=program))
    assert _xref(client, program, "Tag_9")["objectType"] == "PlcTag"
    fc_users = "/api/devices/PLC_1/blocks/FC_Scale/cross-references"
    assert [u["name"] for u in data(client.get(fc_users, headers=program))["usedBy"]] == ["Main"]
    assert _rows(_xref(client, program, "FC_Scale")) == [("Main", 1, "Call", '"FC_Scale"')]
    data(client.post("/api/devices/PLC_1/blocks", headers=program, json={**OB, "overwrite": True, "networks": [
        {"scl": '"DB_Data".Count := 0;'}, {"scl": '"DB_Data".Level := "FC_Scale"(Raw := 1);'}]}))
    assert _rows(_xref(client, program, "FC_Scale")) == [("Main", 2, "Call", '"FC_Scale"')]
    data(client.delete("/api/devices/PLC_1/blocks/Main", headers=program))
    assert data(client.get(fc_users, headers=program))["usedBy"] == []
    assert _rows(_xref(client, program, "FC_Scale")) == []
    assert _rows(_xref(client, program, "Tag_3")) == [("Block_3", 1, "Write", '"Tag_3"')]


# ----- the console page ---------------------------------------------------------------------------------------
def test_the_console_page_links_each_use_to_its_network_and_escapes_names(client, program, make_key):
    sign_in(client, make_key("viewer")["X-API-Key"])
    block = client.get("/console/devices/PLC_1/blocks/Main").text
    assert 'href="/console/devices/PLC_1/cross-references?name=Main"' in block
    assert 'href="/console/devices/PLC_1/cross-references?name=UDT_Motor"' in \
        client.get("/console/devices/PLC_1/udts/UDT_Motor").text
    page = client.get("/console/devices/PLC_1/cross-references", params={"name": '"DB_Data".Count'})
    assert page.status_code == 200
    assert page.text.count('href="/console/devices/PLC_1/blocks/Main#network-2"') == 2
    assert 'href="/console/devices/PLC_1/blocks/Main#network-1"' in page.text
    assert ">NW 2: Copy<" in page.text and ">Write<" in page.text
    # the operand links to its own cross-references, every reserved character encoded
    assert "cross-references?name=%22DB_Data%22.Count" in page.text
    unknown = client.get("/console/devices/PLC_1/cross-references", params={"name": "<b>x</b>"})
    assert unknown.status_code == 404 and "&lt;b&gt;x&lt;/b&gt;" in unknown.text and "<b>x</b>" not in unknown.text
    # a DB's members link to their uses, every name quoted ("DB_Data"."Count")
    db = client.get("/console/devices/PLC_1/blocks/DB_Data").text
    assert 'href="/console/devices/PLC_1/cross-references?name=%22DB_Data%22.%22Count%22"' in db
    assert "%22DB_Data%22.%22Count%22" not in block  # an OB's interface has no such links
    count = client.get("/console/devices/PLC_1/cross-references", params={"name": '"DB_Data"."Count"'}).text
    assert count.count('href="/console/devices/PLC_1/blocks/Main#network-2"') == 2
    form = client.get("/console/devices/PLC_1/cross-references")
    assert form.status_code == 200 and 'id="xref-name"' in form.text
    assert "/console/devices/PLC_1/cross-references" in client.get("/console/project").text


def test_tag_tables_and_tags_have_pages_with_where_they_are_used(client, program, make_key):
    sign_in(client, make_key("viewer")["X-API-Key"])
    table = "/console/devices/PLC_1/tag-tables/Default%20tag%20table"
    assert f'href="{table}"' in client.get("/console/project").text  # the tree's tag tables are links
    listed = client.get(table)
    assert listed.status_code == 200 and 'data-tag="Tag_3"' in listed.text
    assert 'href="/console/devices/PLC_1/tags/Tag_3"' in listed.text and "%Q0.3" in listed.text
    tag = client.get("/console/devices/PLC_1/tags/Tag_3")
    assert tag.status_code == 200 and ">Bool<" in tag.text and ">%Q0.3<" in tag.text
    # where-used: Block_3's coil writes it in network 1, linked to the network
    assert 'href="/console/devices/PLC_1/blocks/Block_3#network-1"' in tag.text and ">Write<" in tag.text
    missing = client.get("/console/devices/PLC_1/tags/%3Cb%3ENope%3C%2Fb%3E")
    assert missing.status_code == 404 and "<b>Nope</b>" not in missing.text
    assert client.get("/console/devices/PLC_1/tag-tables/Nowhere").status_code == 404


def test_the_index_reads_each_document_once_until_it_changes(client, program, monkeypatch):
    """Work counted, not timed: a second query parses nothing; after one block changes, only that block."""
    from engineering_api.domain import cross_references

    parsed: list[bytes] = []
    real = cross_references.parse_bytes

    def counted(xml: bytes) -> Any:
        parsed.append(xml)
        return real(xml)

    monkeypatch.setattr(cross_references, "parse_bytes", counted)
    cross_references.document_index.cache_clear()
    first = _xref(client, program, "DB_Data.Count")
    objects = len(parsed)
    assert objects >= 5
    assert _xref(client, program, "DB_Data.Count") == first and _xref(client, program, "Tag_3")["usageCount"] == 1
    assert len(parsed) == objects
    changed = {**OB, "overwrite": True, "networks": [*OB["networks"], {"scl": '"DB_Data".Count := 0;'}]}
    data(client.post("/api/devices/PLC_1/blocks", json=changed, headers=program))
    after = _xref(client, program, "DB_Data.Count")
    assert len(parsed) == objects + 1 and after["usageCount"] == first["usageCount"] + 1


def test_the_tag_table_page_lists_where_each_of_its_tags_is_used(client, program, make_key):
    """Issue 93: the tag-table page has the where-used list the tag page has, grouped by tag, linked to networks."""
    sign_in(client, make_key("viewer")["X-API-Key"])
    page = client.get("/console/devices/PLC_1/tag-tables/Default%20tag%20table").text
    rows = [row for row in page.split("<tr") if 'data-tag-use="Tag_3"' in row]
    assert len(rows) == 1 and ">Write<" in rows[0]
    assert 'href="/console/devices/PLC_1/blocks/Block_3#network-1"' in rows[0]
    assert 'href="/console/devices/PLC_1/tags/Tag_3"' in rows[0]
    tag = client.get("/console/devices/PLC_1/tags/Tag_3").text  # the same uses as the tag's own page
    assert tag.count("#network-") == len(rows)
    used = {row.split('data-tag-use="')[1].split('"')[0] for row in page.split("<tr") if "data-tag-use=" in row}
    assert used and all(_xref(client, program, name)["usageCount"] for name in used)


def test_a_long_tag_table_is_shown_a_page_at_a_time_and_found_by_name(client, program, make_key, monkeypatch):
    """Issue 93: a page costs what it shows; the pager and the name search reach every tag, and the where-used list
    holds the shown tags' uses."""
    from engineering_api.console import tags_page

    monkeypatch.setattr(tags_page, "TAGS_PER_PAGE", 2)
    for name in ("Tag_1", "Tag_2", "Tag_7", "Spare"):
        data(client.post("/api/devices/PLC_1/tag-tables/Default tag table/tags",
                         json={"Name": name, "DataType": "Bool", "LogicalAddress": "%M9.0"}, headers=program))
    every = [t["name"] for t in data(client.get("/api/devices/PLC_1/tag-tables/Default tag table/tags",
                                                headers=program))]
    sign_in(client, make_key("viewer")["X-API-Key"])
    table = "/console/devices/PLC_1/tag-tables/Default%20tag%20table"
    shown: list[str] = []
    page, number = client.get(table), 1
    pages = -(-len(every) // 2)
    while True:
        assert page.status_code == 200 and f"Page {number} of {pages}" in page.text
        rows = [r.split('"', 1)[0] for r in page.text.split('<tr data-tag="')[1:]]
        assert len(rows) <= 2
        used = {r.split('"', 1)[0] for r in page.text.split('data-tag-use="')[1:]}
        assert used <= set(rows)  # the uses of this page's tags only
        shown += rows
        if 'rel="next"' not in page.text:
            break
        following = page.text.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        page, number = client.get(following), number + 1
    assert shown == every and number == pages
    found = client.get(table, params={"find": "tag_"})
    named = [r.split('"', 1)[0] for r in found.text.split('<tr data-tag="')[1:]]
    assert named == [n for n in every if "tag_" in n.casefold()][:2]
    assert "&amp;find=tag_" in found.text and f"of {sum('tag_' in n.casefold() for n in every)} tag(s)" in found.text
    assert 'data-tag-use="Tag_3"' in client.get(table, params={"find": "tag_3"}).text
    # a page past the end (the table shrank since the link was made) shows the last; a page below 1 is refused
    assert f"Page {pages} of {pages}" in client.get(table, params={"page": 99}).text
    refused = client.get(table, params={"page": 0})
    assert refused.status_code == 422 and "there is no page 0 of tag table Default tag table" in refused.text
