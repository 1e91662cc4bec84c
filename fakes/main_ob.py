"""The program cycle OB ``Main`` [OB1] TIA creates with every CPU it adds ("Add new device", ``CreateWithItem``).

S7-1200 System Manual (A5E02486680), "Execution of the user program": a CPU's program starts with the program cycle
OB Main (OB 1), the default. TIA creates it in LAD, its default programming language, with one empty network and
the title every export of that block in our corpus carries, quotes included. :data:`MAIN_OB1_XML` is such an
export (../shared/corpus/simaticml/ob/Czarnak_Main.xml, TIA V21, the same elements); :func:`main_ob1` gives it
in a project's version. A project opened from a file or an archive keeps what it holds: only a PLC added to the
project gets it.
"""

from __future__ import annotations

from engineering_api.rules.program_objects import ProgramObject, read_object
from simatic_xml import parse_bytes, retarget, to_bytes

__all__ = ("MAIN_OB1_TITLE", "MAIN_OB1_XML", "main_ob1")

MAIN_OB1_TITLE = '"Main Program Sweep (Cycle)"'
"""The block title TIA gives the OB1 it creates, with the quotes its exports show."""


def _text(text_id: int, composition: str, text: str = "") -> str:
    """A ``MultilingualText`` with its one en-US item (the next ID), as TIA's exports write block and network texts."""
    body = f"<Text>{text}</Text>" if text else "<Text />"
    return (f'<MultilingualText ID="{text_id}" CompositionName="{composition}"><ObjectList>'
            f'<MultilingualTextItem ID="{text_id + 1}" CompositionName="Items"><AttributeList>'
            f"<Culture>en-US</Culture>{body}</AttributeList></MultilingualTextItem></ObjectList></MultilingualText>")


MAIN_OB1_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V21" />
  <SW.Blocks.OB ID="0">
    <AttributeList>
      <Interface>
        <Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">
          <Section Name="Input">
            <Member Name="Initial_Call" Datatype="Bool" Informative="true">
              <Comment>
                <MultiLanguageText Lang="en-US">Initial call of this OB</MultiLanguageText>
              </Comment>
            </Member>
            <Member Name="Remanence" Datatype="Bool" Informative="true">
              <Comment>
                <MultiLanguageText Lang="en-US">=True, if remanent data are available</MultiLanguageText>
              </Comment>
            </Member>
          </Section>
          <Section Name="Temp" />
          <Section Name="Constant" />
        </Sections>
      </Interface>
      <MemoryLayout>Optimized</MemoryLayout>
      <Name>Main</Name>
      <Namespace />
      <Number>1</Number>
      <ProgrammingLanguage>LAD</ProgrammingLanguage>
      <SecondaryType>ProgramCycle</SecondaryType>
      <SetENOAutomatically>false</SetENOAutomatically>
    </AttributeList>
    <ObjectList>
      {_text(1, "Comment")}
      <SW.Blocks.CompileUnit ID="3" CompositionName="CompileUnits">
        <AttributeList>
          <NetworkSource />
          <ProgrammingLanguage>LAD</ProgrammingLanguage>
        </AttributeList>
        <ObjectList>
          {_text(4, "Comment")}
          {_text(6, "Title")}
        </ObjectList>
      </SW.Blocks.CompileUnit>
      {_text(8, "Title", MAIN_OB1_TITLE)}
    </ObjectList>
  </SW.Blocks.OB>
</Document>
"""
"""The block TIA creates, as TIA V21 exports it; :func:`_text` writes its texts only to keep the repeated elements
in one place: stored by :func:`main_ob1` it is the corpus export, byte for byte (``tests/fakes/test_main_ob.py``)."""


def main_ob1(project_version: str) -> ProgramObject:
    """``Main`` [OB1] as a new PLC of a ``project_version`` (V16…V21) project holds it."""
    # The export is V21's; retargeting first lets read_object store it in an older project (it refuses a document
    # newer than the project, as TIA's import does, which is not what creating the block is).
    document = retarget(parse_bytes(MAIN_OB1_XML.encode("utf-8")), project_version, in_place=True)
    return read_object(to_bytes(document), project_version=project_version, source="Main [OB1]")
