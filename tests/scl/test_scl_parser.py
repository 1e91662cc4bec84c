"""Focused tests of the SCL lexer and parser (simatic_xml.scl)."""
from __future__ import annotations

from typing import TypeVar

import pytest

from simatic_xml.scl import (
    ClassicSclNotSupportedError,
    SclSyntaxError,
    ast as A,
    parse,
    tokenize,
)

_Node = TypeVar("_Node")


def of(kind: type[_Node], node: object) -> _Node:
    """``node`` as the ``kind`` the test expects there; the test fails when it is something else."""
    assert isinstance(node, kind), (kind.__name__, node)
    return node


def fb(body: str, decls: str = "") -> A.Block:
    src = f'FUNCTION_BLOCK "T"\nVERSION : 0.1\n{decls}\nBEGIN\n{body}\nEND_FUNCTION_BLOCK\n'
    return parse(src).blocks[0]


def expr(text: str) -> A.Expr | A.Assign:
    stmt = fb(f"#x := {text};").body[0]
    assert isinstance(stmt, A.Assign)
    return stmt.value


def show(e) -> str:
    """Fully parenthesised rendering of an expression, for precedence tests."""
    if isinstance(e, A.BinaryOp):
        return f"({show(e.left)} {e.op} {show(e.right)})"
    if isinstance(e, A.UnaryOp):
        return f"({e.op} {show(e.operand)})"
    if isinstance(e, A.Paren):
        return show(e.expr)
    if isinstance(e, A.Literal):
        return e.text
    if isinstance(e, A.Name):
        return {"local": "#", "global": '"'}.get(e.scope, "") + e.name
    if isinstance(e, A.Member):
        return f"{show(e.base)}.{e.name}"
    if isinstance(e, A.Call):
        return f"{show(e.callee)}(...)"
    return type(e).__name__


# ------------------------------------------------------------------ lexer


def test_tokens_carry_kind_text_line_col():
    toks = tokenize('IF #a THEN\n  "b".c := 16#FF; // note\nEND_IF;')
    assert [(t.kind, t.text, t.line, t.col) for t in toks[:3]] == [
        ("IF", "IF", 1, 1),
        ("LOCAL", "#a", 1, 4),
        ("THEN", "THEN", 1, 7),
    ]
    based = next(t for t in toks if t.kind == "BASED")
    assert (based.text, based.line, based.col) == ("16#FF", 2, 12)
    end_if = next(t for t in toks if t.kind == "END_IF")
    assert end_if.pre is not None and [c.text for c in end_if.pre] == ["// note"]


def test_keywords_are_case_insensitive():
    blk = parse('function_block "x"\nversion : 0.1\nbegin\nif #a then #b := true; end_if;\nend_function_block').blocks[
        0
    ]
    assert blk.kind == "FUNCTION_BLOCK"
    assert isinstance(blk.body[0], A.If)


def test_comments_all_three_forms_and_nesting():
    toks = tokenize("(* a (* nested *) b *) /* c */ // d\nx", keep_comments=True)
    assert [t.kind for t in toks] == ["COMMENT", "COMMENT", "COMMENT", "IDENT", "EOF"]
    assert toks[0].text == "(* a (* nested *) b *)"


def test_lexer_error_has_line_and_column():
    with pytest.raises(SclSyntaxError) as exc:
        tokenize("x := 1;\n  y := 'open")
    assert (exc.value.line, exc.value.col) == (2, 8)
    assert str(exc.value).startswith("line 2, column 8: ")


# ------------------------------------------------------------------ expressions


@pytest.mark.parametrize(
    "text, expected",
    [
        ("#a + #b * #c", "(#a + (#b * #c))"),
        ("#a * #b + #c", "((#a * #b) + #c)"),
        ("#a - #b - #c", "((#a - #b) - #c)"),
        ("-#a ** 2", "(- (#a ** 2))"),
        ("#a ** -#b", "(#a ** (- #b))"),
        ("NOT #a AND #b", "((NOT #a) AND #b)"),
        ("#a OR #b AND #c", "(#a OR (#b AND #c))"),
        ("#a XOR #b OR #c", "((#a XOR #b) OR #c)"),
        ("#a OR #b XOR #c", "(#a OR (#b XOR #c))"),
        ("#a & #b XOR #c", "((#a & #b) XOR #c)"),
        ("#a = #b AND #c <> #d", "((#a = #b) AND (#c <> #d))"),
        ("#a < #b = #c > #d", "((#a < #b) = (#c > #d))"),
        ("#a + 1 < #b * 2", "((#a + 1) < (#b * 2))"),
        ("#a MOD 3 + 1", "((#a MOD 3) + 1)"),
        ("(#a + #b) * #c", "((#a + #b) * #c)"),
        ("#a / #b / #c", "((#a / #b) / #c)"),
    ],
)
def test_precedence(text, expected):
    assert show(expr(text)) == expected


