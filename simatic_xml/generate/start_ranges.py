"""The ranges of the date, time and string types, for start values: a constant outside its type is refused as TIA
refuses it, so no store of the simulated PLC ever holds a value its type cannot.

S7-1200 System Manual V4.2 (A5E02486680-AK, 09/2016), 5.4.4 "Time and Date data types", Table 5-32 (p. 128): Time
T#-24d_20h_31m_23s_648ms to T#24d_20h_31m_23s_647ms, Date D#1990-1-1 to D#2168-12-31, Time_of_Day TOD#0:0:0.0 to
TOD#23:59:59.999; STEP 7 help, data types LTIME (a signed 64-bit count of nanoseconds) and LTOD (nanoseconds since
midnight, LTOD#00:00:00.000000000 to LTOD#23:59:59.999999999); A5E02486680-AG (03/2014), Table 4-32 "Character and
String data types" (a String of n characters, n 0 to 254); STEP 7 help WSTRING (up to 16382 characters).
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

__all__ = ("duration_ns", "range_refusal")

_NS_PER_UNIT = {"D": 86_400 * 10**9, "H": 3_600 * 10**9, "M": 60 * 10**9, "S": 10**9, "MS": 10**6, "US": 10**3,
                "NS": 1}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(MS|US|NS|D|H|M|S)", re.IGNORECASE)
_DATE = re.compile(r"^(?:D|DATE)#(\d{1,4})-(\d{1,2})-(\d{1,2})$", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"^(L?TOD|L?TIME_OF_DAY)#(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$", re.IGNORECASE)
_DURATION = re.compile(r"^(?:LTIME|LT|TIME|T)#", re.IGNORECASE)
_STRING = re.compile(r"^(?:W?STRING#)?'(.*)'$", re.IGNORECASE | re.DOTALL)
_STRING_ESCAPE = re.compile(r"\$(?:[0-9A-Fa-f]{2}|.)", re.DOTALL)
_LENGTH = re.compile(r"^(W?String)(?:\[(\d+)\])?$")
_FIRST_DAY = datetime.date(1990, 1, 1)
_LAST_DAY = datetime.date(2168, 12, 31)
_RANGES_NS = {"Time": (-(2**31) * 10**6, (2**31 - 1) * 10**6), "LTime": (-(2**63), 2**63 - 1)}
_DAY_NS = 86_400 * 10**9
_FRACTION_DIGITS = {"Time_Of_Day": 3, "LTime_Of_Day": 9}
_TOD_TYPES = {"Time_Of_Day": "Time_Of_Day", "TOD": "Time_Of_Day", "LTime_Of_Day": "LTime_Of_Day",
              "LTOD": "LTime_Of_Day"}
_DEFAULT_LENGTH = {"String": 254, "WString": 254}


def duration_ns(text: str) -> int | None:
    """The exact nanoseconds of a duration literal (``LT#1ms500us``, ``LTIME#-7ns``, ``T#1.5s``), or None.

    The SCL parser's literal value is whole milliseconds (all a ``TIME`` holds); an ``LTIME`` is a 64-bit count of
    nanoseconds (STEP 7 help, data type LTIME), so its literals are read again here, exactly (no float)."""
    body = text.split("#", 1)[-1].replace("_", "")
    negative = body.startswith("-")
    body = body.lstrip("+-")
    total, pos = Fraction(0), 0
    for m in _DURATION_PART.finditer(body):
        if m.start() != pos:
            return None
        total += Fraction(m.group(1)) * _NS_PER_UNIT[m.group(2).upper()]
        pos = m.end()
    if pos == 0 or pos != len(body):
        return None
    ns = int(total)  # a fraction of a nanosecond is cut off
    return -ns if negative else ns


def range_refusal(value: str, datatype: str) -> str | None:
    """Why the start value ``value`` is no value of ``datatype`` (a Date, Time, LTime, time of day, String[n] or
    WString[n]), None when it is one or the type is none of these (other checks judge those)."""
    text = value.strip()
    if datatype == "Date":
        return _date_refusal(text)
    if datatype in _TOD_TYPES:
        return _time_of_day_refusal(text, _TOD_TYPES[datatype])
    if datatype in _RANGES_NS and _DURATION.match(text):
        ns = duration_ns(text)
        low, high = _RANGES_NS[datatype]
        return None if ns is None or low <= ns <= high else f"{value} is out of range for {datatype}"
    length = _LENGTH.match(datatype)
    if length and (literal := _STRING.match(text)):
        most = int(length.group(2)) if length.group(2) else _DEFAULT_LENGTH[length.group(1)]
        count = len(_STRING_ESCAPE.sub("x", literal.group(1)))
        return None if count <= most else f"{value} has {count} characters; a {datatype} holds {most}"
    return None


def _date_refusal(text: str) -> str | None:
    found = _DATE.match(text)
    if found is None:
        return None if "#" not in text else f"{text!r} is not a Date literal such as D#2024-02-29"
    try:
        day = datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        return f"{text} is no day of the calendar"
    if not _FIRST_DAY <= day <= _LAST_DAY:
        return f"{text} is out of range for Date (D#1990-01-01..D#2168-12-31)"
    return None


def _time_of_day_refusal(text: str, datatype: str) -> str | None:
    found = _TIME_OF_DAY.match(text)
    if found is None:
        return None if "#" not in text else f"{text!r} is not a {datatype} literal such as TOD#12:30:00"
    hours, minutes, seconds = (int(found.group(n)) for n in (2, 3, 4))
    digits = len(found.group(5) or "")
    if hours > 23 or minutes > 59 or seconds > 59 or digits > _FRACTION_DIGITS[datatype]:
        return f"{text} is out of range for {datatype} (00:00:00 to 23:59:59.{'9' * _FRACTION_DIGITS[datatype]})"
    return None
