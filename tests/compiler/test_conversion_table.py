"""TIA's implicit conversions (``simatic_xml.conversions``): every pair of elementary types in both modes of
the block's IEC check, through the table, the checker's ``assignable`` and a compiled SCL source; and the
conversions TIA accepts with the IEC check off (its default) but not with it on.

``EXPECTED`` is a second copy of ``simatic_xml/conversions/implicit.tsv`` (targets per source, IEC check off
and on), transcribed from Siemens' pages "Implicit conversion of <type> (S7-1500, S7-1200 G2)": a row
changed in the table fails here.
"""
from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.types import assignable, canonical, common_type
from simatic_xml.conversions import (
    TYPES,
    arithmetic_type,
    convert_value,
    iec_check_of,
    iec_check_of_attributes,
    implicit,
    rule,
    rules,
)
from tests.lib.shared_corpus import SHARED

EXPECTED = {  # source: (targets with the IEC check off, targets with it on)
    "BOOL": ("",
             ""),
    "BYTE": ("WORD DWORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT CHAR WCHAR",
             "WORD DWORD LWORD"),
    "WORD": ("BYTE DWORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT S5TIME DATE CHAR WCHAR",
             "DWORD LWORD"),
    "DWORD": ("BYTE WORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT REAL TIME TOD CHAR WCHAR",
              "LWORD"),
    "LWORD": ("BYTE WORD DWORD SINT USINT INT UINT DINT UDINT LINT ULINT LREAL LTIME LDT LTOD CHAR WCHAR",
              ""),
    "SINT": ("BYTE WORD DWORD LWORD USINT INT UINT DINT UDINT LINT ULINT REAL LREAL CHAR WCHAR",
             "INT DINT LINT REAL LREAL"),
    "USINT": ("BYTE WORD DWORD LWORD SINT INT UINT DINT UDINT LINT ULINT REAL LREAL CHAR WCHAR",
              "INT UINT DINT UDINT LINT ULINT REAL LREAL"),
    "INT": ("BYTE WORD DWORD LWORD SINT USINT UINT DINT UDINT LINT ULINT REAL LREAL DATE CHAR WCHAR",
            "DINT LINT REAL LREAL"),
    "UINT": ("BYTE WORD DWORD LWORD SINT USINT INT DINT UDINT LINT ULINT REAL LREAL DATE CHAR WCHAR",
             "DINT UDINT LINT ULINT REAL LREAL"),
    "DINT": ("BYTE WORD DWORD LWORD SINT USINT INT UINT UDINT LINT ULINT REAL LREAL TIME TOD CHAR WCHAR",
             "LINT LREAL"),
    "UDINT": ("BYTE WORD DWORD LWORD SINT USINT INT UINT DINT LINT ULINT REAL LREAL TIME TOD CHAR WCHAR",
              "LINT ULINT LREAL"),
    "LINT": ("BYTE WORD DWORD LWORD SINT USINT INT UINT DINT UDINT ULINT REAL LREAL LTIME LDT LTOD CHAR WCHAR",
             ""),
    "ULINT": ("BYTE WORD DWORD LWORD SINT USINT INT UINT DINT UDINT LINT REAL LREAL LTIME LDT LTOD CHAR WCHAR",
              ""),
    "REAL": ("DWORD SINT USINT INT UINT DINT UDINT LINT ULINT LREAL",
             "LREAL"),
    "LREAL": ("LWORD SINT USINT INT UINT DINT UDINT LINT ULINT REAL",
              ""),
    "S5TIME": ("WORD",
               ""),
    "TIME": ("DWORD DINT UDINT LTIME TOD",
             "LTIME"),
    "LTIME": ("LWORD LINT ULINT TIME LDT LTOD",
              ""),
    "DT": ("LDT DTL",
           "LDT DTL"),
    "LDT": ("LWORD LINT ULINT LTIME DT DTL",
            "DTL"),
    "DTL": ("DT LDT",
            "LDT"),
    "DATE": ("WORD INT UINT",
             ""),
    "TOD": ("DWORD DINT UDINT TIME LTOD",
            "LTOD"),
    "LTOD": ("LWORD LINT ULINT LTIME TOD",
             ""),
    "CHAR": ("BYTE WORD DWORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT STRING",
             "STRING"),
    "WCHAR": ("BYTE WORD DWORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT WSTRING",
              "WSTRING"),
    "STRING": ("CHAR",
               ""),
    "WSTRING": ("WCHAR",
                ""),
}
_DECL = {"BOOL": "Bool", "BYTE": "Byte", "WORD": "Word", "DWORD": "DWord", "LWORD": "LWord", "SINT": "SInt",
         "USINT": "USInt", "INT": "Int", "UINT": "UInt", "DINT": "DInt", "UDINT": "UDInt", "LINT": "LInt",
         "ULINT": "ULInt", "REAL": "Real", "LREAL": "LReal", "S5TIME": "S5Time", "TIME": "Time", "LTIME": "LTime",
         "DT": "Date_And_Time", "LDT": "LDT", "DTL": "DTL", "DATE": "Date", "TOD": "Time_Of_Day",
         "LTOD": "LTime_Of_Day", "CHAR": "Char", "WCHAR": "WChar", "STRING": "String", "WSTRING": "WString"}
