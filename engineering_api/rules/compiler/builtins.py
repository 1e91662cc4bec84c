"""System instructions and types the checker can type honestly, from the one catalog of TIA's system types and
instructions (:mod:`simatic_xml.system_types`): IEC timers/counters, edges, CONT_C and every other catalog type's
members (``#PID.Output``, ``#axis.ActualPosition``), plus math, conversions and moves. Anything else that may be a
TIA instruction is accepted unchecked."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeAlias

from simatic_xml.system_types import Member, SystemType, all_instructions, all_types, call_interface, lookup

from .types import ELEMENTARY, INT_LIT, ArrayT, NamedT, SclType, StructT, Var, canonical

__all__ = [
    "COUNTER_TYPES", "FUNCTIONS", "FunctionSpec", "INSTANCE_INSTRUCTIONS", "KNOWN_INSTRUCTIONS",
    "OB_START_INFO_OF_TYPE",
    "SYSTEM_FBS", "SYSTEM_TYPES", "TIMER_TYPES", "checker_type", "conversion", "instruction_on", "ob_start_info",
    "system_fb",
]

_ARRAY = re.compile(r"^\s*Array\s*\[(.*)\]\s+of\s+(.*)$", re.IGNORECASE | re.DOTALL)
_STRING = re.compile(r"^(W?STRING)\s*\[.*\]$", re.IGNORECASE)


class _OpenMembers(dict[str, Var]):
    """The members of a type whose catalog list is not every member TIA has (``complete`` false: a TO, a
    GRAPH structure, an inline ``Struct``): a name not listed is an untyped member, never an unknown one
    (a false "has no element" error on valid TIA code is the worst defect)."""

    __slots__ = ()

    def get(self, key: str, default: object = None) -> Var:
        found = dict.get(self, key)
        return found if found is not None else Var(key, None)


def checker_type(text: str) -> SclType:
    """The checker's type for a catalog data type: ``Bool`` -> ``BOOL``, ``Array[1..4] of Byte`` -> ArrayT,
    ``IP_V4`` -> NamedT (resolved through SYSTEM_TYPES), ``Struct`` -> an open StructT."""
    s = text.strip()
    m = _ARRAY.match(s)
    if m:
        dims = 1 + m.group(1).count(",")
        return ArrayT(checker_type(m.group(2)), dims)
    m = _STRING.match(s)
    if m:
        return m.group(1).upper()
    if s.upper() == "STRUCT":
        return StructT(_OpenMembers())
    c = canonical(s)
    return c if c in ELEMENTARY else NamedT(s, False)


def _struct(members: Iterable[Member], complete: bool = True) -> StructT:
    """Catalog members as a StructT: lower name -> Var (section as documented; structure members 'Static')."""
    out: dict[str, Var] = {} if complete else _OpenMembers()
    for m in members:
        out.setdefault(m.name.lower(), Var(m.name, checker_type(m.data_type), m.section or "Static"))
    return StructT(out)


def _call_struct(system_type: SystemType) -> StructT:
    """The call interface of an instance type, then what else the instance holds as data ('Static': never a
    parameter): ``#c(CU := .., Q => ..)`` on a CTU_INT takes CTU's parameters, ``#c.QU`` reads its member."""
    call = call_interface(system_type)
    names = {m.name.lower() for m in call}
    rest = [Member(m.name, "Static", m.data_type) for m in system_type.members if m.name.lower() not in names]
    return _struct(call + tuple(rest))


_TIMER_KINDS = ("TON", "TOF", "TP", "TONR")
_COUNTER_KINDS = ("CTU", "CTD", "CTUD")
_COUNTER_INTS = ("SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT")

# Instance types whose calls are checked parameter by parameter (names, sections, types): the documented
# interface is the whole call interface and has no in/out to be supplied. Every other catalog FB (PID_Compact,
# MC_*, TSEND_C...) has its members typed for reading (SYSTEM_TYPES) but its call is accepted unchecked: older
# library versions differ, and the checker requires every in/out at an FB call, which TIA does not for an
# elementary in/out such as PID_Compact's Mode.
_CHECKED_CALLS = ({f"{k}_{t}" for k in _TIMER_KINDS for t in ("TIME", "LTIME")}
                  | {f"{k}_{i}" for k in _COUNTER_KINDS for i in _COUNTER_INTS}
                  | {"TON", "TOF", "TP", "R_TRIG", "F_TRIG", "CONT_C", "PROGRAM_ALARM"})