@pytest.mark.parametrize(
    "text, kind, value, type_name",
    [
        ("INT#5", "int", 5, "INT"),
        ("INT#-5", "int", -5, "INT"),
        ("16#FF", "int", 255, None),
        ("2#1010", "int", 10, None),
        ("8#17", "int", 15, None),
        ("2#0000_0001_0100", "int", 20, None),
        ("B#16#2", "int", 2, "B"),
        ("DW#16#84000000", "int", 0x84000000, "DW"),
        ("REAL#1.0E3", "real", 1000.0, "REAL"),
        ("BOOL#TRUE", "bool", True, "BOOL"),
        ("1.000000e+000", "real", 1.0, None),
        ("TRUE", "bool", True, None),
        ("false", "bool", False, None),
        ("T#1s500ms", "time", 1500, "T"),
        ("T#6S_408MS", "time", 6408, "T"),
        ("t#3s", "time", 3000, "T"),
        ("TIME#86400000ms", "time", 86400000, "TIME"),
        ("LTIME#1h", "time", 3600000, "LTIME"),
        ("T#1M", "time", 60000, "T"),
        ("S5T#2s", "time", 2000, "S5T"),
        ("DATE#2024-01-31", "date", "2024-01-31", "DATE"),
        ("D#2024-01-31", "date", "2024-01-31", "D"),
        ("TOD#0:0:0.000", "tod", "0:0:0.000", "TOD"),
        ("DT#1990-01-01-00:00:00", "dt", "1990-01-01-00:00:00", "DT"),
        ("DTL#2008-10-25-08:12:34.567", "dt", "2008-10-25-08:12:34.567", "DTL"),
        ("'it$'s'", "string", "it's", None),
        ("WSTRING#' NOT equal '", "string", " NOT equal ", "WSTRING"),
        ("-1", "int", -1, None),
        ("-2.5", "real", -2.5, None),
    ],
)
def test_literals(text, kind, value, type_name):
    lit = expr(text)
    assert isinstance(lit, A.Literal)
    assert (lit.kind, lit.value, lit.type_name) == (kind, value, type_name)


def test_operands_locals_globals_members_indices_slices():
    e = expr('"DB".arr[#i, 2]."q m".%X3')
    assert isinstance(e, A.Slice) and (e.size, e.offset) == ("X", 3)
    member = e.base
    assert isinstance(member, A.Member) and member.name == "q m" and member.quoted
    idx = member.base
    assert isinstance(idx, A.Index) and len(idx.indices) == 2
    assert isinstance(idx.base, A.Member) and idx.base.name == "arr"
    assert idx.base.base == A.Name(1 + 4, 7, "DB", "global") or of(A.Name, idx.base.base).name == "DB"
    e = expr('#"var with space".%B1')
    assert isinstance(e, A.Slice) and e.size == "B" and of(A.Name, e.base).name == "var with space"
    e = expr("#w.%W0")
    assert isinstance(e, A.Slice) and e.size == "W"
    a = expr("%MW10")
    assert isinstance(a, A.Address) and a.text == "MW10"
    a = expr("%I0.0")
    assert isinstance(a, A.Address) and a.text == "I0.0"