PAIRS = [(s, t) for s in EXPECTED for t in EXPECTED if s != t]
_IEC = "{ S7_IECCheck := 'TRUE' }\n"


def _expected(source: str, target: str, iec_check: bool) -> bool:
    return target in EXPECTED[source][1 if iec_check else 0].split()


def test_the_table_has_every_pair_once_with_a_citation() -> None:
    assert len(TYPES) == len(EXPECTED) == 28
    rows = rules()
    assert len(rows) == 28 * 27
    assert len({(r.source, r.target) for r in rows}) == len(rows)
    for r in rows:
        assert "Siemens" in r.citation and f"Implicit conversion of {_page(r.source)} " in r.citation, r
        assert r.note, r
        assert not (r.iec_on and not r.iec_off), f"{r.source}->{r.target}: allowed with the IEC check only"


def _page(t: str) -> str:
    return {"DATE_AND_TIME": "DT", "TIME_OF_DAY": "TOD", "LTIME_OF_DAY": "LTOD"}.get(t, t)


@pytest.mark.parametrize("iec_check", [False, True], ids=["iec-off", "iec-on"])
@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}-{t}" for s, t in PAIRS])
def test_every_pair(source: str, target: str, iec_check: bool) -> None:
    ok = _expected(source, target, iec_check)
    assert implicit(source, target, iec_check=iec_check) is ok
    found = rule(source, target)
    assert found is not None
    assert found.iec_on if (iec_check and ok) else True
    assert assignable(canonical(source), canonical(target), iec_check) is ok


@pytest.mark.parametrize("iec_check", [False, True], ids=["iec-off", "iec-on"])
@pytest.mark.parametrize("source", list(EXPECTED))
def test_every_pair_compiles_as_the_table_says(source: str, iec_check: bool) -> None:
    """One FB per source type assigns it to a tag of every other type: exactly the pairs the table refuses
    give TYPE_MISMATCH, on the line of their assignment."""
    targets = [t for t in EXPECTED if t != source]
    decls = "".join(f"      t_{t} : {_DECL[t]};\n" for t in targets)
    body = "".join(f"\t#t_{t} := #s;\n" for t in targets)
    text = (f'FUNCTION_BLOCK "FB_Conv"\n{_IEC if iec_check else ""}VERSION : 0.1\n   VAR\n      s : {_DECL[source]};\n'
            f"{decls}   END_VAR\n\nBEGIN\n{body}END_FUNCTION_BLOCK\n")
    first = text.splitlines().index("BEGIN") + 2
    found = {(d.line, d.code) for d in check_source(text, "conv.scl", closed=True) if d.severity == "Error"}
    expected = {(first + i, "TYPE_MISMATCH") for i, t in enumerate(targets) if not _expected(source, t, iec_check)}
    assert found == expected


