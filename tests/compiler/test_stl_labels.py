"""STL jump labels where the block's labels are not all known: no jump is judged then (a false error is the worst
defect). The seeded ``stl_jump_undefined_label.xml`` (a JC to MISS, which no line declares: STL_LABEL) with one
network made unreadable, or with a LAD network beside its STL ones (a V18 LAD network's label is not exported)."""

from __future__ import annotations

from pathlib import Path

from engineering_api.rules.compiler.checker import check_block
from engineering_api.rules.compiler.program import Program
from engineering_api.rules.compiler.project import _parsed_def
from fakes.program import read_object

SEEDED = Path(__file__).parent / "seeded" / "stl_jump_undefined_label.xml"
_LAD = """<NetworkSource><FlgNet xmlns="http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v4">
  <Parts>
    <Access Scope="LocalVariable" UId="21"><Symbol><Component Name="done" /></Symbol></Access>
    <Part Name="Coil" UId="22" />
  </Parts>
  <Wires>
    <Wire UId="23"><Powerrail /><NameCon UId="22" Name="in" /></Wire>
    <Wire UId="24"><IdentCon UId="21" /><NameCon UId="22" Name="operand" /></Wire>
  </Wires>
</FlgNet></NetworkSource>
          <ProgrammingLanguage>LAD</ProgrammingLanguage>"""


def _codes(text: str) -> list[str]:
    lines = text.encode().split(b"\n")
    block = _parsed_def(read_object(b"\n".join(lines[:1] + lines[2:]), project_version="V18"))
    program = Program(closed=True)
    program.add(block)
    return [d.code for d in check_block(program, block) if d.severity == "Error"]


def _second_network(text: str, replacement: str) -> str:
    start = text.index("<NetworkSource>", text.index('ID="4"'))
    end = text.index("</ProgrammingLanguage>", start) + len("</ProgrammingLanguage>")
    return text[:start] + replacement + text[end:]


def test_the_seeded_jump_is_refused() -> None:
    assert _codes(SEEDED.read_text(encoding="utf-8")) == ["STL_LABEL"]


def test_no_jump_is_judged_beside_an_stl_network_that_was_not_read() -> None:
    text = SEEDED.read_text(encoding="utf-8")
    start = text.index("<StlStatement", text.index('ID="4"'))
    unread = text[:start] + '<StlStatement><Blank /><StlToken Text="NOP_0" /></StlStatement>' + text[start:]
    assert _codes(unread) == []


def test_no_jump_is_judged_beside_a_lad_network_whose_labels_are_not_exported() -> None:
    assert _codes(_second_network(SEEDED.read_text(encoding="utf-8"), _LAD)) == []


def test_a_labelled_statement_reads_and_writes_back_unchanged() -> None:
    from simatic_xml import stl
    from simatic_xml.xmlnode import from_lxml
    from lxml import etree

    ns = "http://www.siemens.com/automation/Openness/SW/NetworkSource/StatementList/v4"
    body = from_lxml(etree.fromstring(
        f'<StatementList xmlns="{ns}"><StlStatement UId="21"><LabelDeclaration UId="22"><Label Name="M001" />'
        '</LabelDeclaration><StlToken Text="NOP_0" /></StlStatement><StlStatement UId="23"><StlToken Text="JU" />'
        '<Access Scope="Label"><Label Name="M001" /></Access></StlStatement></StatementList>'))
    statements = stl.from_xml(body)
    assert [(s.label, s.label_attrs, s.token) for s in statements] == [("M001", {"UId": "22"}, "NOP_0"),
                                                                       (None, {}, "JU")]
    assert stl.to_xml(statements, ns) == body


def test_labels_that_differ_only_in_case_are_not_judged_duplicates() -> None:
    """Whether TIA's STL labels are case-sensitive was not found documented: ``SKIP:`` and ``skip:`` in one block
    are accepted (the seeded block declares SKIP twice, the same spelling: STL_DUPLICATE_LABEL)."""
    text = (Path(__file__).parent / "seeded" / "stl_duplicate_label.xml").read_text(encoding="utf-8")
    assert _codes(text) == ["STL_DUPLICATE_LABEL"]
    second = text.index('ID="4"')
    assert _codes(text[:second] + text[second:].replace('<Label Name="SKIP" />', '<Label Name="skip" />', 1)) == []


def test_an_export_element_finding_takes_the_severity_given() -> None:
    """``err_line`` (LAD/FBD/STL findings) reports a warning when asked, as ``err`` does for SCL: a rule without a
    Siemens source for TIA's verdict reports a warning (docs/add-a-diagnostic.md)."""
    from types import SimpleNamespace
    from typing import cast

    from engineering_api.rules.compiler.check_context import CheckContext

    state = SimpleNamespace(out=[], b=SimpleNamespace(name="FB_Motor"), path="FB_Motor.xml", network=2)
    context = cast(CheckContext, state)  # only the fields err_line reads
    CheckContext.err_line(context, "FLGNET_LABEL", 87, "Warning", label="Skip")
    CheckContext.err_line(context, "FLGNET_LABEL", 90, label="Skip")
    assert [(d.severity, d.line, d.code, d.network) for d in state.out] == [
        ("Warning", 87, "FLGNET_LABEL", 2), ("Error", 90, "FLGNET_LABEL", 2)]