SYSTEM_FBS: dict[str, StructT] = {}
"""Upper-case instance type or instruction name -> what a call of an instance takes (StructT: the instruction's
parameters, then the instance's other members as 'Static' data): ``TON``/``TON_TIME``/``TON_LTIME``,
``CTU``/``CTU_INT``/``CTU_DINT``..., ``R_TRIG``, ``CONT_C``."""
SYSTEM_TYPES: dict[str, StructT] = {}
"""Upper-case name -> StructT of what an instance of every catalog type holds: structures (IEC_TIMER, DTL,
TCON_IP_v4), technology objects and FB instance types (TON_TIME, CTU_INT with QU/QD, PID_Compact, MC_Power...).
Members read through an instance come from here; calls of the instance types in SYSTEM_FBS from there."""
for _t in all_types():
    _key = _t.name.upper()
    SYSTEM_TYPES[_key] = _struct(_t.members, _t.complete)
    if _key in _CHECKED_CALLS:
        SYSTEM_FBS[_key] = _call_struct(_t)
for _kind in _TIMER_KINDS + _COUNTER_KINDS:  # TONR is TONR_TIME, CTU is CTU_INT (the catalog's aliases)
    _catalog_type = lookup(_kind)
    if _catalog_type is None:
        raise LookupError(f"the system type catalog lacks {_kind}")
    # TON_SFB...: the InstanceOfName of a single-instance timer/counter DB in V16 exports (with OfSystemLibElement
    # TON; AlbertjanPieffers/Eklund_Engineering "Timer_0_5s.xml", called as "Timer_0_5s".TON(...) in SCL)
    # A catalog type of that name (CTU_SFB, typed from its own export: it has Q and CUO) stays as it is.
    for _alias in (_kind, _kind + "_SFB"):
        SYSTEM_TYPES.setdefault(_alias, SYSTEM_TYPES[_catalog_type.name.upper()])
        SYSTEM_FBS.setdefault(_alias, SYSTEM_FBS[_catalog_type.name.upper()])

INSTANCE_INSTRUCTIONS = frozenset(i for t in all_types() for i in t.instructions)
"""Instructions TIA calls on an instance: ``#t.TON(...)``, ``"IEC_Counter_0_DB".CTU(...)``."""

TIMER_TYPES: dict[str, str] = {}
"""Timer structures and instance types -> time type; any of ``.TON``/``.TOF``/``.TP``/``.TONR`` may be called on
them (their members are the same; TONR's R is an input only)."""
COUNTER_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {}
"""Counter structures and instance types -> (CV's integer type, the instructions that may be called on them).
A CTU_x/CTD_x instance lacks the other instruction's inputs (CD/LD, CU/R), so it takes its own only; an
IEC_xCOUNTER or CTUD_x has every counter member and takes CTU, CTD and CTUD."""
for _name in SYSTEM_TYPES:
    _catalog_type = lookup(_name)
    if _catalog_type is None or not _catalog_type.instructions:
        continue
    _pt, _cv = _catalog_type.member("PT"), _catalog_type.member("CV")
    if _pt is not None and _catalog_type.instructions[0] in _TIMER_KINDS:
        TIMER_TYPES[_name] = canonical(_pt.data_type)
    elif _cv is not None:
        COUNTER_TYPES[_name] = (canonical(_cv.data_type), _catalog_type.instructions)


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
    return SYSTEM_FBS[kind + "_" + counter[0]]


