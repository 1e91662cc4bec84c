"""Issue 13 rules of the checker's types: system instance members, REMOTE, unknown unquoted types, bare
globals that are not there."""

from __future__ import annotations

from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.types import ELEMENTARY, display


def _fb(decls: str, body: str) -> str:
    return (f'FUNCTION_BLOCK "FB_T"\nVERSION : 0.1\n   VAR \n{decls}\n   END_VAR\n\nBEGIN\n{body}\n'
            "END_FUNCTION_BLOCK\n")


def _errors(text: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in check_source(text, "t.scl", closed=True) if d.severity == "Error"]


def test_a_ctu_int_instance_holds_qu_and_no_q() -> None:
    """A CTU_INT instance holds CU, CD, R, LD, QU, QD, PV, CV (TIA's export); Q is only the call's output."""
    decls = "      ctuInt : CTU_INT;\n      on : Bool;\n      n : Int;"
    assert _errors(_fb(decls, "\t#ctuInt(CU := TRUE, R := FALSE, PV := 5, Q => #on);\n\t#on := #ctuInt.QU;\n"
                             "\t#n := #ctuInt.CV;")) == []
    assert [code for code, _ in _errors(_fb(decls, "\t#on := #ctuInt.Q;"))] == ["UNKNOWN_MEMBER"]


def test_remote_is_a_parameter_type() -> None:
    """PUT/GET's ADDR_i are of type REMOTE (STEP 7 help, "PUT: Write data to a remote CPU")."""
    assert "REMOTE" in ELEMENTARY and display("REMOTE") == "Remote"
    assert _errors(_fb("      partner : Remote;", "\t;")) == []


def test_a_bare_unknown_name_is_a_missing_tag_and_hash_unknown_is_undeclared() -> None:
    errors = _errors(_fb("      n : Int;", "\t#n := GLOBAL_LIMIT;\n\t#n := #nope;"))
    assert [code for code, _ in errors] == ["MISSING_TAG", "UNDECLARED"]


def test_an_unquoted_unknown_type_is_wrong_code_and_a_quoted_one_a_missing_type(tmp_path) -> None:
    from engineering_api.ci.program import check_files

    path = tmp_path / "FB_T.scl"
    path.write_text(_fb('      x : Boolx;\n      u : "UDT_Missing";', "\t#x := 1;"), encoding="utf-8")
    found = [(d.code, d.message) for d in check_files([str(path)]) if d.severity == "Error"]
    # no follow-up TYPE_MISMATCH for the value assigned to #x: its type is unknown
    assert sorted(found) == [("MISSING_TYPE", 'Data type "UDT_Missing" not defined.'),
                             ("UNKNOWN_TYPE", 'Data type "Boolx" is unknown.')]


def test_unquoted_instruction_instances_are_system_types_not_unknown(tmp_path) -> None:
    """A multi-instance of a TIA instruction (PUT, Send_P2P, MC_GearIn, PID_Temp...) is no UNKNOWN_TYPE."""
    from engineering_api.ci.program import check_files

    path = tmp_path / "FB_T.scl"
    decls = ("      put : PUT;\n      send : Send_P2P;\n      gear : MC_GearIn;\n      pid : PID_Temp;\n      typo : "
             "Intx;")
    path.write_text(_fb(decls, "\t;"), encoding="utf-8")
    found = [(d.code, d.message) for d in check_files([str(path)]) if d.severity == "Error"]
    assert found == [("UNKNOWN_TYPE", 'Data type "Intx" is unknown.')]
