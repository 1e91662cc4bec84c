"""The CPU's clock in the simulated PLC: RD_SYS_T, RD_LOC_T and WR_SYS_T.

S7-1200 System Manual A5E02486680-05 (11/2011), 8.1, Tables 8-10 and 8-11: OUT is the system (or local) time as a
DTL; WR_SYS_T sets the system time; RET_VAL 0, or 16#8081 .. 16#8087 for an illegal year, month, day, hour, minute,
second or nanosecond, with ENO FALSE; local time is the system time plus the time zone's offset.
"""

from __future__ import annotations

import datetime

import pytest

from engineering_api.rules.plc_values import date_time_value, dtl_ns, wrap
from fakes.program import PlcSoftware
from fakes.runtime.cpu import RuntimeContext, SimulatedCpu
from fakes.runtime.errors import PlcRuntimeError
from fakes.runtime.image import build_image
from fakes.runtime.memory import Memory
from fakes.runtime.stdlib import FUNCTIONS
from tools.plc_software import Sim

_PROGRAM = '''
DATA_BLOCK "D"
VAR
  now : DTL; local : DTL; wanted : DTL := DTL#2026-11-29-06:00:00; read_ret : Int; write_ret : Int;
  ok : Bool := TRUE; write : Bool;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  IF "D".write THEN
    "D".write_ret := WR_SYS_T(IN := "D".wanted, ENO => "D".ok);
    "D".write := FALSE;
  END_IF;
  "D".read_ret := RD_SYS_T(OUT => "D".now);
  "D".read_ret := RD_LOC_T(OUT => "D".local);
END_ORGANIZATION_BLOCK'''


def _ns(text: str) -> int:
    instant = dtl_ns(date_time_value(text, "DTL"))
    assert isinstance(instant, int)
    return instant


def test_the_clock_moves_with_the_virtual_time_and_wr_sys_t_sets_it() -> None:
    sim = Sim(_PROGRAM)
    sim.scan()
    assert sim['"D".now'] == date_time_value("1970-01-01-00:00:00.01", "DTL")  # the clock at 0, one cycle on
    sim['"D".write'] = True
    sim.scan()  # written at the start of this cycle, read in it
    assert (sim['"D".write_ret'], sim['"D".ok'], sim['"D".read_ret']) == (0, True, 0)
    assert sim['"D".now'] == date_time_value("2026-11-29-06:00:00", "DTL")
    sim.scan(100, dt_ms=1000)
    assert sim['"D".now'] == date_time_value("2026-11-29-06:01:40", "DTL")  # 100 cycles of a second later
    assert sim['"D".now']["WEEKDAY"] == 1  # 2026-11-29 is a Sunday


def test_local_time_is_system_time_plus_the_time_zone() -> None:
    sim = Sim(_PROGRAM)
    sim.rt.local_offset_ns = 90 * 60_000_000_000  # UTC+01:30
    sim['"D".write'] = True
    sim.scan()
    assert sim['"D".local'] == date_time_value("2026-11-29-07:30:00", "DTL")
    assert sim['"D".now'] == date_time_value("2026-11-29-06:00:00", "DTL")


@pytest.mark.parametrize(("member", "value", "code"), [
    ("YEAR", 1969, 0x8081), ("YEAR", 2555, 0x8081), ("MONTH", 0, 0x8082), ("MONTH", 13, 0x8082),
    ("DAY", 31, 0x8083),  # November has 30 days
    ("HOUR", 24, 0x8084), ("MINUTE", 60, 0x8085), ("SECOND", 60, 0x8086), ("NANOSECOND", 1_000_000_000, 0x8087),
])
def test_an_illegal_member_is_refused_with_its_code_and_the_clock_kept(member: str, value: int, code: int) -> None:
    sim = Sim(_PROGRAM)
    sim['"D".write'] = True
    sim.scan()
    sim[f'"D".wanted.{member}'] = value
    sim['"D".write'] = True
    sim.scan()
    assert (sim['"D".write_ret'], sim['"D".ok']) == (wrap(code, "INT"), False)
    assert sim['"D".now'] == date_time_value("2026-11-29-06:00:00.01", "DTL")  # unchanged, one cycle on


def test_an_ldt_receives_the_clock_and_an_ldt_or_a_dt_sets_it() -> None:
    """An S7-1500's RD_SYS_T and RD_LOC_T write an LDT too (its nanoseconds since 1970), WR_SYS_T reads an LDT or a
    DT (an LDT or DT the store holds is a valid instant: RET_VAL 0)."""
    sim = Sim('''
DATA_BLOCK "D"
VAR
  now : LDT; local : LDT; ret : Int; ok : Bool; write_ldt : Bool; write_dt : Bool;
  ldt : LDT := LDT#2026-11-29-06:00:00.000000123; dt : Date_And_Time := DT#2030-01-01-00:00:00.5;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  IF "D".write_ldt THEN "D".ret := WR_SYS_T(IN := "D".ldt); "D".write_ldt := FALSE; END_IF;
  IF "D".write_dt THEN "D".ret := WR_SYS_T(IN := "D".dt); "D".write_dt := FALSE; END_IF;
  "D".ret := RD_SYS_T(OUT => "D".now, ENO => "D".ok);
  "D".ret := RD_LOC_T(OUT => "D".local);
END_ORGANIZATION_BLOCK''')
    sim.rt.local_offset_ns = -60 * 60_000_000_000  # UTC-01:00
    sim.scan()
    assert (sim['"D".now'], sim['"D".ok'], sim['"D".ret']) == (10_000_000, True, 0)  # 1970, one cycle of 10 ms on
    sim['"D".write_ldt'] = True
    sim.scan()
    assert sim['"D".now'] == date_time_value("2026-11-29-06:00:00.000000123", "LDT")
    assert sim['"D".local'] == date_time_value("2026-11-29-05:00:00.000000123", "LDT")
    sim['"D".write_dt'] = True
    sim.scan()
    assert (sim['"D".now'], sim['"D".ret']) == (date_time_value("2030-01-01-00:00:00.5", "LDT"), 0)