def test_calls_named_positional_outputs_and_nested():
    blk = fb(
        '#r := "FC_Elapsed"(StartTck := #s, TimeoutMs := "T", ElapsedMs => #e);\n'
        '"testFailed"(#_msg);\n'
        "#inst(IN := NOT #t.Q, PT := T#5s);\n"
        '"FB_DB" (Enable := TRUE);\n'
        "#arr[#i](x := 1);\n"
        '#StartupDelay.TON(IN := #a, PT := #p, Q => #q);\n'
        '"printChar"(input := "BCDToChar"(v1 := "i1"));\n'
        "#v := SQRT(#x * 2.0) + ABS(-3);\n"
    )
    call = of(A.Assign, blk.body[0]).value
    assert isinstance(call, A.Call) and of(A.Name, call.callee).name == "FC_Elapsed"
    assert [(a.name, a.op) for a in call.args] == [
        ("StartTck", ":="),
        ("TimeoutMs", ":="),
        ("ElapsedMs", "=>"),
    ]
    calls = [of(A.CallStmt, stmt).call for stmt in blk.body[1:7]]
    pos = calls[0]
    assert pos.args[0].name is None and of(A.Name, pos.args[0].value).name == "_msg"
    inst = of(A.Name, calls[1].callee)
    assert (inst.name, inst.scope, inst.line) == ("inst", "local", 7)
    assert isinstance(calls[1].args[0].value, A.UnaryOp)
    assert of(A.Name, calls[2].callee).name == "FB_DB"
    assert isinstance(calls[3].callee, A.Index)
    assert isinstance(calls[4].callee, A.Member) and calls[4].callee.name == "TON"
    nested = calls[5].args[0].value
    assert isinstance(nested, A.Call) and of(A.Name, nested.callee).name == "BCDToChar"
    assert show(of(A.Assign, blk.body[7]).value) == "(SQRT(...) + ABS(...))"


def test_assignment_variants():
    blk = fb("#a.CU := #a.R := FALSE;\n#b ?= #v;\n#c += 1;")
    chain = of(A.Assign, blk.body[0])
    assert isinstance(chain.value, A.Assign) and of(A.Literal, chain.value.value).value is False
    assert of(A.Assign, blk.body[1]).op == "?="
    assert of(A.Assign, blk.body[2]).op == "+="


# ------------------------------------------------------------------ statements


def test_if_elsif_else():
    s = fb("IF #a THEN #x := 1; ELSIF #b THEN #x := 2; ELSIF #c THEN ; ELSE #x := 3; END_IF;").body[0]
    assert isinstance(s, A.If) and len(s.branches) == 3 and s.else_body is not None and len(s.else_body) == 1
    assert isinstance(s.branches[2].body[0], A.Empty)


def test_case_with_ranges_lists_constants_and_else():
    s = fb(
        "CASE #x OF\n"
        "  0: #y := 0;\n"
        "  1, 2, 3: #y := 1;\n"
        "  4..27648: #y := 2; #z := 1;\n"
        '  #"On/Off", "GLOBAL_C": #y := 3;\n'
        "  -5..-1, 16#FF: ;\n"
        "  ELSE #y := 9;\n"
        "END_CASE;"
    ).body[0]
    assert isinstance(s, A.Case)
    assert len(s.branches) == 5
    assert [type(x).__name__ for x in s.branches[1].labels] == ["Literal"] * 3
    rng = s.branches[2].labels[0]
    assert isinstance(rng, A.CaseRange) and (of(A.Literal, rng.low).value, of(A.Literal, rng.high).value) == (4, 27648)
    assert len(s.branches[2].body) == 2
    assert of(A.Name, s.branches[3].labels[0]).name == "On/Off"
    assert of(A.Literal, of(A.CaseRange, s.branches[4].labels[0]).low).value == -5
    assert s.else_body is not None and len(s.else_body) == 1


def test_loops_exit_continue_return_goto_label():
    blk = fb(
        "FOR #i := 5 TO 0 BY -1 DO IF #i = 2 THEN CONTINUE; END_IF; EXIT; END_FOR;\n"
        "WHILE TRUE DO EXIT; END_WHILE;\n"
        "REPEAT #i := #i + 1; UNTIL #i > 3 END_REPEAT;\n"
        "GOTO Emission;\n"
        "Emission:\n"
        "RETURN;"
    )
    f, w, r, g, lab, ret = blk.body
    assert isinstance(f, A.For) and of(A.Literal, f.step).value == -1 and isinstance(f.body[1], A.Exit)
    assert isinstance(of(A.If, f.body[0]).branches[0].body[0], A.Continue)
    assert isinstance(w, A.While) and isinstance(r, A.RepeatLoop)
    assert isinstance(g, A.Goto) and g.label == "Emission"
    assert isinstance(lab, A.Label) and lab.name == "Emission"
    assert isinstance(ret, A.Return)


