"""``"tag":P`` / ``%IW4:P`` (I/O access) and data types as labels of ``CASE TypeOf(...) OF`` (issue 13).

Real TIA sources behind them: psi-func/ikea_vyatka_sorting ``FB_IM_PFM.scl`` (``OUT => "K1-317U":P``) and
andresvosa/my_Siemens ``mov_avg.scl`` (``CASE TypeOf(#i_vLastMeasured) OF Real:``).
"""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source
from simatic_xml.errors import SclSyntaxError as TokenSyntaxError
from simatic_xml.scl import ast as A
from simatic_xml.scl import parse
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl_text import text_to_tokens, tokens_to_text

__all__: list[str] = []


def _body(code: str, decls: str = "x : Int; r : Real; v : Variant;") -> list:
    src = f'FUNCTION_BLOCK "B"\nVERSION : 0.1\n   VAR\n      {decls}\n   END_VAR\nBEGIN\n{code}\nEND_FUNCTION_BLOCK\n'
    return parse(src).blocks[0].body


def _errors(code: str, decls: str = "x : Int; r : Real;", closed: bool = True) -> list[str]:
    # a Variant is a formal parameter or temporary, never static (STEP 7 help, "Basic information on VARIANT")
    src = (f'FUNCTION_BLOCK "B"\n{{ S7_Optimized_Access := \'FALSE\' }}\nVERSION : 0.1\n   VAR\n      {decls}\n'
           f'   END_VAR\n   VAR_TEMP\n      v : Variant;\n   END_VAR\nBEGIN\n{code}\nEND_FUNCTION_BLOCK\n')
    return [f"{d.code}: {d.message}" for d in check_source(src, "b.scl", closed=closed)
            if d.severity == "Error" and not (d.code or "").startswith("MISSING_")]


# ------------------------------------------------------------------ parser


def test_periphery_of_a_tag_as_value_target_and_actual_parameter() -> None:
    read, write, call = _body('#x := "EW4":P;\n"AW6":P := #x;\n'
                              '#r := UNSCALE(IN := "EW4":P, HI_LIM := 1.0, LO_LIM := 0.0, BIPOLAR := FALSE, '
                              'OUT => "K1-317U":P);')
    assert read.value == A.Name(read.value.line, read.value.col, "EW4", "global", True)
    assert write.target.periphery and write.target.name == "AW6"
    out = call.value.args[-1]
    assert (out.name, out.op, out.value.name, out.value.periphery) == ("OUT", "=>", "K1-317U", True)


def test_periphery_of_an_absolute_input_and_output() -> None:
    read, write = _body("#x := %IW4:P;\n%QW6:P := #x;")
    assert (read.value.text, read.value.periphery) == ("IW4", True)
    assert (write.target.text, write.target.periphery) == ("QW6", True)
    with pytest.raises(SclSyntaxError, match="only possible on inputs and outputs"):
        _body("%MW2:P := #x;")


def test_a_quoted_case_label_before_a_glued_statement_stays_a_label() -> None:
    (case,) = _body('CASE #x OF\n  "C":P := 1;\nEND_CASE;', decls="x : Int; P : Int;")
    (label,) = case.branches[0].labels
    assert label == A.Name(label.line, label.col, "C", "global")
    assert type(case.branches[0].body[0]) is A.Assign


def test_data_types_label_a_case_over_typeof() -> None:
    (case,) = _body('CASE TypeOf(#v) OF\n  Real, LReal:\n    #x := 1;\n  "UDT_A":\n    #x := 2;\n'
                    '  ELSE\n    #x := 0;\nEND_CASE;')
    labels = [label for branch in case.branches for label in branch.labels]
    assert [(type(lb), lb.name, lb.quoted) for lb in labels] == [
        (A.TypeLabel, "Real", False), (A.TypeLabel, "LReal", False), (A.TypeLabel, "UDT_A", True)]


def test_an_ordinary_case_keeps_names_as_constants() -> None:
    (case,) = _body("CASE #x OF\n  Real:\n    #x := 1;\nEND_CASE;")
    assert type(case.branches[0].labels[0]) is A.Name


# ------------------------------------------------------------------ checker


def test_the_checker_accepts_type_labels_and_periphery() -> None:
    assert _errors('CASE TypeOf(#v) OF\n  Real, LReal:\n    #x := 1;\n  Int:\n    #x := 2;\nEND_CASE;\n'
                   'CASE TypeOfElements(#v) OF\n  Real:\n    #x := 3;\nEND_CASE;\n'
                   '#x := %IW4:P;\n%QW6:P := #x;') == []


def test_the_checker_refuses_a_constant_label_in_a_case_over_typeof() -> None:
    errors = _errors("CASE TypeOf(#v) OF\n  1:\n    #x := 1;\nEND_CASE;")
    assert [e.split(":")[0] for e in errors] == ["CASE_LABEL"]


def test_the_checker_reports_a_missing_plc_data_type_label() -> None:
    src = ('FUNCTION "F" : Void\nVERSION : 0.1\n   VAR_INPUT\n      v : Variant;\n   END_VAR\nBEGIN\n'
           'CASE TypeOf(#v) OF\n  "UDT_Gone":\n    ;\nEND_CASE;\nEND_FUNCTION\n')
    codes = [d.code for d in check_source(src, "f.scl", closed=True) if d.severity != "Info"]
    assert codes == ["MISSING_TYPE"]  # (and a SIGNATURE_UNKNOWN note: TypeOf's parameter is not catalogued)


