"""The system-type catalog (simatic_xml/system_types): every entry is cited and well formed, the versions TIA
writes in the shared corpus are the catalog's, and the compiler knows every catalog type's members."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.builtins import KNOWN_UPPER, SYSTEM_FBS, SYSTEM_TYPES
from simatic_xml.system_types import (
    Instruction,
    SystemType,
    all_instructions,
    all_types,
    call_interface,
    lookup,
    lookup_instruction,
)
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
SECTIONS = {"Input", "Output", "InOut", "Static", None}
ELEMENTARY = {"Bool", "Byte", "Word", "DWord", "LWord", "SInt", "Int", "DInt", "LInt", "USInt", "UInt", "UDInt",
              "ULInt", "Real", "LReal", "Time", "LTime", "Date", "Time_Of_Day", "LDT", "Char", "WChar"}
TYPES = all_types()
INSTANCE_TYPES = [t for t in TYPES if t.kind == "instance"]


def _type(name: str) -> SystemType:
    """The catalogued system type ``name``; the test fails when it is not catalogued."""
    found = lookup(name)
    assert found is not None, name
    return found


def _instruction(name: str) -> Instruction:
    """The catalogued instruction ``name``; the test fails when it is not catalogued."""
    found = lookup_instruction(name)
    assert found is not None, name
    return found


# ------------------------------------------------------------------------------------------ the data
@pytest.mark.parametrize("t", TYPES, ids=lambda t: t.name)
def test_every_type_is_cited_and_well_formed(t: SystemType) -> None:
    assert t.kind in ("instance", "struct", "technology_object")
    assert t.source and ("STEP 7" in t.source or "SIMATIC" in t.source), "a Siemens document must be cited"
    assert t.members, "a system type has members"
    assert all(m.section in SECTIONS and m.name and m.data_type for m in t.members)
    assert len({m.name.lower() for m in t.members}) == len(t.members), "member names are unique"
    assert t.layout in ("flat", "sections")
    assert t.version is None or re.fullmatch(r"\d+\.\d+", t.version)
    assert t.versions[:1] == ((t.version,) if t.version else ())
    for name in t.instructions:
        assert lookup_instruction(name) is not None, name
    if t.kind == "instance":
        assert t.instruction and lookup_instruction(t.instruction) is not None
        assert call_interface(t), "an instance type's call takes its instruction's parameters"
        assert all(m.section in ("Input", "Output", "InOut", "Static") for m in t.members)


@pytest.mark.parametrize("i", all_instructions(), ids=lambda i: i.name)
def test_every_instruction_is_cited_and_well_formed(i: Instruction) -> None:
    assert i.source and ("STEP 7" in i.source or "SIMATIC" in i.source)
    assert all(p.section in ("Input", "Output", "InOut") and p.name and p.data_type for p in i.parameters)
    if i.is_fb:  # an FB needs an instance: its type is in the catalog with the same library version
        inst = lookup(i.instance_type or "")
        assert inst is not None and inst.kind == "instance", i.instance_type
        assert i.version in inst.versions or inst.name in ("TON_TIME", "TOF_TIME", "TP_TIME", "TONR_TIME")
    else:
        assert i.instance_type is None


def test_nested_member_types_are_in_the_catalog_or_elementary() -> None:
    generic = {"Variant", "HW_ANY", "HW_HSC", "HW_IO", "HW_IOSYSTEM", "CONN_OUC", "PORT", "Remote", "Struct"}
    for t in TYPES:
        for m in t.members:
            base = re.sub(r"^Array\[.*\] of ", "", m.data_type)
            base = re.sub(r"^W?String\[\d+\]$", "Char", base)
            assert base in ELEMENTARY or base in generic or lookup(base) is not None, (t.name, m.name, m.data_type)


def test_lookup_is_case_insensitive_and_gives_tia_spelling() -> None:
    assert _type("tcon_ip_V4").name == "TCON_IP_v4"
    assert _type('"Program_Alarm"').name == "Program_Alarm"
    # TON as a type name is a type of its own: TIA exports it with its statics (github.com/psi-func/ikea_vyatka_sorting)
    assert [m.name for m in _type("TON").members] == ["IN", "PT", "Q", "ET", "STATE", "STIME", "ATIME"]
    assert _type("tonr").name == "TONR_TIME" and _type("ctu").name == "CTU_INT"  # aliases: the type TIA stores
    assert _instruction("get_err_id").return_type == "Word" and not _instruction("GET_ERR_ID").is_fb
    assert _instruction("MC_POWER").is_fb and _instruction("MC_Power").instance_type == "MC_Power"
    assert [p.name for p in call_interface(_type("TON_LTIME"))] == ["IN", "PT", "Q", "ET"]
    assert call_interface(_type("TON_LTIME"))[1].data_type == "LTime"
    assert [p.data_type for p in call_interface(_type("CTU_DINT")) if p.name in ("PV", "CV")] == ["DInt", "DInt"]


@pytest.mark.parametrize("name", ["Boolx", "TON_FOO", "IEC_TIMERS", "UDT_Motor", "MC_Fly", "G7_StepPlus_V9", ""])
def test_an_unknown_name_is_not_in_the_catalog(name: str) -> None:
    assert lookup(name) is None and lookup_instruction(name) is None
    assert name.upper() not in SYSTEM_TYPES and name.upper() not in SYSTEM_FBS


def test_the_issue_names_are_covered() -> None:
    for name in ("Program_Alarm", "CONT_C", "CONT_S", "PULSEGEN", "PID_Compact", "PID_3Step", "TO_PositioningAxis",
                 "TO_SpeedAxis", "TO_Axis", "IEC_TIMER", "IEC_LTIMER", "Filter_PT1", "Filter_PT2", "Filter_DT1",
                 "CTU_SINT", "RecipeExport", "TON", "G7_RTDataPlus_V5", "G7_StepPlus_V5", "G7_TransitionPlus_V5",
                 "TCON_IP_v4", "TCON_IP_RFC", "TCON_QDN", "TADDR_Param", "DTL", "R_TRIG", "F_TRIG", "IEC_COUNTER",
                 "IEC_ULCOUNTER", "CTUD_ULINT", "TSEND_C", "TRCV_C", "DataLogCreate"):
        assert lookup(name) is not None, name
    for name in ("GET_ERR_ID", "GET_ERROR", "RD_SYS_T", "WR_SYS_T", "RD_LOC_T", "T_DIFF", "T_ADD", "T_SUB",
                 "T_COMBINE", "RUNTIME", "TCON", "TDISCON", "TSEND", "TRCV", "MC_Power", "MC_Home", "MC_MoveAbsolute",
                 "MC_MoveRelative", "MC_MoveVelocity", "MC_MoveJog", "MC_Halt", "MC_Reset", "Serialize",
                 "Deserialize", "Get_AlarmState", "RecipeExport", "RecipeImport", "DataLogCreate", "DataLogOpen",
                 "DataLogWrite", "DataLogClose", "DataLogNewFile"):
        assert lookup_instruction(name) is not None, name
        assert name.upper() in KNOWN_UPPER  # the compiler never calls a catalog instruction unknown


# ------------------------------------------------------------------------------------------ the corpus
def _corpus_versions() -> dict[str, set[tuple[str, str]]]:
    """Type name -> {(version, where)} as TIA writes them in the shared corpus."""
    found: dict[str, set[tuple[str, str]]] = {}
    xml_member = re.compile(r'(?:Member Name="[^"]*"|Sections) Datatype="([^"]+)" Version="([^"]+)"')
    scl_member = re.compile(r"InstructionName\s*:=\s*'([^']+)'\s*;\s*LibVersion\s*:=\s*'([^']+)'")
    idb = re.compile(r"<InstanceOfName>([^<]+)</InstanceOfName>.*?<OfSystemLibVersion>([^<]+)</OfSystemLibVersion>",
                     re.DOTALL)
    for path in sorted((CORPUS / "simaticml").rglob("*.xml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (xml_member, idb):
            for name, version in pattern.findall(text):
                found.setdefault(re.sub(r"^Array\[.*\] of ", "", name), set()).add((version, path.name))
    for path in sorted((CORPUS / "scl").rglob("*.scl")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for name, version in scl_member.findall(text):
            found.setdefault(name, set()).add((version, path.name))
    return found


@READS_SHARED
def test_versions_the_corpus_exports_are_the_catalogs() -> None:
    found = _corpus_versions()
    assert len(found) >= 80  # the corpus uses most catalog families: this test must see them
    assert [name for name in found if lookup(name) is None] == []  # every system type TIA exported is catalogued
    covered = list(found)
    wrong = [(name, version, where) for name in covered for version, where in sorted(found[name])
             if version not in _type(name).versions]
    assert not wrong
    for name in covered:  # TIA's spelling: the corpus name is the catalog's (MC_POWER in an FB is MC_Power's instance)
        assert _type(name).name == name or _type(name).name.upper() == name.upper()


@READS_SHARED
def test_instruction_versions_of_lad_fbd_calls_are_the_catalogs() -> None:
    """``<Part Name="TON" Version="1.0">``: an FB instruction's version is one of its instance type's, an FC's is
    the catalog's."""
    seen = 0
    for path in sorted((CORPUS / "simaticml").rglob("*.xml")):
        for name, version in re.findall(r'<Part Name="([^"]+)" Version="([^"]+)"', path.read_text(encoding="utf-8")):
            i = lookup_instruction(name)
            if i is None:
                continue
            seen += 1
            if i.is_fb:
                assert i.instance_type is not None, name
                assert version in _type(i.instance_type).versions, (path.name, name, version)
            else:
                assert version == i.version, (path.name, name, version)
    assert seen >= 20