def test_region_nesting_free_text_names():
    blk = fb(
        "REGION Recipe Export // c\n"
        '  REGION "4) Місцеві аварії"\n'
        "    #a := 1;\n"
        "  END_REGION\n"
        "END_REGION trailing text\n"
    )
    outer = blk.body[0]
    assert isinstance(outer, A.Region) and outer.name == "Recipe Export"
    assert outer.end_text == "trailing text"
    inner = of(A.Region, outer.body[0])
    assert inner.name == '"4) Місцеві аварії"' and isinstance(inner.body[0], A.Assign)


def test_leading_comments_attach_to_statements():
    blk = fb("// first\n(* second *)\n#a := 1;")
    assert blk.body[0].comments == ["// first", "(* second *)"]


# ------------------------------------------------------------------ declarations and blocks

FB_SRC = """\ufeffFUNCTION_BLOCK "LLCCA_PID"
TITLE = LLCCA_PID
{ S7_Optimized_Access := 'TRUE' }
AUTHOR : 'Jacob Holmdahl'
FAMILY : LLCCA
NAME : RK_TCPIP
VERSION : 0.1
//block comment
   VAR_INPUT
      // leading
      timeout : Time := T#2S;   // trailing
      InvertedX { S7_SetPoint := 'True'} : Bool;
      "i_Input Bit" : Bool;
      s : String[50] := 'abc';
      buf : Array[0..#MAX, 1.."AXIS_NUM"] of Real;
   END_VAR
   VAR_IN_OUT
      open : Array[*] of USInt;
   END_VAR
   VAR DB_SPECIFIC
      arr : Array[0..3] of Bool := [2(True), 2(FALSE)];
      reals : Array[1..3] of Real := [3(0.0)];
      inst {InstructionName := 'TON_TIME'; LibVersion := '1.0'} : TON_TIME;
      udt : "typeAxisParam";
      st : Struct
         a : Int := 5;
         b : Struct
            c : Bool;
         END_STRUCT;
      END_STRUCT;
   END_VAR
   VAR RETAIN
      r : DInt;
   END_VAR
   VAR_TEMP
      t : IEC_TIMER;
      c : CTU_INT;
   END_VAR
   VAR CONSTANT
      MAX : Int := 10;
      "On/Off" : SInt := 0;
   END_VAR


BEGIN
	#t.TON(IN := #InvertedX, PT := #timeout);
END_FUNCTION_BLOCK

FUNCTION "Fc" : Int
VERSION : 0.1
BEGIN
	#Fc := 1;
END_FUNCTION
"""


def test_block_header_and_var_sections():
    src = parse(FB_SRC)
    blk, fc = src.blocks
    assert (blk.kind, blk.name, blk.title, blk.author, blk.family, blk.header_name, blk.version) == (
        "FUNCTION_BLOCK", "LLCCA_PID", "LLCCA_PID", "Jacob Holmdahl", "LLCCA", "RK_TCPIP", "0.1",
    )
    assert [(a.name, a.value) for a in blk.attributes] == [("S7_Optimized_Access", "TRUE")]
    kinds = [(s.kind, s.qualifiers) for s in blk.sections]
    assert kinds == [
        ("VAR_INPUT", []), ("VAR_IN_OUT", []), ("VAR", ["DB_SPECIFIC"]), ("VAR", ["RETAIN"]),
        ("VAR_TEMP", []), ("VAR", ["CONSTANT"]),
    ]
    inputs = blk.sections[0].decls
    timeout = inputs[0]
    assert timeout.name == "timeout" and of(A.ElementaryType, timeout.type).name == "TIME"
    assert of(A.Literal, timeout.initial).value == 2000 and timeout.comment == "trailing"
    assert timeout.comments == ["// leading"]
    assert inputs[1].attributes[0].name == "S7_SetPoint"
    assert inputs[2].name == "i_Input Bit" and inputs[2].quoted
    string = of(A.ElementaryType, inputs[3].type)
    assert string.name == "STRING" and of(A.Literal, string.length).value == 50
    buf = inputs[4].type
    assert isinstance(buf, A.ArrayType) and len(buf.dims) == 2
    assert of(A.Name, buf.dims[0].high).name == "MAX" and of(A.Name, buf.dims[1].high).scope == "global"
    open_arr = of(A.ArrayType, blk.sections[1].decls[0].type)
    assert open_arr.dims[0].low is None and of(A.ElementaryType, open_arr.element).name == "USINT"
    arr, reals, inst, udt, st = blk.sections[2].decls
    repeats = [of(A.Repeat, r) for r in of(A.ArrayInit, arr.initial).items]
    assert [(r.count, of(A.Literal, r.items[0]).value) for r in repeats] == [(2, True), (2, False)]
    assert of(A.Repeat, of(A.ArrayInit, reals.initial).items[0]).count == 3
    assert isinstance(inst.type, A.NamedType) and inst.type.name == "TON_TIME" and not inst.type.quoted
    assert isinstance(udt.type, A.NamedType) and udt.type.quoted
    assert isinstance(st.type, A.StructType) and of(A.StructType, st.type.members[1].type).members[0].name == "c"
    assert blk.sections[5].constant
    assert of(A.ElementaryType, fc.return_type).name == "INT" and isinstance(fc.body[0], A.Assign)


