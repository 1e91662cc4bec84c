"""The fake's transactions: a change that fails leaves the project exactly as it was.

The project's copy before a change shares nothing mutable with the live project, even where the program's
objects copy themselves (``__deepcopy__`` of program objects, external sources, watch tables): a failed change
that edited any of them in place still rolls back completely.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from fakes.backend import FakeBackend
from fakes.model import Project
from fakes.program import ExternalSource, PlcSoftware, WatchForceTable
from engineering_api.rules.program_objects import ProgramObject
from tests.contract.conftest import open_plc_project

SOURCE = """FUNCTION_BLOCK "FB_Count"
VAR_INPUT enable : Bool; END_VAR
VAR count : Int; END_VAR
BEGIN
  IF #enable THEN #count := #count + 1; END_IF;
END_FUNCTION_BLOCK
"""


class _Boom(Exception):
    pass


def _plc_software(project: Project) -> PlcSoftware:
    """PLC_1's software (the fixture's project has it)."""
    device = project.device("PLC_1")
    assert device is not None and device.software is not None
    return device.software


def _state(backend: FakeBackend) -> Any:
    """Everything the PLC's software holds, as plain values (copied: the test edits the live ones)."""
    software = _plc_software(backend._project())
    return copy.deepcopy({
        "blocks": {n: {f.name: getattr(o, f.name) for f in fields(o)} for n, o in software.blocks.items()},
        "sources": {n: (s.name, s.text, s.folder) for n, s in software.external_sources.items()},
        "folders": {c: sorted(f) for c, f in software.folders.items()},
    })


@pytest.fixture
def backend(tmp_path: Path) -> FakeBackend:
    fake = FakeBackend(tmp_path / "state")
    fake.on_worker_thread_started()
    (tmp_path / "projects").mkdir()
    open_plc_project(fake, tmp_path / "projects")
    fake.blocks.generate_blocks_from_source("PLC_1", "count.scl", SOURCE, version="V19", overwrite=False)
    fake.blocks.add_external_source("PLC_1", "count.scl", SOURCE, folder="", overwrite=True)
    fake.compile.compile_software("PLC_1")
    return fake


def test_a_failed_change_that_edited_objects_in_place_rolls_back_completely(backend: FakeBackend) -> None:
    before = _state(backend)
    assert before["blocks"]["FB_Count"]["compiled_against"], "the compile recorded what the block was built against"
    with pytest.raises(_Boom), backend._change() as project:
        software = _plc_software(project)
        block = software.blocks["FB_Count"]
        assert block.compiled_against is not None
        block.compiled_against["FB_Count"] = "changed"  # in place, inside the shared-looking dict
        block.needs_compile = True
        block.xml = b"<changed/>"
        software.external_sources["count.scl"].text = "changed"
        software.folders["blocks"].add("Changed")
        del software.blocks["FB_Count"]
        raise _Boom
    assert _state(backend) == before


def test_copies_of_program_values_share_nothing_mutable() -> None:
    obj = ProgramObject(kind="FB", name="FB_A", xml=b"<x/>", compiled_against={"FB_A": "1"}, calls=("FC_B",))
    clone = copy.deepcopy(obj)
    assert clone == obj and clone is not obj
    assert clone.compiled_against is not obj.compiled_against
    for value in (ExternalSource("a.scl", "text", "f"), WatchForceTable("W", "WatchTable", b"<x/>")):
        twin = copy.deepcopy(value)
        assert twin == value and twin is not value
    pair = copy.deepcopy([obj, obj])
    assert pair[0] is pair[1], "an object held twice is copied once"
