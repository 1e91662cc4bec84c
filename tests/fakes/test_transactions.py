"""The fake's transactions: a change that fails leaves the project exactly as it was.

The project's copy before a change is in proportion to the program's size, not its content: the program's tables
are copied and their objects (program objects, external sources, watch tables: values) shared. That holds because a
change stores new objects and never edits one in place; the objects refuse it (frozen), so no change can reach
the copy through them.
"""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError, fields, replace
from pathlib import Path
from typing import Any

import pytest

from fakes.backend import FakeBackend
from fakes.model import Project
from engineering_api.backend.errors import ValidationError
from engineering_api.backend.models import ProgramDocument
from fakes.tags.tables import TableData, TagTableObject
from fakes.program import CATEGORIES, ExternalSource, PlcSoftware, WatchForceTable
from engineering_api.rules.program_objects import ProgramObject
from simatic_xml.generate import generate_xml
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


def test_a_failed_change_that_replaced_objects_rolls_back_completely(backend: FakeBackend) -> None:
    before = _state(backend)
    assert before["blocks"]["FB_Count"]["compiled_against"], "the compile recorded what the block was built against"
    with pytest.raises(_Boom), backend._change() as project:
        software = _plc_software(project)
        block = software.blocks["FB_Count"]
        software.blocks["FB_Count"] = replace(block, needs_compile=True, xml=b"<changed/>",
                                              compiled_against={"FB_Count": "changed"})
        software.external_sources["count.scl"] = ExternalSource("count.scl", "changed")
        software.blocks["FB_New"] = replace(block, name="FB_New")
        software.folders["blocks"].add("Changed")
        del software.blocks["Main"]
        raise _Boom
    assert _state(backend) == before


def test_stored_objects_refuse_edits_in_place(backend: FakeBackend) -> None:
    software = _plc_software(backend._project())
    table = TagTableObject.from_table(TableData("Tags"), version="V19")  # its XML is written on first read
    stored: list[object] = [*software.all(), *software.external_sources.values(), table]
    assert {type(o).__name__ for o in stored} >= {"ProgramObject", "TagTableObject", "ExternalSource"}
    for obj in stored:
        for name in ("name", "folder", "xml" if not isinstance(obj, ExternalSource) else "text"):
            with pytest.raises(FrozenInstanceError):
                setattr(obj, name, getattr(obj, name))
    with pytest.raises(FrozenInstanceError):
        setattr(WatchForceTable("W", "WatchTable", b"<x/>"), "xml", b"")


def test_the_transaction_copy_shares_the_objects_and_not_the_tables(backend: FakeBackend) -> None:
    software = _plc_software(backend._project())
    clone = copy.deepcopy(software)
    for category in CATEGORIES:
        table, copied = getattr(software, category), getattr(clone, category)
        assert copied == table and copied is not table
        assert all(copied[name] is obj for name, obj in table.items())
    assert clone.folders == software.folders and all(
        clone.folders[c] is not software.folders[c] for c in software.folders)


def _fc(name: str, value: int) -> ProgramDocument:
    return ProgramDocument(source=f"{name}.xml", data=generate_xml(
        {"blockType": "FC", "name": name, "language": "SCL", "returnType": "Int",
         "networks": [{"scl": f"#{name} := {value};"}]}))


@pytest.mark.parametrize("broken_at", [0, 2, 4])
def test_a_batch_failing_at_any_file_leaves_every_block_as_it_was(backend: FakeBackend, broken_at: int) -> None:
    backend.program.import_program_documents("PLC_1", [_fc(f"FC_{i}", 1) for i in range(4)], overwrite=False)
    before = _state(backend)
    exported = {o.name: backend.program.export_program_object("PLC_1", o.name)
                for o in backend.program.list_program_objects("PLC_1")}
    # replacements of existing blocks and new ones, with one broken document among them
    batch = [_fc("FC_1", 2), _fc("FC_3", 2), _fc("FC_New", 1), _fc("FC_0", 2)]
    batch.insert(broken_at, ProgramDocument(source="broken.xml", data=b"<broken"))
    with pytest.raises(ValidationError) as caught:
        backend.program.import_program_documents("PLC_1", batch, overwrite=True)
    assert caught.value.code == "IMPORT_FAILED"
    assert _state(backend) == before
    assert {o.name: backend.program.export_program_object("PLC_1", o.name)
            for o in backend.program.list_program_objects("PLC_1")} == exported


