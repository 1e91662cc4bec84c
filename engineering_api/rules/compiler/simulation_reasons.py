"""Why the simulated PLC does not run an instruction: one reason per family of instructions.

Whether it runs one is not said here: that is read from the runtime (:mod:`.simulation`, ``simulated.json``). This
table only groups the instructions the checker accepts into families and gives each family the reason its
instructions that the runtime lacks are not simulated; an instruction of no listed family falls under
:data:`OTHER`, whose reason is the plain one. The families also group the docs' catalogue
(``docs/instructions.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("CONVERSIONS", "FAMILIES", "LAD_BOXES", "OTHER", "Family", "family_of")


@dataclass(frozen=True, slots=True)
class Family:
    """A family of instructions: its ``name``, the ``reason`` its instructions the runtime lacks are not simulated,
    the upper-case ``names`` and name ``prefixes`` that belong to it."""

    name: str
    reason: str
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def holds(self, upper: str) -> bool:
        return upper in self.names or upper.startswith(self.prefixes)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.upper().split())


FAMILIES: tuple[Family, ...] = (
    Family("clock and calendar",
           "the simulated PLC's clock is its system time (RD_SYS_T, RD_LOC_T, WR_SYS_T, WR_LOC_T on a DTL, an LDT or a "
           "DT) with a fixed time zone: no daylight saving time rules, time zone setting, S7-300/400 clock "
           "functions or run-time meters yet",
           _names("RD_SYS_T WR_SYS_T RD_LOC_T WR_LOC_T SET_TIMEZONE RUNTIME READ_CLK RD_TIME SET_CLKS TIME_TCK "
                  "DT_TOD DT_DAY RTM")),
    Family("date and time arithmetic",
           "durations, times of day, dates and the instants DTL, DT and LDT are simulated; this type combination "
           "is not implemented yet",
           _names("T_ADD T_SUB T_DIFF T_COMBINE CONCAT_DATE_TOD T_CONV")),
    Family("communication",
           "the simulated PLC has no network or serial connection to send or receive on",
           _names("TCON TDISCON TSEND TRCV TSEND_C TRCV_C TMAIL_C TUSEND TURCV T_CONFIG T_DIAG T_RESET UDP_CONFIG "
                  "SEND_PTP RCV_PTP PORT_CFG SEND_CFG RCV_CFG SEND_P2P RECEIVE_P2P SEND_CONFIG RECEIVE_CONFIG "
                  "RECEIVE_RESET PUT WWW"),
           ("MB_", "MODBUS_")),
    Family("motion and technology",
           "the simulated PLC has no technology objects, drives, high-speed counters or pulse outputs",
           _names("CTRL_HSC CTRL_PWM CTRL_PTO"), ("MC_",)),
    Family("closed-loop control",
           "the controllers are not implemented in the simulated PLC (it has no process behind a loop to tune)",
           _names("PID_COMPACT PID_3STEP PID_TEMP CONT_C CONT_S PULSEGEN TCONT_CP FILTER_DT1 FILTER_PT1 FILTER_PT2")),
    Family("hardware and distributed I/O",
           "the simulated PLC has no hardware configuration or I/O devices, only its process image",
           _names("GETIO SETIO GETIO_PART SETIO_PART DPRD_DAT DPWR_DAT RDREC WRREC RALRM D_ACT_DP LED "
                  "IDENT_TO_HW_ID LOG2GEO GEO2LOG LOG2MOD IO2MOD RD_ADDR GET_NAME GETSTATIONINFO DEVICESTATES "
                  "MODULESTATES RD_LGN")),
    Family("diagnostics and alarms",
           "the simulated PLC keeps no diagnostic buffer or alarm state to read or acknowledge (a block's own local "
           "error information is kept: GET_ERR_ID and GET_ERROR run)",
           _names("GEN_DIAG GET_DIAG GET_ERR_ID GET_ERROR GET_ERROR_ID RD_SINFO RT_INFO ALARM_SQ ALARM_S GET_ALARM "
                  "GET_ALARMSTATE GET_ALARM_STATE ACK_ALARMS GEN_USRMSG PROGRAM_ALARM")),
    Family("interrupts and program execution",
           "the simulated PLC schedules its OBs itself; attaching, delaying, enabling or querying interrupts and "
           "stopping or re-triggering the CPU from the program are not implemented",
           _names("QRY_CINT SRT_DINT CAN_DINT QRY_DINT ATTACH DETACH EN_AIRT DIS_AIRT EN_IRT DIS_IRT STP RE_TRIGR "
                  "INIT_RD SET_CINT SET_TINTL ACT_TINT CAN_TINT QRY_TINT")),
    Family("data logs, recipes and files",
           "the simulated PLC has no memory card to write logs, recipes or files to",
           _names("LOG_CREATE LOG_OPEN FILEREADC FILEWRITEC RECIPEEXPORT RECIPEIMPORT"), ("DATALOG",)),
    Family("data blocks and memory",
           "creating, reading and writing data blocks by number and absolute memory access are not implemented in "
           "the simulated PLC",
           _names("READ_DBL WRIT_DBL CREATE_DB DELETE_DB ATTR_DB VARIANT_TO_DB_ANY DB_ANY_TO_VARIANT PEEK PEEK_BOOL "
                  "PEEK_WORD POKE POKE_BOOL POKE_BLK")),
    Family("strings and characters",
           "this string instruction is not implemented in the simulated PLC yet",
           _names("CONCAT CONCAT_STRING CONCAT_WSTRING LEN LEFT RIGHT MID FIND INSERT DELETE REPLACE S_CONV STRG_VAL "
                  "VAL_STRG CHARS_TO_STRG STRG_TO_CHARS ATH HTA MAX_LEN")),
    Family("block and instance names",
           "the symbol names of a parameter's actual (GetSymbolName, GetSymbolPath) are not implemented in the "
           "simulated PLC yet (GetBlockName, GetInstanceName and GetInstancePath are)",
           _names("GETSYMBOLNAME GETSYMBOLPATH GETINSTANCENAME GETINSTANCEPATH GETBLOCKNAME")),
    Family("safety (F) instructions",
           "safety programs (F-blocks) are not simulated", _names("ACK_GL ESTOP1 FDBACK")),
    Family("GRAPH", "GRAPH sequences are not simulated", _names("TRCOIL SVCOIL ILCOIL")),
    Family("timers, counters and edges", "this timer, counter or edge instruction is not implemented in the "
           "simulated PLC", _names("TON TOF TP TONR CTU CTD CTUD R_TRIG F_TRIG RESET_TIMER PRESET_TIMER"),
           ("TON_", "TOF_", "TP_", "TONR_", "CTU_", "CTD_", "CTUD_")),
    Family("math, bits and selection", "this instruction is not implemented in the simulated PLC yet",
           _names("ABS SQRT SQR SIN COS TAN ASIN ACOS ATAN EXP LN LOG FRAC EXPT NEG MIN MAX LIMIT SEL MUX DEMUX SHL "
                  "SHR ROL ROR DECO ENCO SWAP NORM_X SCALE_X SCALE UNSCALE RANDOM ROUND TRUNC CEIL FLOOR INC DEC"),
           ("ROUND_", "TRUNC_", "CEIL_", "FLOOR_")),
    Family("moves and arrays", "this move or array instruction is not implemented in the simulated PLC yet",
           _names("MOVE S_MOVE MOVE_BLK UMOVE_BLK FILL_BLK UFILL_BLK MOVE_BLK_VARIANT SERIALIZE DESERIALIZE "
                  "COUNTOFELEMENTS TYPEOF TYPEOFELEMENTS IS_ARRAY TYPEOFDB LOWER_BOUND UPPER_BOUND GATHER GATHER_BLK "
                  "SCATTER SCATTER_BLK")),
    Family("program control",
           "the LAD/FBD jumps and returns are not simulated, nor an SCL GOTO to a label inside IF, CASE or a loop or "
           "in a block with LAD/FBD networks: the generated Python has no jump, and only the labels of an SCL "
           "network's own statement list start a stretch a GOTO can run from",
           _names("GOTO JUMP JUMPNOT LABEL RETURN")),
    Family("library blocks",
           "a block of a Siemens library (LGF) is not a system instruction; the simulated PLC has none of them",
           prefixes=("LGF_",)),
)
"""Every family with a reason, first match wins (a name is listed in one)."""

CONVERSIONS = Family("conversions", "this conversion is not implemented in the simulated PLC (the checker accepts "
                     "a conversion between any two elementary data types, TIA not every one)")
"""The family of every ``X_TO_Y`` conversion (and CONVERT), which the checker accepts by pattern."""

LAD_BOXES = Family("LAD/FBD basic instructions", "the simulated PLC's LAD/FBD networks do not translate this box yet")
"""The family of a basic LAD/FBD part (a contact, a coil, a comparator, a math box) no row names."""

OTHER = Family("other", "not implemented in the simulated PLC")
"""The family of every instruction no row of :data:`FAMILIES` names: its reason is the default one."""


def family_of(upper: str) -> Family:
    """The family of the instruction ``upper`` (upper case): the first of :data:`FAMILIES` holding it, else
    :data:`OTHER`."""
    return next((f for f in FAMILIES if f.holds(upper)), OTHER)
