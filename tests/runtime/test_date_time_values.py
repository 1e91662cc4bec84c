"""Date-and-time values in the simulated PLC: DTL and LDT constants as start values and in code, and DTL_TO_DATE
into a Date that never holds a day outside its type.

Sources: S7-1200 System Manual A5E02486680-AK (09/2016), Table 5-33 (DTL's range, DTL#1970-01-01-00:00:00.0 to
DTL#2554-12-31-23:59:59.999999999) and Table 5-34 (its members; WEEKDAY 1 = Sunday .. 7 = Saturday, not part of
the constant); Date's range D#1990-01-01 .. D#2168-12-31 (``engineering_api.rules.plc_values.INT_RANGES``).
"""

from __future__ import annotations

import datetime
import random

import pytest

from engineering_api.rules.plc_values import INT_RANGES, date_time_value
from tools.plc_software import Sim

_DB = '''
DATA_BLOCK "D"
VAR
  stamp : DTL := DTL#2024-02-29-12:34:56.789;
  first : DTL;
  coded : DTL;
  long : LDT := LDT#2024-02-29-12:34:56.123456789;
  day : Date; day_first : Date; ok : Bool; ok_first : Bool;
END_VAR
BEGIN END_DATA_BLOCK
'''


def _sim(body: str) -> Sim:
    return Sim(_DB + f'''
ORGANIZATION_BLOCK "Main"
BEGIN
{body}
END_ORGANIZATION_BLOCK''')


def test_a_dtl_start_value_is_stored_member_by_member_with_its_weekday() -> None:
    sim = _sim("")
    sim.scan()
    assert sim['"D".stamp'] == {"YEAR": 2024, "MONTH": 2, "DAY": 29, "WEEKDAY": 5, "HOUR": 12, "MINUTE": 34,
                                "SECOND": 56, "NANOSECOND": 789_000_000}  # 2024-02-29 was a Thursday
    assert sim['"D".first'] == {"YEAR": 1970, "MONTH": 1, "DAY": 1, "WEEKDAY": 5, "HOUR": 0, "MINUTE": 0,
                                "SECOND": 0, "NANOSECOND": 0}  # no start value: DTL's first instant
    assert sim['"D".long'] == 1_709_210_096_123_456_789  # nanoseconds since 1970-01-01
    assert not sim.image.warnings


def test_a_dtl_constant_in_code_is_assigned() -> None:
    sim = _sim('  "D".coded := DTL#2000-01-02-03:04:05.5;')
    sim.scan()
    assert sim['"D".coded'] == {"YEAR": 2000, "MONTH": 1, "DAY": 2, "WEEKDAY": 1, "HOUR": 3, "MINUTE": 4,
                                "SECOND": 5, "NANOSECOND": 500_000_000}  # a Sunday


def test_dtl_to_date_keeps_the_date_inside_its_type_and_says_so_in_eno() -> None:
    sim = _sim('''  "D".day := DTL_TO_DATE(IN := "D".stamp, ENO => "D".ok);
  "D".day_first := DTL_TO_DATE(IN := "D".first, ENO => "D".ok_first);''')
    sim.scan()
    assert (sim['"D".day'], sim['"D".ok']) == ((datetime.date(2024, 2, 29) - datetime.date(1990, 1, 1)).days, True)
    # 1970 is before Date's first day: an error, and the Date keeps a value it can hold (never -7305)
    assert (sim['"D".day_first'], sim['"D".ok_first']) == (0, False)


def test_every_dtl_date_converts_into_a_date_of_the_range_or_reports_eno_false() -> None:
    rng = random.Random(90)
    first, last = datetime.date(1970, 1, 1).toordinal(), datetime.date(2554, 12, 31).toordinal()
    days = [rng.randint(first, last) for _ in range(40)] + [datetime.date(1989, 12, 31).toordinal(),
                                                          datetime.date(1990, 1, 1).toordinal(),
                                                          datetime.date(2168, 12, 31).toordinal(),
                                                          datetime.date(2169, 1, 1).toordinal()]
    low, high = INT_RANGES["DATE"]
    sim = _sim('  "D".day := DTL_TO_DATE(IN := "D".stamp, ENO => "D".ok);')
    for ordinal in days:
        when = datetime.date.fromordinal(ordinal)
        for member, value in date_time_value(f"{when.isoformat()}-06:00:00", "DTL").items():
            sim[f'"D".stamp.{member}'] = value
        sim.scan()
        expected = (when - datetime.date(1990, 1, 1)).days
        inside = low <= expected <= high
        assert low <= sim['"D".day'] <= high
        assert (sim['"D".day'], sim['"D".ok']) == ((expected, True) if inside else (0, False)), when


