"""System instructions and types the checker can type honestly (IEC timers/counters, edges, math,
conversions, moves). Anything else that may be a TIA instruction is accepted unchecked."""
from __future__ import annotations

import re

from .types import ELEMENTARY, INT_LIT, StructT, Var, canonical

__all__ = [
    "COUNTER_TYPES", "FUNCTIONS", "INSTANCE_INSTRUCTIONS", "KNOWN_INSTRUCTIONS", "SYSTEM_FBS", "SYSTEM_TYPES",
    "TIMER_TYPES", "conversion", "instruction_on", "system_fb",
]


def _iface(inputs, outputs, inouts=()) -> StructT:
    members = {}
    for section, items in (("Input", inputs), ("Output", outputs), ("InOut", inouts)):
        for name, t in items:
            members[name.lower()] = Var(name, t, section)
    return StructT(members)


def _timer(time_type: str, tonr: bool = False) -> StructT:
    inputs = [("IN", "BOOL")] + ([("R", "BOOL")] if tonr else []) + [("PT", time_type)]
    return _iface(inputs, [("Q", "BOOL"), ("ET", time_type)])


def _counters(int_type: str) -> dict:
    return {
        "CTU": _iface([("CU", "BOOL"), ("R", "BOOL"), ("PV", int_type)], [("Q", "BOOL"), ("CV", int_type)]),
        "CTD": _iface([("CD", "BOOL"), ("LD", "BOOL"), ("PV", int_type)], [("Q", "BOOL"), ("CV", int_type)]),
        "CTUD": _iface(
            [("CU", "BOOL"), ("CD", "BOOL"), ("R", "BOOL"), ("LD", "BOOL"), ("PV", int_type)],
            [("QU", "BOOL"), ("QD", "BOOL"), ("CV", int_type)],
        ),
    }


_COUNTER_INTS = (("", "INT"), ("_SINT", "SINT"), ("_INT", "INT"), ("_DINT", "DINT"), ("_LINT", "LINT"),
                 ("_USINT", "USINT"), ("_UINT", "UINT"), ("_UDINT", "UDINT"), ("_ULINT", "ULINT"))
# TIA's IEC counter structures, one per integer type of CV/PV (IEC_COUNTER is the Int one).
_IEC_COUNTERS = {"IEC_COUNTER": "INT", "IEC_SCOUNTER": "SINT", "IEC_DCOUNTER": "DINT", "IEC_LCOUNTER": "LINT",
                 "IEC_USCOUNTER": "USINT", "IEC_UCOUNTER": "UINT", "IEC_UDCOUNTER": "UDINT",
                 "IEC_ULCOUNTER": "ULINT"}

SYSTEM_FBS: dict = {}
for _t, _suffixes in (("TIME", ("", "_TIME")), ("LTIME", ("_LTIME",))):
    for _s in _suffixes:
        for _kind in ("TON", "TOF", "TP"):
            SYSTEM_FBS[_kind + _s] = _timer(_t)
        SYSTEM_FBS["TONR" + _s] = _timer(_t, tonr=True)
for _suffix, _int in _COUNTER_INTS:
    for _kind, _iface_t in _counters(_int).items():
        SYSTEM_FBS[_kind + _suffix] = _iface_t
SYSTEM_FBS["R_TRIG"] = _iface([("CLK", "BOOL")], [("Q", "BOOL")])
SYSTEM_FBS["F_TRIG"] = _iface([("CLK", "BOOL")], [("Q", "BOOL")])

