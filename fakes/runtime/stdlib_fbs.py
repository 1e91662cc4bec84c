"""IEC timers (TON, TOF, TP, TONR), IEC counters (CTU, CTD, CTUD) and edge detection (R_TRIG,
F_TRIG): the system FBs of an S7-1500, as instance dicts and a ``run(rt, inst)`` each. Each of these is
written once, as the Python statements of its body (``SystemFb.body``): ``run`` is compiled from it, and the
code generator inlines it at every call, so a timer or an edge in a scan costs no Python call.

Timers measure ``rt.now_ns`` (virtual time, integer ns) at the call, as the CPU evaluates an IEC
timer when its instruction is called. ``ET`` is whole milliseconds (TIME) or nanoseconds (LTIME),
truncated, so ``Q`` turns TRUE at the first call at or after exactly ``PT`` -- never earlier. ``PT``
is latched when the timer starts: "Changing PT has no effect while the timer runs" for TP, TON and TOF, and
for TONR it "has an effect when the timer resumes" (S7-1200 System Manual A5E02486680-05, 11/2011, Table 7-19
"Effect of value changes in the PT and IN parameters"; practitioner reports of S7-1500 CPUs say the same). A
TON or TONR keeps its PT until IN falls, a TOF from IN's falling edge until the delay ends, a TP for its pulse.
A negative PT counts as 0 (TIA additionally reports an error at ENO, which this model has no place for).

Every timer instance carries the same private keys (``_in`` previous IN, ``_run``, ``_start`` ns,
``_acc`` ns accumulated by TONR, ``_pt`` the latched PT), and every counter instance ``_cu``/``_cd`` (previous CU/CD): a
static of type IEC_TIMER or IEC_COUNTER can be called with any of the instructions of its family,
as in TIA (``#t.TON(...)``, ``#t.TP(...)``, ``#c.CTU(...)``: CTU's Q lands in QU, CTD's in QD); see
:func:`system_fb_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from sys import intern
from typing import Any

from simatic_xml.system_types import call_interface, lookup

from .values import INT_RANGES

__all__ = ("INSTANCE", "SYSTEM_FBS", "TYPE_ALIASES", "SystemFb", "system_fb_for", "update_referenced_timer")

Run = Callable[[Any, dict[str, Any]], None]
"""``run(rt, inst)``: one call of a system FB on its instance dict."""

INSTANCE = "_sfb"
"""The name a system FB's body (:attr:`SystemFb.body`) gives its instance dict; its own locals start with ``_sf_``."""

_UNIT_NS = {"TIME": 1_000_000, "LTIME": 1}
_TIMER_PRIVATE = {"_in": False, "_run": False, "_start": 0, "_acc": 0, "_pt": 0, "_fn": ""}
"""``_fn``: the timer instruction an IEC_TIMER/IEC_LTIMER static was last called with (``#t.TP(...)``), so that a
reference to its Q or ET updates it by that instruction (:func:`update_referenced_timer`)."""
_COUNTER_PRIVATE = {"_cu": False, "_cd": False}


class SystemFb:
    """A system FB: its members ``{name: (section, type)}``, ``run(rt, inst)`` and, for the timers, counters and
    edges, ``body``: the Python statements of ``run`` over the instance :data:`INSTANCE` and ``rt``, which the code
    generator inlines at each call (no Python call in the scan) and ``run`` is compiled from (one definition).

    ``run`` is a plain function attribute (not a method), so ``fb.run(rt, inst)`` costs one call.
    """

    __slots__ = ("_defaults", "body", "members", "name", "run")

    def __init__(self, name: str, members: dict[str, tuple[str, str]], run: Run | str,
                 private: dict[str, Any]) -> None:
        self.name = name
        self.members = members
        self.body = run if isinstance(run, str) else None
        self.run = _compiled(name, run) if isinstance(run, str) else run
        # interned keys, as the generated code's (see layout.make_value)
        defaults: dict[str, Any] = {intern(m): (False if t == "BOOL" else 0) for m, (_, t) in members.items()}
        defaults.update(private)
        self._defaults = defaults

    def new_instance(self) -> dict[str, Any]:
        """A fresh instance: every member at its default plus the private ``_`` keys."""
        return dict(self._defaults)  # all values are immutable: a shallow copy is a fresh instance

    def __repr__(self) -> str:
        return f"SystemFb({self.name})"


def _compiled(name: str, body: str) -> Run:
    """``run(rt, inst)`` from a body (the generated code's namespace has no builtins either)."""
    source = f"def run(rt, {INSTANCE}):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, f"<system FB {name}>", "exec"), namespace)  # our own source
    run: Run = namespace["run"]
    return run


# ---------------------------------------------------------------------------------------------- timers
# Bodies: the instance is _sfb (INSTANCE), the virtual clock rt.now_ns; a negative PT counts as 0.

