"""Minimal sources, one per class of construct TIA's "generate blocks from source" accepts that the generator must
not refuse, and the diagnostics (file lines and columns, every error, MISSING_* warnings)."""

from __future__ import annotations

import pytest

from simatic_xml import parse_bytes
from simatic_xml.generate import SpecError, parse_spec
from simatic_xml.generate.datatypes import type_version
from simatic_xml.generate.from_source import SourceContext, generate_source
from simatic_xml.scl_text import tokens_to_text


def _gen(text: str, context: SourceContext | None = None):
    result = generate_source(text, file="t.scl", version="V19", context=context)
    errors = [str(d) for d in result.diagnostics if d.severity == "Error"]
    assert not errors, errors
    return {b.name: parse_bytes(b.xml) for b in result.blocks}, result.diagnostics


def _member(doc, section: str, name: str):
    sec = doc.object.interface.sections.section(section)
    return next(m for m in sec.members if m.name == name)


def _codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def test_header_fields_as_tia_exports_them():
    text = ('FUNCTION_BLOCK "FB_H"\nTITLE = Header\nAUTHOR : \'SIEMENS SUP Applications\'\nFAMILY : G.DEJEAN\n'
            "NAME : Joni_Lahtonen\nVERSION : 1.2\n   VAR_INPUT\n      a : Bool;\n   "
            "END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n")
    docs, _ = _gen(text)
    obj = docs["FB_H"].object
    assert obj.attr("HeaderAuthor") == "SIEMENS SUP Applications"
    assert obj.attr("HeaderFamily") == "G.DEJEAN"
    assert obj.attr("HeaderName") == "Joni_Lahtonen"


def test_block_comments_in_code_nest_and_read_back():
    text = ('FUNCTION "FC_C" : Void\n   VAR_TEMP\n      x : Int;\n   END_VAR\nBEGIN\n'
            "   (* outer (* inner #nope *) still outer\n      second line *)\n   #x := 1; /* c-style "
            "*/\nEND_FUNCTION\n")
    docs, _ = _gen(text)
    body = docs["FC_C"].object.compile_units[0].network_source.body
    comments = [n for n in body.iter() if n.tag == "Comment"]
    assert len(comments) == 2 and comments[0].children[0].tag == "Text"
    back = tokens_to_text(body)
    assert "(* outer (* inner #nope *) still outer\n      second line *)" in back and "#x := 1;" in back


def test_unclosed_block_comment_is_an_error_at_its_file_line():
    text = 'FUNCTION "FC_U" : Void\nBEGIN\n   ;\n   (* never closed\nEND_FUNCTION\n'
    result = generate_source(text, file="u.scl")
    assert not result.ok and not result.blocks
    [error] = [d for d in result.diagnostics if d.severity == "Error"]
    assert error.file == "u.scl" and error.line >= 1


def test_array_star_and_constant_bounds():
    text = ('FUNCTION "FC_A" : Void\n   VAR_IN_OUT\n      buf : Array[*] of Int;\n   END_VAR\n'
            "   VAR_TEMP\n      loc : Array[0..#UNITS] of Real;\n      glob : Array[1..\"AXIS_NUM\"] of Real;\n   "
            "END_VAR\n   VAR CONSTANT\n      UNITS : Int := 4;\n   END_VAR\nBEGIN\nEND_FUNCTION\n")
    docs, diagnostics = _gen(text)
    doc = docs["FC_A"]
    assert _member(doc, "InOut", "buf").datatype == "Array[*] of Int"
    assert _member(doc, "Temp", "loc").datatype == "Array[0..#UNITS] of Real"
    assert _member(doc, "Temp", "glob").datatype == 'Array[1.."AXIS_NUM"] of Real'
    missing = [d for d in diagnostics if d.code == "MISSING_CONSTANT"]
    assert len(missing) == 1 and missing[0].line == 7 and missing[0].severity == "Warning"
    _, known = _gen(text, SourceContext(names={"AXIS_NUM"}))
    assert "MISSING_CONSTANT" not in _codes(known)


def test_the_json_api_stays_strict_where_it_says_so():
    spec = {"blockType": "FC", "name": "F", "language": "SCL",
            "interface": {"InOut": [{"name": "b", "dataType": "Array[*] of Int"}]}}
    with pytest.raises(SpecError):
        parse_spec(spec)
    assert parse_spec(spec, source=True).sections["InOut"][0].datatype == "Array[*] of Int"


def test_at_overlay_is_generated_with_a_note():
    text = ('FUNCTION_BLOCK "FB_AT"\n{ S7_Optimized_Access := \'FALSE\' }\n   VAR_TEMP\n      w : Word;\n'
            "      b AT w : Array[0..1] of Byte;\n   END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n")
    docs, diagnostics = _gen(text)
    assert _member(docs["FB_AT"], "Temp", "b").datatype == "Array[0..1] of Byte"
    [note] = [d for d in diagnostics if d.code == "AT_OVERLAY"]
    assert note.severity == "Warning" and note.line == 5