# IEC_TIMER / IEC_COUNTER are structures; ``#t.TON(...)`` calls the named instruction on them.
SYSTEM_TYPES: dict = {
    "IEC_TIMER": _iface([("IN", "BOOL"), ("PT", "TIME")], [("Q", "BOOL"), ("ET", "TIME")]),
    "IEC_LTIMER": _iface([("IN", "BOOL"), ("PT", "LTIME")], [("Q", "BOOL"), ("ET", "LTIME")]),
    **{name: _iface([("CU", "BOOL"), ("CD", "BOOL"), ("R", "BOOL"), ("LD", "BOOL"), ("PV", int_t)],
                    [("QU", "BOOL"), ("QD", "BOOL"), ("CV", int_t)]) for name, int_t in _IEC_COUNTERS.items()},
    "DTL": StructT({n.lower(): Var(n, t) for n, t in (
        ("YEAR", "UINT"), ("MONTH", "USINT"), ("DAY", "USINT"), ("WEEKDAY", "USINT"), ("HOUR", "USINT"),
        ("MINUTE", "USINT"), ("SECOND", "USINT"), ("NANOSECOND", "UDINT"))}),
}
_TIMER_KINDS = ("TON", "TOF", "TP", "TONR")
_COUNTER_KINDS = ("CTU", "CTD", "CTUD")
INSTANCE_INSTRUCTIONS = frozenset(_TIMER_KINDS + _COUNTER_KINDS)
"""Instructions TIA calls on an instance: ``#t.TON(...)``, ``"IEC_Counter_0_DB".CTU(...)``."""

TIMER_TYPES = {"IEC_TIMER": "TIME", "IEC_LTIMER": "LTIME"}
TIMER_TYPES.update({name: SYSTEM_FBS[name].members["pt"].type for name in SYSTEM_FBS if name.startswith(_TIMER_KINDS)})
"""Timer structures and instance types -> time type; any of ``.TON``/``.TOF``/``.TP``/``.TONR`` may be called on
them (their members are the same; TONR's R is an input only)."""

COUNTER_TYPES: dict = {name: (int_t, _COUNTER_KINDS) for name, int_t in _IEC_COUNTERS.items()}
for _suffix, _int in _COUNTER_INTS:
    COUNTER_TYPES["CTUD" + _suffix] = (_int, _COUNTER_KINDS)
    COUNTER_TYPES["CTU" + _suffix] = (_int, ("CTU",))
    COUNTER_TYPES["CTD" + _suffix] = (_int, ("CTD",))
"""Counter structures and instance types -> (CV's integer type, the instructions that may be called on them).
A CTU_x/CTD_x instance lacks the other instruction's inputs (CD/LD, CU/R), so it takes its own only; an
IEC_xCOUNTER or CTUD_x has every counter member and takes CTU, CTD and CTUD."""
_INT_SUFFIX = {int_t: "_" + int_t for _s, int_t in _COUNTER_INTS}


def instruction_on(type_name: str, instruction: str) -> StructT | None:
    """The interface of ``instruction`` called on an instance of ``type_name`` (``#c.CTU(...)`` on an
    IEC_DCOUNTER checks against CTU_DINT); None when that instruction cannot be called on that type."""
    upper, kind = type_name.upper(), instruction.upper()
    if kind in _TIMER_KINDS:
        time_type = TIMER_TYPES.get(upper)
        return None if time_type is None else SYSTEM_FBS[kind + ("_LTIME" if time_type == "LTIME" else "")]
    counter = COUNTER_TYPES.get(upper)
    if counter is None or kind not in counter[1]:
        return None
    return SYSTEM_FBS[kind + _INT_SUFFIX[counter[0]]]


