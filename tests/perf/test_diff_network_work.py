"""A network opened on the console's diff page, counted in a block of :data:`FEW` networks and of 16 times as many:
its work is the network's, not the block's.

Issue 93: one network opened from a real commit cost 11.7 health checks, both versions of its 85-network block
parsed whole into the model to draw one network of each. Each version's text is still read by libxml2 (C, one call);
the model is built for the opened network alone (:func:`simatic_xml.one_network.parse_network`). The block is the
corpus's LAD block ``mking2203_plcBlock_LAD_Block_3`` with its network repeated (IDs renumbered); the commit changes
one operand of the last network. A network opened again is drawn from the networks kept by the files' contents.
Work is counted (:mod:`tools.work_count`: Python calls and the C calls they make,
on the request's thread and the TIA worker's), never timed.
"""

from __future__ import annotations

import asyncio
import copy
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from lxml import etree

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.console import git_log
from engineering_api.jobs import inline
from tests.console.conftest import corpus_file
from tools.bounds import HANG_GUARD_S
from tools.plant_app import Plant
from tools.work_count import AsgiDriver, WorkCount, counting, counting_on

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ()

CPU = "6ES7 516-3AN02-0AB0"
FEW, GROWTH = 4, 16
SAME = 1.1
"""At most this many times the work at 16 times the networks."""
KEPT_SHARE = 0.25
"""A network opened again (kept drawn, :data:`engineering_api.console.git_log.DRAWN_KEPT`) costs at most this share
of its drawing afresh (measured: 0.15): the two files read, no parse and no drawing."""


def _block(name: str, networks: int, changed_operand: str) -> str:
    """The corpus block named ``name`` with its network ``networks`` times, the last one's ``Tag_7`` read as
    ``changed_operand``."""
    root = etree.fromstring(corpus_file("fc/mking2203_plcBlock_LAD_Block_3.xml").read_bytes())
    unit = root.find(".//SW.Blocks.CompileUnit")
    assert unit is not None
    objects = unit.getparent()
    assert objects is not None
    for _ in range(networks - 1):
        objects.append(copy.deepcopy(unit))
    for number, element in enumerate(root.iter()):
        if element.get("ID") is not None:
            element.set("ID", format(number, "X"))
    last = objects.findall("SW.Blocks.CompileUnit")[-1]
    for component in last.iter("{*}Component"):
        if component.get("Name") == "Tag_7":
            component.set("Name", changed_operand)
    block_name = root.find(".//AttributeList/Name")
    assert block_name is not None
    block_name.text = name
    return etree.tostring(root, encoding="unicode")


async def _opened_calls(data_dir: Path) -> dict[int, tuple[int, int]]:
    """By the networks of its block: the calls of the opened network drawn afresh, and drawn again (kept)."""
    driver = AsgiDriver(create_app(Settings.from_env(data_dir=data_dir)))
    calls = {}
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        plant = Plant(driver, key, [])
        await plant.call("POST", "/api/projects/actions/create-sync", {"name": "Diffs"})
        await plant.call("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"})
        await plant.call("POST", "/api/source-control/init")
        shas = []
        for operand in ("Tag_7", "Tag_8"):
            for networks in (FEW, FEW * GROWTH):
                await plant.call("POST", "/api/devices/PLC_1/blocks", {
                    "rawXml": _block(f"Block_{networks}", networks, operand), "overwrite": True})
            shas.append((await plant.call("POST", "/api/source-control/commit-sync", {"message": operand}))["sha"])
        summary = await plant.page("/console/history/diff", f"from={shas[0]}&to={shas[1]}")
        links = re.findall(rb'data-src="([^"]+)"', summary)
        assert len(links) == 2, "one network changed in each block"
        worker = driver.app.state.services.worker
        for link in links:
            path, query = link.decode().replace("&amp;", "&").split("?", 1)
            networks = int(re.findall(r"network=(\d+)&", query)[0])
            assert f"Block_{networks}" in unquote_plus(query), "the block's last network"
            for _ in range(2):
                drawn = await plant.page(path, query)
            assert drawn.count(b"<svg") == 2 and b"Tag_8" in drawn and b"Tag_7" in drawn, "before and after"
            counted = []
            for kept in (False, True):
                if not kept:
                    git_log._drawn.clear()  # drawn afresh: both files read and parsed
                work = WorkCount()
                async with counting_on(work, lambda fn: worker.call(fn, timeout=HANG_GUARD_S)):
                    with counting(work):
                        await plant.page(path, query)
                work.merge()
                counted.append(work.total + work.builtin_total)
            calls[networks] = (counted[0], counted[1])
    return calls


def test_an_opened_network_costs_the_same_whatever_the_networks_of_its_block(tmp_path, monkeypatch):
    # each run counts as quick, so the reads run where they ran warm whatever the machine's load
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)
    calls = asyncio.run(_opened_calls(tmp_path))
    (few, few_kept), (many, many_kept) = calls[FEW], calls[FEW * GROWTH]
    assert many <= few * SAME, f"{few} calls at {FEW} networks, {many} at {FEW * GROWTH}"
    assert many_kept <= few_kept * SAME, f"kept: {few_kept} calls at {FEW} networks, {many_kept} at {FEW * GROWTH}"
    assert many_kept <= many * KEPT_SHARE, f"opened again: {many_kept} calls, drawn afresh {many}"
