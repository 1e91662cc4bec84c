"""``docs/glossary.md`` names every area of the port, and every file its area table names exists.

The table maps each area's attribute name to its files in the port, the fake and the bridge, since the names differ;
a new area without a row, or a file renamed without its row, fails here.
"""

from __future__ import annotations

import re

from engineering_api.backend.port import AREAS
from tools.layering import ROOT

GLOSSARY = ROOT / "docs" / "glossary.md"
_FOLDERS = ("engineering_api/backend/areas", "fakes", "openness_bridge")
"""The folders of the area table's file columns, in column order."""


def _area_rows() -> dict[str, list[str]]:
    """Each area attribute named in the first column of the area table -> that row's cells."""
    rows: dict[str, list[str]] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(_FOLDERS) and cells[0].startswith("`"):
            for area in re.findall(r"`([a-z_]+)`", cells[0]):
                rows[area] = cells
    return rows


def test_every_port_area_has_a_row() -> None:
    assert sorted(AREAS.keys() - _area_rows().keys()) == [], "add the area to docs/glossary.md's area table"


def test_every_file_the_area_table_names_exists() -> None:
    missing = []
    for area, cells in _area_rows().items():
        for folder, cell in zip(_FOLDERS, cells[2:], strict=True):
            for name in re.findall(r"`([a-z_]+\.py)`", cell):
                if not (ROOT / folder / name).is_file():
                    missing.append(f"{area}: {folder}/{name}")
    assert missing == [], "docs/glossary.md names files that do not exist"


def test_the_table_is_read() -> None:
    rows = _area_rows()
    assert rows["devices"][4] == "`devices.py`" and rows["reflection"][2].startswith("`reflection.py`")
