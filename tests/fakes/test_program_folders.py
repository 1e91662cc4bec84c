"""Tests for the folder paths of fakes.program.PlcSoftware: one spelling, whatever the caller sends."""

from __future__ import annotations

import pytest

from engineering_api.backend.errors import NotFoundError
from fakes.program import PlcSoftware, normalise_folder


@pytest.mark.parametrize("path", ["a/b", "a\\b", " a / b ", "/a/b/", "\\a\\b\\", " /a\\b/ "])
def test_normalise_folder(path: str) -> None:
    assert normalise_folder(path) == "a/b"


def test_empty_names_stay_so_they_match_nothing() -> None:
    assert normalise_folder("a//b") == "a//b"
    assert normalise_folder("") == ""


@pytest.mark.parametrize("category", ["blocks", "types", "tag_tables", "external_sources"])
def test_remove_folder_takes_what_add_folder_takes(category: str) -> None:
    software = PlcSoftware()
    assert software.add_folder(category, "Line1\\ Motors ") == "Line1/Motors"
    software.add_folder(category, "Line1/Valves")
    assert software.remove_folder(category, "Line1\\ Motors ") == []
    assert software.folders[category] == {"Line1", "Line1/Valves"}
    with pytest.raises(NotFoundError):
        software.remove_folder(category, "Line1\\Motors")