def test_array_element_start_values_in_a_db():
    text = ('DATA_BLOCK "DB_T"\n   VAR\n      timer_value : Array[0..2] of Time;\n      s : Struct\n         n : Int;\n'
            "      END_STRUCT;\n   END_VAR\nBEGIN\n   timer_value[0] := T#5S;\n   timer_value[2] := T#1S;\n   s.n := "
            "3;\nEND_DATA_BLOCK\n")
    docs, _ = _gen(text)
    member = _member(docs["DB_T"], "Static", "timer_value")
    assert [(s.path, s.start_value.value) for s in member.subelements] == [("0", "T#5S"), ("2", "T#1S")]
    assert _member(docs["DB_T"], "Static", "s").members[0].start_value.value == "3"


def test_undeclared_member_after_begin_is_an_error():
    text = 'DATA_BLOCK "DB_X"\n   VAR\n      a : Int;\n   END_VAR\nBEGIN\n   b := 1;\nEND_DATA_BLOCK\n'
    result = generate_source(text, file="x.db")
    [error] = result.diagnostics
    assert error.severity == "Error" and error.line == 6 and not result.blocks


def test_instance_db_start_values_after_begin():
    text = ('FUNCTION_BLOCK "FB_I"\n   VAR\n      limit : Int;\n      cfg : "UDT_C";\n   '
            'END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n\nTYPE "UDT_C"\n   STRUCT\n      gain : Real;\n   '
            'END_STRUCT;\nEND_TYPE\n\nDATA_BLOCK "IDB_I"\n"FB_I"\nBEGIN\n   limit := 7;\n   cfg.gain := '
            '1.5;\nEND_DATA_BLOCK\n')
    docs, diagnostics = _gen(text)
    idb = docs["IDB_I"]
    assert idb.object.attr("InstanceOfName") == "FB_I"
    assert _member(idb, "Static", "limit").start_value.value == "7"
    cfg = _member(idb, "Static", "cfg")
    assert cfg.sections.sections[0].members[0].name == "gain"
    assert cfg.sections.sections[0].members[0].start_value.value == "1.5"
    assert not [d for d in diagnostics if d.code.startswith("MISSING")]


def test_member_names_with_dots_and_colons():
    text = ('FUNCTION_BLOCK "FB_N"\n   VAR\n      "Status.Ack" : Bool;\n      "EV:1" : Bool;\n   END_VAR\nBEGIN\n'
            '   #"Status.Ack" := #"EV:1";\nEND_FUNCTION_BLOCK\n')
    docs, _ = _gen(text)
    names = [m.name for m in docs["FB_N"].object.interface.sections.section("Static").members]
    assert names == ["Status.Ack", "EV:1"]


def test_constant_without_value():
    text = 'FUNCTION "FC_K" : Void\n   VAR CONSTANT\n      N : Int;\n   END_VAR\nBEGIN\nEND_FUNCTION\n'
    docs, _ = _gen(text)
    assert _member(docs["FC_K"], "Constant", "N").start_value is None


def test_iec_timer_instances_inside_a_udt():
    text = 'TYPE "UDT_T"\n   STRUCT\n      t : TON_TIME;\n      e : R_TRIG;\n   END_STRUCT;\nEND_TYPE\n'
    docs, _ = _gen(text)
    member = _member(docs["UDT_T"], "None", "t")
    assert member.datatype == "TON_TIME" and member.version == "1.0"


@pytest.mark.parametrize("name", ["Program_Alarm", "CONT_C", "TO_PositioningAxis", "IEC_TIMER", "Filter_PT1",
                                  "CTU_SINT", "RecipeExport", "TON", "G7_RTDataPlus_V5"])
def test_system_and_library_types_generate(name):
    section = "VAR_IN_OUT" if name.startswith(("TO_", "G7_")) else "VAR"
    text = f'FUNCTION_BLOCK "FB_S"\n   {section}\n      inst : {name};\n   END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n'
    docs, diagnostics = _gen(text)
    datatype = _member(docs["FB_S"], "InOut" if section == "VAR_IN_OUT" else "Static", "inst").datatype
    missing = [d for d in diagnostics if d.code == "MISSING_TYPE"]
    # Known to the system-type catalog: written unquoted in TIA's spelling. Otherwise a reference to a user
    # object (TIA generates the block and marks it inconsistent), with a MISSING_TYPE warning.
    # Spelled as the system-type catalog names the type (TIA's spelling; real exports write ``TON``).
    from simatic_xml.generate.datatypes import catalog_type

    entry = catalog_type(name)
    spelled = entry.name if entry is not None else name
    assert (datatype.upper() == spelled.upper() and not missing) or (datatype == f'"{name}"' and len(missing) == 1)


