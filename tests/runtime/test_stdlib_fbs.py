"""IEC timers, counters and edges of the simulated CPU (fakes.runtime.stdlib): timelines at exact
boundaries on a stepped virtual clock."""

from __future__ import annotations

import time

import pytest

from engineering_api.rules.compiler.builtins import SYSTEM_FBS as CHECKER_FBS
from engineering_api.rules.compiler.builtins import SYSTEM_TYPES
from fakes.runtime.stdlib import SYSTEM_FBS, TYPE_ALIASES, SystemFb, system_fb_for

MS = 1_000_000


def _fb(type_name: str, instruction: str | None = None) -> SystemFb:
    """The SystemFb for ``instruction`` on ``type_name``; the test fails when there is none."""
    fb = system_fb_for(type_name, instruction)
    assert fb is not None, (type_name, instruction)
    return fb


def _upper_type_name(t: object) -> str:
    """A checker member type's name in upper case (a named type's ``name``, or the type text itself)."""
    name = getattr(t, "name", t)
    assert isinstance(name, str), t
    return name.upper()


class Rt:
    """The runtime context as the stdlib sees it: only the virtual clock."""

    def __init__(self) -> None:
        self.now_ns = 0


class Timer:
    """Drives one timer instance: ``at(ms, IN=...)`` sets the clock and the inputs, then runs."""

    def __init__(self, name: str, **inputs: object) -> None:
        self.fb = SYSTEM_FBS[name]
        self.inst = self.fb.new_instance()
        self.inst.update(inputs)
        self.rt = Rt()

    def at(self, ms: float, **inputs: object) -> tuple[bool, int]:
        self.rt.now_ns = int(ms * MS)
        self.inst.update(inputs)
        self.fb.run(self.rt, self.inst)
        return self.inst["Q"], self.inst["ET"]


# ------------------------------------------------------------------------------------------ interface

def test_members_agree_with_the_checkers_view_of_the_instructions() -> None:
    # Both come from the system-type catalog; the checker knows more types (CONT_C) than the CPU runs.
    assert set(SYSTEM_FBS) <= set(CHECKER_FBS)
    for name, fb in SYSTEM_FBS.items():
        iface = CHECKER_FBS[name]
        # a type the checker names without knowing its members (Program_Alarm's AssocValue_0) is a NamedT there
        assert fb.members == {v.name: (v.section, _upper_type_name(v.type))
                              for v in iface.members.values()}, name


def test_new_instance_holds_members_at_defaults_and_private_keys() -> None:
    inst = SYSTEM_FBS["TON_TIME"].new_instance()
    assert inst == {"IN": False, "PT": 0, "Q": False, "ET": 0, "_in": False, "_run": False, "_start": 0, "_acc": 0,
                    "_pt": 0, "_fn": ""}  # _fn: the instruction an IEC_TIMER static was called with
    assert inst is not SYSTEM_FBS["TON_TIME"].new_instance()
    # TON as a type name holds TIA's statics too (exported: STATE, STIME, ATIME)
    assert set(SYSTEM_FBS["TON"].new_instance()) >= {"IN", "PT", "Q", "ET", "STATE", "STIME", "ATIME"}
    assert SYSTEM_FBS["R_TRIG"].members["Stat_Bit"] == ("Static", "BOOL")  # TIA's name (corpus exports)
    assert SYSTEM_FBS["TON_LTIME"].members["PT"] == ("Input", "LTIME")
    assert SYSTEM_FBS["CTU_UDINT"].members["CV"] == ("Output", "UDINT")
    assert SYSTEM_FBS["CTU"].members["PV"] == ("Input", "INT")


