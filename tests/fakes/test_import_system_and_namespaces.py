"""The fake's import (``fakes.program``): instance DBs of system types and V20 namespaced blocks (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend.errors import ValidationError
from fakes.program import PlcSoftware, read_object
from tests.lib.outcomes import raises_code

DATA = Path(__file__).parent / "data"
"""An instance DB document as a file, its ``{name}``, ``{of}``, ``{number}`` fields filled in by ``str.format``."""

_IDB = (DATA / "instance_db_template.xml").read_text(encoding="utf-8")


def _idb(name: str, of: str, number: int = 1) -> bytes:
    return _IDB.format(name=name, of=of, number=number).encode()


@pytest.mark.parametrize("system", ["IEC_TIMER", "MB_COMM_LOAD", "MB_MASTER", "TON_TIME", "CTU"])
def test_instance_db_of_a_catalogued_system_type_imports_without_ofsystemlibelement(system: str) -> None:
    """Generated from a source (``DATA_BLOCK "T" {InstructionName := 'IEC_TIMER'} IEC_TIMER``), the DB names the
    system type only; TIA creates such DBs (War3sccs S7-1200 sources: IEC_Timer_0_DB, MB_COMM_LOAD_DB, MB_MASTER_DB)."""
    software = PlcSoftware()
    software.add(read_object(_idb("T_DB", system), project_version="V19"), overwrite=False)
    assert software.blocks["T_DB"].instance_of == system


@pytest.mark.parametrize("name", ["FB_Missing", '"IEC_TIMER"', "TON_TIMER_TYPO"])
def test_instance_db_of_an_unknown_name_still_needs_its_fb(name: str) -> None:
    raises_code(ValidationError, "INSTANCE_OF_MISSING", PlcSoftware().add,
                read_object(_idb("X_DB", name), project_version="V19"), overwrite=False)


_UNIT_BLOCK = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V20" />
  <SW.Blocks.{kind} ID="0">
    <AttributeList>{instance}
      <Interface><Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">
  <Section Name="Static" />
</Sections></Interface>
      <MemoryLayout>Optimized</MemoryLayout>
      <Name>{name}</Name>
      <Namespace>{namespace}</Namespace>
      <Number>{number}</Number>
      <ProgrammingLanguage>{language}</ProgrammingLanguage>
    </AttributeList>
  </SW.Blocks.{kind}>
</Document>
"""


def _unit_block(kind: str, name: str, namespace: str, number: int, instance_of: str = "") -> bytes:
    instance = f"\n      <InstanceOfName>{instance_of}</InstanceOfName>" if instance_of else ""
    language = "DB" if kind.endswith("DB") else "LAD"
    return _UNIT_BLOCK.format(kind=kind, name=name, namespace=namespace, number=number, instance=instance,
                              language=language).encode()


def test_software_unit_blocks_are_known_by_their_namespace_qualified_name() -> None:
    """V20 software units: <Namespace>Conveyor2</Namespace>, referenced as Conveyor2.Conveyor_C2 (InstanceOfName of
    iDB_Conveyor_C2 in JorisSpanhoven/TeamEngineering); two units may each hold an FB of the same plain name."""
    software = PlcSoftware()
    for data in (_unit_block("FB", "Conveyor", "Unit1", 1), _unit_block("FB", "Conveyor", "Unit2", 2),
                 _unit_block("InstanceDB", "Conveyor_DB", "Unit2", 3, instance_of="Unit2.Conveyor"),
                 _unit_block("FB", "Plain", "", 4)):
        software.add(read_object(data, project_version="V20"), overwrite=False)
    assert sorted(software.blocks) == ["Plain", "Unit1.Conveyor", "Unit2.Conveyor", "Unit2.Conveyor_DB"]
    raises_code(ValidationError, "INSTANCE_OF_MISSING", software.add,  # the plain name is no block of the namespace
                read_object(_unit_block("InstanceDB", "X_DB", "Unit2", 5, instance_of="Unit3.Conveyor"),
                            project_version="V20"), overwrite=False)
