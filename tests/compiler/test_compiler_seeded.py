"""The seeded broken sources: one small SCL file per rule; each gives exactly the error in its header.

Header form: ``// expect: LINE:COL Severity code: message``. The file is checked as a whole program
(``closed=True``): what a PLC holding only these blocks reports when compiled.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fakes.compiler import check_source
from simatic_xml.scl import read_source

SEEDED = sorted((Path(__file__).parent / "seeded").glob("*.scl"))
_EXPECT = re.compile(r"^// expect: (\d+):(\d+) (Error|Warning) ([\w-]+): (.*)$")


def test_there_is_one_seeded_source_per_rule() -> None:
    codes = {_EXPECT.match(read_source(p).splitlines()[0]).group(4) for p in SEEDED}
    assert {
        "undeclared", "unknown-type", "missing-block", "unknown-parameter", "missing-parameter", "parameter-type",
        "wrong-parameter", "type-mismatch", "operator-type", "write-input", "write-constant", "duplicate",
        "not-local", "unknown-global", "exit-outside-loop", "continue-outside-loop", "unknown-instruction",
    } <= codes


@pytest.mark.parametrize("path", SEEDED, ids=[p.stem for p in SEEDED])
def test_seeded_source_gives_exactly_the_expected_error(path: Path) -> None:
    text = read_source(path)
    m = _EXPECT.match(text.splitlines()[0])
    assert m, f"{path.name}: the first line must be '// expect: LINE:COL Severity code: message'"
    line, col, severity, code, message = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5)
    found = [(d.line, d.col, d.severity, d.code, d.message) for d in check_source(text, str(path), closed=True)
             if d.severity != "Info"]
    assert found == [(line, col, severity, code, message)]
