"""The instants DTL, DATE_AND_TIME (DT) and LDT in the simulated PLC: T_COMBINE (CONCAT_DATE_TOD), T_ADD, T_SUB and
T_DIFF on DT and LDT, T_CONV and the conversions between them and into DATE and TOD, and DT values in the typed store.

Sources:
* S7-1200 System Manual V4.2, A5E02486680-AK (09/2016), 9.1: Tables 9-1 and 9-2 (T_CONV), Tables 9-3 .. 9-6
  (T_ADD, T_SUB, T_DIFF: "ENO = 0 and parameter OUT = 0" for an invalid input value), Tables 9-7 and 9-8 (T_COMBINE,
  written ``CONCAT_DATE_TOD`` in SCL, combines a Date and a Time_of_Day into a DTL; IN1 between DATE#1990-01-01 and
  DATE#2089-12-31).
* "Programming with STEP 7", manual 05/2010, A5E02789666-01, 27.3.3.2 "Format of the Data Type DATE_AND_TIME": eight
  BCD bytes, DT#1990-1-1-0:0:0.0 to DT#2089-12-31-23:59:59.999 (whole milliseconds).
* S7-1200 System Manual A5E02486680-AK, Table 5-33 (DTL 1970-01-01 .. 2554-12-31); STEP 7 help, LDT (1970-01-01 ..
  2262-04-11-23:47:16.854775807).
The value an error stores (the receiving type's first value) is this project's decision: the manuals give "0" for
a Time and no value for the others (docs/simulated-plc.md).
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest

from engineering_api.rules.plc_values import DT_LAST_MS, INT_RANGES, date_time_value
from tests.runtime.plc_check_findings import plc_check_codes
from tools.plc_software import Sim

_DB = '''
DATA_BLOCK "D"
VAR
  day : Date := D#2024-02-29; noon : Time_Of_Day := TOD#12:00:00.5; long_noon : LTime_Of_Day := LTOD#12:00:00.000000001;
  stamp : Date_And_Time := DT#2024-02-29-23:59:59.999; later : Date_And_Time; unset : Date_And_Time;
  long : LDT := LDT#2024-02-29-23:59:59.123456789; long_later : LDT;
  dtl : DTL; dtl_old : DTL := DTL#1985-06-01-00:00:00; dtl_far : DTL := DTL#2300-01-01-00:00:00;
  as_dt : Date_And_Time; as_ldt : LDT; as_dtl : DTL; as_date : Date; as_tod : Time_Of_Day; as_ltod : LTime_Of_Day;
  span : Time; long_span : LTime; ok1 : Bool; ok2 : Bool; ok3 : Bool;
END_VAR
BEGIN END_DATA_BLOCK
'''


def _sim(body: str) -> Sim:
    return Sim(_DB + f'ORGANIZATION_BLOCK "Main"\nBEGIN\n{body}\nEND_ORGANIZATION_BLOCK')


def _dt(text: str) -> int:
    value = date_time_value(text, "DATE_AND_TIME")
    assert isinstance(value, int)
    return value


def test_dt_start_values_are_its_milliseconds_since_1990_and_a_dt_constant_is_assigned() -> None:
    sim = _sim('  "D".later := DT#2089-12-31-23:59:59.999;')
    sim.scan()
    first = datetime.datetime(1990, 1, 1)
    assert sim['"D".stamp'] == (datetime.datetime(2024, 2, 29, 23, 59, 59, 999_000) - first) // datetime.timedelta(
        milliseconds=1)
    assert sim['"D".unset'] == 0  # DT#1990-01-01-00:00:00, DT's first value
    assert sim['"D".later'] == DT_LAST_MS
    assert not sim.image.warnings


@pytest.mark.parametrize("text", [
    "1989-12-31-23:59:59.999",  # before DT's first value (A5E02789666-01, 27.3.3.2)
    "2090-01-01-00:00:00",  # after its last
    "2024-01-01-00:00:00.0001",  # finer than DT's milliseconds
    "2023-02-29-00:00:00",  # no such day
])
def test_a_dt_constant_no_dt_holds_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        date_time_value(text, "DATE_AND_TIME")


def test_t_combine_and_concat_date_tod_build_each_instant_from_a_date_and_a_time_of_day() -> None:
    sim = _sim('''  "D".as_dtl := T_COMBINE(IN1 := "D".day, IN2 := "D".noon, ENO => "D".ok1);
  "D".as_dt := CONCAT_DATE_TOD(IN1 := "D".day, IN2 := "D".noon, ENO => "D".ok2);
  "D".as_ldt := T_COMBINE(IN1 := "D".day, IN2 := "D".long_noon, ENO => "D".ok3);''')
    sim.scan()
    assert sim['"D".as_dtl'] == date_time_value("2024-02-29-12:00:00.5", "DTL")
    assert sim['"D".as_dt'] == _dt("2024-02-29-12:00:00.5")
    assert sim['"D".as_ldt'] == date_time_value("2024-02-29-12:00:00.000000001", "LDT")
    assert (sim['"D".ok1'], sim['"D".ok2'], sim['"D".ok3']) == (True, True, True)


def test_a_date_no_dt_holds_is_an_error_when_combined_into_a_dt() -> None:
    sim = _sim('  "D".as_dt := CONCAT_DATE_TOD(IN1 := "D".day, IN2 := "D".noon, ENO => "D".ok1);')
    sim['"D".day'] = INT_RANGES["DATE"][1]  # D#2168-12-31: after DT#2089-12-31 (Table 9-8's limit for IN1)
    sim.scan()
    assert (sim['"D".as_dt'], sim['"D".ok1']) == (0, False)


def test_t_add_t_sub_and_t_diff_on_dt_and_ldt_cross_a_leap_day() -> None:
    sim = _sim('''  "D".later := T_ADD(IN1 := "D".stamp, IN2 := T#1MS, ENO => "D".ok1);
  "D".long_later := T_SUB(IN1 := "D".long, IN2 := LT#1D, ENO => "D".ok2);
  "D".span := T_DIFF(IN1 := "D".later, IN2 := "D".stamp, ENO => "D".ok3);
  "D".long_span := T_DIFF(IN1 := "D".long, IN2 := "D".long_later);''')
    sim.scan()
    assert sim['"D".later'] == _dt("2024-03-01-00:00:00")
    assert sim['"D".long_later'] == date_time_value("2024-02-28-23:59:59.123456789", "LDT")
    assert (sim['"D".span'], sim['"D".long_span']) == (1, 86_400_000_000_000)
    assert (sim['"D".ok1'], sim['"D".ok2'], sim['"D".ok3']) == (True, True, True)


def test_a_dt_sum_past_the_type_is_an_error_that_stores_its_first_value() -> None:
    sim = _sim('  "D".later := T_ADD(IN1 := "D".stamp, IN2 := T#1MS, ENO => "D".ok1);')
    sim['"D".stamp'] = DT_LAST_MS
    sim.scan()
    assert (sim['"D".later'], sim['"D".ok1']) == (0, False)


def test_a_difference_no_time_holds_is_an_error() -> None:
    sim = _sim('  "D".span := T_DIFF(IN1 := "D".long, IN2 := "D".long_later, ENO => "D".ok1);')
    sim.scan()  # 54 years: beyond T#24D20H31M23S647MS
    assert (sim['"D".span'], sim['"D".ok1']) == (0, False)


def test_conversions_between_the_instants_and_into_date_and_time_of_day() -> None:
    sim = _sim('''  "D".as_dtl := DT_TO_DTL("D".stamp);
  "D".as_ldt := T_CONV(IN := "D".stamp);
  "D".as_dt := LDT_TO_DT("D".long);
  "D".as_date := DT_TO_DATE("D".stamp);
  "D".as_tod := DT_TO_TOD("D".stamp);
  "D".as_ltod := LDT_TO_LTOD("D".long);''')
    sim.scan()
    assert sim['"D".as_dtl'] == date_time_value("2024-02-29-23:59:59.999", "DTL")
    assert sim['"D".as_ldt'] == date_time_value("2024-02-29-23:59:59.999", "LDT")
    assert sim['"D".as_dt'] == _dt("2024-02-29-23:59:59.123")  # an LDT's nanoseconds cut to DT's milliseconds
    assert sim['"D".as_date'] == (datetime.date(2024, 2, 29) - datetime.date(1990, 1, 1)).days
    assert (sim['"D".as_tod'], sim['"D".as_ltod']) == (86_399_999, 86_399_123_456_789)


def test_t_conv_converts_between_a_time_and_a_dint_in_milliseconds() -> None:
    """A5E02486680-AK, 9.1, Tables 9-1 and 9-2: T_CONV converts a Time into a DInt and a DInt into a Time (ms); into
    an LTime the same duration in ns."""
    sim = Sim('''
DATA_BLOCK "D"
VAR n : DInt := -1500; span : Time; back : DInt; long_span : LTime; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".span := T_CONV(IN := "D".n);
  "D".back := T_CONV(IN := "D".span);
  "D".long_span := T_CONV(IN := "D".span);
END_ORGANIZATION_BLOCK''')
    sim.scan()
    assert (sim['"D".span'], sim['"D".back'], sim['"D".long_span']) == (-1500, -1500, -1_500_000_000)


@pytest.mark.parametrize(("conversion", "source", "target"), [
    ("DTL_TO_DT", "dtl_old", "as_dt"),  # 1985: before DT
    ("DTL_TO_DT", "dtl_far", "as_dt"),  # 2300: after DT
    ("DTL_TO_LDT", "dtl_far", "as_ldt"),  # 2300: after LDT
    ("LDT_TO_DATE", "as_ldt", "as_date"),  # LDT#1970-01-01: before Date
])
def test_an_instant_the_receiving_type_cannot_hold_is_an_error(conversion: str, source: str, target: str) -> None:
    sim = _sim(f'  "D".{target} := {conversion}(IN := "D".{source}, ENO => "D".ok1);')
    sim.scan()
    assert (sim[f'"D".{target}'], sim['"D".ok1']) == (0, False)  # the type's first value


def test_every_converted_instant_is_a_value_of_its_type() -> None:
    """The typed store stays honest: random DTs through every conversion land inside each receiving type."""
    rng = random.Random(90)
    sim = _sim('''  "D".as_ldt := DT_TO_LDT("D".stamp);
  "D".as_dtl := LDT_TO_DTL("D".as_ldt);
  "D".as_dt := DTL_TO_DT("D".as_dtl);
  "D".as_date := DT_TO_DATE("D".as_dt);
  "D".as_tod := LDT_TO_TOD("D".as_ldt);''')
    for value in [0, DT_LAST_MS] + [rng.randint(0, DT_LAST_MS) for _ in range(30)]:
        sim['"D".stamp'] = value
        sim.scan()
        assert sim['"D".as_dt'] == value  # DT -> LDT -> DTL -> DT loses nothing
        assert INT_RANGES["DATE"][0] <= sim['"D".as_date'] <= INT_RANGES["DATE"][1]
        assert sim['"D".as_tod'] == value % 86_400_000


def test_plc_check_reports_none_of_them_as_not_simulated(tmp_path: Path) -> None:
    code, codes = plc_check_codes(tmp_path / "Instants.scl", _DB + '''FUNCTION "Instants" : Void
BEGIN
  "D".as_dtl := T_COMBINE(IN1 := "D".day, IN2 := "D".noon);
  "D".as_dt := CONCAT_DATE_TOD(IN1 := "D".day, IN2 := "D".noon);
  "D".later := T_ADD(IN1 := "D".stamp, IN2 := T#1S);
  "D".span := T_DIFF(IN1 := "D".later, IN2 := "D".stamp);
  "D".as_ldt := T_CONV(IN := "D".stamp);
  "D".as_date := DT_TO_DATE("D".stamp);
  "D".as_tod := DT_TO_TOD("D".stamp);
  "D".as_dt := LDT_TO_DT("D".long);
END_FUNCTION
''')
    assert code == 0 and "NOT_SIMULATED" not in codes, codes


def test_an_ldt_converts_from_and_into_its_nanoseconds_and_no_other_number_or_string_converts_into_an_instant(
        tmp_path: Path) -> None:
    """STEP 7 help, "Implicit conversion of LDT / LINT / ULINT / LWORD" (S7-1500, S7-1200 G2): the bit pattern moves
    unchanged, the nanoseconds since 1970-01-01; a count no LDT holds (below 0, beyond 2^63-1 ns) is the instants'
    error (ENO FALSE, the first value). The same help's tables list no conversion into DT from a number or a string,
    and into LDT from no narrower number: those stay not simulated, reported by plc check before a run."""
    sim = Sim('''DATA_BLOCK "D"
VAR
  count : LInt := 1709251199123456789; negative : LInt := -1; above : ULInt := 9223372036854775808;
  last : LWord := 16#7FFF_FFFF_FFFF_FFFF; long : LDT := LDT#2024-02-29-23:59:59.123456789;
  a : LDT; b : LDT := LDT#2000-01-01-00:00:00; c : LDT := LDT#2000-01-01-00:00:00; d : LDT;
  back : LInt; back_u : ULInt; back_w : LWord; ok1 : Bool; ok2 : Bool; ok3 : Bool;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".a := LINT_TO_LDT("D".count);
  "D".b := LINT_TO_LDT(IN := "D".negative, ENO => "D".ok1);
  "D".c := ULINT_TO_LDT(IN := "D".above, ENO => "D".ok2);
  "D".d := LWORD_TO_LDT(IN := "D".last, ENO => "D".ok3);
  "D".back := LDT_TO_LINT("D".long);
  "D".back_u := LDT_TO_ULINT("D".long);
  "D".back_w := LDT_TO_LWORD("D".long);
END_ORGANIZATION_BLOCK''')
    sim.scan()
    assert sim['"D".a'] == date_time_value("2024-02-29-23:59:59.123456789", "LDT") == 1709251199123456789
    assert (sim['"D".b'], sim['"D".ok1'], sim['"D".c'], sim['"D".ok2']) == (0, False, 0, False)
    assert (sim['"D".d'], sim['"D".ok3']) == (date_time_value("2262-04-11-23:47:16.854775807", "LDT"), True)
    assert sim['"D".back'] == sim['"D".back_u'] == sim['"D".back_w'] == 1709251199123456789
    code, codes = plc_check_codes(tmp_path / "Numbers.scl", _DB + '''FUNCTION "Numbers" : Void
VAR_TEMP n : DInt; s : String; END_VAR
BEGIN
  "D".as_dt := DINT_TO_DT(#n);
  "D".as_dt := STRING_TO_DT(#s);
  "D".as_ldt := DINT_TO_LDT(#n);
END_FUNCTION
''')
    assert codes.count("NOT_SIMULATED") == 3, codes