# ------------------------------------------------------------------ generation (StructuredText tokens)


def test_periphery_of_a_tag_is_a_component_modifier_and_round_trips() -> None:
    text = '#x := "EW4":P;\n"AW6":P := #x;\n#r := F(OUT => "K1-317U":P);'
    body = text_to_tokens(text)
    components = [c for c in body.iter("Component") if c.attrs.get("SimpleAccessModifier") == "Periphery"]
    assert [c.attrs["Name"] for c in components] == ["EW4", "AW6", "K1-317U"]
    assert not [t for t in body.iter("Token") if t.attrs.get("Text") == ":"]
    assert tokens_to_text(body) == text


def test_periphery_of_an_absolute_address_round_trips() -> None:
    text = "#x := %IW4:P;\n%QW6:P := #x;\n#b := %I0.1 AND %M10.7;\n%Q1.0:P := %MD8 > 0;"
    body = text_to_tokens(text)
    areas = [(a.attrs["Area"], a.attrs["Type"], a.attrs["BitOffset"]) for a in body.iter("Address")]
    assert areas == [("PeripheryInput", "Word", "32"), ("PeripheryOutput", "Word", "48"), ("Input", "Bool", "1"),
                     ("Memory", "Bool", "87"), ("PeripheryOutput", "Bool", "8"), ("Memory", "DWord", "64")]
    assert tokens_to_text(body) == text
    with pytest.raises(TokenSyntaxError):
        text_to_tokens("%MW2:P := 1;")


def test_type_labels_are_tokens_not_jump_labels() -> None:
    text = ("CASE TypeOf(#v) OF\n    Real, LReal:\n        #x := 1;\n    \"UDT_A\":\n        #x := 2;\n"
            "    ELSE\n        #x := 0;\nEND_CASE;\nCASE #x OF\n    1:\n        CASE TypeOfElements(#v) OF\n"
            "            Int:\n                #x := F(a, b, c);\n        END_CASE;\nEND_CASE;\nM1: #x := 3;")
    body = text_to_tokens(text)
    words = {t.attrs["Text"] for t in body.iter("Token")}
    assert {"Real", "LReal", '"UDT_A"', "Int"} <= words
    labels = [a.find("Label") for a in body.iter("Access") if a.attrs.get("Scope") == "Label"]
    assert None not in labels and [label.attrs["Name"] for label in labels if label is not None] == ["M1"]
    # the arguments of a call inside the branch stay operands, though followed by ','
    assert {"a", "b", "c"} <= {c.attrs["Name"] for c in body.iter("Component")}
    assert tokens_to_text(body) == text


def test_a_type_label_after_a_region_is_a_type_label() -> None:
    text = ("CASE TypeOf(#v) OF\n    Real:\n        REGION r1\n            #x := 1;\n        END_REGION\n"
            "    LReal:\n        #x := 2;\nEND_CASE;")
    body = text_to_tokens(text)
    assert not [a for a in body.iter("Access") if a.attrs.get("Scope") == "Label"]
    assert tokens_to_text(body) == text


def test_a_name_compared_with_a_type_test_is_a_data_type() -> None:
    (first, second) = _body('IF TypeOf(#v) = Real THEN\n  #x := 1;\nEND_IF;\n'
                            'IF "UDT_A" <> TypeOfElements(#v) AND TypeOf(#v) = TypeOf(#v) THEN\n  #x := 2;\nEND_IF;')
    cond = first.branches[0].cond
    assert (type(cond.right), cond.right.name) == (A.TypeLabel, "Real")
    left = second.branches[0].cond.left
    assert (type(left.left), left.left.name, left.left.quoted) == (A.TypeLabel, "UDT_A", True)
    assert type(second.branches[0].cond.right.right) is A.Call  # TypeOf(#v) = TypeOf(#v) stays two calls
    (plain,) = _body("IF #x = Real THEN\n  #x := 1;\nEND_IF;", decls="x : Int; Real : Int;")
    assert type(plain.branches[0].cond.right) is A.Name  # no type test, no data type


def test_the_checker_accepts_type_comparisons() -> None:
    assert _errors("IF TypeOf(#v) = Real OR Int = TypeOf(#v) THEN\n  #x := 1;\nEND_IF;\n"
                   "IF TypeOfElements(#v) <> String THEN\n  #x := 2;\nEND_IF;") == []


def test_type_comparisons_generate_type_tokens() -> None:
    text = ("IF TypeOf(#v) = Real AND Int <> TypeOfElements(#w) THEN\n    #x := F(a, b);\nEND_IF;\n"
            "IF TypeOf(#v) = TypeOf(#w) THEN\n    ;\nEND_IF;")
    body = text_to_tokens(text)
    assert [t.attrs["Text"] for t in body.iter("Token") if t.attrs["Text"] in ("Real", "Int", "TypeOf")] == [
        "Real", "Int"]
    assert [i.attrs["Name"] for i in body.iter("Instruction")] == ["TypeOf", "TypeOfElements", "F", "TypeOf", "TypeOf"]
    assert {"a", "b"} <= {c.attrs["Name"] for c in body.iter("Component")}
    assert tokens_to_text(body) == text
