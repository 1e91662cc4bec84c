"""The project page's watch-table listing reads no more of the PLC's software than its tables need (issue 49: the
listing parsed every block and tag table of each PLC even with no table to check). Work is counted, not timed."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from engineering_api.rules.compiler.project import program_from_software
from simatic_xml import parse_bytes
from tests.console.conftest import corpus_file, sign_in
from tests.conftest import data

PLCS = ("PLC_1", "PLC_2")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the operand resolver builds the compiler's program view and parses a tag table."""
    counts: Counter[str] = Counter()

    def counted_build(software: Any) -> Any:
        counts["program"] += 1
        return program_from_software(software)

    def counted_parse(*args: Any, **kwargs: Any) -> Any:
        counts["tag table"] += 1
        return parse_bytes(*args, **kwargs)

    monkeypatch.setattr("engineering_api.rules.watch_operands.program_from_software", counted_build)
    monkeypatch.setattr("engineering_api.rules.watch_operands.parse_bytes", counted_parse)
    return counts


def _seed(client: Any, headers: dict[str, str]) -> None:
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=headers))
    lad = corpus_file("fc/mking2203_plcBlock_LAD_Block_3.xml").read_text(encoding="utf-8-sig")
    for name in PLCS:
        data(client.post("/api/projects/devices/actions/add-sync",
                         json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": name}, headers=headers))
        data(client.post(f"/api/devices/{name}/blocks", json={"rawXml": lad}, headers=headers))
        data(client.post(f"/api/devices/{name}/tags", json={"name": "Start", "dataType": "Bool",
                                                            "logicalAddress": "%I0.0"}, headers=headers))


def _project_page(client: Any, reads: Counter[str]) -> str:
    reads.clear()
    page = client.get("/console/project")
    assert page.status_code == 200
    return page.text


def test_a_plc_without_symbolic_table_operands_is_listed_without_reading_its_program(client, admin_headers, make_key,
                                                                                     reads):
    _seed(client, admin_headers)
    sign_in(client, make_key("viewer")["X-API-Key"])
    _project_page(client, reads)
    assert reads == Counter(), "no table: nothing of the software is parsed"
    data(client.post("/api/devices/PLC_1/watch-tables", json={"name": "Bits", "tags": ["%M0.0", "%I0.1"]},
                     headers=admin_headers))
    page = _project_page(client, reads)
    assert "Bits" in page and reads == Counter(), "absolute addresses are checked without the program"


def test_symbolic_operands_read_the_program_once_per_plc_whatever_the_number_of_tables(client, admin_headers,
                                                                                       make_key, reads):
    _seed(client, admin_headers)
    for table in ("Motor", "Valves", "Spare"):
        data(client.post("/api/devices/PLC_1/watch-tables", json={"name": table, "tags": ['"Start"', "%M0.0"]},
                         headers=admin_headers))
    sign_in(client, make_key("viewer")["X-API-Key"])
    page = _project_page(client, reads)
    assert all(table in page for table in ("Motor", "Valves", "Spare"))
    assert reads["program"] == 1, "one program view for PLC_1's three tables, none for PLC_2"
    assert reads["tag table"] == 1, "PLC_1's one tag table, parsed once for its addresses"
