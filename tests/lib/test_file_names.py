"""Tests for engineering_api.lib.paths.safe_file_stem: object names as file name stems."""

from __future__ import annotations

import pytest

from engineering_api.lib.paths import component_problem, safe_file_stem


@pytest.mark.parametrize("name", ["Main", "FB_Motor-1 (copy).v2", "Pumpe_Ölstand", "ポンプ"])
def test_safe_names_are_kept(name: str) -> None:
    assert safe_file_stem(name) == name
    assert safe_file_stem(name, escape=True) == name


def test_unsafe_characters_become_underscores() -> None:
    assert safe_file_stem('a/b\\c:d*e?f"g<h>i|j') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_file_stem("tab\there") == "tab_here"


def test_escaping_keeps_names_apart() -> None:
    assert safe_file_stem("a/b", escape=True) == "a%2Fb"
    assert safe_file_stem("a:b", escape=True) == "a%3Ab"
    assert safe_file_stem("%", escape=True) == "%25"  # the escape character itself, so escaping can be undone
    assert safe_file_stem("\u2603", escape=True) == "%2603"  # beyond two hex digits
    assert safe_file_stem("a/b", escape=True) != safe_file_stem("a_b", escape=True)


@pytest.mark.parametrize("name", ['x/y', 'x\\y', 'C:evil', '<>"|?*', "a\x00b"])
def test_result_passes_the_component_check(name: str) -> None:
    assert component_problem(safe_file_stem(name)) is None
    assert component_problem(safe_file_stem(name, escape=True)) is None
