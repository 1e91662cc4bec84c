"""What TIA's own exports of Siemens' libraries do, that the checker refused before (found by the held-out check of
docs/simaticml-scl.md over public repositories outside the corpus; TurboLouis/TestRepo@d5c02c09, TIA V17): each
case is the construct as those exports write it, cut down to one block."""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source
from simatic_xml.generate.declarations import interface_declaration_errors
from simatic_xml.interface import Interface, Member, Section, Sections, StartValue


def _fc(decls: str, body: str) -> str:
    return (f'FUNCTION "FC_T" : Void\nVERSION : 0.1\n   VAR_INPUT \n{decls}\n   END_VAR\n   VAR_IN_OUT \n'
            f'      instMC : MC_RESET;\n      instHalt : MC_HALT;\n   END_VAR\n\nBEGIN\n{body}\nEND_FUNCTION\n')


def _findings(decls: str, body: str) -> list[tuple[str, str]]:
    return [(d.code, d.severity) for d in check_source(_fc(decls, body), "t.scl", closed=True)]


@pytest.mark.parametrize("to_type", ["TO_LeadingAxisProxy", "TO_Cam", "TO_SynchronousAxis", "TO_ExternalEncoder"])
def test_any_technology_object_to_mc_resets_axis(to_type: str) -> None:
    """``LAnyAxis_UnpubResetProxy.scl``: a TO_LeadingAxisProxy handed to MC_RESET's TO_Object Axis (before:
    PARAMETER_TYPE)."""
    assert _findings(f"      axis : {to_type};", "\t#instMC(Axis := #axis);") == []


def test_mc_halts_s7_1500_parameters() -> None:
    """``LAxisCtrl_PosAxis.scl:966``: MC_HALT given Deceleration, AbortAcceleration and Jerk (before:
    UNKNOWN_PARAMETER)."""
    body = "\t#instHalt(Axis := #axis, Execute := TRUE, Deceleration := 1.0, AbortAcceleration := FALSE, Jerk := 1.0);"
    assert _findings("      axis : TO_PositioningAxis;", body) == []


def test_a_synchronous_axis_status_sensor_is_an_array() -> None:
    """``LAxisCtrl_SyncAxisRelGearing.scl``: ``#axis.StatusSensor[#i].Control`` (before: INDEX_NOT_ARRAY)."""
    body = "\tIF #axis.StatusSensor[2].Control THEN\n\t\t;\n\tEND_IF;"
    assert _findings("      axis : TO_SynchronousAxis;", body) == []


def test_a_system_fbs_in_out_left_out_is_a_warning() -> None:
    """``FB10370_IoLinkDevice.scl``: ``#WRREC_Function(REQ := FALSE);`` without the Variant in/out RECORD (before:
    an error); a user FB's structured in/out left out stays an error."""
    source = ('FUNCTION_BLOCK "FB_T"\nVERSION : 0.1\n   VAR \n      w : WRREC;\n   END_VAR\n\nBEGIN\n'
              '\t#w(REQ := FALSE);\nEND_FUNCTION_BLOCK\n')
    assert [(d.code, d.severity) for d in check_source(source, "t.scl", closed=True)] == \
        [("PARAMETER_NOT_SUPPLIED", "Warning")]


def test_a_start_value_naming_a_constant_is_not_judged() -> None:
    """``FB10032_CalcCam.xml``: ``<StartValue ConstantName="#ERR_NOERRROR" />`` has no text (before:
    INVALID_DECLARATION, "'' is not a Word value"); an empty start value without a constant still is refused."""
    def errors(start: StartValue) -> list[str]:
        member = Member(name="ErrorID", datatype="Word", start_value=start)
        return [d.code for d in interface_declaration_errors(Interface("", Sections([Section("Output", [member])])))]

    assert errors(StartValue("", extra={"ConstantName": "#ERR_NOERRROR"})) == []
    assert errors(StartValue("")) == ["INVALID_DECLARATION"]
