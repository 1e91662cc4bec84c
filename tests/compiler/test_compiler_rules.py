"""Semantic rules of the fake's SCL compiler on small sources, offline mode, the CLI and the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.types import assignable
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "scl"


def _fb(decls: str, body: str, extra: str = "") -> str:
    return (f'{extra}\nFUNCTION_BLOCK "FB_T"\nVERSION : 0.1\n   VAR \n{decls}\n   END_VAR\n\nBEGIN\n{body}\n'
            "END_FUNCTION_BLOCK\n")


def _codes(text: str, closed: bool = True) -> list:
    return [(d.code, d.severity) for d in check_source(text, "t.scl", closed=closed) if d.severity != "Info"]


# ----- conversions ---------------------------------------------------------------------------------
# (source, target, implicit with IEC check off, with IEC check on): TIA's tables, simatic_xml/conversions.
@pytest.mark.parametrize(("src", "dst", "ok_off", "ok_on"), [
    ("INT", "DINT", True, True), ("INT", "REAL", True, True), ("DINT", "INT", True, False),
    ("BOOL", "INT", False, False), ("INT", "BOOL", False, False), ("REAL", "INT", True, False),
    ("REAL", "LREAL", True, True), ("LREAL", "REAL", True, False), ("BYTE", "WORD", True, True),
    ("WORD", "BYTE", True, False), ("USINT", "INT", True, True), ("SINT", "USINT", True, False),
    ("CHAR", "STRING", True, True), ("TIME", "INT", False, False), ("#INTLIT", "INT", True, True),
    ("#REALLIT", "INT", True, False),
])
def test_implicit_conversion_table(src, dst, ok_off, ok_on) -> None:
    assert assignable(src, dst) is ok_off
    assert assignable(src, dst, iec_check=True) is ok_on


def test_explicit_conversions_and_widening_are_accepted() -> None:
    text = _fb("      i : Int;\n      d : DInt;\n      r : Real;\n      b : Bool;\n      w : Word;",
               "\t#d := #i;\n\t#r := #i;\n\t#i := DINT_TO_INT(#d);\n\t#i := REAL_TO_INT(#r);\n"
               "\t#r := INT_TO_REAL(#i) * 2.5;\n\t#b := #i > 3 AND #r < 1.0;\n\t#w := INT_TO_WORD(#i) OR 16#FF;\n"
               "\t#i := ABS(#i) + MIN(IN1 := #i, IN2 := 3) + LIMIT(MN := 0, IN := #i, MX := 9);\n"
               "\t#r := SQRT(#r) + SEL(G := #b, IN0 := 1.0, IN1 := #r);")
    assert _codes(text) == []


def test_explicit_conversion_with_wrong_argument() -> None:
    text = _fb("      b : Bool;\n      r : Real;", "\t#r := INT_TO_REAL(#b);")
    assert _codes(text) == [("PARAMETER_TYPE", "Error")]


# ----- calls -----------------------------------------------------------------------------------------
def test_iec_timer_counter_and_edge_instances() -> None:
    text = _fb(
        "      t : TON_TIME;\n      t2 : IEC_TIMER;\n      c : CTU_INT;\n      e : R_TRIG;\n      q : Bool;\n"
        "      n : Int;\n      et : Time;",
        "\t#t(IN := #q, PT := T#2s, Q => #q, ET => #et);\n\t#t2.TON(IN := #t.Q, PT := T#1s);\n"
        "\t#c(CU := #e.Q, R := FALSE, PV := 10);\n\t#n := #c.CV;\n\t#e(CLK := #q);\n\t#q := #t2.Q OR #c.QU;",
    )
    assert _codes(text) == []


def test_unknown_timer_parameter_and_member() -> None:
    text = _fb("      t : TON_TIME;\n      q : Bool;", "\t#t(IN := TRUE, PT := T#1s, RESET := TRUE);\n\t#q := #t.DONE;")
    assert _codes(text) == [("UNKNOWN_PARAMETER", "Error"), ("UNKNOWN_MEMBER", "Error")]


def test_multi_instance_call_checks_the_fb_interface() -> None:
    callee = ('FUNCTION_BLOCK "FB_Motor"\nVERSION : 0.1\n   VAR_INPUT \n      start : Bool;\n   END_VAR\n'
              '   VAR_OUTPUT \n      running : Bool;\n   END_VAR\n   VAR_IN_OUT \n      cnt : Int;\n   END_VAR\n'
              "BEGIN\n\t#running := #start;\nEND_FUNCTION_BLOCK\n")
    good = _fb('      m : "FB_Motor";\n      on : Bool;\n      k : Int;',
               "\t#m(start := TRUE, running => #on, cnt := #k);\n\t#on := #m.running;", callee)
    assert _codes(good) == []
    bad = _fb('      m : "FB_Motor";\n      on : Bool;\n      k : Int;', "\t#m(start := 5, running => #on);", callee)
    # the Int in/out cnt left out: an FB keeps an elementary in/out's value in its instance (optional)
    assert _codes(bad) == [("PARAMETER_TYPE", "Error")]


def test_instance_db_call() -> None:
    callee = ('FUNCTION_BLOCK "FB_M"\nVERSION : 0.1\n   VAR_INPUT \n      start : Bool;\n   END_VAR\n'
              'BEGIN\n\t;\nEND_FUNCTION_BLOCK\nDATA_BLOCK "DB_M"\nVERSION : 0.1\n"FB_M"\nBEGIN\nEND_DATA_BLOCK\n')
    assert _codes(_fb("      x : Bool;", '\t"DB_M"(start := #x);', callee)) == []
    assert _codes(_fb("      x : Bool;", '\t"DB_M"(go := #x);', callee)) == [("UNKNOWN_PARAMETER", "Error")]


def test_positional_single_parameter_fc_call() -> None:
    fc = ('FUNCTION "FC_Msg" : Void\nVERSION : 0.1\n   VAR_INPUT \n      msg : String;\n   END_VAR\n'
          "BEGIN\n\t;\nEND_FUNCTION\n")
    assert _codes(_fb("      s : String;", '\t"FC_Msg"(#s);', fc)) == []


def test_unknown_system_instruction_is_a_note_that_says_so() -> None:
    """A name the catalogue lacks: an Info whose message says the catalogue is not complete (a bare name may also
    be a block of another file: ``Motor_DB(...)`` in tests/realcode/cases/software_unit_root_references)."""
    diags = check_source(_fb("      x : Int;", "\tSOME_VENDOR_INSTR(a := #x);"), "t.scl", closed=True)
    assert [(d.code, d.severity) for d in diags] == [("UNCHECKED_INSTRUCTION", "Info")]
    assert "not complete" in diags[0].message


def test_known_instruction_is_not_reported() -> None:
    assert _codes(_fb("      x : Int;\n      t : DTL;", "\t#x := RD_SYS_T(#t);")) == []


# ----- operands and scope ------------------------------------------------------------------------------
def test_fc_return_value_and_outputs() -> None:
    text = ('FUNCTION "FC_A" : Int\nVERSION : 0.1\n   VAR_INPUT \n      a : Int;\n   END_VAR\n'
            '   VAR_OUTPUT \n      o : Bool;\n   END_VAR\nBEGIN\n\t#FC_A := #a;\n\t#o := TRUE;\nEND_FUNCTION\n')
    assert _codes(text) == []


def test_fb_input_may_be_written() -> None:
    text = ('FUNCTION_BLOCK "FB_In"\nVERSION : 0.1\n   VAR_INPUT \n      a : Int;\n   END_VAR\n'
            "BEGIN\n\t#a := 1;\nEND_FUNCTION_BLOCK\n")
    assert _codes(text) == []


def test_udt_members_and_arrays() -> None:
    udt = ('TYPE "UDT_A"\nVERSION : 0.1\n   STRUCT\n      x : Int;\n      arr : Array[0..3] of Real;\n   '
           'END_STRUCT;\n\nEND_TYPE\n')
    text = _fb('      u : "UDT_A";\n      i : Int;\n      r : Real;',
               "\t#r := #u.arr[#i];\n\t#i := #u.x;\n\t#i := #u.nope;\n\t#i := #u.arr[1];", udt)
    # Real -> Int is implicit while the block's IEC check is off (TIA's default)
    assert _codes(text) == [("UNKNOWN_MEMBER", "Error")]
    iec_text = text.replace('"FB_T"\n', '"FB_T"\n{ S7_IECCheck := \'TRUE\' }\n', 1)
    assert _codes(iec_text) == [("UNKNOWN_MEMBER", "Error"), ("TYPE_MISMATCH", "Error")]


def test_nested_struct_duplicate() -> None:
    assert _codes(_fb("      s : Struct\n         a : Int;\n         A : Bool;\n      END_STRUCT;", "\t;")) == [
        ("DUPLICATE_NAME", "Error")]


def test_offline_unknown_globals_are_warnings() -> None:
    text = _fb('      x : Bool;\n      u : "UDT_Elsewhere";', '\t#x := "Tag_1";\n\t"FC_Elsewhere"(a := 1);')
    assert _codes(text, closed=False) == [("MISSING_TYPE", "Warning"), ("MISSING_TAG", "Warning"),
                                          ("MISSING_BLOCK", "Warning")]


def test_loops_allow_exit_and_continue() -> None:
    text = _fb("      i : Int;", "\tREPEAT\n\t    #i := #i + 1;\n\t    IF #i > 3 THEN EXIT; END_IF;\n"
               "\t    CONTINUE;\n\tUNTIL #i > 9 END_REPEAT;")
    assert _codes(text) == []


def test_diagnostics_carry_block_line_and_column() -> None:
    [d] = check_source(_fb("      i : Int;", "\t#i := #j;"), "x.scl", closed=True)
    assert (d.block, d.line, d.col, d.path) == ("FB_T", 9, 8, "x.scl")
    assert str(d) == 'x.scl:9:8: error: [FB_T] Tag "#j" not defined. [UNDECLARED]'


def test_syntax_errors_are_one_diagnostic() -> None:
    [d] = check_source('FUNCTION_BLOCK "X"\nBEGIN\n\t#a := ;\nEND_FUNCTION_BLOCK\n', "s.scl")
    assert d.severity == "Error" and d.code == "SYNTAX_ERROR" and d.line == 3


# ----- CLI ------------------------------------------------------------------------------------------
def test_scl_check_prints_and_exits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``engineering-api scl check`` runs these rules (the compiler has no command body of its own)."""
    from engineering_api.cli import main as cli

    good = tmp_path / "good.scl"
    good.write_text(_fb("      i : Int;", "\t#i := #i + 1;"))
    bad = tmp_path / "bad.scl"
    bad.write_text(_fb("      i : Int;", "\tEXIT;"))
    assert cli(["scl", "check", str(good)]) == 0
    assert cli(["scl", "check", str(good), str(bad)]) == 1
    assert "EXIT is only permitted inside a FOR, WHILE or REPEAT loop. [EXIT_OUTSIDE_LOOP]" in capsys.readouterr().out
    assert cli(["scl", "check", str(tmp_path / "missing.scl")]) == 2


