"""The error-code scan (``tools/error_code_scan.py``) sees a code whichever way the source sends it: a module planted
among the product's with codes no registry holds makes the completeness check (``test_error_codes.py``) fail,
naming each; a registry constant's ``.code`` counts as a raise of a declared code."""

from __future__ import annotations

import ast
import functools
import textwrap

from tools import error_code_scan

_PLANTED = textwrap.dedent('''
    from engineering_api.lib.error_code_table import NOT_ACCESSIBLE
    from engineering_api.lib.schema import CamelStruct
    from simatic_xml.diagnostics import Diagnostic


    class Problem(CamelStruct):
        code: str
        message: str


    def _failed(name: str, code: str) -> Problem:
        return Problem(code=code, message=name)


    def answer(error_code: str | None) -> list[object]:
        return [
            Problem(code="PLANTED_IN_A_RECORD", message="a record's code= keyword"),
            _failed("tag", "PLANTED_THROUGH_A_HELPER"),
            _failed("tag", error_code or "PLANTED_AS_A_FALLBACK"),
            Problem(code=NOT_ACCESSIBLE.code, message="a registry constant"),
            Diagnostic(code="PLANTED_DIAGNOSTIC", message="another registry's"),
        ]
''')
_WHERE = "engineering_api/domain/planted_codes.py"


@functools.cache
def _scan_with_planted() -> dict[str, tuple[error_code_scan.RaisedCode, ...]]:
    return error_code_scan.codes_in([*error_code_scan.sources(), (_WHERE, ast.parse(_PLANTED))])


def test_a_planted_unregistered_code_fails_the_completeness_check() -> None:
    missing = error_code_scan.missing_codes(_scan_with_planted())
    assert {code for code, places in missing.items() if any(p.where.startswith(_WHERE) for p in places)} == {
        "PLANTED_IN_A_RECORD", "PLANTED_THROUGH_A_HELPER", "PLANTED_AS_A_FALLBACK"}
    assert not error_code_scan.missing_codes(), "the product itself declares every code it sends"


def test_a_registry_constant_is_read_as_its_code() -> None:
    line = 1 + _PLANTED.splitlines().index('        Problem(code=NOT_ACCESSIBLE.code, message="a registry constant"),')
    assert f"{_WHERE}:{line}" in {place.where for place in _scan_with_planted()["NOT_ACCESSIBLE"]}
    sent = [place.where for place in error_code_scan.raised_codes()["NOT_ACCESSIBLE"]]
    assert [where.split(":")[0] for where in sent] == ["engineering_api/domain/hmi_values.py"]


def test_a_diagnostic_code_is_left_to_its_own_registry() -> None:
    assert "PLANTED_DIAGNOSTIC" not in _scan_with_planted()