def test_unknown_user_type_is_a_missing_type_warning():
    text = 'FUNCTION_BLOCK "FB_M"\n   VAR\n      u : "UDT_Nowhere";\n   END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n'
    docs, diagnostics = _gen(text)
    assert "FB_M" in docs
    [warning] = diagnostics
    assert (warning.code, warning.severity, warning.line, warning.block) == ("MISSING_TYPE", "Warning", 3, "FB_M")
    _, known = _gen(text, SourceContext(udts={"UDT_Nowhere": None}))
    assert known == []


def test_every_error_is_reported_at_its_source_line_and_column():
    text = ('FUNCTION "FC_1" : Void\n   VAR_TEMP\n      t : Int;\n   END_VAR\nBEGIN  #a := 1;\n\t#t := '
            '#b;\nEND_FUNCTION\n\nFUNCTION "FC_2" : Void\nBEGIN\n   #c := 2;\nEND_FUNCTION\n')
    result = generate_source(text, file="m.scl")
    got = [(d.block, d.line, d.column, d.code) for d in result.diagnostics]
    assert got == [("FC_1", 5, 8, "UNDECLARED"), ("FC_1", 6, 8, "UNDECLARED"), ("FC_2", 11, 4, "UNDECLARED")]
    assert all(d.file == "m.scl" for d in result.diagnostics) and not result.blocks


def test_a_syntax_error_names_the_file_line():
    text = 'FUNCTION "FC_S" : Void\nBEGIN\n   IF TRUE THEN\n      ;\nEND_FUNCTION\n'
    result = generate_source(text, file="s.scl")
    [error] = result.diagnostics
    assert error.code == "SYNTAX_ERROR" and error.file == "s.scl" and error.line >= 3


def test_every_declaration_error_of_a_block_is_reported():
    text = ('FUNCTION_BLOCK "FB_D"\n   VAR\n      a : String[300];\n      b : Int := 99999;\n      c : Bool := 7;\n'
            "   END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n")
    result = generate_source(text, file="d.scl")
    errors = [(d.line, d.code) for d in result.diagnostics if d.severity == "Error"]
    assert errors == [(3, "INVALID_DECLARATION"), (4, "INVALID_DECLARATION"), (5, "INVALID_DECLARATION")]
    assert not result.blocks


def test_ob_type_from_its_default_name_and_event_inputs():
    text = ('ORGANIZATION_BLOCK "Diagnostic error interrupt"\n{ S7_Optimized_Access := \'TRUE\' }\nBEGIN\n'
            '   "Log"(state := #IO_State, id := #LADDR);\nEND_ORGANIZATION_BLOCK\n\n'
            'ORGANIZATION_BLOCK "Startup"\nBEGIN\n   ;\nEND_ORGANIZATION_BLOCK\n\n'
            'ORGANIZATION_BLOCK "Rack or station failure"\nBEGIN\n   ;\nEND_ORGANIZATION_BLOCK\n')
    docs, _ = _gen(text)
    ob82 = docs["Diagnostic error interrupt"].object
    assert ob82.attr("SecondaryType") == "DiagnosticErrorInterrupt" and ob82.attr("Number") == 82
    inputs = {m.name: m.datatype for m in ob82.interface.sections.section("Input").members}
    assert inputs == {"IO_State": "Word", "LADDR": "HW_ANY", "Channel": "UInt", "MultiError": "Bool"}
    assert docs["Startup"].object.attr("SecondaryType") == "Startup"
    assert docs["Rack or station failure"].object.attr("SecondaryType") == "RackOrStationFailure"


def test_locals_written_without_hash_are_the_locals():
    """TIA resolves a bare name against the interface (micom7's sources leave the '#' out)."""
    text = ('FUNCTION_BLOCK "FB_B"\n   VAR\n      len : Int;\n      T1 : TON_TIME;\n   END_VAR\nBEGIN\n'
            "   len := LEN(IN := 'abc');\n   T1(IN := len > 0, PT := T#1S);\nEND_FUNCTION_BLOCK\n")
    docs, _ = _gen(text)
    body = docs["FB_B"].object.compile_units[0].network_source.body
    assert tokens_to_text(body).splitlines() == ["   #len := LEN(IN := 'abc');", "   #T1(IN := #len > 0, PT := T#1S);"]


@pytest.mark.parametrize(("value", "ok"),
                         [("SIEMENS SUP Applications", True), ("Joni_Lahtonen", True), ("G.DEJEAN", True),
                                           ("x" * 125, True), ("x" * 126, False), ("two\nlines", False)])
