"""The seeded sources: one small broken source per rule, each giving exactly the error in its header, and
legal sources (header ``no diagnostics``) showing that the legal forms next to those rules still compile.

SCL (``*.scl``), first line ``// expect: LINE:COL Severity code: message``: the file is checked as a whole
program (``closed=True``): what a PLC holding only these blocks reports when compiled.

LAD/FBD (``*.xml``, a SimaticML block), second line ``<!-- expect: Network N Severity code: message -->``
(SimaticML has no comments: the line is taken out before the block is read): the block is checked as a
PLC's only block, beside an empty FC/FB of each name its ``CallInfo`` calls.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.checker import check_block
from engineering_api.rules.compiler.program import BlockDef, Program
from engineering_api.rules.compiler.project import _parsed_def
from fakes.program import read_object
from simatic_xml.scl import read_source

SEEDED = sorted((Path(__file__).parent / "seeded").glob("*.scl"))
SEEDED_XML = sorted((Path(__file__).parent / "seeded").glob("*.xml"))
_EXPECT = re.compile(r"^// expect: (?:(\d+):(\d+) (Error|Warning) ([\w-]+): (.*)|no diagnostics)$")
_VERSION = re.compile(r'<Engineering version="(V\d+)" />')
_CALLED = re.compile(r'<CallInfo Name="([^"]+)" BlockType="(FC|FB)"')
_EXPECT_XML = re.compile(r"^<!-- expect: (?:Network (\d+) (Error|Warning) ([\w-]+): (.*)|no diagnostics) -->$")


def test_there_is_one_seeded_source_per_rule() -> None:
    heads = [_EXPECT.match(read_source(p).splitlines()[0]) for p in SEEDED]
    heads_xml = [_EXPECT_XML.match(p.read_text(encoding="utf-8-sig").splitlines()[1]) for p in SEEDED_XML]
    assert all(heads) and all(heads_xml)
    codes = {m.group(4) for m in heads if m}
    codes |= {m.group(3) for m in heads_xml if m}
    assert {
        "UNDECLARED", "MISSING_TYPE", "MISSING_BLOCK", "UNKNOWN_PARAMETER", "PARAMETER_NOT_SUPPLIED", "PARAMETER_TYPE",
        "WRONG_PARAMETER", "TYPE_MISMATCH", "OPERATOR_TYPE", "WRITE_CONSTANT", "DUPLICATE_NAME",
        "NOT_LOCAL", "MISSING_TAG", "EXIT_OUTSIDE_LOOP", "CONTINUE_OUTSIDE_LOOP", "UNKNOWN_INSTRUCTION",
        "OUTPUT_TYPE", "INOUT_TYPE", "INDEX_TYPE", "INDEX_RANGE", "CASE_SELECTOR", "CASE_LABEL", "FOR_VARIABLE",
        "LITERAL_RANGE",
        "FLGNET_PIN_TYPE", "CASE_DUPLICATE", "STL_LABEL", "STL_DUPLICATE_LABEL",
    } <= codes
    assert None in codes, "a legal seeded source ('no diagnostics') shows the legal forms"


@pytest.mark.parametrize("path", SEEDED, ids=[p.stem for p in SEEDED])
def test_seeded_source_gives_exactly_the_expected_error(path: Path) -> None:
    text = read_source(path)
    m = _EXPECT.match(text.splitlines()[0])
    assert m, (f"{path.name}: the first line must be '// expect: LINE:COL Severity code: message' or '// expect: no "
               "diagnostics'")
    found = [(d.line, d.col, d.severity, d.code, d.message) for d in check_source(text, str(path), closed=True)
             if d.severity != "Info"]
    expected = [] if m.group(1) is None else [(int(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5))]
    assert found == expected, (f"tests/compiler/seeded/{path.name} gives {found}, its first line expects {expected}: "
                               "fix the rule, or the expectation (LINE:COL Severity CODE: message)")


@pytest.mark.parametrize("path", SEEDED_XML, ids=[p.stem for p in SEEDED_XML])
def test_seeded_lad_block_gives_exactly_the_expected_error(path: Path) -> None:
    lines = path.read_bytes().split(b"\n")
    m = _EXPECT_XML.match(lines[1].decode())
    assert m, f"{path.name}: the second line must be '<!-- expect: Network N Severity code: message -->'"
    # read into a project of the export's own version (an STL network has no V19 namespace seen in an export)
    version = _VERSION.search(path.read_text(encoding="utf-8-sig"))
    project_version = "V19" if version is None or version.group(1) < "V16" else version.group(1)
    block = _parsed_def(read_object(b"\n".join(lines[:1] + lines[2:]), project_version=project_version))
    program = Program(closed=True)
    program.add(block)
    for name, kind in _CALLED.findall(path.read_text(encoding="utf-8-sig")):
        program.add(BlockDef(name, kind))  # a called FC/FB is context (its pins come from CallInfo), not the rule
    found = [(d.network, d.severity, d.code, d.message) for d in check_block(program, block) if d.severity != "Info"]
    expected = [] if m.group(1) is None else [(int(m.group(1)), m.group(2), m.group(3), m.group(4))]
    assert found == expected, (f"tests/compiler/seeded/{path.name} gives {found}, its second line expects "
                               f"{expected}: fix the rule, or the expectation (Network N Severity CODE: message)")


def test_a_lad_call_of_a_block_that_is_not_there() -> None:
    """The seeded call, without the FC it calls: MISSING_BLOCK (an Error in a closed program, as an SCL call's)."""
    lines = (Path(__file__).parent / "seeded" / "lad_call_pin.xml").read_bytes().split(b"\n")
    block = _parsed_def(read_object(b"\n".join(lines[:1] + lines[2:]), project_version="V19"))
    for closed, severity in ((True, "Error"), (False, "Warning")):
        program = Program(closed=closed)
        program.add(block)
        found = [(d.severity, d.code, d.message) for d in check_block(program, block) if d.code == "MISSING_BLOCK"]
        assert found == [(severity, "MISSING_BLOCK", 'Block "FC_Scale" not defined.')]
