"""A reference to an IEC timer's Q or ET updates the timer, on every path the program reads it by: an IEC_TIMER
static (its instruction known only at its call), an element of an array of timers, a multi-instance's timer read
from outside, a timer in a global DB, through ``engineering-api test run`` in virtual time.

Source: S7-1200 System Manual A5E02486680-05 (11/2011), 7.2 "Timers", p. 175 (and V4.2 A5E02486680-AK, 8.2, p. 241):
"a timer update is performed when and only when" a timer instruction (TP, TON, TOF or TONR) runs or its ELAPSED or
Q member is referenced, so TONR too (S7-1500 by practitioner reports). The IEC_TIMER, array and multi-instance
paths failed before (a timer not called kept its Q FALSE and its ET 0).
"""

from __future__ import annotations

import pytest

from tests.plc_semantics.harness import Case, Check, Family, Step, run_family
from tests.scl_frames import global_db, instance_db, main_ob

REFERENCE = ("S7-1200 System Manual A5E02486680-05, 7.2 Timers, p. 175: a reference to Q or ET updates the timer "
             "(TP, TON, TOF or TONR); S7-1500 "
             "by practitioner reports")

PROGRAM = """
FUNCTION_BLOCK "Inner"
VAR_INPUT call : Bool; END_VAR
VAR tt : TON_TIME; END_VAR
BEGIN
    IF #call THEN
        #tt(IN := TRUE, PT := T#500ms);
    END_IF;
END_FUNCTION_BLOCK

FUNCTION_BLOCK "Holder"
VAR_INPUT call : Bool; END_VAR
VAR_OUTPUT q_static : Bool; et_static : Time; q_array : Bool; et_array : Time; q_multi : Bool; et_multi : Time;
END_VAR
VAR
    t : IEC_TIMER;
    arr : Array[1..2] of IEC_TIMER;
    inner : "Inner";
END_VAR
BEGIN
    IF #call THEN
        #t.TON(IN := TRUE, PT := T#500ms);
        #arr[2].TP(IN := TRUE, PT := T#500ms);
    END_IF;
    #inner(call := #call);
    #q_static := #t.Q;
    #et_static := #t.ET;
    #q_array := #arr[2].Q;
    #et_array := #arr[2].ET;
    #q_multi := #inner.tt.Q;
    #et_multi := #inner.tt.ET;
END_FUNCTION_BLOCK

""" + "\n".join((
    instance_db("HolderDb", "Holder"),
    global_db("G", "call : Bool := TRUE", "tin : Bool := TRUE", "it : IEC_TIMER", "q_global : Bool", "et_global : Time",
              "tons : Array[1..2] of TON_TIME", "q_tons : Bool", "acc : TONR_TIME", "q_acc : Bool", "et_acc : Time",
              "it_acc : IEC_TIMER", "q_it_acc : Bool", "et_it_acc : Time"),
    main_ob(
        '"HolderDb"(call := "G".call);',
        'IF "G".call THEN',
        '   "G".it.TOF(IN := "G".tin, PT := T#500ms);',
        '   "G".tons[2](IN := TRUE, PT := T#500ms);',
        '   "G".acc(IN := TRUE, R := FALSE, PT := T#500ms);',
        '   "G".it_acc.TONR(IN := TRUE, R := FALSE, PT := T#500ms);',
        'END_IF;',
        '"G".q_acc := "G".acc.Q;',
        '"G".et_acc := "G".acc.ET;',
        '"G".q_it_acc := "G".it_acc.Q;',
        '"G".et_it_acc := "G".it_acc.ET;',
        '"G".q_tons := "G".tons[2].Q;',
        '"G".q_global := "G".it.Q;',
        '"G".et_global := "G".it.ET;',
    ),
))


def _c(name: str, tag: str, expected: object) -> Check:
    return Check(name, tag, expected, REFERENCE)


CASES = (
    Case("a reference updates a timer on every path", (
        Step(cycles=1, checks=(_c("IEC_TIMER static (TON) started", '"HolderDb".q_static', False),
                               _c("array element (TP) pulses", '"HolderDb".q_array', True),
                               _c("multi-instance started", '"HolderDb".q_multi', False),
                               _c("global IEC_TIMER (TOF) on", '"G".q_global', True))),
        Step({'"G".tin': False}, cycles=1, checks=(_c("global TOF: delay runs", '"G".q_global', True),)),
        Step({'"G".call': False}, wait_ms=600, checks=(
            _c("IEC_TIMER static TON: Q", '"HolderDb".q_static', True),
            _c("IEC_TIMER static TON: ET", '"HolderDb".et_static', 500),
            _c("array of IEC_TIMER, TP: Q ends", '"HolderDb".q_array', False),
            _c("array of IEC_TIMER, TP: ET", '"HolderDb".et_array', 500),
            _c("multi-instance TON read from its caller: Q", '"HolderDb".q_multi', True),
            _c("multi-instance TON read from its caller: ET", '"HolderDb".et_multi', 500),
            _c("IEC_TIMER in a global DB, TOF: Q falls", '"G".q_global', False),
            _c("IEC_TIMER in a global DB, TOF: ET", '"G".et_global', 500),
            _c("array of TON_TIME in a global DB: Q", '"G".q_tons', True),
            _c("TONR_TIME in a global DB: Q", '"G".q_acc', True),
            _c("TONR_TIME in a global DB: ET", '"G".et_acc', 500),
            _c("IEC_TIMER called as TONR in a global DB: Q", '"G".q_it_acc', True),
            _c("IEC_TIMER called as TONR in a global DB: ET", '"G".et_it_acc', 500))),
    )),
)
FAMILY = Family("timer references", PROGRAM, CASES)
CHECKS = FAMILY.checks()


@pytest.mark.parametrize(("case", "step", "check"), CHECKS, ids=[k.name for _c, _s, k in CHECKS])
def test_reference_updates_timer(case: Case, step: int, check: Check) -> None:
    assert run_family(FAMILY).verdict(case, step, check) is None, run_family(FAMILY).output[-3000:]