def test_type_aliases_give_tia_member_sets_and_calls_pick_the_family_member() -> None:
    for target in TYPE_ALIASES.values():
        assert target in SYSTEM_FBS
    timer = SYSTEM_FBS[TYPE_ALIASES["IEC_TIMER"]]
    assert {m.upper() for m in timer.members} == {v.name for v in SYSTEM_TYPES["IEC_TIMER"].members.values()}
    counter = SYSTEM_FBS[TYPE_ALIASES["IEC_COUNTER"]]
    assert set(counter.members) == {v.name for v in SYSTEM_TYPES["IEC_COUNTER"].members.values()}
    assert system_fb_for("IEC_TIMER", "ton") is SYSTEM_FBS["TON_TIME"]
    assert system_fb_for("IEC_TIMER", "TP") is SYSTEM_FBS["TP_TIME"]
    assert system_fb_for("IEC_LTIMER", "TOF") is SYSTEM_FBS["TOF_LTIME"]
    assert _fb("IEC_DCOUNTER", "CTU").members == SYSTEM_FBS["CTU_DINT"].members
    assert system_fb_for("CTU_DINT", "CTU") is SYSTEM_FBS["CTU_DINT"]
    assert system_fb_for("TON_TIME") is SYSTEM_FBS["TON_TIME"]
    assert system_fb_for("NO_SUCH_TYPE") is None


def test_a_tp_call_on_an_iec_timer_static_works_on_its_instance() -> None:
    inst = _fb("IEC_TIMER").new_instance()
    fb, rt = _fb("IEC_TIMER", "TONR"), Rt()
    inst.update(IN=True, PT=100)
    fb.run(rt, inst)  # TONR on an IEC_TIMER: no R member, R counts as FALSE
    rt.now_ns = 100 * MS
    fb.run(rt, inst)
    assert inst["Q"] and inst["ET"] == 100


# ----------------------------------------------------------------------------------------- timelines

_ON, _OFF = {"IN": True}, {"IN": False}

_TIMELINES = [
    pytest.param("TOF", 300, [
        (0, {}, (False, 0)),  # never switched on
        (10, _ON, (True, 0)),
        (100, _OFF, (True, 0)),
        (399, {}, (True, 299)),
        (400, {}, (False, 300)),
        (5000, {}, (False, 300)),  # ET holds PT until IN comes again
        (5001, _ON, (True, 0)),
    ], id="tof-timeline"),
    pytest.param("TP", 100, [
        (0, _ON, (True, 0)),
        (20, _OFF, (True, 20)),  # IN falling does not end the pulse
        (50, _ON, (True, 50)),  # a new edge inside the pulse is ignored
        (99, {}, (True, 99)),
        (100, {}, (False, 100)),  # ends exactly at PT; ET holds PT while IN is TRUE
        (500, {}, (False, 100)),  # IN still TRUE: no new pulse
        (510, _OFF, (False, 0)),
        (520, _ON, (True, 0)),
        (620, _OFF, (False, 0)),
    ], id="tp-pulse-has-pt-length-and-is-not-retriggered"),
    pytest.param("TONR", 100, [
        (0, _ON, (False, 0)),
        (60, _OFF, (False, 60)),
        (1000, {}, (False, 60)),  # holds while IN is FALSE
        (1000, _ON, (False, 60)),
        (1039, {}, (False, 99)),
        (1040, {}, (True, 100)),
        (2000, _OFF, (True, 100)),  # Q stays after IN falls
        (2001, {"R": True}, (False, 0)),
        (2002, {"R": False, "IN": True}, (False, 0)),
        (2102, {}, (True, 100)),
    ], id="tonr-accumulates-across-in-pulses-until-reset"),
]
"""Timers driven through a timeline: at each (ms, inputs changed), the expected (Q, ET)."""


@pytest.mark.parametrize(("name", "pt", "steps"), _TIMELINES)
def test_timer_timeline(name: str, pt: int, steps: list[tuple[int, dict[str, bool], tuple[bool, int]]]) -> None:
    t = Timer(name, PT=pt)
    for ms, inputs, expected in steps:
        assert t.at(ms, **inputs) == expected, (ms, inputs)


# ----------------------------------------------------------------------------------------------- TON

