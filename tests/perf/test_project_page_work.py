"""The console's project page, counted in a program of :data:`SMALL` and of 16 times as many blocks and PLC data
types: a page costs what it shows (issue 93: every console page of a 10,000-object project within 20 health checks).

The page drew the whole program tree: at 10,000 objects 1.38 MB of HTML and 130 health checks' time, each block and
type of the PLC listed (and each type's document parsed to count its members). It now shows
:data:`~engineering_api.console.pages.OBJECTS_PER_PAGE` blocks and types a page, found by name, from the program in
order (the fake puts a tree in order once per change of its table: the first page after a change sorts it, which the
warm runs before each count include). Work is counted (:mod:`tools.work_count`: Python calls and the C calls they
make, on the request's thread and the TIA worker's), never timed. The objects are written into the fake's program
directly, copies of one imported FC and one UDT: the page reads their listing, not their documents.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from typing import TYPE_CHECKING, Any

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.console.pages import OBJECTS_PER_PAGE
from engineering_api.jobs import inline
from tools.bounds import HANG_GUARD_S
from tools.plant_app import Plant
from tools.work_count import AsgiDriver, WorkCount, counting, counting_on

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.program import PlcSoftware

__all__ = ()

CPU = "6ES7 516-3AN02-0AB0"
SMALL = 500
"""Blocks, and PLC data types, of the small program: more than two pages of each."""
GROWTH = 16
SAME = 1.1
"""At most this many times the small program's work at 16 times its objects."""
FOLDERS = ("Area_A", "Area_A/Pumps", "Area_B")
PAGES = {"first page": ("", OBJECTS_PER_PAGE), "second page": ("page=2", OBJECTS_PER_PAGE),
         "a search": ("q=fc_seed", 1)}
"""Each page counted: its query and the blocks it shows at both sizes. A search reads every name (one pass over
the names kept folded, no call per name)."""


def _fill(software: PlcSoftware, count: int) -> None:
    """Copies of the program's FC and of its UDT up to ``count`` of each, spread over :data:`FOLDERS` and the
    root."""
    fc, udt = software.blocks["FC_Seed"], software.types["UDT_Seed"]
    places = ("", *FOLDERS)
    for i in range(len(software.types) - 1, count):
        software.blocks[f"FC_{i}"] = dataclasses.replace(fc, name=f"FC_{i}", number=100 + i,
                                                         folder=places[i % len(places)])
        software.types[f"UDT_{i}"] = dataclasses.replace(udt, name=f"UDT_{i}")


async def _page_calls(data_dir: Path) -> dict[int, dict[str, int]]:
    """Each page's calls in the program of :data:`SMALL` objects of each kind, then of 16 times as many."""
    driver = AsgiDriver(create_app(Settings.from_env(data_dir=data_dir)))
    calls: dict[int, dict[str, int]] = {}
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        plant = Plant(driver, key, [])
        await plant.call("POST", "/api/projects/actions/create-sync", {"name": "Pages"})
        await plant.call("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"})
        await plant.call("POST", "/api/devices/PLC_1/blocks", {"blockType": "FC", "name": "FC_Seed",
                                                               "language": "SCL", "networks": []})
        await plant.call("POST", "/api/devices/PLC_1/udts", {"name": "UDT_Seed",
                                                             "members": [{"name": "On", "dataType": "Bool"}]})
        services = driver.app.state.services
        software = services.backend._project().devices["PLC_1"].software
        for path in FOLDERS:
            software.add_folder("blocks", path)
        for count in (SMALL, SMALL * GROWTH):
            _fill(software, count)
            calls[count] = await _counted_pages(plant, services.worker)
    return calls


async def _counted_pages(plant: Plant, worker: Any) -> dict[str, int]:
    calls = {}
    for page, (query, shown) in PAGES.items():
        for _ in range(2):
            html = await plant.page("/console/project", query)
        assert len(re.findall(rb'<li data-name="fc_', html)) == shown, page
        work = WorkCount()
        async with counting_on(work, lambda fn: worker.call(fn, timeout=HANG_GUARD_S)):
            with counting(work):
                await plant.page("/console/project", query)
        work.merge()
        calls[page] = work.total + work.builtin_total
    return calls


def test_the_project_page_costs_what_it_shows_whatever_the_program_holds(tmp_path, monkeypatch):
    # each run counts as quick, so the page's reads run where they ran warm whatever the machine's load
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)
    calls = asyncio.run(_page_calls(tmp_path))
    small, large = calls[SMALL], calls[SMALL * GROWTH]
    grown = {page: f"{small[page]} → {large[page]} calls" for page in PAGES if large[page] > small[page] * SAME}
    assert grown == {}, f"the project page's work grew with the program: {grown}"
