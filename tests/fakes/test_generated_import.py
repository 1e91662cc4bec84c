""""Generate blocks from source" on the fake stores each block from the model it was written from
(``GenerationAccess.import_generated``): the objects a SimaticML import of the same bytes stores, without parsing
them back, and all or nothing as every import is (issue 71)."""

from __future__ import annotations

import copy
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

import fakes.program_ops
from engineering_api.backend.errors import ValidationError
from engineering_api.backend.models import ProgramDocument
from fakes.backend import FakeBackend
from simatic_xml.generate.from_source import generate_source
from tests.fakes.generated_backend import backend_with_plc

SOURCE = """TYPE "UDT_Axis"
STRUCT
  speed : Real := 1.5;
  limits : Array[0..1] of Int;
END_STRUCT;
END_TYPE

FUNCTION_BLOCK "FB_Axis"
VAR_INPUT enable : Bool; END_VAR
VAR axis : "UDT_Axis"; count : Int; END_VAR
BEGIN
  REGION move
    IF #enable THEN #count := #count + 1; #axis.speed := #axis.speed * 2.0; END_IF;
  END_REGION
END_FUNCTION_BLOCK

DATA_BLOCK "IDB_Axis" "FB_Axis"
BEGIN
END_DATA_BLOCK

FUNCTION "FC_Use" : Int
VAR_INPUT x : Int; END_VAR
BEGIN
  #FC_Use := #x * 2;
END_FUNCTION
"""


def _objects(backend: FakeBackend) -> dict[str, dict[str, Any]]:
    """PLC_1's program objects, every field, copied."""
    device = backend._project().device("PLC_1")
    assert device is not None and device.software is not None
    return copy.deepcopy({n: {f.name: getattr(o, f.name) for f in fields(o)}
                          for n, o in device.software.blocks.items()})


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the fake's SimaticML reading record who it reads, then read as before."""
    read: list[str] = []
    original = fakes.program_ops.read_object

    def recording(data: bytes, **kwargs: Any) -> Any:
        read.append(str(kwargs.get("source")))
        return original(data, **kwargs)

    monkeypatch.setattr(fakes.program_ops, "read_object", recording)
    return read


def test_generated_blocks_are_stored_as_an_import_of_their_bytes_stores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    generating, importing = backend_with_plc(tmp_path / "a"), backend_with_plc(tmp_path / "b")
    read = _no_parsing(monkeypatch)
    done = generating.blocks.generate_blocks_from_source("PLC_1", "axis.scl", SOURCE, version="V19", overwrite=False,
                                                         folder="")
    assert [r.status for r in done.reports] == ["Imported"] * 4
    assert read == [], "no generated block was parsed back from its bytes"
    blocks = {b.name: b.xml for b in generate_source(SOURCE, file="axis.scl", version="V19").blocks}
    importing.program.import_program_documents(
        "PLC_1", [ProgramDocument(source=f"{name}.xml", data=blocks[name]) for name in done.order], overwrite=False)
    assert len(read) == 4, "the SimaticML import reads each document"
    assert _objects(generating) == _objects(importing)
    for name in done.order:
        assert generating.program.export_program_object("PLC_1", name) == blocks[name]


def test_a_generated_import_that_fails_changes_nothing(tmp_path: Path) -> None:
    """The instance DB's FB is missing from the PLC (the source refers to it; the generation reports it): the
    FC before it in the import is not kept."""
    backend = backend_with_plc(tmp_path)
    before = _objects(backend)
    source = ('FUNCTION "FC_First" : Int\nBEGIN\n  #FC_First := 1;\nEND_FUNCTION\n\n'
              'DATA_BLOCK "IDB_Missing" "FB_Missing"\nBEGIN\nEND_DATA_BLOCK\n')
    with pytest.raises(ValidationError) as refused:
        backend.blocks.generate_blocks_from_source("PLC_1", "m.scl", source, version="V19", overwrite=False)
    assert refused.value.code == "IMPORT_FAILED", refused.value.code
    statuses = {f["source"]: f["status"] for f in refused.value.details["files"]}
    assert statuses == {"FC_First.xml": "NotImported", "IDB_Missing.xml": "Failed"}, statuses
    assert _objects(backend) == before
