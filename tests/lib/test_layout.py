"""``docs/layout.md`` lists every package of the layer table as the code has it (``make docs`` rewrites it)."""

from __future__ import annotations

from tools import layout
from tools.page_markers import page_with
from tools.layering import ALLOWED, files


def test_the_layout_page_shows_todays_packages() -> None:
    page = layout.PAGE.read_text(encoding="utf-8")
    assert layout.BEGIN in page and layout.END in page, "docs/layout.md lost its markers"
    expected = page_with(page, layout.table(), begin=layout.BEGIN, end=layout.END)
    assert expected == page, "run make docs and commit docs/layout.md"


def test_the_layout_table_has_a_row_per_unit() -> None:
    table = layout.table()
    for unit in {unit for unit, _ in files()} & ALLOWED.keys():
        where = unit.replace(".", "/")
        assert f"| `{where}/` |" in table or f"| `{where}.py` |" in table, unit
