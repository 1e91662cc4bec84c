"""The console's tag-table page, counted at two table sizes and two page sizes: the work a tag of the table adds,
and the work a row shown adds.

A table of 1,740 tags and 2,030 uses cost ~86 ms of CPU and was 1.4 MB of HTML (issue 93: a page within 20 health
checks): every tag and use was shown, each use through a Jinja macro, some 60,000 values looked up and escaped one
by one. The page now shows :data:`~engineering_api.console.tags_page.TAGS_PER_PAGE` tags and their uses, rows
written once per distinct text (:mod:`engineering_api.console.render.usage_rows`); the table's listing and its uses'
index are still read whole, so a tag of the table costs a little whether shown or not. Two tables of one PLC, of
:data:`SMALL` and :data:`LARGE` tags, each tag written and read in a network of its own; a page is counted
(:mod:`tools.work_count`: Python calls and the C calls they make, on the request's thread and the TIA worker's)
after two warm runs.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.console import tags_page
from engineering_api.jobs import inline
from tools.bounds import HANG_GUARD_S
from tools.plant_app import Plant
from tools.work_count import AsgiDriver, WorkCount, counting, counting_on

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ()

CPU = "6ES7 516-3AN02-0AB0"
SMALL, LARGE = 50, 250
FEW, MANY = 20, 120
"""Tags a page shows in the counts: the small and the large table at :data:`FEW` a page, the large one at :data:`MANY`
too."""
CALLS_PER_TABLE_TAG = 30
"""Calls a tag of the table adds to a page that does not show it (measured: 22, its listing and its uses read)."""
CALLS_PER_SHOWN_TAG = 60
"""Calls a tag shown with its two uses adds (measured: 48; 724 when every tag and use went through Jinja)."""


def _table(prefix: str, count: int) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """``count`` Bool tags of table ``prefix``, and an FC that reads and writes each in a network of its own."""
    tags = [{"name": f"{prefix}_{i}", "dataType": "Bool", "logicalAddress": f"%M{i // 8}.{i % 8}",
             "tableName": prefix, "comment": f"tag {i} of {prefix}"} for i in range(count)]
    block = {"blockType": "FC", "name": f"Uses_{prefix}", "language": "SCL",
             "networks": [{"title": f"Toggle {i}", "scl": f'"{prefix}_{i}" := NOT "{prefix}_{i}";'}
                          for i in range(count)]}
    return tags, block


async def _page_calls(data_dir: Path, page_size: Callable[[int], None]) -> dict[tuple[int, int], int]:
    """The calls of the first page of each table (by the table's size and the tags a page shows, set by
    ``page_size``)."""
    driver = AsgiDriver(create_app(Settings.from_env(data_dir=data_dir)))
    calls = {}
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        plant = Plant(driver, key, [])
        await plant.call("POST", "/api/projects/actions/create-sync", {"name": "Tables"})
        await plant.call("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"})
        for size in (SMALL, LARGE):
            tags, block = _table(f"T{size}", size)
            await plant.call("POST", "/api/devices/PLC_1/tags/actions/import-sync", {"tags": tags})
            await plant.call("POST", "/api/devices/PLC_1/blocks", block)
        worker = driver.app.state.services.worker
        for size, per_page in ((SMALL, FEW), (LARGE, FEW), (LARGE, MANY)):
            page_size(per_page)
            path = f"/console/devices/PLC_1/tag-tables/T{size}"
            for _ in range(2):
                page = await plant.page(path)
            assert page.count(b"<tr data-tag=") == per_page and page.count(b"data-tag-use=") == 2 * per_page
            count = WorkCount()
            async with counting_on(count, lambda fn: worker.call(fn, timeout=HANG_GUARD_S)):
                with counting(count):
                    await plant.page(path)
            count.merge()
            calls[size, per_page] = count.total + count.builtin_total
    return calls


def test_a_tag_table_page_costs_its_rows_and_little_per_tag_of_the_table(tmp_path, monkeypatch):
    # each run counts as quick, so the page's reads run where they ran warm whatever the machine's load
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)
    calls = asyncio.run(_page_calls(tmp_path, lambda tags: monkeypatch.setattr(tags_page, "TAGS_PER_PAGE", tags)))
    per_table_tag = (calls[LARGE, FEW] - calls[SMALL, FEW]) / (LARGE - SMALL)
    per_shown_tag = (calls[LARGE, MANY] - calls[LARGE, FEW]) / (MANY - FEW)
    assert per_table_tag <= CALLS_PER_TABLE_TAG, f"{per_table_tag:.0f} calls per tag of the table ({calls})"
    assert per_shown_tag <= CALLS_PER_SHOWN_TAG, f"{per_shown_tag:.0f} calls per tag shown ({calls})"