def test_ton_q_exactly_at_pt_not_a_nanosecond_earlier() -> None:
    t = Timer("TON", PT=500)
    assert t.at(0, IN=True) == (False, 0)
    assert t.at(250) == (False, 250)
    t.rt.now_ns = 500 * MS - 1
    t.fb.run(t.rt, t.inst)
    assert (t.inst["Q"], t.inst["ET"]) == (False, 499)
    assert t.at(500) == (True, 500)
    assert t.at(10_000) == (True, 500)  # ET stops at PT
    assert t.at(10_001, IN=False) == (False, 0)


def test_ton_restarts_on_each_rising_edge() -> None:
    t = Timer("TON", PT=100)
    t.at(0, IN=True)
    t.at(60, IN=False)
    assert t.at(70, IN=True) == (False, 0)
    assert t.at(169) == (False, 99)
    assert t.at(170) == (True, 100)


def test_ton_pt_zero_and_negative_pt_switch_at_once() -> None:
    assert Timer("TON", PT=0).at(5, IN=True) == (True, 0)
    assert Timer("TON", PT=-20).at(5, IN=True) == (True, 0)


def test_ton_pt_change_while_running_has_no_effect_until_the_next_start() -> None:
    # "Changing PT has no effect while the timer runs" (S7-1200 System Manual A5E02486680-05, Table 7-19)
    t = Timer("TON", PT=1000)
    t.at(0, IN=True)
    assert t.at(300) == (False, 300)
    assert t.at(301, PT=200) == (False, 301)
    assert t.at(1000, PT=2000) == (True, 1000)  # Q at the PT it started with
    t.at(1001, IN=False)
    t.at(1002, IN=True)  # a new start reads the new PT
    assert t.at(2002) == (False, 1000)
    assert t.at(3002) == (True, 2000)


def test_ton_ltime_counts_nanoseconds() -> None:
    fb, inst, rt = SYSTEM_FBS["TON_LTIME"], SYSTEM_FBS["TON_LTIME"].new_instance(), Rt()
    inst.update(IN=True, PT=1500)
    fb.run(rt, inst)
    rt.now_ns = 1499
    fb.run(rt, inst)
    assert (inst["Q"], inst["ET"]) == (False, 1499)
    rt.now_ns = 1500
    fb.run(rt, inst)
    assert (inst["Q"], inst["ET"]) == (True, 1500)


# ----------------------------------------------------------------------------------------------- TOF

def test_tof_in_back_during_the_delay_cancels_it() -> None:
    t = Timer("TOF", PT=300)
    t.at(0, IN=True)
    t.at(10, IN=False)
    assert t.at(200, IN=True) == (True, 0)
    t.at(250, IN=False)
    assert t.at(549) == (True, 299)
    assert t.at(550) == (False, 300)


# ---------------------------------------------------------------------------------------------- TONR

def test_tonr_reset_has_priority_over_in() -> None:
    t = Timer("TONR", PT=10)
    t.at(0, IN=True, R=True)
    assert t.at(50) == (False, 0)


# ------------------------------------------------------------------------------------------ counters

def run(name: str, inst: dict, **inputs: object) -> dict:
    inst.update(inputs)
    SYSTEM_FBS[name].run(Rt(), inst)
    return inst


def test_ctu_counts_rising_edges_only_and_q_at_pv() -> None:
    c = SYSTEM_FBS["CTU"].new_instance()
    run("CTU", c, PV=2, CU=True)
    run("CTU", c, CU=True)  # held: no count
    assert (c["CV"], c["Q"]) == (1, False)
    run("CTU", c, CU=False)
    run("CTU", c, CU=True)
    assert (c["CV"], c["Q"]) == (2, True)
    run("CTU", c, CU=False, R=True)
    assert (c["CV"], c["Q"]) == (0, False)


@pytest.mark.parametrize(("name", "top"), [("CTU", 32767), ("CTU_SINT", 127), ("CTU_USINT", 255),
                                           ("CTU_UDINT", 4294967295)])
def test_ctu_stops_at_the_type_limit(name: str, top: int) -> None:
    c = SYSTEM_FBS[name].new_instance()
    c.update(CV=top - 1, PV=top)
    for _ in range(3):
        run(name, c, CU=True)
        run(name, c, CU=False)
    assert c["CV"] == top and c["Q"]