# Instructions accepted without typing (named here so that they are never called unknown).
KNOWN_INSTRUCTIONS = frozenset(
    ["PEEK", "PEEK_BOOL", "PEEK_WORD", "POKE", "POKE_BOOL", "POKE_BLK", "RD_SYS_T", "WR_SYS_T", "RD_LOC_T", "WR_LOC_T",
     "SET_TIMEZONE", "RUNTIME", "GET_ERR_ID", "GET_ERROR", "GET_ERROR_ID", "TCON", "TDISCON", "TSEND", "TRCV",
     "TSEND_C", "TRCV_C", "TMAIL_C", "TUSEND", "TURCV", "T_CONFIG", "SCALE_X", "NORM_X", "SCALE", "UNSCALE", "CONCAT",
     "CONCAT_STRING", "CONCAT_WSTRING", "LEN", "LEFT", "RIGHT", "MID", "FIND", "INSERT", "DELETE", "REPLACE", "S_CONV",
     "STRG_VAL", "VAL_STRG", "CHARS_TO_STRG", "STRG_TO_CHARS", "ATH", "HTA", "DECO", "ENCO", "SWAP", "FILL_BLK",
     "UFILL_BLK", "MOVE_BLK", "MOVE_BLK_VARIANT", "UMOVE_BLK", "SERIALIZE", "DESERIALIZE", "VARIANT_TO_DB_ANY",
     "DB_ANY_TO_VARIANT", "COUNTOFELEMENTS", "TYPEOF", "TYPEOFELEMENTS", "IS_ARRAY", "TYPEOFDB", "LOWER_BOUND",
     "UPPER_BOUND", "READ_DBL", "WRIT_DBL", "CREATE_DB", "DELETE_DB", "ATTR_DB", "GEN_DIAG", "GET_DIAG",
     "DEVICESTATES", "MODULESTATES", "LED", "IDENT_TO_HW_ID", "DPRD_DAT", "DPWR_DAT", "RDREC", "WRREC", "RALRM",
     "D_ACT_DP", "RD_SINFO", "RT_INFO", "QRY_CINT", "SRT_DINT", "CAN_DINT", "QRY_DINT", "ATTACH", "DETACH", "EN_AIRT",
     "DIS_AIRT", "EN_IRT", "DIS_IRT", "STP", "RE_TRIGR", "INIT_RD", "ALARM_SQ", "ALARM_S", "PROGRAM_ALARM",
     "GET_ALARM", "GET_ALARM_STATE", "ACK_ALARMS", "GEN_UsrMsg", "SET_CINT", "SET_TINTL", "ACT_TINT", "CAN_TINT",
     "QRY_TINT", "LOG_CREATE", "LOG_OPEN", "DATALOGCREATE", "DATALOGOPEN", "DATALOGWRITE", "DATALOGCLOSE",
     "DATALOGNEWFILE", "FileReadC", "FileWriteC", "RD_ADDR", "GETIO", "SETIO", "GETIO_PART", "SETIO_PART",
     "UDP_CONFIG", "TRCV_C", "MB_CLIENT", "MB_SERVER", "MB_MASTER", "MB_SLAVE", "MB_COMM_LOAD", "SEND_PTP", "RCV_PTP",
     "PORT_CFG", "SEND_CFG", "RCV_CFG", "PID_COMPACT", "PID_3STEP", "PID_TEMP", "CONT_C", "CONT_S", "PULSEGEN",
     "TCONT_CP", "MC_POWER", "MC_RESET", "MC_HOME", "MC_HALT", "MC_MOVEABSOLUTE", "MC_MOVERELATIVE", "MC_MOVEVELOCITY",
     "MC_MOVEJOG", "MC_STOP", "GetSymbolName", "GetSymbolPath", "GetInstanceName", "GetInstancePath", "GetBlockName",
     "WriteVarSet", "RD_LGN", "LOG2GEO", "GEO2LOG", "LOG2MOD", "IO2MOD", "RD_ADDR", "GEN_DIAG", "GET_NAME",
     "GetStationInfo", "SET_TIMEZONE", "TIME_TCK", "SET_CLKS", "LGF_", "RANDOM", "CTRL_HSC", "CTRL_PWM", "CTRL_PTO",
     "SHL", "SHR", "ROL", "ROR", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "SQRT", "SQR", "EXP", "LN", "LOG", "ABS",
     "MIN", "MAX", "LIMIT", "SEL", "MUX", "DEMUX", "ROUND", "TRUNC", "CEIL", "FLOOR", "FRAC", "EXPT", "NEG", "T_ADD",
     "T_SUB", "T_DIFF", "T_COMBINE", "T_CONV", "S_MOVE", "MOVE", "CONVERT", "BCD16_TO_INT", "RD_TIME",
     # the classic clock instructions a corpus source calls (lopez-dev Buffer.scl; STEP 7 help, "READ_CLK: Read
     # time-of-day", and the IEC date functions DT_TOD, DT_DAY of the S7-300/400 standard library)
     "READ_CLK", "DT_TOD", "DT_DAY",
     # INC and DEC called in SCL on their one in-out operand (``INC(#count);``), as the LAD/FBD boxes of that name
     "INC", "DEC"]
)
KNOWN_INSTRUCTIONS = KNOWN_INSTRUCTIONS | frozenset(i.name for i in all_instructions())
KNOWN_UPPER = frozenset(n.upper() for n in KNOWN_INSTRUCTIONS)

