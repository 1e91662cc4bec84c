"""PLC tag workbooks as TIA exports them, for the tag file tests."""

from __future__ import annotations

from typing import Any

import openpyxl

from engineering_api.domain.tag_formats import TAG_COLUMNS

__all__ = ("TIA_ROWS", "plc_tags_workbook", "tia_tags_workbook")


def plc_tags_workbook(rows) -> openpyxl.Workbook:
    """A workbook whose one sheet, "PLC Tags", has TIA's tag columns and then ``rows``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "PLC Tags"
    sheet.append(list(TAG_COLUMNS))
    for row in rows:
        sheet.append(row)
    return workbook


def tia_tags_workbook(path, rows, constants=None):
    """A workbook laid out as TIA's "Export PLC tags" writes it (flags as True/False text)."""
    workbook = plc_tags_workbook(rows)
    constant_sheet = workbook.create_sheet("User Constants")
    constant_sheet.append(["Name", "Path", "Data Type", "Value", "Comment"])
    for row in constants or []:
        constant_sheet.append(row)
    properties = workbook.create_sheet("TagTable Properties")  # V17+ exports carry it
    properties.append(["Path", "BelongsToUnit", "Accessibility"])
    for table in sorted({row[1] for row in rows if row[1]}):
        properties.append([table, "", ""])
    workbook.save(path)
    return path

TIA_ROWS: list[list[Any]] = [
    ["Start_PB", "Default tag table", "Bool", "%I0.0", "Start push button", "True", "True", "True", None, None],
    ["Stop_PB", "Default tag table", "Bool", "%I0.1", "Stop push button", "TRUE", "TRUE", "FALSE", None, None],
    ["Motor_Run", "Default tag table", "Bool", "%Q0.0", None, True, False, False, None, None],
    ["Speed_SP", "Default tag table", "Int", "%MW10", "Setpoint rpm", "True", "True", "True", None, None],
    ["Flow_PV", "Default tag table", "Real", "%ID64", "", "False", "False", "False", None, None],
    ["Status", "Default tag table", "Word", "%IW68", "Überwachung", "True", "True", "True", None, None],
]
