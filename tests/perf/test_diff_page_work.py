"""The console's diff page of a commit, counted: its work is the changed objects', not the project's.

Issue 93: the diff of a real commit changing eight big LAD blocks took 1.5-3.8 s a request (230-1,012 health
checks), every network body of both versions of each block built as a tree and compared node by node, nothing kept
between requests. A document's compare digest (:class:`engineering_api.rules.object_changes.DocumentDigest`, each
network body as :func:`simatic_xml.digest.tree_digest`) is now kept by its blob's id and a diff by its trees' ids
(:mod:`engineering_api.domain.sourcecontrol.diffs`). Counted here with both forgotten (a commit pair no diff read):
the page of a commit changing :data:`FEW` FBs of the plant and of one changing :data:`MANY`, on the request's thread
and the TIA worker's (:mod:`tools.work_count`); the plant's growth test counts the same page at two project sizes
(``tests/perf/test_plant_growth.py``, "console diff page, nothing kept"). Asked again, the page reads the kept diff.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from engineering_api.jobs import inline
from tools.bounds import HANG_GUARD_S
from tools.plant_app import Plant, plant_app
from tools.work_count import WorkCount, counting, counting_on

__all__ = ()

BLOCKS = 120
FEW, MANY = 1, 4
CALLS_PER_CHANGED_FB = 4_500
"""Calls a changed FB adds to the page computed afresh (measured: 3,600; both versions parsed and digested)."""
KEPT_SHARE = 0.25
"""The page asked again, read from the kept diff, costs at most this share of the page computed (measured: 0.16 at
four changed FBs: the page's own rendering)."""


async def _commit_changes(plant: Plant, count: int, round_: int) -> None:
    """``count`` modules' FBs generated again with another body, committed."""
    for source in plant.sources[:count]:
        await plant.generate(source.text.replace("#state.speed := #setpoint * 2.0;",
                                                 f"#state.speed := #setpoint * {round_ + 3}.0;"), source.name)
    await plant.call("POST", "/api/source-control/commit-sync", {"message": f"{count} changes"})


async def _counted(plant: Plant, operation: str) -> int:
    worker = plant.driver.app.state.services.worker
    count = WorkCount()
    async with counting_on(count, lambda fn: worker.call(fn, timeout=HANG_GUARD_S)):
        with counting(count):
            await plant.run(operation)
    count.merge()
    return count.total + count.builtin_total


async def _diff_calls(data_dir: Path) -> dict[str, int]:
    calls = {}
    async with plant_app(data_dir, blocks=BLOCKS) as plant:
        for round_, changed in enumerate((FEW, MANY, FEW, MANY)):  # the first two warm the code paths
            await _commit_changes(plant, changed, round_)
            page = await plant.page("/console/history/diff", "from=HEAD~1&to=HEAD")
            assert page.count(b'<section class="panel" data-object="FB_M') == changed, page
            calls[f"computed {changed}"] = await _counted(plant, "console diff page, nothing kept")
            calls[f"kept {changed}"] = await _counted(plant, "console diff page")
    return calls


def test_a_diff_page_costs_its_changed_objects(tmp_path, monkeypatch):
    # each run counts as quick, so the page's reads run where they ran warm whatever the machine's load
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)
    calls = asyncio.run(_diff_calls(tmp_path))
    per_changed = (calls[f"computed {MANY}"] - calls[f"computed {FEW}"]) / (MANY - FEW)
    assert per_changed <= CALLS_PER_CHANGED_FB, f"{per_changed:.0f} calls per changed FB ({calls})"
    assert calls[f"kept {MANY}"] <= KEPT_SHARE * calls[f"computed {MANY}"], calls