def test_data_block_with_begin_start_values():
    src = parse(
        'DATA_BLOCK "DB1"\n{ S7_Optimized_Access := \'FALSE\' }\nVERSION : 0.1\nNON_RETAIN\n'
        "VAR\n  x : Int;\n  p : \"Point\";\nEND_VAR\n"
        "BEGIN\n   x := 5;\n   p.y := T#6S_408MS;\n   arr[1] := 2;\nEND_DATA_BLOCK\n"
        'DATA_BLOCK "IDB"\nVERSION : 0.1\nNON_RETAIN\n"UnitTest"\nBEGIN\nEND_DATA_BLOCK\n'
        'DATA_BLOCK "S"\nSTRUCT\n a : Bool;\nEND_STRUCT;\nBEGIN\nEND_DATA_BLOCK\n'
    )
    db, idb, sdb = src.blocks
    assert db.kind == "DATA_BLOCK" and "NON_RETAIN" in db.flags
    assert len(db.body) == 3 and of(A.Literal, of(A.Assign, db.body[1]).value).value == 6408
    assert isinstance(of(A.Assign, db.body[1]).target, A.Member)
    assert isinstance(idb.type, A.NamedType) and idb.type.name == "UnitTest"
    assert isinstance(sdb.type, A.StructType)


def test_type_struct_and_struct_initial():
    src = parse(
        'TYPE "typeAxis"\nTITLE = axis\nVERSION : 0.1\n   STRUCT\n      x : Real := 1.0;\n'
        "      conn : TCON_IP_v4 := (72, 2, 11, (), ([()]), (), 2345);\n"
        "   END_STRUCT;\n\nEND_TYPE\n"
    )
    t = src.blocks[0]
    assert t.kind == "TYPE" and t.title == "axis" and isinstance(t.type, A.StructType)
    init = t.type.members[1].initial
    assert isinstance(init, A.StructInit) and len(init.items) == 7 and init.items[3] is None


def test_organization_block_and_at_overlay():
    src = parse(
        'ORGANIZATION_BLOCK "Main"\nTITLE = "Main Program Sweep (Cycle)"\nVERSION : 0.1\n'
        "VAR_TEMP\n  w : Word;\n  b AT w : Array[0..1] of Byte;\nEND_VAR\nBEGIN\n;\nEND_ORGANIZATION_BLOCK\n"
    )
    ob = src.blocks[0]
    assert ob.title == "Main Program Sweep (Cycle)"
    assert ob.sections[0].decls[1].at == "w"


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "body, line, col, fragment",
    [
        ("#a := 1\n#b := 2;", 5, 8, "expected ';' after the assignment"),
        ("IF #a THEN #b := 1;", 6, 1, "expected END_IF to close the IF of line 5"),
        ("#a = 1;", 5, 4, "expected ':=' for an assignment"),
        ("#a := (1 + ;", 5, 12, "expected an operand"),
        ("FOR #i := 1 #b DO END_FOR;", 5, 13, "expected TO"),
        ("CASE #a OF 1 #b := 1; END_CASE;", 5, 14, "expected ':' after the CASE label"),
    ],
)
def test_syntax_errors_point_at_line_and_column(body, line, col, fragment):
    with pytest.raises(SclSyntaxError) as exc:
        fb(body)
    err = exc.value
    assert fragment in err.message
    assert (err.line, err.col) == (line, col)
    assert str(err).startswith(f"line {line}, column {col}: ")