# Instructions accepted without typing (named here so that they are never called unknown).
KNOWN_INSTRUCTIONS = frozenset(
    ["PEEK", "PEEK_BOOL", "PEEK_WORD", "POKE", "POKE_BOOL", "POKE_BLK", "RD_SYS_T", "WR_SYS_T", "RD_LOC_T", "WR_LOC_T", "SET_TIMEZONE", "RUNTIME", "GET_ERR_ID", "GET_ERROR", "GET_ERROR_ID", "TCON", "TDISCON", "TSEND", "TRCV", "TSEND_C", "TRCV_C", "TMAIL_C", "TUSEND", "TURCV", "T_CONFIG", "SCALE_X", "NORM_X", "SCALE", "UNSCALE", "CONCAT", "CONCAT_STRING", "CONCAT_WSTRING", "LEN", "LEFT", "RIGHT", "MID", "FIND", "INSERT", "DELETE", "REPLACE", "S_CONV", "STRG_VAL", "VAL_STRG", "CHARS_TO_STRG", "STRG_TO_CHARS", "ATH", "HTA", "DECO", "ENCO", "SWAP", "FILL_BLK", "UFILL_BLK", "MOVE_BLK", "MOVE_BLK_VARIANT", "UMOVE_BLK", "SERIALIZE", "DESERIALIZE", "VARIANT_TO_DB_ANY", "DB_ANY_TO_VARIANT", "COUNTOFELEMENTS", "TYPEOF", "TYPEOFELEMENTS", "IS_ARRAY", "TYPEOFDB", "LOWER_BOUND", "UPPER_BOUND", "READ_DBL", "WRIT_DBL", "CREATE_DB", "DELETE_DB", "ATTR_DB", "GEN_DIAG", "GET_DIAG", "DEVICESTATES", "MODULESTATES", "LED", "IDENT_TO_HW_ID", "DPRD_DAT", "DPWR_DAT", "RDREC", "WRREC", "RALRM", "D_ACT_DP", "RD_SINFO", "RT_INFO", "QRY_CINT", "SRT_DINT", "CAN_DINT", "QRY_DINT", "ATTACH", "DETACH", "EN_AIRT", "DIS_AIRT", "EN_IRT", "DIS_IRT", "STP", "RE_TRIGR", "INIT_RD", "ALARM_SQ", "ALARM_S", "PROGRAM_ALARM", "GET_ALARM", "GET_ALARM_STATE", "ACK_ALARMS", "GEN_UsrMsg", "SET_CINT", "SET_TINTL", "ACT_TINT", "CAN_TINT", "QRY_TINT", "LOG_CREATE", "LOG_OPEN", "DATALOGCREATE", "DATALOGOPEN", "DATALOGWRITE", "DATALOGCLOSE", "DATALOGNEWFILE", "FileReadC", "FileWriteC", "RD_ADDR", "GETIO", "SETIO", "GETIO_PART", "SETIO_PART", "UDP_CONFIG", "TRCV_C", "MB_CLIENT", "MB_SERVER", "MB_MASTER", "MB_SLAVE", "MB_COMM_LOAD", "SEND_PTP", "RCV_PTP", "PORT_CFG", "SEND_CFG", "RCV_CFG", "PID_COMPACT", "PID_3STEP", "PID_TEMP", "CONT_C", "CONT_S", "PULSEGEN", "TCONT_CP", "MC_POWER", "MC_RESET", "MC_HOME", "MC_HALT", "MC_MOVEABSOLUTE", "MC_MOVERELATIVE", "MC_MOVEVELOCITY", "MC_MOVEJOG", "MC_STOP", "GetSymbolName", "GetSymbolPath", "GetInstanceName", "GetInstancePath", "GetBlockName", "WriteVarSet", "RD_LGN", "LOG2GEO", "GEO2LOG", "LOG2MOD", "IO2MOD", "RD_ADDR", "GEN_DIAG", "GET_NAME", "GetStationInfo", "SET_TIMEZONE", "TIME_TCK", "SET_CLKS", "LGF_", "RANDOM", "CTRL_HSC", "CTRL_PWM", "CTRL_PTO", "SHL", "SHR", "ROL", "ROR", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "SQRT", "SQR", "EXP", "LN", "LOG", "ABS", "MIN", "MAX", "LIMIT", "SEL", "MUX", "DEMUX", "ROUND", "TRUNC", "CEIL", "FLOOR", "FRAC", "EXPT", "NEG", "T_ADD", "T_SUB", "T_DIFF", "T_COMBINE", "T_CONV", "S_MOVE", "MOVE", "CONVERT", "BCD16_TO_INT", "RD_TIME"]
)
KNOWN_UPPER = frozenset(n.upper() for n in KNOWN_INSTRUCTIONS)

_CONV = re.compile(r"^([A-Z0-9]+)_TO_([A-Z0-9]+)$")
_CONV_NAMES = {"BCD16": "WORD", "BCD32": "DWORD", "BCD8": "BYTE", "BCD64": "LWORD", "TOD": "TIME_OF_DAY",
               "DT": "DATE_AND_TIME", "LTOD": "LTIME_OF_DAY"}