def _latch(indent: int) -> str:
    """The line that latches PT as the timer starts (a negative PT counts as 0), at ``indent``."""
    pad = " " * indent
    return f"{pad}_sfb['_pt'] = _sfb['PT'] if _sfb['PT'] > 0 else 0"


def _elapsed(elapsed_ns: str, unit: int, indent: int) -> str:
    """The lines every timer body shares, at ``indent``: the latched PT, and ``_sf_et``, the expression
    ``elapsed_ns`` in the timer's unit (whole ms for TIME, ns for LTIME)."""
    pad = " " * indent
    return f"{pad}_sf_pt = _sfb['_pt']\n{pad}_sf_et = {elapsed_ns} // {unit}"


def _on_delay_outputs(indent: int) -> str:
    """The outputs of TON and TONR at ``indent``: ET follows the elapsed time up to PT, Q is TRUE once PT is reached."""
    pad = " " * indent
    return (f"{pad}if _sf_et >= _sf_pt:\n{pad}    _sfb['ET'] = _sf_pt\n{pad}    _sfb['Q'] = True\n"
            f"{pad}else:\n{pad}    _sfb['ET'] = _sf_et\n{pad}    _sfb['Q'] = False")


def _ton(unit: int) -> str:
    return f"""\
if _sfb['IN']:
    _sf_now = rt.now_ns
    if not _sfb['_in']:  # rising edge: start timing
        _sfb['_in'] = _sfb['_run'] = True
        _sfb['_start'] = _sf_now
{_latch(8)}
{_elapsed("(_sf_now - _sfb['_start'])", unit, 4)}
{_on_delay_outputs(4)}
else:
    _sfb['_in'] = _sfb['_run'] = _sfb['Q'] = False
    _sfb['ET'] = 0
"""


def _tof(unit: int) -> str:
    return f"""\
if _sfb['IN']:
    _sfb['_in'] = _sfb['Q'] = True
    _sfb['_run'] = False
    _sfb['ET'] = 0
else:
    if _sfb['_in']:  # falling edge: start the off delay
        _sfb['_in'] = False
        _sfb['_run'] = True
        _sfb['_start'] = rt.now_ns
{_latch(8)}
    if _sfb['_run']:
{_elapsed("(rt.now_ns - _sfb['_start'])", unit, 8)}
        if _sf_et >= _sf_pt:
            _sfb['ET'] = _sf_pt
            _sfb['Q'] = _sfb['_run'] = False
        else:
            _sfb['ET'] = _sf_et
            _sfb['Q'] = True
"""


def _tp(unit: int) -> str:
    return f"""\
_sf_in = _sfb['IN']
if _sf_in and not _sfb['_in'] and not _sfb['_run']:  # an edge while the pulse runs does not retrigger
    _sfb['_run'] = True
    _sfb['_start'] = rt.now_ns
{_latch(4)}
_sfb['_in'] = _sf_in
if _sfb['_run']:
{_elapsed("(rt.now_ns - _sfb['_start'])", unit, 4)}
    if _sf_et >= _sf_pt:
        _sfb['_run'] = _sfb['Q'] = False
        _sfb['ET'] = _sf_pt if _sf_in else 0  # ET holds PT until IN is FALSE
    else:
        _sfb['ET'] = _sf_et
        _sfb['Q'] = True
elif not _sf_in:
    _sfb['ET'] = 0
"""


def _tonr(unit: int) -> str:
    return f"""\
if _sfb.get('R', False):  # R has priority; .get: an IEC_TIMER instance has no R member
    _sfb['_run'] = _sfb['Q'] = False
    _sfb['_acc'] = _sfb['ET'] = 0
    _sfb['_in'] = _sfb['IN']  # with IN still TRUE, timing restarts at the first call after R is released
else:
    _sf_now = rt.now_ns
    _sf_in = _sfb['IN']
    if _sf_in and not _sfb['_run']:  # (re)starts or resumes: PT is read now
        _sfb['_run'] = True
        _sfb['_start'] = _sf_now
{_latch(8)}
    elif not _sf_in and not _sfb['_run']:
{_latch(8)}
    _sf_total = _sfb['_acc'] + (_sf_now - _sfb['_start'] if _sfb['_run'] else 0)
    if not _sf_in and _sfb['_run']:  # IN fell: keep what has been accumulated
        _sfb['_run'] = False
        _sfb['_acc'] = _sf_total
    _sfb['_in'] = _sf_in
{_elapsed('_sf_total', unit, 4)}
{_on_delay_outputs(4)}
"""


_TIMERS: dict[str, Callable[[int], str]] = {"TON": _ton, "TOF": _tof, "TP": _tp, "TONR": _tonr}


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