@pytest.mark.parametrize(("text", "t"), [
    ("2023-02-29-00:00:00", "DTL"),  # no such day
    ("1969-12-31-23:59:59.999", "DTL"),  # before DTL's first instant
    ("2555-01-01-00:00:00", "DTL"),  # after its last (Table 5-33)
    ("2262-04-11-23:47:16.854775808", "LDT"),  # one nanosecond after LDT's last
    ("2024-01-01-24:00:00", "DTL"),
    ("2024-01-01-12:60:00", "DTL"),
    ("2024-01-01-12:00:00.1234567891", "DTL"),  # finer than a nanosecond
])
def test_a_date_and_time_constant_outside_its_type_is_refused(text: str, t: str) -> None:
    with pytest.raises(ValueError):
        date_time_value(text, t)


@pytest.mark.parametrize(("text", "t"), [
    ("1970-01-01-00:00:00", "DTL"), ("2554-12-31-23:59:59.999999999", "DTL"),
    ("1970-01-01-00:00:00", "LDT"), ("2262-04-11-23:47:16.854775807", "LDT"),
])
def test_the_ends_of_each_range_are_accepted(text: str, t: str) -> None:
    date_time_value(text, t)


_ARITHMETIC = '''
DATA_BLOCK "D"
VAR
  a : DTL := DTL#2024-02-28-23:00:00; b : DTL; c : DTL; late : DTL := DTL#2554-12-31-23:00:00;
  d : Time; e : Time; ok1 : Bool; ok2 : Bool; ok3 : Bool;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".b := T_ADD(IN1 := "D".a, IN2 := T#1D2H, ENO => "D".ok1);
  "D".c := T_SUB(IN1 := "D".a, IN2 := T#24D, ENO => "D".ok2);
  "D".d := T_DIFF(IN1 := "D".b, IN2 := "D".a, ENO => "D".ok3);
  "D".e := T_DIFF(IN1 := "D".a, IN2 := "D".b);
END_ORGANIZATION_BLOCK'''
"""S7-1200 System Manual A5E02486680-AK (09/2016), 9.1, Tables 9-3 .. 9-6: DTL + Time = DTL, DTL - Time = DTL,
DTL - DTL = Time; ENO = 0 and OUT = 0 for an invalid DTL or Time value."""


def test_t_add_t_sub_and_t_diff_on_dtl_cross_a_leap_day() -> None:
    sim = Sim(_ARITHMETIC)
    sim.scan()
    assert sim['"D".b'] == date_time_value("2024-03-01-01:00:00", "DTL")  # 2024-02-29 between; a Friday
    assert sim['"D".c'] == date_time_value("2024-02-04-23:00:00", "DTL")
    assert (sim['"D".d'], sim['"D".e']) == (26 * 3_600_000, -26 * 3_600_000)
    assert (sim['"D".ok1'], sim['"D".ok2'], sim['"D".ok3']) == (True, True, True)


@pytest.mark.parametrize(("member", "value", "error"), [
    ("MONTH", 13, True),  # no valid DTL: OUT is the error's, ENO FALSE
    ("DAY", 30, True),  # February 2024 has 29 days
    ("DAY", 1, False),  # a control: a valid DTL, the arithmetic runs
])
def test_an_invalid_dtl_is_an_error(member: str, value: int, error: bool) -> None:
    sim = Sim(_ARITHMETIC)
    sim[f'"D".a.{member}'] = value
    sim.scan()
    assert (sim['"D".b'] == date_time_value("1970-01-01-00:00:00", "DTL")) is error
    assert (sim['"D".ok1'], sim['"D".ok2'], sim['"D".ok3']) == ((False,) * 3 if error else (True,) * 3)
    assert (sim['"D".d'] == 0) is error


def test_a_difference_no_time_holds_is_an_error() -> None:
    sim = Sim(_ARITHMETIC.replace('T_DIFF(IN1 := "D".b, IN2 := "D".a', 'T_DIFF(IN1 := "D".late, IN2 := "D".a'))
    sim.scan()
    assert (sim['"D".d'], sim['"D".ok3']) == (0, False)  # 531 years: far beyond T#24D20H31M23S647MS


def test_a_shift_past_the_end_of_dtl_is_an_error() -> None:
    sim = Sim(_ARITHMETIC.replace('IN1 := "D".a, IN2 := T#1D2H', 'IN1 := "D".late, IN2 := T#1D2H'))
    sim.scan()
    assert sim['"D".b'] == date_time_value("1970-01-01-00:00:00", "DTL") and sim['"D".ok1'] is False
