"""S7-1500 references (REF_TO) from source to SimaticML and back into the checks.

How TIA writes a dereference (``#r^``) or an assignment attempt (``?=``) in an SCL network's SimaticML is not
known (no export holding one was found), so the generator refuses such a block by name instead of guessing; a
REF_TO declaration is written ``Ref_To <type>`` and the SimaticML checks read any spelling of it, so a built
block is not refused by the tool that built it."""

from __future__ import annotations

from pathlib import Path

from engineering_api.ci.program import check_files
from engineering_api.rules.compiler.check import check_source
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.generate.from_source import generate_source

DEREFERENCE = (
    'FUNCTION_BLOCK "FB_Ref"\nVAR\n  x : Int;\n  r : REF_TO Int;\nEND_VAR\nBEGIN\n'
    "  #r := REF(#x);\n  #x := #r^ + 1;\nEND_FUNCTION_BLOCK\n"
)
DECLARATION_ONLY = (
    'FUNCTION_BLOCK "FB_Ref2"\nVAR\n  x : Int;\n  r : REF_TO Int;\nEND_VAR\nBEGIN\n'
    "  #r := REF(#x);\n  IF #r <> NULL THEN\n    #x := 1;\n  END_IF;\nEND_FUNCTION_BLOCK\n"
)


def _checked_but_not_built(text: str) -> Diagnostic:
    """The one error of a source the check accepts and generation builds no block of."""
    assert [d for d in check_source(text, "t.scl") if d.severity == "Error"] == []
    result = generate_source(text, file="t.scl", version="V19")
    assert result.blocks == []
    [error] = [d for d in result.diagnostics if d.severity == "Error"]
    return error


def test_a_dereference_is_checked_but_not_built_and_says_why() -> None:
    error = _checked_but_not_built(DEREFERENCE)
    assert (error.code, error.line, error.column) == ("GENERATION_NOT_SUPPORTED", 8, 11)
    assert "generate the block from the source in TIA" in error.message
    attempt = DEREFERENCE.replace("#x := #r^ + 1;", "#r ?= #r;")
    [error] = [d for d in generate_source(attempt, file="t.scl", version="V19").diagnostics if d.severity == "Error"]
    assert error.code == "GENERATION_NOT_SUPPORTED" and "'?='" in error.message


def test_a_built_reference_declaration_passes_the_checks(tmp_path: Path) -> None:
    result = generate_source(DECLARATION_ONLY, file="t.scl", version="V19")
    [block] = result.blocks
    assert b'Datatype="Ref_To Int"' in block.xml
    built = tmp_path / "FB_Ref2.xml"
    built.write_bytes(block.xml)
    assert check_files([str(built)]) == []
    # Any spelling reads as a reference; the type it refers to must exist.
    upper = tmp_path / "upper" / "FB_Ref2.xml"
    upper.parent.mkdir()
    upper.write_bytes(block.xml.replace(b'"Ref_To Int"', b'"REF_TO &quot;Gone&quot;"'))
    assert [(d.code, d.message)
            for d in check_files([str(upper)])] == [("MISSING_TYPE", 'Data type "Gone" not defined.')]


DOCUMENTED = (
    'FUNCTION "FC_Doc" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n'
    "  (/* The result is `a` plus one: $ a + 1 $ (#notAnOperand) */)\n  #FC_Doc := (/* a */ #a + 1);\nEND_FUNCTION\n"
)


def test_a_documentation_comment_is_checked_but_not_built_and_says_where() -> None:
    """``(/* ... */)`` is TIA's documentation comment (Siemens' LGF library holds them); how TIA writes one in an
    SCL network is not known, so the block is refused by name at the comment. ``(/* a */ #a + 1)`` is no
    documentation comment: a ``(`` whose expression starts with a ``/* */`` comment."""
    error = _checked_but_not_built(DOCUMENTED)
    assert (error.code, error.line, error.column) == ("GENERATION_NOT_SUPPORTED", 6, 3)
    assert "documentation comment" in error.message
    plain = DOCUMENTED.replace("(/* The", "(* The").replace("Operand) */)", "Operand) *)")
    [block] = generate_source(plain, file="t.scl", version="V19").blocks
    assert b"FC_Doc" in block.xml