def test_missing_end_var_and_bad_type():
    with pytest.raises(SclSyntaxError, match="expected END_VAR"):
        parse('FUNCTION "f" : Void\nVAR_INPUT\n a : Int;\nBEGIN\nEND_FUNCTION')
    with pytest.raises(SclSyntaxError, match="expected a data type"):
        parse('FUNCTION "f" : Void\nVAR_INPUT\n a : ;\nEND_VAR\nBEGIN\nEND_FUNCTION')


def test_classic_constructs_are_refused_clearly():
    with pytest.raises(ClassicSclNotSupportedError, match="classic STEP 7 SCL syntax is not supported"):
        parse("FUNCTION_BLOCK FB10\nCONST\n  X := 1;\nEND_CONST\nBEGIN\nEND_FUNCTION_BLOCK")
    with pytest.raises(ClassicSclNotSupportedError):
        parse("FUNCTION FC1 : VOID\nBEGIN\n  x := DB10.DBW2;\nEND_FUNCTION")
    # numbered classic block with an error elsewhere is reported as classic
    with pytest.raises(ClassicSclNotSupportedError):
        parse("FUNCTION_BLOCK FB10\nVAR_INPUT\n a : INT\nEND_VAR\nBEGIN\nEND_FUNCTION_BLOCK")


def test_classic_block_that_is_valid_parses_with_number():
    blk = parse("FUNCTION_BLOCK FB106\nTITLE =' diff'\nVERSION : ' 1.0'\nKNOW_HOW_PROTECT\n"
                "VAR_INPUT INV : REAL; END_VAR\nBEGIN\nOUTV := INV;\nEND_FUNCTION_BLOCK").blocks[0]
    assert blk.number == 106 and blk.title == " diff" and "KNOW_HOW_PROTECT" in blk.flags
    assert of(A.Name, of(A.Assign, blk.body[0]).target).scope == "bare"


# ------------------------------------------------------------------ check entry point


def test_simatic_xml_scl_does_not_pretend_to_check(tmp_path, capsys):
    """``python -m simatic_xml.scl check`` once printed "0 with errors" and exited 0 on an undeclared ``#y`` (its
    rule list was empty): the front end only parses, and the command that checks is ``engineering-api scl check``."""
    from simatic_xml.scl.__main__ import main as scl_main

    undeclared = tmp_path / "undeclared.scl"
    undeclared.write_text('FUNCTION "f" : Void\nBEGIN\n#y := 1;\nEND_FUNCTION\n', encoding="utf-8")
    assert scl_main(["check", str(undeclared)]) == 2
    assert "engineering-api scl check" in capsys.readouterr().err


def test_walk_visits_every_node():
    blk = fb("IF #a THEN #b := #c + 1; END_IF;")
    names = {n.name for n in A.walk(blk) if isinstance(n, A.Name)}
    assert names == {"a", "b", "c"}


def test_trailing_statement_comment_and_block_end_comments():
    blk = fb("#a := 1; // why\n// closing note")
    assert blk.body[0].comment == "// why"
    assert blk.body[0].comments == []
    assert blk.end_comments == ["// closing note"]


def test_ref_to_and_deref():
    blk = fb("#p^ := #q^.x + 1;", "VAR_TEMP\n p : REF_TO Int;\n q : REF_TO \"U\";\nEND_VAR")
    assert isinstance(blk.sections[0].decls[0].type, A.RefType)
    assign = of(A.Assign, blk.body[0])
    assert isinstance(assign.target, A.Deref)
    assert isinstance(of(A.Member, of(A.BinaryOp, assign.value).left).base, A.Deref)


def test_crlf_and_bom_sources():
    src = '\ufeffFUNCTION "f" : Void\r\nVERSION : 0.1\r\nBEGIN\r\n\t#a := 1; // c\r\nEND_FUNCTION\r\n'
    blk = parse(src).blocks[0]
    assert blk.body[0].comment == "// c"
    assert (blk.body[0].line, blk.body[0].col) == (4, 2)