def test_wr_loc_t_sets_the_local_time_and_refuses_an_illegal_member() -> None:
    """A5E02486680-AK (09/2016), 9.1, Table 9-10: WR_LOC_T sets the local time (the system time is it less the time
    zone's offset); DST counts only in a daylight saving change's double hour, which this clock has not."""
    sim = Sim(_PROGRAM.replace('WR_SYS_T(IN := "D".wanted', 'WR_LOC_T(LOCTIME := "D".wanted, DST := TRUE'))
    sim.rt.local_offset_ns = 120 * 60_000_000_000  # UTC+02:00
    sim['"D".write'] = True
    sim.scan()
    assert (sim['"D".write_ret'], sim['"D".ok']) == (0, True)
    assert sim['"D".local'] == date_time_value("2026-11-29-06:00:00", "DTL")
    assert sim['"D".now'] == date_time_value("2026-11-29-04:00:00", "DTL")
    sim['"D".wanted.HOUR'] = 24
    sim['"D".write'] = True
    sim.scan()
    assert (sim['"D".write_ret'], sim['"D".ok']) == (wrap(0x8084, "INT"), False)
    assert sim['"D".local'] == date_time_value("2026-11-29-06:00:00.01", "DTL")  # unchanged, one cycle on


def test_a_cpu_reads_its_own_clock_and_time_zone() -> None:
    """The CPU's runtime context: the instance's clock (``clock_base_ns``, PLCSIM's system time) and time zone."""
    cpu = SimulatedCpu("PLC_1", instance_id=1, empty_image=build_image(PlcSoftware(), ""))
    cpu.clock_base_ns = _ns("2026-01-01-00:00:00")
    cpu.now_ns = 3_600_000_000_000
    cpu.config.time_zone_minutes = -300
    rt = RuntimeContext(cpu, Memory())
    out: dict = {}
    assert FUNCTIONS["RD_LOC_T"].specialise(("DTL",), "INT")(rt, out) == 0
    assert out == date_time_value("2025-12-31-20:00:00", "DTL")
    assert FUNCTIONS["WR_SYS_T"].specialise(("DTL",), "INT")(rt, date_time_value("2030-06-01-12:00:00", "DTL")) == 0
    assert cpu.clock_base_ns + cpu.now_ns == _ns("2030-06-01-12:00:00")
    assert datetime.datetime.fromtimestamp(cpu.clock_base_ns / 1e9, datetime.UTC).year == 2030


_DT_PROGRAM = '''
DATA_BLOCK "D"
VAR
  now : Date_And_Time; local : Date_And_Time; ret : Int; ok : Bool; write : Bool; wanted : LDT;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  IF "D".write THEN "D".ret := WR_SYS_T(IN := "D".wanted); "D".write := FALSE; END_IF;
  "D".ret := RD_SYS_T(OUT => "D".now, ENO => "D".ok);
  "D".ret := RD_LOC_T(OUT => "D".local);
END_ORGANIZATION_BLOCK'''


def test_a_dt_receives_the_clock_cut_to_its_milliseconds_within_its_range_and_is_refused_outside() -> None:
    """STEP 7 help "RD_SYS_T: Read time-of-day" (S7-1500): OUT may be a DT. A DT holds DT#1990-01-01 ..
    DT#2089-12-31-23:59:59.999 in whole milliseconds ("Programming with STEP 7", A5E02789666-01, 27.3.3.2); a clock
    outside it has no DT and no page says what the CPU writes then, so the call stops the CPU naming both."""
    sim = Sim(_DT_PROGRAM)
    sim.rt.local_offset_ns = 60 * 60_000_000_000  # UTC+01:00
    for text, local in (("2026-11-29-06:00:00.123456789", "2026-11-29-07:00:00.123"),
                        ("2089-12-31-22:59:59.999999999", "2089-12-31-23:59:59.999")):  # local time: DT's last ms
        sim['"D".wanted'] = date_time_value(text, "LDT")
        sim['"D".write'] = True
        sim.scan()
        assert (sim['"D".now'], sim['"D".ok'], sim['"D".ret']) == (
            date_time_value(text[:23], "DATE_AND_TIME"), True, 0)
        assert sim['"D".local'] == date_time_value(local, "DATE_AND_TIME")
    with pytest.raises(PlcRuntimeError, match=r"clock \(2090-01-01-00:00:00\.009\) is outside the range of DATE"):
        sim.scan()  # RD_SYS_T's clock is one cycle on; RD_LOC_T's, an hour ahead, is past 2089
    early = Sim(_DT_PROGRAM)  # a simulator's clock starts at 1970
    with pytest.raises(PlcRuntimeError, match=r"clock \(1970-01-01-00:00:00\.010\) is outside the range of DATE"):
        early.scan()
