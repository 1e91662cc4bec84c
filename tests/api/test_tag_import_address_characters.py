"""A tag file's address cell with a character no address has is refused at its row, not trimmed away: the import
dropped every Unicode blank around a cell (str.strip), so a CSV address "\x0b%Q0.0" or an Excel one "%Q0.0" with a
line feed (Alt+Enter) imported as %Q0.0. A file's cells are not seen by the project-text rule of the API's input
(the input names the file): the address rule is what refuses them."""

from __future__ import annotations

import openpyxl
import pytest

from engineering_api.domain.tag_formats import TAG_COLUMNS
from tests.conftest import assert_error, data

D = "/api/devices/PLC_1"
DEFAULT = "Default tag table"
HEADER = "Name,Data Type,Logical Address\n"


def _refused_rows(client, headers, route: str, path: str) -> list[tuple[int, str]]:
    body = assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/{route}", json={"filePath": path},
                                    headers=headers), 422, "IMPORT_ROWS_INVALID")
    assert data(client.get(f"{D}/tag-tables/{DEFAULT}/tags", headers=headers)) == []  # nothing imported
    return [(row["row"], row["column"]) for row in body["details"]["rows"]]


@pytest.mark.parametrize("address", ["\x0b%Q0.0", "%Q0.0\x0b", "\x1f%Q0.0", "%Q0.0\t", "\u00a0%Q0.0", "%Q0.0\x85"])
def test_a_csv_address_with_a_control_character_at_its_end_is_refused(client, engineer_headers, workspace, cpu,
                                                                       address: str) -> None:
    (workspace / "tags.csv").write_text(f"{HEADER}Ok,Bool,%I0.0\nBad,Bool,{address}\n", encoding="utf-8")
    assert _refused_rows(client, engineer_headers, "import-csv-sync", "tags.csv") == [(3, "Logical Address")]


def test_an_excel_address_with_a_line_feed_is_refused_and_spaces_are_not(client, engineer_headers, workspace,
                                                                         cpu) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "PLC Tags"
    sheet.append(list(TAG_COLUMNS))
    sheet.append(["Spaced", DEFAULT, "Bool", "  %I0.0 ", None, "True", "True", "True", None, None])
    sheet.append(["Fed", DEFAULT, "Bool", "%Q0.0\n", None, "True", "True", "True", None, None])
    workbook.save(workspace / "tags.xlsx")
    assert _refused_rows(client, engineer_headers, "import-xlsx-sync", "tags.xlsx") == [(3, "Logical Address")]
