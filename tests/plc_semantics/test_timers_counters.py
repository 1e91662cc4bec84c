"""Siemens' IEC timers and counters through ``engineering-api test run`` in virtual time (10 ms cycles).

Sources: S7-1200 System Manual A5E02486680-05 (11/2011), 7.2 "Timers", Table 7-19 "Effect of value changes in the
PT and IN parameters" (p. 172): PT changes have no effect while TP, TON, TOF run; TONR's takes effect when it
resumes; and the timer's Q and ET are updated when Q or ET is referenced (the S7-1500 behaves alike by practitioner
reports, e.g. industrialmonitordirect.com "S7-1500 TON Timer PT Not Updating During Runtime"). Counters: S7-1200
System Manual, 7.3, Table 7-26 (CTUD), and System Software for S7-300/400, System and Standard Functions,
A5E00739858-01, 25.6 (SFB 2 CTUD: a rising edge at CU and CD in one cycle keeps CV; LOAD presets; R dominates; the
limits stop counting).

The PT-latch and update-on-reference checks failed before this work (PT took effect at once; a timer that was not
called kept its Q).
"""

from __future__ import annotations

import pytest

from tests.plc_semantics.harness import Case, Check, Family, Step, run_family
from tests.scl_frames import global_db, main_ob

PT_LATCH = "S7-1200 System Manual A5E02486680-05, Table 7-19: changing PT has no effect while the timer runs"
TONR_PT = "S7-1200 System Manual A5E02486680-05, Table 7-19: TONR's PT change takes effect when the timer resumes"
TIMERS = "S7-1200 System Manual A5E02486680-05, 7.2 Timers (TON/TOF/TP/TONR timing diagrams)"
TP_NO_RETRIGGER = "S7-1200 System Manual A5E02486680-05, Table 7-19: TP: changing IN has no effect while it runs"
REFERENCE = ("S7-1200 System Manual A5E02486680-05, 7.2: a reference to Q or ET updates the timer; S7-1500 by "
             "practitioner reports")
RT_PT = ("STEP 7 help RESET_TIMER/PRESET_TIMER; S7-1200 System Manual A5E02486680-05, 7.2 (RT and PT coils): RT "
         "resets ET and Q, PT sets the preset at once")
CTUD = "S7-300/400 System and Standard Functions A5E00739858-01, 25.6 SFB 2 CTUD; S7-1200 System Manual, Table 7-26"

PROGRAM = "\n".join((
    global_db(
        "T",
        "ton : TON_TIME; ton_in : Bool; ton_pt : Time := T#1s",
        "tof : TOF_TIME; tof_in : Bool; tof_pt : Time := T#1s",
        "tp : TP_TIME; tp_in : Bool; tp_pt : Time := T#1s",
        "tonr : TONR_TIME; tonr_in : Bool; tonr_r : Bool; tonr_pt : Time := T#1s",
        "ref : TON_TIME; ref_call : Bool := TRUE; ref_q : Bool; ref_et : Time",
        "c : CTUD_INT; cu : Bool; cd : Bool; ld : Bool; r : Bool; pv : Int := 3",
        "p : TON_TIME; p_in : Bool; p_reset : Bool; p_preset : Bool",
    ),
    main_ob(
        '"T".ton(IN := "T".ton_in, PT := "T".ton_pt);',
        '"T".tof(IN := "T".tof_in, PT := "T".tof_pt);',
        '"T".tp(IN := "T".tp_in, PT := "T".tp_pt);',
        '"T".tonr(IN := "T".tonr_in, R := "T".tonr_r, PT := "T".tonr_pt);',
        'IF "T".ref_call THEN',
        '   "T".ref(IN := TRUE, PT := T#500ms);',
        'END_IF;',
        '"T".ref_q := "T".ref.Q;',
        '"T".ref_et := "T".ref.ET;',
        '"T".c(CU := "T".cu, CD := "T".cd, R := "T".r, LD := "T".ld, PV := "T".pv);',
        '"T".p(IN := "T".p_in, PT := T#1s);',
        'IF "T".p_reset THEN',
        '   RESET_TIMER("T".p);',
        'END_IF;',
        'IF "T".p_preset THEN',
        '   PRESET_TIMER(PT := T#100ms, TIMER := "T".p);',
        'END_IF;',
    ),
))


