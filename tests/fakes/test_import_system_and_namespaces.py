"""The fake's import (``fakes.program``): instance DBs of system types and V20 namespaced blocks (issue 13)."""

from __future__ import annotations

import pytest

from engineering_api.backend.errors import ValidationError
from fakes.program import PlcSoftware, read_object

_IDB = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V19" />
  <SW.Blocks.InstanceDB ID="0">
    <AttributeList>
      <InstanceOfName>{of}</InstanceOfName>
      <Interface><Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">
  <Section Name="Static">
    <Member Name="PT" Datatype="Time" />
  </Section>
</Sections></Interface>
      <Name>{name}</Name>
      <Number>{number}</Number>
      <ProgrammingLanguage>DB</ProgrammingLanguage>
    </AttributeList>
  </SW.Blocks.InstanceDB>
</Document>
"""


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
    with pytest.raises(ValidationError) as caught:
        PlcSoftware().add(read_object(_idb("X_DB", name), project_version="V19"), overwrite=False)
    assert caught.value.code == "INSTANCE_OF_MISSING"