def test_header_field_limits_in_the_json_api_too(value, ok):
    spec = {"blockType": "FC", "name": "FC_1.0", "language": "SCL", "author": value, "family": value,
            "headerName": value}
    if ok:
        assert parse_spec(spec).author == value
    else:
        with pytest.raises(SpecError):
            parse_spec(spec)


def test_errors_of_several_blocks_are_all_reported():
    text = ('DATA_BLOCK "DB_1"\n   VAR\n      a : Int;\n   END_VAR\nBEGIN\n   b := 1;\nEND_DATA_BLOCK\n\n'
            'DATA_BLOCK "DB_2"\n   VAR\n      c : Int;\n   END_VAR\nBEGIN\n   d := 1;\nEND_DATA_BLOCK\n')
    result = generate_source(text, file="two.db")
    assert [(d.block, d.line) for d in result.diagnostics] == [("DB_1", 6), ("DB_2", 14)]


def test_instance_db_of_a_system_instruction():
    """DATA_BLOCK … IEC_TIMER / CONT_C: written as TIA exports such DBs (no InstanceOfType, the catalog's members)."""
    text = ("DATA_BLOCK \"Pump_Delay_DB\"\n{InstructionName := 'IEC_TIMER';\n LibVersion := '1.0';\n"
            " S7_Optimized_Access := 'TRUE' }\nNON_RETAIN\nIEC_TIMER\nBEGIN\n   PT := T#3S;\nEND_DATA_BLOCK\n\n"
            'DATA_BLOCK "Pid_DB"\nCONT_C\nBEGIN\n   GAIN := 2.0;\nEND_DATA_BLOCK\n')
    docs, diagnostics = _gen(text)
    assert diagnostics == []
    timer = docs["Pump_Delay_DB"].object
    assert timer.attr("InstanceOfName") == "IEC_TIMER" and timer.attr("InstanceOfType") is None
    [static] = timer.interface.sections.sections
    assert static.name == "Static" and [m.name for m in static.members] == ["PT", "ET", "IN", "Q"]
    assert static.members[0].start_value.value == "T#3S"
    pid = docs["Pid_DB"].object
    assert [s.name for s in pid.interface.sections.sections] == ["Input", "Output", "InOut", "Static"]


def test_syntax_errors_of_several_blocks_are_all_reported():
    text = ('FUNCTION "FC_1" : Void\nBEGIN\n   #a := ;\nEND_FUNCTION\n\n'
            'FUNCTION "FC_2" : Void\nBEGIN\n   ;\nEND_FUNCTION\n\n'
            'FUNCTION "FC_3" : Void\nBEGIN\n   IF THEN\nEND_FUNCTION\n')
    result = generate_source(text, file="syn.scl")
    assert [(d.line, d.code) for d in result.diagnostics] == [(3, "SYNTAX_ERROR"), (13, "SYNTAX_ERROR")]
    assert not result.blocks


def test_members_of_array_elements_get_subelement_start_values():
    """``tags[2].Tag := 5``: a Subelement with the element's path on the inner member, as exports of arrays of
    structured types write it."""
    text = ('DATA_BLOCK "D"\n   VAR\n      tags : Array[0..2] of Struct\n         On : Bool;\n         Tag : Int;\n'
            "      END_STRUCT;\n   END_VAR\nBEGIN\n   tags[0].On := TRUE;\n   tags[2].Tag := 5;\nEND_DATA_BLOCK\n")
    docs, diagnostics = _gen(text)
    assert diagnostics == []
    tags = _member(docs["D"], "Static", "tags")
    assert [(m.name, [(s.path, s.start_value.value) for s in m.subelements]) for m in tags.members] == [
        ("On", [("0", "TRUE")]), ("Tag", [("2", "5")])]


def test_a_sources_lib_version_wins_over_the_catalogs():
    """V17 S7-1500T sources declare Motion Control 5.0 (TurboLouis/TestRepo@d5c02c0, Siemens' LAxisCtrl library
    exported by TIA V17); the catalog's MC_POWER is 7.0. Without LibVersion the catalog's version is written."""
    text = ("FUNCTION_BLOCK \"Axis_Ctrl\"\n{ S7_Optimized_Access := 'TRUE' }\n   VAR\n"
            "      power {InstructionName := 'MC_POWER'; LibVersion := '5.0'} : MC_POWER;\n"
            "      halt : MC_HALT;\n   END_VAR\nBEGIN\n   ;\nEND_FUNCTION_BLOCK\n")
    docs, diagnostics = _gen(text)
    assert [d for d in diagnostics if d.severity == "Error"] == []
    static = next(s for s in docs["Axis_Ctrl"].object.interface.sections.sections if s.name == "Static")
    assert [(m.name, m.datatype.upper(), m.version) for m in static.members] == [
        ("power", "MC_POWER", "5.0"), ("halt", "MC_HALT", type_version("MC_HALT"))]
    assert type_version("MC_HALT") == "7.0"
