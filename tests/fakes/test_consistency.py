"""The consistency rule of the fake (issue 13; ``fakes.types_ops.is_consistent``): a failed compile leaves the
block and everything calling it inconsistent until a compile of it succeeds; blocks generated from a source that
refers to missing user objects can be marked inconsistent until they compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import models as m
from fakes.backend import FakeBackend
from simatic_xml.generate import generate_xml
from tests.contract.conftest import open_plc_project

__all__: list[str] = []

CALLEE = {"blockType": "FC", "name": "FC_Calc", "language": "SCL", "number": 3, "returnType": "Int",
          "interface": {"Input": [{"name": "s", "dataType": "String"}]}, "networks": [{"scl": "#FC_Calc := #s;"}]}
FIXED = {**CALLEE, "networks": [{"scl": "#FC_Calc := LEN(#s);"}]}
CALLER = {"blockType": "FB", "name": "FB_User", "language": "SCL", "number": 4,
          "interface": {"Output": [{"name": "n", "dataType": "Int"}]},
          "networks": [{"scl": '#n := "FC_Calc"(s := \'abc\');'}]}
IDB = {"blockType": "InstanceDB", "name": "DB_User", "instanceOf": "FB_User"}
OTHER = {"blockType": "FC", "name": "FC_Other", "language": "SCL", "number": 5, "returnType": "Int",
         "networks": [{"scl": "#FC_Other := 1;"}]}


@pytest.fixture
def backend(tmp_path: Path) -> FakeBackend:
    fake = FakeBackend(tmp_path / "state")
    (tmp_path / "ws").mkdir()
    open_plc_project(fake, tmp_path / "ws", "Line")
    return fake


def _import(backend: FakeBackend, *specs, overwrite: bool = False) -> None:
    docs = [m.ProgramDocument(source=f"{s['name']}.xml", data=generate_xml(s, "V19")) for s in specs]
    backend.program.import_program_documents("PLC_1", docs, overwrite=overwrite)


def _state(backend: FakeBackend) -> dict[str, bool]:
    blocks = {b.name: b.consistent for b in backend.blocks.list_blocks("PLC_1")}
    objects = {o.name: o.consistent for o in backend.program.list_program_objects("PLC_1") if o.name in blocks}
    assert objects == blocks, "the program listing and the block listing agree"
    return blocks


def test_failed_compile_marks_block_callers_and_instances(backend: FakeBackend) -> None:
    _import(backend, CALLEE, CALLER, IDB, OTHER)
    assert backend.compile.compile_software("PLC_1").state == "Error"
    assert _state(backend) == {"Main": True, "FC_Calc": False, "FB_User": False, "DB_User": False, "FC_Other": True}
    _import(backend, FIXED, overwrite=True)
    assert _state(backend)["FC_Calc"] is False, "replacing a block does not compile it"
    assert backend.compile.compile_block("PLC_1", "FC_Calc").state == "Success"
    assert set(_state(backend).values()) == {True}


def test_a_compile_of_only_the_broken_block_finds_its_callers(backend: FakeBackend) -> None:
    _import(backend, CALLEE, CALLER, IDB, OTHER)
    result = backend.compile.compile_block("PLC_1", "FC_Calc")
    assert result.state == "Error" and [d.code for d in result.diagnostics] == ["TYPE_MISMATCH"]
    assert _state(backend) == {"Main": True, "FC_Calc": False, "FB_User": False, "DB_User": False, "FC_Other": True}


def test_generated_blocks_can_be_marked_until_they_compile(backend: FakeBackend) -> None:
    _import(backend, OTHER)
    assert backend.compile.mark_needs_compile("PLC_1", ["fc_other", "Nowhere"]) == ["FC_Other"]
    assert _state(backend) == {"Main": True, "FC_Other": False}
    assert backend.compile.compile_software("PLC_1").state == "Success"
    assert _state(backend) == {"Main": True, "FC_Other": True}


def test_deleting_a_called_block_leaves_its_callers_inconsistent(backend: FakeBackend) -> None:
    _import(backend, FIXED, CALLER, IDB, OTHER)
    assert backend.compile.compile_software("PLC_1").state == "Success"
    assert set(_state(backend).values()) == {True}
    backend.blocks.delete_block("PLC_1", "FC_Calc")
    assert _state(backend) == {"Main": True, "FB_User": False, "DB_User": False, "FC_Other": True}