def _c(name: str, tag: str, expected: object, source: str, thin: bool = False) -> Check:
    return Check(name, f'"T".{tag}', expected, source, thin)


CASES: tuple[Case, ...] = (
    Case("TON latches PT", (
        Step({'"T".ton_in': True}, cycles=1, checks=(_c("TON starts", "ton.Q", False, TIMERS),)),
        Step({'"T".ton_pt': 200}, wait_ms=300, checks=(
            _c("TON: a lower PT while running has no effect (Q)", "ton.Q", False, PT_LATCH),
            _c("TON: ET runs on to the latched PT", "ton.ET", 300, PT_LATCH))),
        Step(wait_ms=700, checks=(_c("TON: Q at the latched PT", "ton.Q", True, PT_LATCH),
                                  _c("TON: ET stops at the latched PT", "ton.ET", 1000, TIMERS))),
        Step({'"T".ton_in': False}, cycles=1, checks=(_c("TON: IN FALSE resets Q", "ton.Q", False, TIMERS),
                                                      _c("TON: IN FALSE resets ET", "ton.ET", 0, TIMERS))),
        Step({'"T".ton_in': True}, cycles=1, checks=(_c("TON restarts", "ton.Q", False, TIMERS),)),
        Step(wait_ms=200, checks=(_c("TON: the new start reads the new PT", "ton.Q", True, PT_LATCH),
                                  _c("TON: ET at the new PT", "ton.ET", 200, PT_LATCH))),
    )),
    Case("TOF latches PT", (
        Step({'"T".tof_in': True}, cycles=1, checks=(_c("TOF: IN TRUE sets Q", "tof.Q", True, TIMERS),
                                                     _c("TOF: ET 0 while IN", "tof.ET", 0, TIMERS))),
        Step({'"T".tof_in': False}, cycles=1, checks=(_c("TOF: Q stays TRUE after IN falls", "tof.Q", True,
                                                         TIMERS),)),
        Step({'"T".tof_pt': 100}, wait_ms=500, checks=(
            _c("TOF: a lower PT while running has no effect", "tof.Q", True, PT_LATCH),
            _c("TOF: ET counts to the latched PT", "tof.ET", 500, PT_LATCH))),
        Step(wait_ms=500, checks=(_c("TOF: Q falls at the latched PT", "tof.Q", False, PT_LATCH),
                                  _c("TOF: ET holds PT after the delay", "tof.ET", 1000, TIMERS))),
        Step({'"T".tof_in': True}, cycles=1, checks=(_c("TOF: IN TRUE resets ET", "tof.ET", 0, TIMERS),)),
    )),
    Case("TP pulses without retrigger", (
        Step({'"T".tp_in': True}, cycles=1, checks=(_c("TP: pulse starts", "tp.Q", True, TIMERS),)),
        Step({'"T".tp_in': False}, wait_ms=500, checks=(
            _c("TP: pulse goes on when IN falls", "tp.Q", True, TP_NO_RETRIGGER),
            _c("TP: ET runs", "tp.ET", 500, TIMERS))),
        Step({'"T".tp_in': True, '"T".tp_pt': 5000}, wait_ms=500, checks=(
            _c("TP: an edge and a PT change during the pulse do nothing", "tp.Q", False, TP_NO_RETRIGGER),
            _c("TP: ET holds PT while IN is TRUE", "tp.ET", 1000, TIMERS))),
        Step({'"T".tp_in': False}, cycles=1, checks=(_c("TP: ET 0 after IN falls", "tp.ET", 0, TIMERS),)),
        Step({'"T".tp_in': True}, wait_ms=4000, checks=(_c("TP: the next pulse has the new PT", "tp.Q", True,
                                                           PT_LATCH),)),
    )),
    Case("TONR accumulates", (
        Step({'"T".tonr_in': True}, cycles=1, checks=(_c("TONR starts", "tonr.ET", 0, TIMERS),)),
        Step(wait_ms=300, checks=(_c("TONR: ET runs", "tonr.ET", 300, TIMERS),)),
        Step({'"T".tonr_in': False}, cycles=1, checks=(_c("TONR: IN FALSE keeps the time", "tonr.ET", 310, TIMERS),
                                                       _c("TONR: Q FALSE before PT", "tonr.Q", False, TIMERS))),
        Step({'"T".tonr_pt': 500, '"T".tonr_in': True}, cycles=1, checks=(
            _c("TONR: resumes from the kept time", "tonr.ET", 310, TIMERS),)),
        Step(wait_ms=190, checks=(_c("TONR: the PT changed while stopped counts on resume", "tonr.Q", True, TONR_PT),
                                  _c("TONR: ET at the new PT", "tonr.ET", 500, TONR_PT))),
        Step({'"T".tonr_r': True}, cycles=1, checks=(_c("TONR: R resets ET", "tonr.ET", 0, TIMERS),
                                                     _c("TONR: R resets Q", "tonr.Q", False, TIMERS))),
    )),
    Case("a reference to Q or ET updates the timer", (
        Step(cycles=1, checks=(_c("called: started", "ref_q", False, REFERENCE),)),
        Step({'"T".ref_call': False}, wait_ms=600, checks=(
            _c("not called: Q read in the program is updated", "ref_q", True, REFERENCE),
            _c("not called: ET read in the program is updated", "ref_et", 500, REFERENCE))),
    )),
    Case("CTUD edges", (
        Step({'"T".cu': True}, cycles=1, checks=(_c("CU edge counts up", "c.CV", 1, CTUD),)),
        Step(cycles=1, checks=(_c("CU held: no count", "c.CV", 1, CTUD),)),
        Step({'"T".cu': False}, cycles=1, checks=(_c("CU falling: no count", "c.CV", 1, CTUD),)),
        Step({'"T".cu': True}, cycles=1, checks=(_c("second edge", "c.CV", 2, CTUD),
                                                 _c("QU FALSE below PV", "c.QU", False, CTUD))),
        Step({'"T".cu': False}, cycles=1),
        Step({'"T".cu': True}, cycles=1, checks=(_c("third edge", "c.CV", 3, CTUD),
                                                 _c("QU at PV", "c.QU", True, CTUD))),
        Step({'"T".cu': False}, cycles=1),
        Step({'"T".cu': True, '"T".cd': True}, cycles=1, checks=(_c("CU and CD edges in one cycle keep CV", "c.CV",
                                                                    3, CTUD),)),
        Step({'"T".cu': False}, cycles=1, checks=(_c("CD held: no count", "c.CV", 3, CTUD),)),
        Step({'"T".cd': False}, cycles=1),
        Step({'"T".cd': True}, cycles=1, checks=(_c("CD edge counts down", "c.CV", 2, CTUD),)),
        Step({'"T".r': True, '"T".ld': True}, cycles=1, checks=(_c("R dominates LD", "c.CV", 0, CTUD),
                                                                _c("QD at 0", "c.QD", True, CTUD))),
        Step({'"T".r': False}, cycles=1, checks=(_c("LD presets PV", "c.CV", 3, CTUD),)),
        Step({'"T".ld': False, '"T".cd': False}, cycles=1),
        Step({'"T".cd': True}, cycles=1, checks=(_c("QD FALSE above 0", "c.QD", False, CTUD),)),
    )),
)
CASES += (
    Case("RESET_TIMER and PRESET_TIMER", (
        Step({'"T".p_in': True}, wait_ms=500, checks=(_c("running", "p.ET", 490, TIMERS),)),
        Step({'"T".p_preset': True}, cycles=2, checks=(_c("PRESET_TIMER takes effect while running", "p.Q", True,
                                                          RT_PT),
                                                       _c("ET at the preset PT", "p.ET", 100, RT_PT))),
        Step({'"T".p_preset': False, '"T".p_reset': True}, cycles=1, checks=(
            _c("RESET_TIMER clears Q", "p.Q", False, RT_PT), _c("RESET_TIMER clears ET", "p.ET", 0, RT_PT))),
        Step({'"T".p_reset': False}, wait_ms=50, checks=(
            _c("after RESET_TIMER the timer starts again with IN TRUE", "p.ET", 40, RT_PT),)),
    )),
)
FAMILY = Family("timers and counters", PROGRAM, CASES)
CHECKS = FAMILY.checks()


@pytest.mark.parametrize(("case", "step", "check"), CHECKS, ids=[f"{c.name}: {k.name}" for c, _s, k in CHECKS])
def test_timer_and_counter(case: Case, step: int, check: Check) -> None:
    assert run_family(FAMILY).verdict(case, step, check) is None, run_family(FAMILY).output
