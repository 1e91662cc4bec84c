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
