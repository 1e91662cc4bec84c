"""The import's work, counted: the pipeline's heaviest step held to a budget a busy machine cannot make noisy.

A fixed sample of real sources TIA accepted (``/work/shared/corpus/scl``) is imported and generated into blocks
through the API (``POST /api/devices/{device}/external-sources/import-and-generate``, one request per source, as
``bench/pipeline.py`` does): d-ani/SCL-UnitTesting's 27 sources (PLC data types, FCs, FBs, an OB, global and
instance DBs) into one CPU and ess_plcfactory's generated standard library (14 blocks, 27 KB) into another. The
calls made in process, the request side and the TIA worker thread's (:mod:`tools.work_count`), are held against
``import_budget.json`` with the work budget's 10% tolerance (``test_work_budget.py``); a count far under its budget
is printed, so the budget can be lowered with it.

Before the sample, another repository's sources are imported into a third CPU, so lazy compilation and first-use
caches are filled by sources that are not the sample's.
"""

from __future__ import annotations

import asyncio
import csv
import gc
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

import pytest

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.web._litestar.route_map import MappedLitestar
from engineering_api.rules.compiler import project as compiler_project
from tests.perf.budget_tolerance import TOLERANCE
from tools.bounds import HANG_GUARD_S
from tools.work_count import AsgiDriver, WorkCount, counting, counting_on
from tests.lib.shared_corpus import SHARED

__all__ = ()

BUDGET_FILE = Path(__file__).with_name("import_budget.json")
CORPUS = SHARED / "corpus" / "scl"
CPU = "6ES7 516-3AN02-0AB0"
WARM_UP = ("onnoeberhard/plc-seven-segment-display", "PLC_0")
SAMPLE = (("d-ani/SCL-UnitTesting", "PLC_1"), ("krisztianloki/ess_plcfactory", "PLC_2"))
"""(repository, CPU): every accepted source of d-ani's; of ess_plcfactory's, its standard library alone."""
STEPS = ("import", "compile", "export", "archive")
"""What ``bench/pipeline.py`` does with the blocks, counted one step at a time."""
_KIND_ORDER = {".udt": 0, ".scl": 1, ".db": 2}
"""Types first, then code, then data blocks (an instance DB needs its FB), as ``bench/pipeline.py`` imports."""