@pytest.mark.parametrize("broken", [False, True])
def test_an_import_copies_the_project_once(backend: FakeBackend, monkeypatch: pytest.MonkeyPatch,
                                           broken: bool) -> None:
    """An import is one transaction, the library guard's, and takes one copy of the project (a transaction of its own
    inside the guard's copied the whole project a second time); a failed import still leaves every block as it was
    (the guard's copy is put back)."""
    backend.program.import_program_documents("PLC_1", [_fc("FC_0", 1)], overwrite=False)
    before = _state(backend)
    copied: list[object] = []
    deepcopy = copy.deepcopy

    def counted(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Project):
            copied.append(value)
        return deepcopy(value, memo)

    monkeypatch.setattr("fakes.backend.copy.deepcopy", counted)
    batch = [_fc("FC_0", 2), _fc("FC_1", 1)] + ([ProgramDocument(source="broken.xml", data=b"<broken")] if broken
                                                  else [])
    if broken:
        with pytest.raises(ValidationError):
            backend.program.import_program_documents("PLC_1", batch, overwrite=True)
        assert _state(backend) == before
    else:
        backend.program.import_program_documents("PLC_1", batch, overwrite=True)
        assert {"FC_0", "FC_1"} <= {o.name for o in backend.program.list_program_objects("PLC_1")}
    assert len(copied) == 1


def test_copies_of_program_values_share_nothing_mutable() -> None:
    """The program's objects need no copy of their own (the transaction copy shares them): Python's generic one is
    deep."""
    obj = ProgramObject(kind="FB", name="FB_A", xml=b"<x/>", compiled_against={"FB_A": "1"}, calls=("FC_B",))
    clone = copy.deepcopy(obj)
    assert clone == obj and clone is not obj
    assert clone.compiled_against is not obj.compiled_against
    for value in (ExternalSource("a.scl", "text", "f"), WatchForceTable("W", "WatchTable", b"<x/>")):
        twin = copy.deepcopy(value)
        assert twin == value and twin is not value
    pair = copy.deepcopy([obj, obj])
    assert pair[0] is pair[1], "an object held twice is copied once"


def test_a_change_copies_only_the_tables_it_writes(backend: FakeBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup of a change copies no program table unless the change is undone (:meth:`NameTable.snapshot`: a
    journal of what each write replaced): copying every table made a one-block change cost a copy of the whole
    program, a third of its CPU at 10,000 blocks. A failed import still puts every table back."""
    from fakes.object_table import NameTable

    filled: list[int] = []
    fill = NameTable._fill_from

    def counted(self: NameTable[Any], source: NameTable[Any]) -> None:
        filled.append(len(source))
        fill(self, source)

    monkeypatch.setattr(NameTable, "_fill_from", counted)
    backend.program.import_program_documents("PLC_1", [_fc("FC_Lazy", 1)], overwrite=False)
    assert filled == []
    before = _state(backend)
    filled.clear()
    with pytest.raises(ValidationError):
        backend.program.import_program_documents(
            "PLC_1", [_fc("FC_Lazy", 2), ProgramDocument(source="broken.xml", data=b"<broken")], overwrite=True)
    assert _state(backend) == before
    assert len(filled) == len(CATEGORIES)  # undone: every table of the backup made, once


def test_the_kept_listing_is_the_listing_after_every_kind_of_change(backend: FakeBackend) -> None:
    """The program listing is kept under its tables' stamps (``FakeProgram._listings``): after an import, a failed
    import (undone), a compile, a delete and a regeneration it equals a listing judged afresh."""
    from fakes.types_ops import describe

    def fresh() -> list[Any]:
        software = _plc_software(backend._project())
        memo: dict[str, bool] = {}
        return [describe(obj, software, memo) for obj in software.all()]

    changes = [
        lambda: backend.program.import_program_documents("PLC_1", [_fc("FC_A", 1)], overwrite=False),
        lambda: backend.program.import_program_documents(
            "PLC_1", [_fc("FC_A", 2), ProgramDocument(source="broken.xml", data=b"<broken")], overwrite=True),
        lambda: backend.compile.compile_software("PLC_1"),
        lambda: backend.blocks.generate_blocks_from_source("PLC_1", "count.scl", SOURCE.replace("+ 1", "+ 2"),
                                                           version="V19", overwrite=True),
        lambda: backend.blocks.delete_block("PLC_1", "FC_A"),
    ]
    assert backend.program.list_program_objects("PLC_1") == fresh()
    for change in changes:
        try:
            change()
        except ValidationError:
            pass  # the failed import: undone
        listed = backend.program.list_program_objects("PLC_1")
        assert listed == fresh()
        listed[0].name = "changed by the caller"  # a caller's copy: the kept listing is not changed through it
        assert backend.program.list_program_objects("PLC_1") == fresh()