# ------------------------------------------------------------------ the conversions issue 13 names
_FB = """FUNCTION_BLOCK "FB_Iec"
{attr}VERSION : 0.1
   VAR
      t : TON_TIME;
      d : DInt;
      i : Int;
      r : Real;
      lr : LReal;
      dw : DWord;
      w : Word;
      tm : Time;
      q : Bool;
   END_VAR

BEGIN
\t{stmt}
END_FUNCTION_BLOCK
"""
CASES = {  # statement: (code with the IEC check on, data types in its message)
    "DInt->Time at PT": ("#t(IN := #q, PT := #d);", "PARAMETER_TYPE", ("DInt", "Time")),
    "DInt->Time": ("#tm := #d;", "TYPE_MISMATCH", ("DInt", "Time")),
    "LReal->Real": ("#r := #lr;", "TYPE_MISMATCH", ("LReal", "Real")),
    "DInt->Int": ("#i := #d;", "TYPE_MISMATCH", ("DInt", "Int")),
    "Real->DInt": ("#d := #r;", "TYPE_MISMATCH", ("Real", "DInt")),
    "DWord->Word": ("#w := #dw;", "TYPE_MISMATCH", ("DWord", "Word")),
    "Time->DInt": ("#d := #tm;", "TYPE_MISMATCH", ("Time", "DInt")),
    "Word=Int": ("#q := #w = #i;", "OPERATOR_TYPE", ("Word", "Int")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_accepted_without_the_iec_check_and_refused_with_it(name: str) -> None:
    stmt, code, types = CASES[name]
    off = [d for d in check_source(_FB.format(attr="", stmt=stmt), "iec.scl", closed=True) if d.severity != "Info"]
    assert off == []
    on = [d for d in check_source(_FB.format(attr=_IEC, stmt=stmt), "iec.scl", closed=True) if d.severity != "Info"]
    assert [(d.code, d.line) for d in on] == [(code, 17)]
    assert all(f'"{t}"' in on[0].message for t in types)


def test_the_iec_check_of_a_block() -> None:
    class Obj:
        def __init__(self, value):
            self.value = value

        def attr(self, name):
            return self.value if name == "IsIECCheckEnabled" else None

    class Attr:
        def __init__(self, name, value):
            self.name, self.value = name, value

    assert iec_check_of(Obj(True)) is True and iec_check_of(Obj(False)) is False
    assert iec_check_of(Obj(None)) is False, "an export without the property: TIA's default, off"
    assert iec_check_of_attributes([Attr("S7_Optimized_Access", "'TRUE'")]) is False
    assert iec_check_of_attributes([Attr("S7_IECCheck", "'TRUE'")]) is True


def test_arithmetic_result_types() -> None:
    # Siemens, SCL "Arithmetic expressions": the longer of two signed (or two unsigned) integers, the next signed
    # type for signed and unsigned (only without the IEC check), the floating-point type, the longer real.
    assert arithmetic_type("INT", "DINT", iec_check=False) == "DINT"
    assert arithmetic_type("USINT", "UDINT", iec_check=False) == "UDINT"
    assert arithmetic_type("SINT", "USINT", iec_check=False) == "INT"
    assert arithmetic_type("SINT", "USINT", iec_check=True) is None
    assert arithmetic_type("INT", "REAL", iec_check=False) == "REAL"
    assert arithmetic_type("REAL", "LREAL", iec_check=False) == "LREAL"
    assert arithmetic_type("WORD", "INT", iec_check=False) == "DINT"  # a Word counts as a UInt
    assert common_type("INT", "UINT") == "DINT" and common_type("INT", "UINT", True) == "!"


@pytest.mark.parametrize(("value", "source", "target", "result"), [
    (2.5, "REAL", "DINT", 2), (-2.5, "REAL", "INT", -2), (305.5, "REAL", "USINT", 50), (-2.5, "REAL", "USINT", 254),
    (70000, "DINT", "INT", 4464), (-1, "DINT", "USINT", 255), (-1, "INT", "DWORD", 0xFFFF), (-1, "SINT", "INT", -1),
    (0x12345678, "DWORD", "WORD", 0x5678), (0xFFFF, "WORD", "INT", -1), (1.0, "REAL", "DWORD", 0x3F800000),
    (0xFFFFFFFF, "DWORD", "REAL", 4294967296.0), (1500, "TIME", "DINT", 1500), (2000, "DINT", "TIME", 2000),
    (1500, "TIME", "LTIME", 1_500_000_000), (1_500_999_999, "LTIME", "TIME", 1500), ("A", "CHAR", "INT", 65),
    (66, "INT", "CHAR", "B"), ("xy", "STRING", "CHAR", "x"), ("", "STRING", "CHAR", "\0"),
])
def test_runtime_values_follow_the_table(value, source, target, result) -> None:
    assert implicit(source, target, iec_check=False)
    assert convert_value(value, source, target) == result


# ------------------------------------------------------------------ the runtime executes the same conversions
_RT_DECL = {"SINT": "SInt", "INT": "Int", "DINT": "DInt", "USINT": "USInt", "UINT": "UInt", "UDINT": "UDInt",
            "LINT": "LInt", "BYTE": "Byte", "WORD": "Word", "DWORD": "DWord", "REAL": "Real", "LREAL": "LReal",
            "TIME": "Time", "LTIME": "LTime", "CHAR": "Char", "STRING": "String", "TOD": "Time_Of_Day",
            "LTOD": "LTime_Of_Day"}
RUNTIME = [
    (2.5, "REAL", "DINT"), (3.5, "REAL", "DINT"), (-2.5, "REAL", "INT"), (305.5, "REAL", "USINT"),
    (-2.5, "LREAL", "USINT"), (1.0, "REAL", "DWORD"), (70000, "DINT", "INT"), (-1, "DINT", "USINT"),
    (-1, "INT", "DWORD"), (-1, "SINT", "INT"), (0x12345678, "DWORD", "WORD"), (0xFFFF, "WORD", "INT"),
    (0xFFFFFFFF, "DWORD", "REAL"), (1500, "TIME", "DINT"), (2000, "DINT", "TIME"), (1500, "TIME", "LTIME"),
    (1_500_999_999, "LTIME", "TIME"), (0.1, "LREAL", "REAL"), (65, "INT", "CHAR"), ("A", "CHAR", "INT"),
    ("xy", "STRING", "CHAR"), (3_600_000, "TOD", "LTOD"), (3_600_000_400_000, "LTOD", "TOD"),
]


@pytest.mark.parametrize(("value", "source", "target"), RUNTIME, ids=[f"{s}-{t}-{v}" for v, s, t in RUNTIME])
def test_the_runtime_converts_as_the_table_says(value, source: str, target: str) -> None:
    from tools.plc_software import Sim

    assert implicit(source, target, iec_check=False)
    text = (f'DATA_BLOCK "D"\nVAR\n  s : {_RT_DECL[source]};\n  t : {_RT_DECL[target]};\nEND_VAR\nBEGIN\n'
            f'END_DATA_BLOCK\nORGANIZATION_BLOCK "Main"\nBEGIN\n"D".t := "D".s;\nEND_ORGANIZATION_BLOCK\n')
    sim = Sim(text)
    sim['"D".s'] = value
    sim.scan()
    got = sim['"D".t']
    want = convert_value(sim['"D".s'], source, target)
    assert got == want and type(got) is type(want)


def test_the_iec_check_of_a_simaticml_export() -> None:

    from simatic_xml import parse_bytes

    path = SHARED / "corpus/simaticml/fc/fseenig_Denormalisation.xml"
    if not path.exists():
        pytest.skip("../shared/corpus is not there")
    raw = path.read_bytes()
    assert b"<IsIECCheckEnabled>false</IsIECCheckEnabled>" in raw
    assert iec_check_of(parse_bytes(raw).object) is False
    on = raw.replace(b"<IsIECCheckEnabled>false</IsIECCheckEnabled>", b"<IsIECCheckEnabled>true</IsIECCheckEnabled>")
    assert iec_check_of(parse_bytes(on).object) is True
