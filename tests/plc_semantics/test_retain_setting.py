"""The PLC's retentive bit memory set from a ``test run`` test file (``retentiveMemoryBytes``) and kept at STOP ->
STARTUP, as the S7-1500 memory table says.

Source: function manual "Structure and use of the CPU memory" A5E03461664-AC, 2.4.1 Table 2-1 (bit memory
configured retentive: retained at STOP -> STARTUP; non-retentive: initialised); the number of retentive memory
bytes from MB0 is the PLC tags' "Retain" setting, which no export carries. The CPU 1516's bit memory is 16 KiB
(``rules.plc_values.AREA_SIZES``), so a larger size is a ``TEST_FILE_INVALID`` finding.

A case stops the CPU with a runtime error (an index out of range); the next case says ``keepState`` and
``startCpu``, so the CPU goes through STOP -> STARTUP without a memory reset. Before this field existed the test
file was refused (an unknown field) and nothing could make %M retentive from outside.
"""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main
from tests.scl_frames import global_db, main_ob, organization_block

PROGRAM = "\n".join((
    global_db("D", "idx : Int", "arr : Array[0..3] of Int", "seen : Int"),
    organization_block("Startup", '"D".seen := %MW10;'),
    main_ob('"D".arr["D".idx] := 1;'),
))
TABLE = "A5E03461664-AC 2.4.1 Table 2-1: retentive bit memory retained at STOP -> STARTUP, the rest initialised"


def _cases(retain: object) -> list[dict[str, Any]]:
    setting = {} if retain is None else {"retentiveMemoryBytes": retain}
    return [
        {"name": "stops the CPU", **setting,
         "steps": [{"write": {"%MW10": 1234, "%MW12": 99, '"D".idx': 9}, "cycles": 1,
                    "assert": {'"D".idx': 9}}]},
        {"name": "after STOP and STARTUP", "keepState": True, "startCpu": True,
         "steps": [{"cycles": 1, "assert": {"%MW10": 1234, "%MW12": 0, '"D".seen': 1234}}]},
    ]


def _run(cases: list[dict[str, Any]]) -> tuple[int, str]:
    with tempfile.TemporaryDirectory(prefix="plc-retain-") as folder:
        Path(folder, "program.scl").write_text(PROGRAM, encoding="utf-8")
        Path(folder, "retain.test.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = main(["test", "run", folder])
    return code, out.getvalue()


def test_retentive_memory_bytes_keep_bit_memory_through_stop_and_startup() -> None:
    code, text = _run(_cases(12))  # %MB0..%MB11: %MW10 retentive, %MW12 not
    assert '"after STOP and STARTUP"' not in text, text
    assert "1 passed, 1 failed" in text, TABLE + "\n" + text


def test_without_the_setting_bit_memory_is_initialised() -> None:
    code, text = _run(_cases(None))
    assert code == 1
    assert "%MW10" in text and "1234" in text, TABLE + "\n" + text


@pytest.mark.parametrize("wrong", [16 * 1024 + 1, -1, 1.5, True, "12"])
def test_a_size_the_bit_memory_cannot_hold_is_an_invalid_test_file(wrong: object) -> None:
    code, text = _run(_cases(wrong))
    assert code == 1
    assert "retentiveMemoryBytes" in text and "TEST_FILE_INVALID" in text and "16384" in text, text
    assert "Traceback" not in text


def test_cases_of_one_run_name_one_size() -> None:
    cases = _cases(12)
    cases[1]["retentiveMemoryBytes"] = 4
    code, text = _run(cases)
    assert code == 1
    assert "TEST_FILE_INVALID" in text and "name one value" in text, text
