"""Plant scale, counted: each main operation's work on a plant of 400 and of 1,600 program objects.

A figure at 200 blocks says nothing of a plant's 20,000, and a timed test is noise on a busy machine; the count of
calls (Python functions and the C functions they call, :mod:`tools.work_count`) is the same on any machine. The
plant is :mod:`tools.plant_project`'s, served in process with the fake backend (:mod:`tools.plant_app`); each
operation runs twice to warm up, then once counted, on the request's thread and the TIA worker's.

Two bounds, one per kind of operation:

* an operation on one object (import one module's source, change one block, export one block, the console's block
  page of an SCL and of a LAD block, the diff of one commit and its console page, a block's or a tag's
  cross-references and their console page in an unchanged program) and the MCP tool list cost about the same
  whatever the program holds: at most :data:`ONE_OBJECT` times as much at 4x the objects;
* an operation on the whole program (the block list, the first cross-reference query after a change, a save,
  open, a commit's status and commit, a tag table's list and page) grows at most as n log n: at most
  ``4 * log(1600) / log(400)`` (4.92) times as much at 4x the objects.

A third bound for every operation and the compile: the objects an operation leaves in reference cycles, which only
the cyclic collector frees, do not grow with the program (at most :data:`ONE_OBJECT` times as many, and
:data:`GARBAGE_SLACK` more). A full collection walks the whole heap, the project included, so garbage in proportion
to the program made a compile superlinear: at 8,000 objects a third of its CPU went to 1.2 full collections per
compile, its whole view of the program and its answer in cycles (a recursive closure, the job's call and its context
holding the job).

On 0f74d007 (before the program's indexes) importing one source at 1,600 objects cost 8x its work at 400: the listing
that every generation read judged each object's types by rebuilding the program's set of types.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engineering_api.jobs import inline
from tools.bounds import HANG_GUARD_S
from tools.plant_app import plant_app
from tools.work_count import WorkCount, counting, counting_on

if TYPE_CHECKING:
    from collections.abc import Awaitable

__all__ = ()

pytestmark = pytest.mark.xdist_group("plant growth")
"""One worker builds the two plants (the module's fixture) once: spread by test, each worker built both."""

SMALL, LARGE = 400, 1_600
ONE_OBJECT = 1.5
"""At most this many times the work at 4x the objects, for an operation on one object (1.0: the same work)."""
N_LOG_N = LARGE * math.log(LARGE) / (SMALL * math.log(SMALL))
WHOLE_PROGRAM = ("block list", "cross-references after a change", "save one change", "open", "commit one change",
                 "tag list", "console tag table page")
"""The tag list and the tag table's page read one table, which grows with the plant up to its 2,000 tags."""
ONE_OBJECT_OPS = ("import one source", "change one block", "export one block", "console block page", "MCP tool list",
                  "cross-references", "console cross-references page", "tag cross-references",
                  "console LAD block page")
"""A query of an unchanged program (cross-references, warm) reads the index kept under the program's revision."""
AFTER_COMMIT_OPS = ("diff of one change", "console diff page", "console diff page, nothing kept")
"""Operations on one object that read the last commit: counted after "commit one change" (a diff asked again is
answered from the kept diff, so the page is counted computed afresh too)."""
GARBAGE_SLACK = 100
"""Objects in cycles an operation may leave besides its share at the small size (a few hundred whatever the size:
closures of the generation, the job machinery's events)."""
GARBAGE_OPS = (*ONE_OBJECT_OPS, *WHOLE_PROGRAM, "compile")


async def _counts(data_dir: Path, blocks: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with plant_app(data_dir, blocks=blocks) as plant:
        worker = plant.driver.app.state.services.worker
        for operation in (*ONE_OBJECT_OPS, *WHOLE_PROGRAM, *AFTER_COMMIT_OPS):
            for _ in range(2):
                await plant.run(operation)
            count = WorkCount()
            async with counting_on(count, lambda fn: worker.call(fn, timeout=HANG_GUARD_S)):
                with counting(count):
                    await plant.run(operation)
            count.merge()
            counts[operation] = count.total + count.builtin_total
            _TOPS[(blocks, operation)] = count.top(15)  # for a failure's message
        for operation in GARBAGE_OPS:
            if operation not in counts:
                await plant.run(operation)  # warm, as the counted operations are
            _GARBAGE[(blocks, operation)] = await _cyclic_garbage(plant.run(operation))
    return counts


async def _cyclic_garbage(run: Awaitable[None]) -> collections.Counter[str]:
    """The objects ``run`` leaves in reference cycles, by type: collected before, not during, counted after."""
    gc.collect()
    gc.disable()
    try:
        await run
    finally:
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            found = collections.Counter(type(o).__qualname__ for o in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
    return found


_TOPS: dict[tuple[int, str], str] = {}
_GARBAGE: dict[tuple[int, str], collections.Counter[str]] = {}


@pytest.fixture(scope="module")
def growth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int]]:
    # Each run counts as quick, so a -sync job runs where it ran in the warm-up whatever the machine's load.
    bound, inline.INLINE_READ_MAX_SECONDS = inline.INLINE_READ_MAX_SECONDS, HANG_GUARD_S
    try:
        small = asyncio.run(_counts(tmp_path_factory.mktemp("plant-small"), SMALL))
        large = asyncio.run(_counts(tmp_path_factory.mktemp("plant-large"), LARGE))
    finally:
        inline.INLINE_READ_MAX_SECONDS = bound
    return {op: (small[op], large[op]) for op in (*ONE_OBJECT_OPS, *WHOLE_PROGRAM, *AFTER_COMMIT_OPS)}


def _explain(operation: str, small: int, large: int, bound: float) -> str:
    return (f"{operation}: {small} calls at {SMALL} objects, {large} at {LARGE} ({large / small:.2f}x, at most "
            f"{bound:.2f}x)\nat {LARGE}:\n{_TOPS[(LARGE, operation)]}\nat {SMALL}:\n{_TOPS[(SMALL, operation)]}")


@pytest.mark.parametrize("operation", (*ONE_OBJECT_OPS, *AFTER_COMMIT_OPS))
def test_an_operation_on_one_object_costs_the_same_in_a_larger_program(
        growth: dict[str, tuple[int, int]], operation: str) -> None:
    small, large = growth[operation]
    assert large <= small * ONE_OBJECT, _explain(operation, small, large, ONE_OBJECT)


@pytest.mark.parametrize("operation", WHOLE_PROGRAM)
def test_an_operation_on_the_whole_program_grows_at_most_as_n_log_n(
        growth: dict[str, tuple[int, int]], operation: str) -> None:
    small, large = growth[operation]
    assert large <= small * N_LOG_N, _explain(operation, small, large, N_LOG_N)


@pytest.mark.parametrize("operation", GARBAGE_OPS)
def test_an_operation_leaves_no_more_garbage_in_cycles_in_a_larger_program(
        growth: dict[str, tuple[int, int]], operation: str) -> None:
    small, large = _GARBAGE[(SMALL, operation)], _GARBAGE[(LARGE, operation)]
    bound = sum(small.values()) * ONE_OBJECT + GARBAGE_SLACK
    assert sum(large.values()) <= bound, (
        f"{operation}: {sum(small.values())} objects left in cycles at {SMALL} objects, {sum(large.values())} at "
        f"{LARGE} (at most {bound:.0f}); most at {LARGE}: {large.most_common(8)}")
