"""The fake's compile of a whole PLC costs work in proportion to its blocks, however large the program (issue 87).

A compile reads every stored object's program view through the process's cache of views
(``engineering_api.rules.compiler.project._READS``). Through a plain LRU smaller than the program, each read evicted a
view the same walk needed later, so every compile of a program past the cache's budget parsed all its SimaticML
again (the compile grew 12.7x from 4,000 to 8,000 blocks). Here the cache's floor is set between the charge of a
small plant and that of a plant four times larger (as 64 MiB sits below a 20,000-block plant): the second compile of
each, counted on the TIA worker (:mod:`tools.work_count`), must cost at most four times the work, and a third more.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.rules.compiler import project
from tools.bounds import HANG_GUARD_S
from tools.plant_project import plant_sources
from tools.work_count import AsgiDriver, WorkCount, counting_on

__all__ = ()

SMALL, LARGE = 100, 400
GROWTH = 4 * 1.3
"""The most work 4x the blocks may cost: linear, with room for a real n log n (the compile's dependency order)."""
CPU = "6ES7 516-3AN02-0AB0"


def _expect(answer: tuple[int, Any]) -> Any:
    assert answer[0] == 200, answer
    return answer[1]


async def _second_compile(blocks: int, data_dir: Path) -> tuple[WorkCount, int]:
    """The work of the second compile of a plant of ``blocks`` imported as one source, and its views' charge."""
    app = create_app(Settings.from_env(data_dir=data_dir))
    services = app.state.services
    driver = AsgiDriver(app)
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        _expect(await driver.call("POST", "/api/projects/actions/create-sync", key, {"name": "Plant"}))
        _expect(await driver.call("POST", "/api/projects/devices/actions/add-sync", key,
                                  {"orderNumber": CPU, "name": "PLC_1"}))
        text = "\n".join(source.text for source in plant_sources(blocks, seed=1))
        _expect(await driver.call("POST", "/api/devices/PLC_1/external-sources/import-and-generate", key,
                                  {"sourceName": "Plant.scl", "sclContent": text}))
        compile_path = "/api/devices/PLC_1/actions/compile-software-sync"
        first = _expect(await driver.call("POST", compile_path, key))["data"]
        assert first["errorCount"] == 0, first["diagnostics"][:5]
        count = WorkCount()
        async with counting_on(count, lambda fn: services.worker.call(fn, timeout=HANG_GUARD_S)):
            second = _expect(await driver.call("POST", compile_path, key))["data"]
        assert second["errorCount"] == 0, second["diagnostics"][:5]
        software = services.backend._software(services.backend._project(), "PLC_1")[1]
        charge = sum(project.view_cost(project._read_key(o))
                     for o in [*software.blocks.values(), *software.types.values()])
    return count.merge(), charge


def test_four_times_the_blocks_cost_about_four_times_the_compile(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _, charge = asyncio.run(_second_compile(SMALL, tmp_path / "measured"))
    monkeypatch.setattr(project, "_READS", project._Reads(2 * charge))  # the small plant fits, the large does not
    small, _ = asyncio.run(_second_compile(SMALL, tmp_path / "small"))
    large, _ = asyncio.run(_second_compile(LARGE, tmp_path / "large"))
    calls = (small.total + small.builtin_total, large.total + large.builtin_total)
    assert calls[1] <= GROWTH * calls[0], (calls, large.top(15))