def _ctu(high: int) -> str:
    return f"""\
_sf_cu = _sfb['CU']
if _sfb['R']:
    _sfb['CV'] = 0
elif _sf_cu and not _sfb['_cu'] and _sfb['CV'] < {high}:  # counts on the rising edge, stops at the limit
    _sfb['CV'] += 1
_sfb['_cu'] = _sf_cu
_sfb['Q'] = _sfb['CV'] >= _sfb['PV']
"""


def _ctd(low: int) -> str:
    return f"""\
_sf_cd = _sfb['CD']
if _sfb['LD']:
    _sfb['CV'] = _sfb['PV']
elif _sf_cd and not _sfb['_cd'] and _sfb['CV'] > {low}:
    _sfb['CV'] -= 1
_sfb['_cd'] = _sf_cd
_sfb['Q'] = _sfb['CV'] <= 0
"""


def _ctud(low: int, high: int) -> str:
    return f"""\
_sf_cu = _sfb['CU']
_sf_cd = _sfb['CD']
if _sfb['R']:  # R before LD, as in TIA
    _sfb['CV'] = 0
elif _sfb['LD']:
    _sfb['CV'] = _sfb['PV']
else:
    _sf_up = _sf_cu and not _sfb['_cu']
    _sf_down = _sf_cd and not _sfb['_cd']
    if _sf_up != _sf_down:  # both edges in one call leave CV unchanged
        _sf_cv = _sfb['CV']
        if _sf_up and _sf_cv < {high}:
            _sfb['CV'] = _sf_cv + 1
        elif _sf_down and _sf_cv > {low}:
            _sfb['CV'] = _sf_cv - 1
_sfb['_cu'] = _sf_cu
_sfb['_cd'] = _sf_cd
_sfb['QU'] = _sfb['CV'] >= _sfb['PV']
_sfb['QD'] = _sfb['CV'] <= 0
"""


def _keeping_q_in(body: str, member: str) -> str:
    return body + f"_sfb[{member!r}] = _sfb['Q']\n"


def _counters(int_type: str) -> dict[str, tuple[dict[str, tuple[str, str]], str]]:
    low, high = INT_RANGES[int_type]
    return {
        "CTU": (_catalog_members("CTU_" + int_type), _keeping_q_in(_ctu(high), "QU")),
        "CTD": (_catalog_members("CTD_" + int_type), _keeping_q_in(_ctd(low), "QD")),
        "CTUD": (_catalog_members("CTUD_" + int_type), _ctud(low, high)),
    }


# ----------------------------------------------------------------------------------------------- edges

_R_TRIG = """\
_sf_clk = _sfb['CLK']
_sfb['Q'] = _sf_clk and not _sfb['Stat_Bit']
_sfb['Stat_Bit'] = _sf_clk
"""
_F_TRIG = """\
_sf_clk = _sfb['CLK']
_sfb['Q'] = not _sf_clk and _sfb['Stat_Bit']
_sfb['Stat_Bit'] = _sf_clk
"""

_EDGE_MEMBERS = _catalog_members("R_TRIG")  # CLK, Q and TIA's static Stat_Bit (corpus exports); F_TRIG's are the same


# ----------------------------------------------------------------------------------------------- alarms

_SD = tuple(f"SD_{i}" for i in range(1, 11))
LDT_EPOCH_NS = 0
"""An LDT counts nanoseconds since 1970-01-01 (TIA's LDT); 0 (unassigned) means the CPU's own time."""


def _program_alarm(rt: Any, inst: dict[str, Any]) -> None:
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
            body = make(_UNIT_NS[time_type])
            for suffix in suffixes:
                fbs[kind + suffix] = SystemFb(kind + suffix, _timer_members(kind, time_type, suffix), body,
                                              _TIMER_PRIVATE)
    for int_type in ("INT", "SINT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT"):
        suffixes = ("", "_INT") if int_type == "INT" else ("_" + int_type,)
        for kind, (members, body) in _counters(int_type).items():
            for suffix in suffixes:
                fbs[kind + suffix] = SystemFb(kind + suffix, members, body, _COUNTER_PRIVATE)
    fbs["R_TRIG"] = SystemFb("R_TRIG", _EDGE_MEMBERS, _R_TRIG, {})
    fbs["F_TRIG"] = SystemFb("F_TRIG", _EDGE_MEMBERS, _F_TRIG, {})
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


def update_referenced_timer(rt: Any, inst: dict[str, Any]) -> None:
    """A reference to Q or ET of an IEC_TIMER/IEC_LTIMER static: the timer runs with its stored inputs by the
    instruction it was last called with (none yet: nothing to update). See ``codegen_calls.update_on_reference``."""
    name = inst.get("_fn")
    if name:
        SYSTEM_FBS[name].run(rt, inst)
