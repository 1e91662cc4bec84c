"""IEC timers (TON, TOF, TP, TONR), IEC counters (CTU, CTD, CTUD) and edge detection (R_TRIG,
F_TRIG): the system FBs of an S7-1500, as instance dicts and a ``run(rt, inst)`` each.

Timers measure ``rt.now_ns`` (virtual time, integer ns) at the call, as the CPU evaluates an IEC
timer when its instruction is called. ``ET`` is whole milliseconds (TIME) or nanoseconds (LTIME),
truncated, so ``Q`` turns TRUE at the first call at or after exactly ``PT`` -- never earlier. ``PT``
is read at every call: a change while the timer runs takes effect at the next call (a PT lowered
below the elapsed time ends the delay then). A negative PT counts as 0 (TIA additionally reports an
error at ENO, which this model has no place for).

Every timer instance carries the same private keys (``_in`` previous IN, ``_run``, ``_start`` ns,
``_acc`` ns accumulated by TONR), and every counter instance ``_cu``/``_cd`` (previous CU/CD): a
static of type IEC_TIMER or IEC_COUNTER can be called with any of the instructions of its family,
as in TIA (``#t.TON(...)``, ``#t.TP(...)``, ``#c.CTU(...)``: CTU's Q lands in QU, CTD's in QD); see
:func:`system_fb_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simatic_xml.system_types import call_interface, lookup

from .values import INT_RANGES

__all__ = ("SYSTEM_FBS", "TYPE_ALIASES", "SystemFb", "system_fb_for")

_UNIT_NS = {"TIME": 1_000_000, "LTIME": 1}
_TIMER_PRIVATE = {"_in": False, "_run": False, "_start": 0, "_acc": 0}
_COUNTER_PRIVATE = {"_cu": False, "_cd": False}


class SystemFb:
    """A system FB: its members ``{name: (section, type)}`` and ``run(rt, inst)``.

    ``run`` is a plain function attribute (not a method), so ``fb.run(rt, inst)`` costs one call.
    """

    __slots__ = ("_defaults", "members", "name", "run")

    def __init__(self, name: str, members: dict[str, tuple[str, str]], run: Callable[[Any, dict], None],
                 private: dict[str, Any]) -> None:
        self.name = name
        self.members = members
        self.run = run
        defaults: dict[str, Any] = {m: (False if t == "BOOL" else 0) for m, (_, t) in members.items()}
        defaults.update(private)
        self._defaults = defaults

    def new_instance(self) -> dict[str, Any]:
        """A fresh instance: every member at its default plus the private ``_`` keys."""
        return dict(self._defaults)  # all values are immutable: a shallow copy is a fresh instance

    def __repr__(self) -> str:
        return f"SystemFb({self.name})"


# ---------------------------------------------------------------------------------------------- timers

def _make_ton(unit: int) -> Callable[[Any, dict], None]:
    def ton(rt: Any, inst: dict) -> None:
        if inst["IN"]:
            now = rt.now_ns
            if not inst["_in"]:  # rising edge: start timing
                inst["_in"] = inst["_run"] = True
                inst["_start"] = now
            pt = max(inst["PT"], 0)  # a negative PT counts as 0
            et = (now - inst["_start"]) // unit
            if et >= pt:
                inst["ET"] = pt
                inst["Q"] = True
            else:
                inst["ET"] = et
                inst["Q"] = False
        else:
            inst["_in"] = inst["_run"] = inst["Q"] = False
            inst["ET"] = 0

    return ton


def _make_tof(unit: int) -> Callable[[Any, dict], None]:
    def tof(rt: Any, inst: dict) -> None:
        if inst["IN"]:
            inst["_in"] = inst["Q"] = True
            inst["_run"] = False
            inst["ET"] = 0
            return
        if inst["_in"]:  # falling edge: start the off delay
            inst["_in"] = False
            inst["_run"] = True
            inst["_start"] = rt.now_ns
        if inst["_run"]:
            pt = max(inst["PT"], 0)  # a negative PT counts as 0
            et = (rt.now_ns - inst["_start"]) // unit
            if et >= pt:
                inst["ET"] = pt
                inst["Q"] = inst["_run"] = False
            else:
                inst["ET"] = et
                inst["Q"] = True

    return tof


def _make_tp(unit: int) -> Callable[[Any, dict], None]:
    def tp(rt: Any, inst: dict) -> None:
        inp = inst["IN"]
        if inp and not inst["_in"] and not inst["_run"]:  # an edge while the pulse runs does not retrigger
            inst["_run"] = True
            inst["_start"] = rt.now_ns
        inst["_in"] = inp
        if inst["_run"]:
            pt = max(inst["PT"], 0)  # a negative PT counts as 0
            et = (rt.now_ns - inst["_start"]) // unit
            if et >= pt:
                inst["_run"] = inst["Q"] = False
                inst["ET"] = pt if inp else 0  # ET holds PT until IN is FALSE
            else:
                inst["ET"] = et
                inst["Q"] = True
        elif not inp:
            inst["ET"] = 0

    return tp


def _make_tonr(unit: int) -> Callable[[Any, dict], None]:
    def tonr(rt: Any, inst: dict) -> None:
        now = rt.now_ns
        if inst.get("R", False):  # R has priority; .get: an IEC_TIMER instance has no R member
            inst["_run"] = inst["Q"] = False
            inst["_acc"] = inst["ET"] = 0
            inst["_in"] = inst["IN"]
            return  # with IN still TRUE, timing restarts at the first call after R is released
        inp = inst["IN"]
        if inp and not inst["_run"]:
            inst["_run"] = True
            inst["_start"] = now
        total = inst["_acc"] + (now - inst["_start"] if inst["_run"] else 0)
        if not inp and inst["_run"]:  # IN fell: keep what has been accumulated
            inst["_run"] = False
            inst["_acc"] = total
        inst["_in"] = inp
        pt = max(inst["PT"], 0)
        et = total // unit
        if et >= pt:
            inst["ET"] = pt
            inst["Q"] = True
        else:
            inst["ET"] = et
            inst["Q"] = False

    return tonr


_TIMERS = {"TON": _make_ton, "TOF": _make_tof, "TP": _make_tp, "TONR": _make_tonr}


def _catalog_members(type_name: str) -> dict[str, tuple[str, str]]:
    """Member -> (section, upper-case type) of a system instance type, from the one catalog of TIA's system
    types (:mod:`simatic_xml.system_types`): its instruction's parameters in call order (IN, PT, Q, ET: a
    positional actual goes to IN), then what else the instance holds as 'Static' data (R_TRIG's Stat_Bit,
    CTU_INT's CD/LD/QU/QD: TIA's CTU_INT holds every IEC counter member)."""
    system_type = lookup(type_name)
    assert system_type is not None, type_name
    members = {m.name: (m.section or "Static", m.data_type.upper()) for m in call_interface(system_type)}
    for m in system_type.members:
        members.setdefault(m.name, ("Static", m.data_type.upper()))
    return members


def _timer_members(kind: str, time_type: str, suffix: str) -> dict[str, tuple[str, str]]:
    # TON as a type name is a type of its own (TIA exports it with the statics STATE, STIME, ATIME)
    return _catalog_members(kind if not suffix else f"{kind}_{time_type}")


# -------------------------------------------------------------------------------------------- counters

def _make_ctu(high: int) -> Callable[[Any, dict], None]:
    def ctu(rt: Any, inst: dict) -> None:
        cu = inst["CU"]
        if inst["R"]:
            inst["CV"] = 0
        elif cu and not inst["_cu"] and inst["CV"] < high:  # counts on the rising edge, stops at the limit
            inst["CV"] += 1
        inst["_cu"] = cu
        inst["Q"] = inst["CV"] >= inst["PV"]

    return ctu


def _make_ctd(low: int) -> Callable[[Any, dict], None]:
    def ctd(rt: Any, inst: dict) -> None:
        cd = inst["CD"]
        if inst["LD"]:
            inst["CV"] = inst["PV"]
        elif cd and not inst["_cd"] and inst["CV"] > low:
            inst["CV"] -= 1
        inst["_cd"] = cd
        inst["Q"] = inst["CV"] <= 0

    return ctd


def _make_ctud(low: int, high: int) -> Callable[[Any, dict], None]:
    def ctud(rt: Any, inst: dict) -> None:
        cu, cd = inst["CU"], inst["CD"]
        if inst["R"]:  # R before LD, as in TIA
            inst["CV"] = 0
        elif inst["LD"]:
            inst["CV"] = inst["PV"]
        else:
            up = cu and not inst["_cu"]
            down = cd and not inst["_cd"]
            if up != down:  # both edges in one call leave CV unchanged
                cv = inst["CV"]
                if up and cv < high:
                    inst["CV"] = cv + 1
                elif down and cv > low:
                    inst["CV"] = cv - 1
        inst["_cu"] = cu
        inst["_cd"] = cd
        inst["QU"] = inst["CV"] >= inst["PV"]
        inst["QD"] = inst["CV"] <= 0

    return ctud


def _keeping_q_in(run: Callable[[Any, dict], None], member: str) -> Callable[[Any, dict], None]:
    def on_counter_struct(rt: Any, inst: dict) -> None:
        run(rt, inst)
        inst[member] = inst["Q"]

    return on_counter_struct


def _counters(int_type: str) -> dict[str, tuple[dict[str, tuple[str, str]], Callable[[Any, dict], None]]]:
    low, high = INT_RANGES[int_type]
    return {
        "CTU": (_catalog_members("CTU_" + int_type), _keeping_q_in(_make_ctu(high), "QU")),
        "CTD": (_catalog_members("CTD_" + int_type), _keeping_q_in(_make_ctd(low), "QD")),
        "CTUD": (_catalog_members("CTUD_" + int_type), _make_ctud(low, high)),
    }


# ----------------------------------------------------------------------------------------------- edges

def _r_trig(rt: Any, inst: dict) -> None:
    clk = inst["CLK"]
    inst["Q"] = clk and not inst["Stat_Bit"]
    inst["Stat_Bit"] = clk


def _f_trig(rt: Any, inst: dict) -> None:
    clk = inst["CLK"]
    inst["Q"] = not clk and inst["Stat_Bit"]
    inst["Stat_Bit"] = clk


_EDGE_MEMBERS = _catalog_members("R_TRIG")  # CLK, Q and TIA's static Stat_Bit (corpus exports); F_TRIG's are the same


# ----------------------------------------------------------------------------------------------- alarms

_SD = tuple(f"SD_{i}" for i in range(1, 11))
LDT_EPOCH_NS = 0
"""An LDT counts nanoseconds since 1970-01-01 (TIA's LDT); 0 (unassigned) means the CPU's own time."""


def _program_alarm(rt: Any, inst: dict) -> None:
    """Program_Alarm (S7-1500): an edge at SIG makes an alarm event -- 0 to 1 incoming, 1 to 0 outgoing -- with
    SD_1..SD_10 as associated values and TIMESTAMP (when assigned) as its time, else the CPU's time of the call.

    Source: STEP 7 (TIA Portal) information system, Extended instructions > Alarms, "Program_Alarm: Generate program
    alarm with associated values (S7-1500)" (catalog source ``alarm``); the edge table (SIG 0 to 1 incoming, 1 to 0
    outgoing) as summarised in industrialmonitordirect.com/blogs/knowledgebase/
    s7-1500-program-alarm-stuck-active-after-signal-edge-miss. The instance keeps the last SIG in its static
    ``SIG_Edge_History``, as TIA's instance data does. Alarm texts and classes live in TIA's alarm editor, not in
    the program: the runtime API names the alarm by its instance.
    """
    sig = bool(inst["SIG"])
    inst["Error"] = False
    inst["Status"] = 0
    if sig == inst["SIG_Edge_History"]:
        return
    inst["SIG_Edge_History"] = sig
    events = getattr(rt.cpu, "events", None)
    if events is None:
        return
    values = [inst[name] for name in _SD]
    while values and not values[-1] and values[-1] is not None:  # unassigned trailing values (their default)
        values.pop()
    stamp = inst["TIMESTAMP"]
    events.program_alarm(inst, sig, rt.now_ns, stamp if isinstance(stamp, int) and stamp > LDT_EPOCH_NS else None,
                         tuple(values))


# ---------------------------------------------------------------------------------------------- tables

def _build() -> dict[str, SystemFb]:
    fbs: dict[str, SystemFb] = {}
    for time_type, suffixes in (("TIME", ("", "_TIME")), ("LTIME", ("_LTIME",))):
        for kind, make in _TIMERS.items():
            run = make(_UNIT_NS[time_type])
            for suffix in suffixes:
                fbs[kind + suffix] = SystemFb(kind + suffix, _timer_members(kind, time_type, suffix), run,
                                              _TIMER_PRIVATE)
    for int_type in ("INT", "SINT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT"):
        suffixes = ("", "_INT") if int_type == "INT" else ("_" + int_type,)
        for kind, (members, run) in _counters(int_type).items():
            for suffix in suffixes:
                fbs[kind + suffix] = SystemFb(kind + suffix, members, run, _COUNTER_PRIVATE)
    fbs["R_TRIG"] = SystemFb("R_TRIG", _EDGE_MEMBERS, _r_trig, {})
    fbs["F_TRIG"] = SystemFb("F_TRIG", _EDGE_MEMBERS, _f_trig, {})
    fbs["PROGRAM_ALARM"] = SystemFb("Program_Alarm", _catalog_members("Program_Alarm"), _program_alarm, {})
    return fbs


SYSTEM_FBS: dict[str, SystemFb] = _build()
"""Upper-case instruction/instance type name -> SystemFb (TON = TON_TIME, CTU = CTU_INT)."""

# Instance data types that are not themselves instruction names. The representative's members are
# exactly TIA's members of the type (IEC_TIMER: IN, PT, Q, ET; IEC_COUNTER: CU, CD, R, LD, PV, QU, QD,
# CV), so ``new_instance()`` of it is the static's memory.
TYPE_ALIASES: dict[str, str] = {
    "IEC_TIMER": "TON_TIME", "IEC_LTIMER": "TON_LTIME",
    "IEC_COUNTER": "CTUD_INT", "IEC_SCOUNTER": "CTUD_SINT", "IEC_DCOUNTER": "CTUD_DINT",
    "IEC_LCOUNTER": "CTUD_LINT", "IEC_USCOUNTER": "CTUD_USINT", "IEC_UCOUNTER": "CTUD_UINT",
    "IEC_UDCOUNTER": "CTUD_UDINT", "IEC_ULCOUNTER": "CTUD_ULINT",
}


# CTU/CTD on an instance with QU/QD (every counter instance: IEC_xCOUNTER, CTU_x, CTD_x, CTUD_x hold the same
# members): TIA keeps CTU's Q in QU and CTD's in QD (``_keeping_q_in`` in ``_counters``). The generated call
# copies the ``Q =>`` actual out of the instance by the instruction's formal name (``inst["Q"]``,
# codegen_calls), so Q is written as well.
_Q_MEMBER = {"CTU": "QU", "CTD": "QD"}
_ON_COUNTER_STRUCT: dict[str, SystemFb] = {
    name: fb for name, fb in SYSTEM_FBS.items() if name.partition("_")[0] in _Q_MEMBER and "_" in name
}
"""``CTU_INT``... -> the instruction run on an instance that has QU/QD (see :func:`system_fb_for`)."""


def system_fb_for(type_name: str, instruction: str | None = None) -> SystemFb | None:
    """The SystemFb that runs ``instruction`` on a static of type ``type_name``; None if unknown.

    ``system_fb_for("TON_TIME")`` is the instance type's own FB. ``system_fb_for("IEC_TIMER", "TON")``
    (SCL ``#t.TON(...)``) takes the instruction's family member of the type's time/integer type:
    TON_TIME for IEC_TIMER, TOF_LTIME for ``IEC_LTIMER.TOF``, CTU_DINT for ``IEC_DCOUNTER.CTU`` -- run so
    that CTU's Q lands in the instance's QU (CTD's in QD), as the IEC_xCOUNTER types have no Q.
    """
    upper = type_name.upper()
    base = SYSTEM_FBS.get(TYPE_ALIASES.get(upper, upper))
    if base is None or instruction is None:
        return base
    kind = instruction.upper()
    if kind in _TIMERS:
        suffix = "_LTIME" if base.members.get("PT", ("", ""))[1] == "LTIME" else "_TIME"
    else:
        suffix = "_" + base.members.get("CV", ("", "INT"))[1]
        if kind in _Q_MEMBER and "QU" in base.members:
            return _ON_COUNTER_STRUCT.get(kind + suffix)
    return SYSTEM_FBS.get(kind + suffix)