def test_ctd_load_count_down_and_limit() -> None:
    c = SYSTEM_FBS["CTD_SINT"].new_instance()
    run("CTD_SINT", c, LD=True, PV=1)
    assert (c["CV"], c["Q"]) == (1, False)
    run("CTD_SINT", c, LD=False, CD=True)
    assert (c["CV"], c["Q"]) == (0, True)
    c["CV"] = -127
    for _ in range(3):
        run("CTD_SINT", c, CD=False)
        run("CTD_SINT", c, CD=True)
    assert c["CV"] == -128
    u = SYSTEM_FBS["CTD_UINT"].new_instance()
    run("CTD_UINT", u, CD=True)
    assert u["CV"] == 0 and u["Q"]


def test_ctud_both_directions_priorities_and_simultaneous_edges() -> None:
    c = SYSTEM_FBS["CTUD"].new_instance()
    run("CTUD", c, PV=2, CU=True)
    assert (c["CV"], c["QU"], c["QD"]) == (1, False, False)
    run("CTUD", c, CU=False, CD=True)
    assert (c["CV"], c["QD"]) == (0, True)
    run("CTUD", c, CU=True, CD=False)
    run("CTUD", c, CU=False)
    run("CTUD", c, CU=True, CD=True)  # both rising at once: unchanged
    assert c["CV"] == 1
    run("CTUD", c, LD=True)
    assert (c["CV"], c["QU"]) == (2, True)
    run("CTUD", c, LD=True, R=True)  # R before LD
    assert (c["CV"], c["QU"], c["QD"]) == (0, False, True)


@pytest.mark.parametrize(("type_name", "top"),
                         [("IEC_COUNTER", 32767), ("IEC_USCOUNTER", 255), ("CTUD_DINT", 2**31 - 1)])
def test_ctu_and_ctd_on_an_iec_counter_keep_q_in_qu_and_qd(type_name: str, top: int) -> None:
    c, rt = _fb(type_name).new_instance(), Rt()
    ctu, ctd = _fb(type_name, "CTU"), _fb(type_name, "ctd")
    c.update(PV=2, CV=top - 1, CU=True)
    ctu.run(rt, c)  # TIA's IEC_xCOUNTER has QU/QD, no Q: CTU's Q is QU, CTD's is QD
    assert (c["CV"], c["QU"], c["QD"]) == (top, True, False)
    c.update(CU=False, R=True)
    ctu.run(rt, c)
    assert (c["CV"], c["QU"]) == (0, False)
    c.update(LD=True)
    ctd.run(rt, c)
    assert (c["CV"], c["QD"]) == (2, False)
    c.update(LD=False, CD=True)
    ctd.run(rt, c)
    c.update(CD=False)
    ctd.run(rt, c)
    c.update(CD=True)
    ctd.run(rt, c)
    assert (c["CV"], c["QD"], c["QU"]) == (0, True, False)


# --------------------------------------------------------------------------------------------- edges

def test_r_trig_and_f_trig_give_one_call_pulses() -> None:
    r, f = SYSTEM_FBS["R_TRIG"].new_instance(), SYSTEM_FBS["F_TRIG"].new_instance()
    seen = []
    for clk in (False, True, True, False, False, True):
        seen.append((run("R_TRIG", r, CLK=clk)["Q"], run("F_TRIG", f, CLK=clk)["Q"]))
    assert seen == [(False, False), (True, False), (False, False), (False, True), (False, False), (True, False)]
    assert r["Stat_Bit"] is True


# ------------------------------------------------------------------------------------------ performance

def test_timer_run_is_cheap() -> None:
    fb, rt = SYSTEM_FBS["TON"], Rt()
    insts = [fb.new_instance() for _ in range(10)]
    for inst in insts:
        inst.update(IN=True, PT=1000)
    start = time.perf_counter()
    for scan in range(5000):
        rt.now_ns = scan * MS
        for inst in insts:
            fb.run(rt, inst)
    assert time.perf_counter() - start < 0.5  # 50,000 calls; about 0.02 s on a laptop