def _sources(repo: str) -> list[Path]:
    with open(CORPUS / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        rows = [r["local_file"] for r in csv.DictReader(handle, delimiter="\t")
                if r["repo"] == repo and r["expect"].startswith("accept")]
    if repo == "krisztianloki/ess_plcfactory":
        rows = [r for r in rows if "standard" in r]
    return [CORPUS / r for r in sorted(rows, key=lambda r: (_KIND_ORDER.get(Path(r).suffix, 1), r))]


async def _measure(data_dir: Path) -> dict[str, Any]:
    app = create_app(Settings.from_env(data_dir=data_dir))
    driver = AsgiDriver(app)
    async with driver.running():
        frozen = gc.get_freeze_count()
        # Litestar made every handler's signature model at registration; a handler's first request makes it now
        # (web/_litestar/route_signatures): made before counting, as the warm-up below fills the import's first-use
        # caches
        assert isinstance(app, MappedLitestar)
        app.signature_models_made()
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        assert (await driver.call("POST", "/api/projects/actions/create-sync", key, {"name": "Budget"}))[0] == 200
        for device in (WARM_UP[1], *(device for _, device in SAMPLE)):
            answer = await driver.call("POST", "/api/projects/devices/actions/add-sync", key,
                                       {"orderNumber": CPU, "name": device})
            assert answer[0] == 200, answer

        texts = {repo: [(source.name, source.read_text(encoding="utf-8-sig")) for source in _sources(repo)]
                 for repo, _ in (WARM_UP, *SAMPLE)}  # read before counting: the test's own work is not counted

        async def import_all(repo: str, device: str) -> int:
            for name, text in texts[repo]:
                answer = await driver.call("POST", f"/api/devices/{device}/external-sources/import-and-generate",
                                           key, {"SourceName": name, "SclContent": text})
                assert answer[0] == 200, (name, answer)
            status, blocks = await driver.call("GET", f"/api/devices/{device}/blocks", key)
            assert status == 200, blocks
            return len(blocks["data"])

        async def compile_all() -> None:
            for _, device in SAMPLE:
                answer = await driver.call("POST", f"/api/devices/{device}/actions/compile-sync", key)
                assert answer[0] == 200 and answer[1]["data"]["errorCount"] == 0, answer

        async def export_all() -> int:
            exported = 0
            for _, device in SAMPLE:
                status, blocks = await driver.call("GET", f"/api/devices/{device}/blocks", key)
                assert status == 200, blocks
                for number, block in enumerate(blocks["data"]):
                    answer = await driver.call("POST", f"/api/devices/{device}/blocks/actions/export-sync", key, {
                        "blockName": block["name"], "exportPath": f"export/{device}/{number:03d}.xml"})
                    assert answer[0] == 200, answer
                    exported += 1
            return exported

        await import_all(*WARM_UP)
        worker = app.state.services.worker
        counts = {step: WorkCount() for step in STEPS}
        blocks = exported = 0
        for step, count in counts.items():
            async with counting_on(count, lambda fn: worker.call(fn, timeout=HANG_GUARD_S)):
                with counting(count):
                    if step == "import":
                        for repo, device in SAMPLE:
                            blocks += await import_all(repo, device)
                    elif step == "compile":
                        await compile_all()
                    elif step == "export":
                        exported = await export_all()
                    else:
                        answer = await driver.call("POST", "/api/projects/actions/archive-sync", key, {
                            "archivePath": "archives/Budget.zap19", "saveFirst": True})
                        assert answer[0] == 200, answer
    return {"counts": {step: count.merge() for step, count in counts.items()}, "blocks": blocks,
            "exported": exported, "frozen": frozen, "thawed": gc.get_freeze_count()}


def _measured_in_scratch() -> dict[str, Any]:
    """The counts, made in a new data directory of a fixed depth: each export and archive resolves its paths one
    name at a time (``lib/paths.real_path``), so a data directory one name deeper costs ~720 more C calls; pytest's
    ``--basetemp`` (or a deep ``TMPDIR``) must not move the count."""
    with tempfile.TemporaryDirectory(prefix="budget-", dir="/tmp" if os.path.isdir("/tmp") else None) as scratch:
        return asyncio.run(_measure(Path(scratch)))


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    # equal blocks share one program view in the process: what an earlier test compiled would lower the counts
    compiler_project._READS.clear()
    return _measured_in_scratch()


def test_the_sample_is_what_the_budget_was_set_for(measured: dict[str, Any]) -> None:
    assert measured["blocks"] == json.loads(BUDGET_FILE.read_text(encoding="utf-8"))["blocks"]
    assert measured["exported"] == measured["blocks"]


@pytest.mark.parametrize("step", STEPS)
def test_the_steps_work_stays_within_its_budget(measured: dict[str, Any], step: str) -> None:
    budget = json.loads(BUDGET_FILE.read_text(encoding="utf-8"))
    count: WorkCount = measured["counts"][step]
    allowed_counts = budget if step == "import" else budget[step]
    for kind, total, top in (("calls", count.total, count.top), ("builtin_calls", count.builtin_total,
                                                                  count.top_builtins)):
        allowed = allowed_counts[kind]
        print(f"\n{step} of {measured['blocks']} blocks: {total} {kind} (budget {allowed}, "
              f"Python {platform.python_version()})")
        if total < allowed * 0.8:
            print(f"the {step} makes {allowed - total} {kind} less than its budget: lower it in {BUDGET_FILE.name}")
        assert total <= allowed * TOLERANCE, (
            f"the {step} made {total} {kind}, more than 10% over its budget of {allowed} "
            f"({BUDGET_FILE.name}; measured with Python {budget['python']}).\n{top(40)}"
        )


def test_start_up_heap_is_frozen_while_serving(measured: dict[str, Any]) -> None:
    """What start-up built is left out of full collections while the app serves (they took half the import's
    CPU) and handed back to the collector when it stops."""
    assert measured["frozen"] > 10_000
    assert measured["thawed"] == 0


if __name__ == "__main__":  # prints the counts, to set or review the budget: python -m tests.perf.test_import_budget
    result = _measured_in_scratch()
    for step, count in result["counts"].items():
        print(f"{step}: {result['blocks']} blocks, {count.total} calls, {count.builtin_total} C calls",
              count.top(40), count.top_builtins(20), sep="\n")