def test_bad_typed_constant_message():
    with pytest.raises(SclSyntaxError, match="invalid constant 'INT#x'"):
        fb("#a := INT#x;")


def test_keywords_as_member_and_declaration_names():
    src = parse(
        'DATA_BLOCK "D"\nVERSION : 0.1\nVAR\n  Type : Int;\n  s : Struct\n    To : Bool;\n  END_STRUCT;\nEND_VAR\n'
        "BEGIN\n  Type := 3;\n  s.To := TRUE;\nEND_DATA_BLOCK\n"
    )
    db = src.blocks[0]
    assert [d.name for d in db.sections[0].decls] == ["Type", "s"]
    assert of(A.Name, of(A.Assign, db.body[0]).target).name == "Type"
    assert of(A.Member, of(A.Assign, db.body[1]).target).name == "To"


def test_section_variants_and_multiline_attributes():
    src = parse(
        'DATA_BLOCK "D"\n{ DB_Accessible_From_OPC_UA := \'FALSE\' ;\n S7_Optimized_Access := \'TRUE\' }\n'
        "VERSION : 0.1\nNON_RETAIN\nVAR RETAIN\n  a : Int;\nEND_VAR\nVAR\nEND_VAR\nVAR NON_RETAIN\n  b : "
        "Int;\nEND_VAR\nBEGIN\nEND_DATA_BLOCK\n"
        'FUNCTION_BLOCK "F"\nVAR_INPUT DB_SPECIFIC\n  i : Int;\nEND_VAR\nVAR_OUTPUT RETAIN\n  o : Int;\nEND_VAR\n'
        "VAR_STAT\n  s : Int;\nEND_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n"
    )
    db, f = src.blocks
    assert [a.name for a in db.attributes] == ["DB_Accessible_From_OPC_UA", "S7_Optimized_Access"]
    assert [(s.kind, s.qualifiers, len(s.decls)) for s in db.sections] == [
        ("VAR", ["RETAIN"], 1), ("VAR", [], 0), ("VAR", ["NON_RETAIN"], 1),
    ]
    assert [(s.kind, s.qualifiers) for s in f.sections] == [
        ("VAR_INPUT", ["DB_SPECIFIC"]), ("VAR_OUTPUT", ["RETAIN"]), ("VAR_STAT", []),
    ]


def test_error_for_missing_declaration_name():
    with pytest.raises(SclSyntaxError) as exc:
        parse('FUNCTION "f" : Void\nVAR_TEMP\n   : Real;\nEND_VAR\nBEGIN\nEND_FUNCTION')
    assert (exc.value.line, exc.value.col) == (3, 4)
    assert "expected a declaration name" in exc.value.message


def test_region_word_used_as_a_name_and_inline_region():
    src = parse(
        'DATA_BLOCK "D"\nVAR\n  Region : Int;\nEND_VAR\nBEGIN\n  Region := 2;\nEND_DATA_BLOCK\n'
        'FUNCTION "f" : Void\nBEGIN\n#a := 1; REGION inline\n#x.Region := 1;\nEND_REGION\nEND_FUNCTION\n'
    )
    db, fc = src.blocks
    assert db.sections[0].decls[0].name == "Region" and of(A.Name, of(A.Assign, db.body[0]).target).name == "Region"
    region = fc.body[1]
    assert isinstance(region, A.Region) and region.name == "inline"
    assert of(A.Member, of(A.Assign, region.body[0]).target).name == "Region"


def test_case_with_char_labels_and_return_without_semicolon_message():
    s = of(A.Case, fb("CASE #c OF 'A', 'B': #n := 1; ELSE: #n := 0; END_CASE;").body[0])
    assert [of(A.Literal, lab).value for lab in s.branches[0].labels] == ["A", "B"]
    with pytest.raises(SclSyntaxError, match="expected ';' after RETURN"):
        fb("IF #a THEN RETURN END_IF;")


def test_stray_closer_message():
    with pytest.raises(SclSyntaxError) as exc:
        fb("#a := 1;\nEND_IF;")
    assert exc.value.message == "END_IF without a matching IF"
    assert (exc.value.line, exc.value.col) == (6, 1)