@READS_SHARED
def test_member_lists_match_the_corpus_exports() -> None:
    """Where TIA exported a system type's expanded members, a complete catalog entry lists exactly those, in
    TIA's order and with TIA's types (an export may leave out members without start values: a subset then)."""
    from lxml import etree

    checked = 0
    for path in sorted((CORPUS / "simaticml").rglob("*.xml")):
        for m in etree.parse(str(path)).iter("{*}Member"):
            t = lookup(m.get("Datatype") or "")
            sections = [c for c in m if etree.QName(c).localname == "Sections"]
            if t is None or not t.complete or not sections or m.get("Version") is None:
                continue
            top = [(x.get("Name"), x.get("Datatype")) for sec in sections[0] for x in sec
                   if etree.QName(x).localname == "Member"]
            expected = [(x.name, x.data_type) for x in t.members]
            if len(top) == len(expected):
                assert top == expected, (path.name, t.name)
                checked += 1
            else:
                assert set(top) < set(expected), (path.name, t.name)
    assert checked >= 10


# ------------------------------------------------------------------------------------------ the compiler
def _decl_name(name: str) -> str:
    return "i_" + re.sub(r"\W", "_", name)


@pytest.mark.parametrize("t", INSTANCE_TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize("closed", [False, True])
def test_each_catalog_fb_type_as_a_multi_instance_compiles_reading_its_outputs(t: SystemType, closed: bool) -> None:
    outputs = [m for m in t.members if m.section == "Output" and m.data_type in ELEMENTARY]
    temps = "".join(f"      o_{m.name} : {m.data_type};\n" for m in outputs)
    reads = "".join(f"    #o_{m.name} := #inst.{m.name};\n" for m in outputs)
    source = (f'FUNCTION_BLOCK "Uses_{t.name}"\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n'
              f"   VAR\n      inst : {t.name};\n   END_VAR\n   VAR_TEMP\n{temps}      dummy : Bool;\n   END_VAR\n"
              f"BEGIN\n{reads}    #dummy := TRUE;\nEND_FUNCTION_BLOCK\n")
    errors = [d for d in check_source(source, closed=closed) if d.severity == "Error"]
    assert errors == [], source


@pytest.mark.parametrize("t", [t for t in TYPES if t.kind != "instance"], ids=lambda t: t.name)
def test_each_catalog_structure_and_technology_object_has_readable_members(t: SystemType) -> None:
    members = [m for m in t.members if m.data_type in ELEMENTARY]
    temps = "".join(f"      o_{m.name} : {m.data_type};\n" for m in members)
    reads = "".join(f"    #o_{m.name} := #x.{m.name};\n" for m in members)
    section = "VAR_IN_OUT" if t.kind == "technology_object" else "VAR"
    source = (f'FUNCTION_BLOCK "Uses_{t.name}"\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n'
              f"   {section}\n      x : {t.name};\n   END_VAR\n   VAR_TEMP\n{temps}      dummy : Bool;\n   END_VAR\n"
              f"BEGIN\n{reads}    #dummy := TRUE;\nEND_FUNCTION_BLOCK\n")
    assert [d for d in check_source(source, closed=True) if d.severity == "Error"] == [], source


def _errors(body: str, decls: str) -> list:
    source = (f'FUNCTION_BLOCK "F"\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n   VAR\n{decls}   END_VAR\n'
              f"BEGIN\n{body}\nEND_FUNCTION_BLOCK\n")
    return [(d.code, d.message) for d in check_source(source, closed=True) if d.severity == "Error"]


def test_members_of_catalog_types_are_typed() -> None:
    decls = "      pid : PID_Compact;\n      c : CTU_SINT;\n      r : Int;\n      d : Date;\n"
    assert _errors("    #r := #pid.Output;\n    #r := #c.CV;\n", decls) == []  # Real -> Int: IEC check off
    assert _errors("    #d := #pid.Output;\n", decls)[0][0] == "TYPE_MISMATCH"  # but Real is no Date
    assert _errors("    #d := #pid.Config.InputScaling.UpperPointIn;\n", decls)[0][0] == "TYPE_MISMATCH"
    # a complete type knows all its members: a typo is an error; an open one (a TO, G7) accepts other names
    assert _errors("    #r := #c.CVX;\n", decls)[0][0] == "UNKNOWN_MEMBER"
    assert _errors("    #r := #g.MAX_TVAL;\n    #r := #g.NOT_LISTED;\n",
                   "      g : G7_RTDataPlus_V5;\n      r : Int;\n") == []


def test_calls_of_checked_instance_types_take_their_instructions_parameters() -> None:
    decls = "      c : CTU_INT;\n      t : TON_LTIME;\n      b : Bool;\n"
    assert _errors("    #c(CU := #b, PV := 3, Q => #b);\n    #b := #c.QU;\n", decls) == []
    assert _errors("    #c(CU := #b, CD := #b, PV := 3);\n", decls)[0][0] == "UNKNOWN_PARAMETER"  # CD is CTUD's
    assert _errors("    #t(IN := #b, PT := LT#2s);\n    #b := #t.Q;\n", decls) == []
    assert _errors("    #t(IN := #b, PT := LT#2s, R := #b);\n", decls)[0][0] == "UNKNOWN_PARAMETER"  # TONR's R


def test_every_family_signature_cites_a_source_and_has_the_instructions_shape() -> None:
    """A family's own signature (the S7-1200's MC_Reset) cites a source of the catalog and lists parameters as
    the instruction's own do."""
    import json

    raw = json.loads((Path(__file__).parents[2] / "simatic_xml" / "system_types" / "catalog.json").read_text())
    families = [(entry["name"], other) for entry in raw["instructions"] for other in entry.get("families", {}).values()]
    assert families, "the S7-1200 motion instructions have their own signatures"
    for name, other in families:
        assert other["source"] in raw["sources"], name
        assert all(len(row) >= 3 and row[1] in ("Input", "Output", "InOut") for row in other["parameters"]), name
    reset = lookup_instruction("MC_Reset")
    assert reset is not None
    s7_1200 = reset.family_parameters("s7-1200")
    assert s7_1200 is not None and any(p.name == "ErrorInfo" and p.data_type == "Word" for p in s7_1200)
    assert reset.family_parameters("S7-1500") is None
