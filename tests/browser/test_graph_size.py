"""Every corpus GRAPH chart in headless Chromium with the console's stylesheet, measured in pixels (issue 93: the
R134a chart was 6,036 x 4,021 px, its alternative branches drawn open to the end of the chain).

The size in cells is checked without a browser (``tests/console/test_graph_layout.py``); here the pixels: the
R134a chart within 2,500 px, and every chart within its needed columns of at most ``COLUMN_PX`` each and its
needed rows of at most ``ROW_PX`` each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.console.render.structure import graph_html
from simatic_xml.graph import GraphNet
from tests.console.graph_size import R134A, corpus_sequences, needed_cells

CSS = Path(__file__).resolve().parents[2] / "engineering_api" / "console" / "static" / "console.css"
COLUMN_PX = 640
"""The widest column the corpus's texts make (a step's name and times, a transition's one-line comment), with the
gap beside it."""
ROW_PX = 100
"""The tallest row: a step box with its actions, supervision and interlock folded (about 80 px), with the gap and a
branch's lines."""
MARGIN_PX = 40


def _sizes(browser: Any, tmp_path: Path) -> dict[str, tuple[float, float]]:
    sequences = corpus_sequences()
    if not sequences:
        pytest.skip("the SimaticML corpus is not here")
    probes = "".join(f'<div class="probe" id="p{i}">{graph_html(GraphNet(s)).html}</div>'
                     for i, s in enumerate(sequences.values()))
    page = tmp_path / "charts.html"
    # each chart as wide as it draws (max-content), not as the window
    page.write_text(f"<!doctype html><html><head><style>{CSS.read_text(encoding='utf-8')}"
                    f".probe {{ width: max-content; }}</style></head><body>{probes}</body></html>", encoding="utf-8")
    browser.get(page.as_uri())
    script = ("return Array.from(document.querySelectorAll('.probe'))"
              ".map(p => { const r = p.getBoundingClientRect(); return [r.width, r.height]; })")
    return {name: (w, h) for name, (w, h) in zip(sequences, browser.execute_script(script), strict=True)}


def test_every_corpus_chart_fits_its_columns_and_rows_in_pixels(browser: Any, tmp_path: Path) -> None:
    sizes = _sizes(browser, tmp_path)
    sequences = corpus_sequences()
    for name, (width, height) in sizes.items():
        needed = needed_cells(sequences[name])
        assert width <= needed.columns * COLUMN_PX + MARGIN_PX, (name, width, needed)
        assert height <= needed.rows * ROW_PX + MARGIN_PX, (name, height, needed)
    width, height = sizes[f"{Path(R134A)}#1"]
    assert width <= 2500, width
