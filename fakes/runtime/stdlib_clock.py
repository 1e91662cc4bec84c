"""The CPU's clock: RD_SYS_T, RD_LOC_T, WR_SYS_T and WR_LOC_T on a DTL or an LDT (the writes also from a DT).

The clock is the instance's (PLCSIM's ``SystemTime``): its value at virtual time 0 (``rt.clock_base_ns``, UTC
nanoseconds since 1970) plus the virtual time, so it moves with the scans, stepped or free-running, and a test in
single-step mode reads a known time after WR_SYS_T. Local time is the system time plus the instance's time zone
offset (``rt.local_offset_ns``); no daylight saving time rule is modelled, so RD_LOC_T reports standard time.

S7-1200 System Manual A5E02486680-05 (11/2011), 8.1 "Date and time-of-day", Tables 8-10 and 8-11: RD_SYS_T and
RD_LOC_T write the CPU's system time and local time to OUT; WR_SYS_T sets the system time from IN; RET_VAL is 0
(16#0001 for local time in daylight saving time), or 16#8081..16#8087 for an illegal year, month, day, hour, minute,
second or nanosecond of IN, with ENO FALSE (:mod:`.stdlib_eno`) and the clock unchanged. A5E02486680-AK
(09/2016), 9.1, Table 9-10: WR_LOC_T sets the local time from LOCTIME (the system time is it less the time zone's
offset); its DST is read only in the "double hour" of a change to daylight saving time, which this clock, without
daylight saving time, never has; its RET_VAL codes are taken to be WR_SYS_T's (thin: the condition code table at
hand, of the 2011 edition, predates WR_LOC_T). On an S7-1500 OUT and IN may also be an LDT (nanoseconds since 1970:
any instant of the clock) and a DT; an LDT or a DT the store holds is always a valid instant, so writing one
returns 0. OUT may be a DT as well (STEP 7 help "RD_SYS_T: Read time-of-day", S7-1500: OUT is a DT, DTL or LDT):
the clock's instant cut to DT's milliseconds. A clock outside DT's range (before DT#1990-01-01, as a simulator's
instance started at virtual time 0 is, or after DT#2089-12-31-23:59:59.999) has no DT, and no Siemens page says what
the CPU writes then: the call stops the CPU naming the clock and the range (refused, not guessed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engineering_api.rules.plc_values import DT_FIRST_NS, DT_LAST_MS, dtl_ns, dtl_of_ns, wrap

from .errors import PlcRuntimeError

from .stdlib_core import register
from .stdlib_dtl import instant_ns

__all__ = ("CLOCK_CALLS",)

CLOCK_CALLS = ("RD_SYS_T", "RD_LOC_T", "WR_SYS_T", "WR_LOC_T")
"""The clock instructions of this module; their ENO is FALSE unless RET_VAL is 0 or 1."""


def _reader(local: bool) -> Callable[[tuple[str | None, ...], str | None], Callable[..., Any] | None]:
    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
        def now(rt: Any) -> int:
            return max(rt.clock_base_ns + rt.now_ns + (rt.local_offset_ns if local else 0), 0)

        def read(rt: Any, out: dict[str, Any]) -> int:
            out.update(dtl_of_ns(now(rt)))
            return 0

        def read_long(rt: Any, out: list[int]) -> int:  # an LDT's one-element box (codegen_calls.function)
            out[0] = now(rt)
            return 0

        def read_dt(rt: Any, out: list[int]) -> int:  # a DT's one-element box: its milliseconds since 1990
            ns = now(rt)
            ms = (ns - DT_FIRST_NS) // 1_000_000
            if ns < DT_FIRST_NS or ms > DT_LAST_MS:
                raise PlcRuntimeError(
                    f"The clock ({_text(ns)}) is outside the range of DATE_AND_TIME (DT#1990-01-01 .. "
                    "DT#2089-12-31-23:59:59.999): what the CPU writes into a DT then is not documented, so the "
                    "simulated PLC does not run it.", code="instruction-not-supported")
            out[0] = ms
            return 0

        readers: dict[str, Callable[..., Any]] = {"DTL": read, "LDT": read_long, "DATE_AND_TIME": read_dt}
        return readers.get(args[0] or "")

    return build


def _text(ns: int) -> str:
    """An instant as a DTL constant's text (``1970-01-01-00:00:00.010``)."""
    dtl = dtl_of_ns(ns)
    return (f"{dtl['YEAR']:04d}-{dtl['MONTH']:02d}-{dtl['DAY']:02d}-{dtl['HOUR']:02d}:{dtl['MINUTE']:02d}:"
            f"{dtl['SECOND']:02d}.{dtl['NANOSECOND'] // 1_000_000:03d}")


register("RD_SYS_T", ("OUT",), needs_rt=True, by_reference=("OUT",))(_reader(local=False))
register("RD_LOC_T", ("OUT",), needs_rt=True, by_reference=("OUT",))(_reader(local=True))


def _writer(local: bool) -> Callable[[tuple[str | None, ...], str | None], Callable[..., Any] | None]:
    """WR_SYS_T (the system time from IN) or WR_LOC_T (the local time from LOCTIME: the system time is it less the
    time zone's offset; DST, which only the "double hour" of a daylight saving time change reads, has none here)."""

    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
        t = args[0]
        if t not in ("DTL", "LDT", "DATE_AND_TIME"):
            return None

        def write(rt: Any, value: Any, _dst: bool = False) -> int:
            if t == "DTL":
                instant = dtl_ns(value)
                if isinstance(instant, tuple):
                    return wrap(instant[1], "INT")  # RET_VAL is an Int: 16#8081 reads -32639
            else:
                checked = instant_ns(t, value)
                if checked is None:  # an LDT outside its range (its year is no year of the clock), as a DTL's year
                    return wrap(0x8081, "INT")
                instant = checked
            rt.clock_base_ns = instant - (rt.local_offset_ns if local else 0) - rt.now_ns
            return 0

        return write

    return build


register("WR_SYS_T", ("IN",), needs_rt=True)(_writer(local=False))
register("WR_LOC_T", ("LOCTIME", "DST"), needs_rt=True)(_writer(local=True))
