"""``plc check`` of a plant program costs work in proportion to its blocks (issue 87), counted, never timed.

The program is a generated plant (:func:`tools.plant_project.plant_sources`) at two sizes, four times apart, checked
as ``plc check`` checks a folder (:func:`engineering_api.ci.program.check_files`): its SCL sources, and the SimaticML
documents ``scl build`` generates from them (:func:`simatic_xml.generate.from_source.generate_source`, the build's
own generation). The work is the count of Python and C function calls (:mod:`tools.work_count`) and the elements
of the sets each function held (``count_held``): checking the sources used to copy the whole program's FB and PLC
data type names for every source and every block, a copy made in C that a call count sees as one call, so the
check of 10,000 blocks grew 1.9x per doubling. Four times the blocks must cost at most four times the work, and a
third more (a sort is n log n; the fixed start-up costs shrink the ratio).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engineering_api.ci.build import safe_file_name
from engineering_api.ci.program import check_files
from simatic_xml.generate.builder import target_version
from simatic_xml.generate.from_source import SourceContext, add_source, generate_source
from tools.plant_project import plant_sources
from tools.work_count import WorkCount, counting

__all__ = ()

SMALL, LARGE = 100, 400
GROWTH = 4 * 1.3
"""The most work 4x the blocks may cost: linear, with room for a real n log n (a sort of the blocks)."""


def _sources(blocks: int, folder: Path) -> list[str]:
    folder.mkdir()
    files = []
    for source in plant_sources(blocks, seed=1):
        path = folder / source.name
        path.write_text(source.text, encoding="utf-8")
        files.append(str(path))
    return files


def _exports(blocks: int, folder: Path) -> list[str]:
    """The documents ``scl build`` writes for the plant's sources (the sources see each other's FBs and types)."""
    sources = plant_sources(blocks, seed=1)
    context = SourceContext()
    for source in sources:
        add_source(context, source.text, source.name)
    folder.mkdir()
    files: list[str] = []
    taken: set[str] = set()
    for source in sources:
        result = generate_source(source.text, file=source.name, version=target_version(None), context=context)
        assert not [d for d in result.diagnostics if d.severity == "Error"], result.diagnostics
        for block in result.blocks:
            path = folder / safe_file_name(block.qualified_name, taken)
            path.write_bytes(block.xml)
            files.append(str(path))
    return files


def _work(files: list[str]) -> WorkCount:
    count = WorkCount(count_held=True)
    with counting(count):
        found = check_files(sorted(files))
    assert [d for d in found if d.severity == "Error"] == [], found[:5]
    return count


@pytest.mark.parametrize("form", [_sources, _exports], ids=["sources", "exports"])
def test_four_times_the_blocks_cost_about_four_times_the_work(form: Callable[[int, Path], list[str]],
                                                              tmp_path: Path) -> None:
    small = _work(form(SMALL, tmp_path / "small"))
    large = _work(form(LARGE, tmp_path / "large"))
    calls = (small.total + small.builtin_total, large.total + large.builtin_total)
    assert calls[1] <= GROWTH * calls[0], (calls, large.top(15))
    held = (small.held_total, large.held_total)
    assert held[1] <= GROWTH * max(held[0], 1), (held, large.top_held())
