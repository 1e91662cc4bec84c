"""The registry of API error codes (``engineering_api/errors/``) and the source agree: every code the product raises
is declared, with the status it is raised with; every declared code is still raised; each is a constant of
``engineering_api.errors.codes`` under its own name, declared in alphabetical order in its area's module; the
problem-response writer notes an undeclared code; the page for clients is the registry's.

The tests that read the product's source share the session's one scan (the ``error code scan`` xdist group)."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from engineering_api.errors import codes
from engineering_api.errors import registry as error_codes
from engineering_api.errors.registry import TABLE
from engineering_api.lib.responses import error_body
from tools import error_code_scan, reference_pages

pytestmark = pytest.mark.xdist_group("error code scan")


def test_every_raised_code_is_declared() -> None:
    raised = error_code_scan.raised_codes()
    assert len(raised) > 400  # the scan reads the raises
    missing = {code: [p.where for p in places[:2]] for code, places in error_code_scan.missing_codes().items()}
    assert not missing, ("codes raised but not declared: declare each in its area's module of engineering_api/"
                         f"errors/codes/ (python -m tools.error_code_scan --stub drafts them): {missing}")


def test_raise_sites_name_the_registry_constants() -> None:
    written = [f"{code} at {place.where}" for code, places in error_code_scan.raised_codes().items()
               if code in error_codes.ERROR_CODES for place in places
               if place.literal]
    assert not written, ("a raise site writes its code as a string; write codes.X (from engineering_api.errors import "
                         f"codes) so that an undeclared code is a name error: {written[:10]}")


BUILT_AT_RUN_TIME: dict[str, str] = {
    code: "the HMI resource import and export build `<KIND>_EXISTS` / `<KIND>_NOT_FOUND` from the resource kind "
          "(engineering_api/rules/hmi_resources.py HMI_RESOURCE_KINDS, engineering_api/domain/hmi.py labels)"
    for code in ("CONNECTION_EXISTS", "GRAPHIC_LIST_EXISTS", "GRAPHIC_LIST_NOT_FOUND", "SCREEN_EXISTS",
                 "SCRIPT_EXISTS", "TEXT_LIST_EXISTS", "TEXT_LIST_NOT_FOUND")
}
"""Declared codes no literal in the source names, with where they are built (the scan cannot read them; the
runtime guard in tests/conftest.py catches one that is built but not declared)."""


def test_the_codes_built_at_run_time_are_built_from_these_kinds() -> None:
    from engineering_api.rules.hmi_resources import HMI_RESOURCE_KINDS

    built = {f"{kind.code}_{suffix}" for kind in HMI_RESOURCE_KINDS.values() for suffix in ("EXISTS", "NOT_FOUND")}
    built |= {f"{label.upper().replace(' ', '_')}_EXISTS" for label in ("screen", "tag table", "connection")}
    assert built <= set(error_codes.ERROR_CODES), sorted(built - set(error_codes.ERROR_CODES))
    assert set(BUILT_AT_RUN_TIME) <= built


def test_every_declared_code_is_raised() -> None:
    stale = sorted(set(error_codes.ERROR_CODES) - set(error_code_scan.raised_codes()) - set(BUILT_AT_RUN_TIME))
    assert not stale, f"declared but raised nowhere any more; remove them from the table: {stale}"


def test_each_code_is_a_constant_declared_once_in_order() -> None:
    declared = [entry.code for entry in TABLE]
    assert declared == sorted(set(declared))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", code) for code in declared)
    assert all(getattr(codes, code) == code for code in declared), "codes.X is the code X"
    for area in pkgutil.iter_modules(codes.__path__):
        module = importlib.import_module(f"{codes.__name__}.{area.name}")
        constants = [name for name, value in vars(module).items() if name.isupper() and not name.startswith("_")
                     and isinstance(value, str)]
        assert constants == sorted(constants) == sorted(module.__all__), (
            f"{area.name}: its constants in alphabetical order, each in __all__")


def test_each_raise_answers_a_declared_status() -> None:
    wrong = [f"{code} {place.status} at {place.where}"
             for code, places in error_code_scan.raised_codes().items()
             for place in places
             if place.status is not None and code in error_codes.ERROR_CODES
             and place.status not in (error_codes.ERROR_CODES[code].status, *error_codes.ERROR_CODES[code].also)]
    assert not wrong, ("raised with a status its declaration does not name: one code, one status, so raise one error "
                       "class for it (ConflictError: the object's state refuses; ValidationError: the request's "
                       f"content), or declare the second in also= and say why in the meaning: {wrong[:10]}")


def test_a_second_status_is_explained_and_used() -> None:
    raised = error_code_scan.raised_codes()
    for entry in TABLE:
        if entry.also:
            statuses = {p.status for p in raised[entry.code]}
            assert set(entry.also) <= statuses, f"{entry.code}: also={entry.also} but raised with {statuses}"
            assert any(str(s) in entry.meaning for s in entry.also) or "404 when" in entry.meaning or (
                "answers" in entry.meaning), f"{entry.code}: the meaning says when it answers {entry.also}"


def test_titles_and_meanings_are_written() -> None:
    for entry in TABLE:
        assert entry.title and entry.title[0].isupper(), entry.code
        assert len(entry.meaning.replace("…", "").strip()) >= 15, f"{entry.code}: a meaning a client can act on"
        assert "Raised at" not in entry.meaning, f"{entry.code}: the stub's placeholder was not reviewed"


def test_the_writer_notes_an_undeclared_code() -> None:
    error_codes.take_undeclared()
    body = error_body(404, "TAG_NOT_FOUND", "no tag")
    assert error_codes.take_undeclared() == frozenset()
    assert body.type == "urn:engineering-api:error:tag-not-found" == error_codes.type_uri("TAG_NOT_FOUND")
    error_body(418, "NO_SUCH_CODE_ANYWHERE", "made up")
    assert error_codes.take_undeclared() == {"NO_SUCH_CODE_ANYWHERE"}  # taken here, so this test itself passes
    error_body(406, "HTTP_406", "plain HTTP error")
    assert error_codes.take_undeclared() == frozenset()


@pytest.mark.parametrize("code", ["ROUTE_NOT_FOUND", "VALIDATION_FAILED"])
def test_a_problem_type_names_its_page_entry(code: str) -> None:
    page = reference_pages.ERROR_CODES_PAGE.read_text(encoding="utf-8")
    slug = error_codes.type_uri(code).rsplit(":", 1)[1]
    assert f'<a id="{slug}"></a>`{code}`' in page


def test_the_error_code_page_matches_the_table() -> None:
    page = reference_pages.ERROR_CODES_PAGE.read_text(encoding="utf-8") if (
        reference_pages.ERROR_CODES_PAGE.exists()) else ""
    assert page == reference_pages.error_codes_page(), "run make docs and commit docs/error-codes.md"