_CONV = re.compile(r"^([A-Z0-9]+)_TO_([A-Z0-9]+)$")
_CONV_NAMES = {"BCD16": "WORD", "BCD32": "DWORD", "BCD8": "BYTE", "BCD64": "LWORD", "TOD": "TIME_OF_DAY",
               "DT": "DATE_AND_TIME", "LTOD": "LTIME_OF_DAY"}


def conversion(upper: str) -> tuple[str, str] | None:
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


def system_fb(name: str) -> StructT | None:
    return SYSTEM_FBS.get(name.upper())


_Parameters: TypeAlias = list[tuple[str, str]]
FunctionSpec: TypeAlias = (tuple[_Parameters, str | None] | tuple[_Parameters, str | None, str]
                           | tuple[_Parameters, str | None, str, tuple[str, ...]])
"""One row of :data:`FUNCTIONS`: (parameters, result rule[, variadic prefix[, named-only 'same' parameters]])."""

# Typed functions: name -> (parameters [(name, kind)], result rule[, variadic prefix[, named-only 'same' params]])
# kind: 'num' any numeric, 'bool', 'int', 'real', 'any', 'same' (same type as the first 'same')
# result: a type name, 'same' (the common type of the 'same' args), 'real' (REAL unless LREAL given), None (unknown)
FUNCTIONS: dict[str, FunctionSpec] = {
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
    # Not conversions of one value into another (IN only) but instructions with an error output ERR (Int):
    # STEP 7 help, "DB_ANY_TO_VARIANT: Convert DB_ANY to VARIANT" and "VARIANT_TO_DB_ANY: Convert VARIANT to
    # DB_ANY"; TIA's own source writes `DB_ANY_TO_VARIANT(in := #db, err => #error)` (lybhb8/S7-1200EasyPlus).
    "DB_ANY_TO_VARIANT": ([("IN", "any"), ("ERR", "out")], "VARIANT"),
    "VARIANT_TO_DB_ANY": ([("IN", "any"), ("ERR", "out")], "DB_ANY"),
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

OB_START_INFO_OF_TYPE = {
    "ProgramCycle": frozenset(["initial_call", "remanence"]),
    "Startup": frozenset(["lostretentive", "lostrtc"]),
    "TimeDelayInterrupt": frozenset(["sign"]),
    "CyclicInterrupt": frozenset(["initial_call", "event_count"]),
    "HardwareInterrupt": frozenset(["laddr", "usi", "ichannel", "eventtype"]),
    "DiagnosticErrorInterrupt": frozenset(["io_state", "laddr", "channel", "multierror"]),
    "TimeErrorInterrupt": frozenset(["fault_id", "csg_obnr", "csg_prio"]),
    "PullOrPlugOfModules": frozenset(["laddr", "event_class", "fault_id"]),
    "RackOrStationFailure": frozenset(["laddr", "event_class", "fault_id"]),
}
"""The start information of each OB type (its ``SecondaryType``), as the optimized start information of
RD_SINFO lists it per OB class: S7-1200 System Manual V4.2 (A5E02486680-AK), 9.7, tables 9-130 SI_ProgramCycle
(Initial_Call, Remanence), 9-132 SI_Delay (Sign), 9-133 SI_Cyclic (Initial_Call, Event_Count), 9-134
SI_HWInterrupt (LADDR, USI, IChannel, EventType), 9-146 SI_Startup (LostRetentive, LostRTC), 5.1.3.6 Table 5-6
the time error OB (fault_id, csg_OBnr, csg_prio); the diagnostic
error interrupt as the corpus export of OB 82 declares it (Tayoriko ``Diagnostic_error_interrupt.xml``), pull or
plug and rack failure after tables 5-8/5-9 of the V4.2.3 manual (A5E02486681-AL). Types whose list is not
certain here (time of day, programming and I/O access errors, synchronous cycle, MC) are absent:
an OB of such a type keeps accepting any start information name."""

_OB_TYPE_OF_NUMBER = ((1, 1, "ProgramCycle"), (20, 23, "TimeDelayInterrupt"), (30, 38, "CyclicInterrupt"),
                      (40, 47, "HardwareInterrupt"), (80, 80, "TimeErrorInterrupt"),
                      (82, 82, "DiagnosticErrorInterrupt"),
                      (83, 83, "PullOrPlugOfModules"), (86, 86, "RackOrStationFailure"), (100, 100, "Startup"))
"""OB numbers that fix the OB type (STEP 7 help, "Organization blocks": OB 1 program cycle, OB 20-23 time delay,
OB 30-38 cyclic, OB 40-47 hardware interrupt, OB 80 time error, OB 82/83/86, OB 100 startup); a number from 123 up
may be of any type, which then only the export's ``SecondaryType`` tells."""


def ob_start_info(number: int | None, secondary_type: str | None) -> frozenset[str] | None:
    """The lower-case start information names of an OB of ``secondary_type`` (from its export) or, without one,
    of a ``number`` that fixes the type; None when the type, or its list, is not known (any name of
    :data:`OB_START_INFO` is then accepted)."""
    if secondary_type is None and number is not None:
        secondary_type = next((kind for low, high, kind in _OB_TYPE_OF_NUMBER if low <= number <= high), None)
    return OB_START_INFO_OF_TYPE.get(secondary_type) if secondary_type is not None else None

LOOSE_SYSTEM_TYPES = frozenset(
    ["IEC_TIMER", "IEC_LTIMER", "IEC_COUNTER", "IEC_SCOUNTER", "IEC_DCOUNTER", "IEC_LCOUNTER", "IEC_USCOUNTER",
     "IEC_UCOUNTER", "IEC_UDCOUNTER", "IEC_ULCOUNTER", "DTL", "NREF", "CREF", "ERROR_STRUCT", "TCON_PARAM",
     "TCON_IP_V4", "TCON_IP_V6", "TCON_IP_RFC", "TCON_QDN", "TADDR_PARAM", "TADDR_SEND_QDN", "HSC_PERIOD",
     "PROGRAM_ALARM", "SSL_HEADER", "G7_STEPPLUS_V5", "G7_TRANSITIONPLUS_V5", "G7_STEPPLUS_V6", "G7_TRANSITIONPLUS_V6",
     "IF_CONF_HEADER", "TRCV_C", "TSEND_C", "TCON", "TDISCON", "TSEND", "TRCV", "TUSEND", "TURCV", "ALARM_S",
     "ALARM_SQ", "PID_COMPACT", "PID_3STEP", "MB_CLIENT", "MB_SERVER", "RDREC", "WRREC", "RALRM", "DPRD_DAT",
     "DPWR_DAT", "GET_DIAG", "TO_SPEEDAXIS", "TO_POSITIONINGAXIS", "TO_AXIS", "TO_EXTERNALENCODER", "MC_POWER",
     "MC_RESET", "MC_HOME", "MC_HALT", "MC_MOVEABSOLUTE", "MC_MOVERELATIVE", "MC_MOVEVELOCITY", "MC_MOVEJOG",
     "RD_SYS_T", "RUNTIME", "IEC_TIMER_INSTANCE", "GEOADDR", "GET_NAME", "GEO2LOG", "LOG2GEO"]
)
"""System types a declaration may name without the checker knowing their members (accepted as they are)."""

_INSTANCE_INSTRUCTIONS = frozenset([
    "PUT", "GET", "TMAIL_C", "TM_MAIL", "PORT_CONFIG", "SEND_CONFIG", "RECEIVE_CONFIG", "SEND_P2P", "RECEIVE_P2P",
    "RECEIVE_RESET", "SIGNAL_GET", "SIGNAL_SET", "GET_FEATURES", "SET_FEATURES", "MODBUS_COMM_LOAD", "MODBUS_MASTER",
    "MODBUS_SLAVE", "USS_PORT_SCAN", "USS_DRIVE_CONTROL", "USS_READ_PARAM", "USS_WRITE_PARAM", "PID_TEMP",
    "TCONT_CP", "TCONT_S", "CTRL_HSC_EXT", "RECIPEEXPORT", "RECIPEIMPORT",
])
"""TIA instructions with an instance (S7-1200/S7-1500 communication, PtP, Modbus, USS, control) that the catalog
does not list yet: a declaration may name them unquoted."""


def is_system_type_name(name: str) -> bool:
    """Is the unquoted type name ``name`` one of TIA's system types or instruction instances? (Motion control and
    technology objects, MC_*/TO_*, are all TIA's.) An unquoted name that is none of these is wrong code."""
    upper = name.upper()
    return (upper in SYSTEM_FBS or upper in SYSTEM_TYPES or upper in LOOSE_SYSTEM_TYPES or upper in KNOWN_UPPER
            or upper in _INSTANCE_INSTRUCTIONS or upper.startswith(("MC_", "TO_")))
