"""The error-code scan (``tools/error_code_scan.py``) sees a code whichever way the source sends it. A tiny planted
tree (two modules, not the product's 700) shows each way: its codes no registry holds make the completeness check
fail, naming each; a registry constant ``codes.X`` is read through the registry, and one the registry lacks is
reported; a diagnostic's code is left to its own registry.

The one test that reads the product itself shares the session's one scan (``error_code_scan.raised_codes`` is
cached, and the ``error code scan`` group keeps every test that reads it on one xdist worker)."""

from __future__ import annotations

import ast
import functools
import textwrap

import pytest

from tools import error_code_scan

pytestmark = pytest.mark.xdist_group("error code scan")

_PLANTED = textwrap.dedent('''
    from engineering_api.backend.errors import NotFoundError
    from engineering_api.errors import codes
    from engineering_api.lib.schema import CamelStruct
    from simatic_xml.diagnostics import Diagnostic

    PLANTED_MODULE_CODE = "PLANTED_AS_A_MODULE_CONSTANT"


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
            Problem(code=codes.NOT_ACCESSIBLE, message="a registry constant"),
            Problem(code=codes.PLANTED_UNDECLARED, message="a constant the registry lacks"),
            Diagnostic(code="PLANTED_DIAGNOSTIC", message="another registry's"),
        ]


    def find(name: str) -> None:
        raise NotFoundError(f"No {name}.", code=codes.TAG_NOT_FOUND)
''')
_CALLER = textwrap.dedent('''
    from engineering_api.domain.planted_codes import _failed

    _failed("tag", "PLANTED_FROM_ANOTHER_MODULE")
''')
_WHERE = "engineering_api/domain/planted_codes.py"


@functools.cache
def _planted_scan() -> dict[str, tuple[error_code_scan.RaisedCode, ...]]:
    return error_code_scan.codes_in([(_WHERE, ast.parse(_PLANTED)),
                                     ("engineering_api/domain/planted_caller.py", ast.parse(_CALLER))])


def _line(text: str) -> str:
    return f"{_WHERE}:{1 + _PLANTED.splitlines().index(text)}"


def test_a_planted_unregistered_code_fails_the_completeness_check() -> None:
    assert set(error_code_scan.missing_codes(_planted_scan())) == {
        "PLANTED_AS_A_MODULE_CONSTANT", "PLANTED_IN_A_RECORD", "PLANTED_THROUGH_A_HELPER", "PLANTED_AS_A_FALLBACK",
        "PLANTED_FROM_ANOTHER_MODULE", "codes.PLANTED_UNDECLARED"}


def test_a_registry_constant_is_read_through_the_registry() -> None:
    scanned = _planted_scan()
    assert [p.where for p in scanned["NOT_ACCESSIBLE"]] == [
        _line('        Problem(code=codes.NOT_ACCESSIBLE, message="a registry constant"),')]
    assert [(p.where, p.status, p.literal) for p in scanned["TAG_NOT_FOUND"]] == [
        (_line('    raise NotFoundError(f"No {name}.", code=codes.TAG_NOT_FOUND)'), 404, False)]
    assert all(p.literal for code, places in scanned.items() if code.startswith("PLANTED_") for p in places)
    assert set(error_code_scan.registry_constants()) == set(error_code_scan.registry_constants().values()) > {
        "NOT_ACCESSIBLE", "TAG_NOT_FOUND", "CALL_EXPIRED"}


def test_a_diagnostic_code_is_left_to_its_own_registry() -> None:
    assert "PLANTED_DIAGNOSTIC" not in _planted_scan()


def test_the_product_sends_not_accessible_through_its_constant() -> None:
    """``NOT_ACCESSIBLE`` reaches the wire in one item of a 200 answer (an HMI tag's ``ValueProblem``), which the
    problem-response writer's guard never sees: only the scan can tell it is declared."""
    sent = [place.where for place in error_code_scan.raised_codes()["NOT_ACCESSIBLE"]]
    assert [where.split(":")[0] for where in sent] == ["engineering_api/domain/hmi_values.py"]


def test_a_drafted_declaration_reads_back_as_its_entry() -> None:
    """``--stub`` drafts declarations to paste into an area module: each, run, declares the entry it was drafted
    from, within the line length."""
    from engineering_api.errors.entry import ErrorCode
    from engineering_api.errors.registry import TABLE

    for entry in TABLE:
        drafted = error_code_scan.entry_line(entry)
        assert max(map(len, drafted.splitlines())) <= 120, drafted
        read: dict[str, object] = {"declare": ErrorCode}
        exec(compile("from typing import Final\n" + drafted, "<draft>", "exec"), read)
        assert read[entry.code] == entry
