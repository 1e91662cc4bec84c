"""Start values of the date, time and string types from their literals, stored through the typed store: each type's
first and last value as the simulated PLC holds them, and one literal past each end refused before anything is
stored (``plc check``'s ``INVALID_DECLARATION``, as TIA refuses it).

S7-1200 System Manual V4.2 (A5E02486680-AK, 09/2016), 5.4.4, Table 5-32 "Time and date data types" (p. 128: Time
T#-24d_20h_31m_23s_648ms..T#24d_20h_31m_23s_647ms, Date D#1990-1-1..D#2168-12-31, Time_of_Day TOD#0:0:0.0..
TOD#23:59:59.999); STEP 7 help, data types LTIME (64-bit nanoseconds) and LTOD (nanoseconds since midnight, to
23:59:59.999999999); A5E02486680-AG (03/2014), Table 4-32 (a String of n characters holds n; a WString likewise,
STEP 7 help WSTRING) (``simatic_xml.generate.start_ranges``).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from engineering_api.cli import main
from tools.plc_software import Sim

_LAST_DATE = 65_378  # days from 1990-01-01 to 2168-12-31
_ENDS = {  # data type -> (first literal, its value, last literal, its value)
    "Date": ("D#1990-01-01", 0, "D#2168-12-31", _LAST_DATE),
    "Time_Of_Day": ("TOD#00:00:00", 0, "TOD#23:59:59.999", 86_399_999),
    "LTime_Of_Day": ("LTOD#00:00:00", 0, "LTOD#23:59:59.999999999", 86_399_999_999_999),
    "Time": ("T#-24d20h31m23s648ms", -(2**31), "T#24d20h31m23s647ms", 2**31 - 1),
    "LTime": ("LT#-106751d23h47m16s854ms775us808ns", -(2**63), "LT#106751d23h47m16s854ms775us807ns", 2**63 - 1),
    "WString[4]": ("WSTRING#''", "", "WSTRING#'äbcd'", "äbcd"),
    "String[3]": ("''", "", "'a$'c'", "a'c"),
}
_OUTSIDE = {
    "Date": "D#2169-01-01", "Time_Of_Day": "TOD#24:00:00", "LTime_Of_Day": "LTOD#23:59:60",
    "Time": "T#24d20h31m23s648ms", "LTime": "LT#106751d23h47m16s854ms775us808ns", "WString[4]": "WSTRING#'abcde'",
    "String[3]": "'abcd'", "Array[0..1] of Date": "[D#2000-01-01, D#1989-12-31]",
    "Array[0..2] of Time_Of_Day": "[2(TOD#01:00:00), TOD#25:00:00]",
    "Array[0..1] of WString[2]": "['ab', WSTRING#'abc']",
    "Array[0..1] of LTime": "[LT#1s, LT#106752d]",
}


def _names(types: dict) -> dict[str, str]:
    return {t: f"m{i}" for i, t in enumerate(types)}


def test_each_types_first_and_last_literal_is_stored_as_its_value_in_a_db_and_in_an_array() -> None:
    names = _names(_ENDS)
    lines = [f"{names[t]}_lo : {t} := {lo}; {names[t]}_hi : {t} := {hi};\n"
             f"{names[t]}_arr : Array[0..1] of {t} := [{lo}, {hi}];" for t, (lo, _v, hi, _w) in _ENDS.items()]
    sim = Sim('DATA_BLOCK "D"\nVAR\n' + "\n".join(lines) + '\nEND_VAR\nBEGIN END_DATA_BLOCK\n'
              'ORGANIZATION_BLOCK "Main"\nBEGIN\nEND_ORGANIZATION_BLOCK\n')
    for t, (_lo, low, _hi, high) in _ENDS.items():
        name = names[t]
        got = [sim[f'"D".{name}_lo'], sim[f'"D".{name}_hi'], sim[f'"D".{name}_arr[0]'], sim[f'"D".{name}_arr[1]']]
        assert got == [low, high, low, high], t


def test_a_literal_past_either_end_is_refused_by_plc_check_at_its_line(tmp_path: Path) -> None:
    names = _names(_OUTSIDE)
    body = "\n".join(f"  {names[t]} : {t} := {text};" for t, text in _OUTSIDE.items())
    source = tmp_path / "ranges.db"
    source.write_text(f'DATA_BLOCK "D"\nVAR\n{body}\nEND_VAR\nBEGIN END_DATA_BLOCK\n', encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["plc", "check", str(source), "--format", "json"])
    found = json.loads(out.getvalue())["diagnostics"]
    assert code == 1
    refused = {d["line"]: d["message"] for d in found if d["code"] == "INVALID_DECLARATION"}
    for line, (t, text) in enumerate(_OUTSIDE.items(), 3):
        assert line in refused, (t, text, found)
    assert "out of range for Date (D#1990-01-01..D#2168-12-31)" in refused[3]
    assert "has 5 characters; a WString[4] holds 4" in refused[8]