def conversion(upper: str):
    """``INT_TO_REAL`` -> (``INT``, ``REAL``); None when ``upper`` is not an explicit conversion."""
    if "_TO_" not in upper:
        return None
    left, _, right = upper.partition("_TO_")
    if not left or not right:
        return None
    src, dst = (_CONV_NAMES.get(x, canonical(x)) for x in (left, right))
    if src not in ELEMENTARY or dst not in ELEMENTARY:
        return None
    return src, dst


def system_fb(name: str):
    return SYSTEM_FBS.get(name.upper())


# Typed functions: name -> (parameters [(name, kind)], result rule[, variadic prefix[, named-only 'same' params]])
# kind: 'num' any numeric, 'bool', 'int', 'real', 'any', 'same' (same type as the first 'same')
# result: a type name, 'same' (the common type of the 'same' args), 'real' (REAL unless LREAL given), None (unknown)
FUNCTIONS: dict = {
    "ABS": ([("IN", "num")], "same"),
    "SQRT": ([("IN", "num")], "real"), "SQR": ([("IN", "num")], "same"),
    "SIN": ([("IN", "num")], "real"), "COS": ([("IN", "num")], "real"), "TAN": ([("IN", "num")], "real"),
    "ASIN": ([("IN", "num")], "real"), "ACOS": ([("IN", "num")], "real"), "ATAN": ([("IN", "num")], "real"),
    "EXP": ([("IN", "num")], "real"), "LN": ([("IN", "num")], "real"), "LOG": ([("IN", "num")], "real"),
    "FRAC": ([("IN", "num")], "real"),
    "ROUND": ([("IN", "num")], None), "TRUNC": ([("IN", "num")], None), "CEIL": ([("IN", "num")], None),
    "FLOOR": ([("IN", "num")], None),
    "MIN": ([("IN1", "same"), ("IN2", "same")], "same", "IN"),
    "MAX": ([("IN1", "same"), ("IN2", "same")], "same", "IN"),
    "LIMIT": ([("MN", "same"), ("IN", "same"), ("MX", "same")], "same"),
    "SEL": ([("G", "bool"), ("IN0", "same"), ("IN1", "same")], "same"),
    "MUX": ([("K", "int"), ("IN0", "same"), ("IN1", "same")], "same", "IN", ("INELSE",)),
    "SHL": ([("IN", "any"), ("N", "int")], "first"), "SHR": ([("IN", "any"), ("N", "int")], "first"),
    "ROL": ([("IN", "any"), ("N", "int")], "first"), "ROR": ([("IN", "any"), ("N", "int")], "first"),
    "MOVE_BLK": ([("IN", "any"), ("COUNT", "int"), ("OUT", "out")], "VOID"),
    "UMOVE_BLK": ([("IN", "any"), ("COUNT", "int"), ("OUT", "out")], "VOID"),
    "FILL_BLK": ([("IN", "any"), ("COUNT", "int"), ("OUT", "out")], "VOID"),
    "NORM_X": ([("MIN", "num"), ("VALUE", "num"), ("MAX", "num")], "real"),
    "LEN": ([("IN", "any")], "INT"),
}
INT_LITERAL = INT_LIT

OB_START_INFO = {
    "initial_call": "BOOL", "remanence": "BOOL", "lostretentive": "BOOL", "lostrtc": "BOOL",
    "io_state": "WORD", "laddr": "HW_ANY", "channel": "UINT", "multierror": "BOOL", "event_class": "BYTE",
    "fault_id": "BYTE", "usi": "WORD", "ichannel": "USINT", "eventtype": "BYTE", "event_count": "INT",
    "sign": "WORD", "csg_obnr": "OB_ANY", "csg_prio": "UINT", "blocknr": "UINT", "reaction": "USINT",
    "blocktype": "USINT", "area": "USINT", "dbnr": "DB_ANY", "csg_blocktype": "USINT", "csg_blocknr": "UINT",
    "caught": "BOOL", "lost": "BOOL", "id": "WORD", "status": "DWORD",
}
"""Start information TIA declares in an OB's Input section from the OB type (when the source omits it)."""