# ----- corpus ----------------------------------------------------------------------------------------
_CORPUS_FILES = sorted(p for p in CORPUS.rglob("*")
                       if p.suffix.lower() in (".scl", ".db", ".udt")) if CORPUS.is_dir() else []


@READS_SHARED
def test_checker_never_crashes_on_the_corpus() -> None:
    from engineering_api.rules.compiler.check import Source, check_sources

    clean = 0
    for path in _CORPUS_FILES:
        diags = check_sources([Source(str(path), path.read_bytes())], closed=False, info=True)  # must not raise
        if not [d for d in diags if d.severity in ("Error", "Warning")]:
            clean += 1
    assert clean >= 90, clean


def test_ob_start_information_is_implicit() -> None:
    text = ('ORGANIZATION_BLOCK "Diag"\nVERSION : 0.1\n   VAR_TEMP \n      w : Word;\n   END_VAR\n'
            "BEGIN\n\t#w := #IO_State;\n\t#w := #Nope;\nEND_ORGANIZATION_BLOCK\n")
    assert _codes(text) == [("UNDECLARED", "Error")]
    assert _codes(text, closed=False) == [("UNDECLARED", "Warning")]


_ARRAY_OUTPUT = '''FUNCTION "FC_Fill" : Void
   VAR_OUTPUT
      values : Array[0..3] of Int;
   END_VAR
BEGIN
   #values[0] := 1;
END_FUNCTION

FUNCTION_BLOCK "FB_Use"
   VAR
      buffer : Array[0..3] of Int;
      wrong : Array[0..3] of Bool;
   END_VAR
BEGIN
   "FC_Fill"(values => #buffer);
{wrong}END_FUNCTION_BLOCK
'''


def test_an_array_output_of_a_called_block_is_checked() -> None:
    """An ARRAY output parameter (`=>`) made the checker fail (TypeError: unhashable ArrayT, reported as
    CHECKER_FAILED on 4 blocks of nlander-CONCR3DE/PLCSoftwareV6 in the corpus) instead of checking the call."""
    assert _codes(_ARRAY_OUTPUT.format(wrong="")) == []
    assert _codes(_ARRAY_OUTPUT.format(wrong='   "FC_Fill"(values => #wrong);\n')) == [("OUTPUT_TYPE", "Error")]
