"""Issue 12: every adapter refuses the same folder paths and file names with the same code, before any work.

The rule lives once (``engineering_api/rules/folders.py``); this holds the fake and the bridge to it for each tree
a folder can be created in or imported into: program blocks, PLC data types, tag tables, external sources and
watch and force tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.areas.watch_tables import WATCH_TABLE
from engineering_api.backend.models import ProgramDocument
from engineering_api.backend.port import EngineeringBackend
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code
from tests.contract.conftest import open_plc_project
from tests.contract.played import played

BRIDGE_PENDING: dict[str, str] = {}
"""Every test runs on the bridge too."""

FC = {"blockType": "FC", "name": "FC_A", "language": "SCL", "number": 3, "networks": [{"scl": "RETURN;"}]}
BAD_FOLDERS = ["../x", "a/../b", "CON", "nul.txt", "C:\\x", "x:stream", "Sub.xml", "/a", "a/", "a//b", ".tmp-1", "a."]


@pytest.fixture
def plc(backend: EngineeringBackend, root: Path) -> EngineeringBackend:
    open_plc_project(backend, root)
    return backend


CREATE: list[tuple[str, Callable[[EngineeringBackend, str], Any]]] = [
    ("create_block_folder", lambda b, p: b.blocks.create_block_folder("PLC_1", p)),
    ("add_type_folder", lambda b, p: b.types.add_type_folder("PLC_1", p)),
    ("create_tag_table_folder", lambda b, p: b.tags.create_tag_table_folder("PLC_1", p).path),
    ("create_external_source_folder", lambda b, p: b.blocks.create_external_source_folder("PLC_1", p)),
    ("create_watch_force_folder", lambda b, p: b.watch_tables.create_watch_force_folder("PLC_1", p)),
]
TARGET: list[tuple[str, Callable[[EngineeringBackend, str], Any]]] = [
    ("import_program_documents", lambda b, p: b.program.import_program_documents(
        "PLC_1", [ProgramDocument(source="FC_A.xml", data=generate_xml(FC, played(b).version), folder=p)],
        overwrite=False)),
    ("add_external_source", lambda b,
     p: b.blocks.add_external_source("PLC_1", "a.scl", "x", folder=p, overwrite=False)),
    ("create_tag_table", lambda b, p: b.tags.create_tag_table("PLC_1", "T", p)),
    ("create_watch_force_table", lambda b,
     p: b.watch_tables.create_watch_force_table("PLC_1", WATCH_TABLE, "W", folder=p)),
]


@pytest.mark.parametrize(("method", "call"), CREATE, ids=[m for m, _ in CREATE])
def test_a_folder_name_is_taken_whatever_its_case(plc: EngineeringBackend, method: str,
                                                  call: Callable[..., Any]) -> None:
    """TIA keeps group names unique case-insensitively: ``drives`` beside ``Drives`` is the folder that exists, and
    a new folder below ``drives`` goes into ``Drives``."""
    assert call(plc, "Drives/Motors") == "Drives/Motors"
    for taken in ("drives", "DRIVES/motors"):
        raises_code(e.AlreadyExistsError, "FOLDER_EXISTS", call, plc, taken)
    assert call(plc, "drives/Pumps") == "Drives/Pumps", method


def test_an_import_into_a_folder_of_another_case_lands_in_that_folder(plc: EngineeringBackend) -> None:
    plc.blocks.create_block_folder("PLC_1", "Drives")
    plc.program.import_program_documents(
        "PLC_1",
        [ProgramDocument(source="FC_A.xml", data=generate_xml(FC, played(plc).version), folder="drives/Pumps")],
        overwrite=False)
    assert plc.blocks.block_folders("PLC_1") == ["Drives", "Drives/Pumps"]
    assert [(b.name, b.folder) for b in plc.blocks.list_blocks("PLC_1")] == [("Main", ""), ("FC_A", "Drives/Pumps")]


@pytest.mark.parametrize(("method", "call"), CREATE + TARGET, ids=[m for m, _ in CREATE + TARGET])
def test_bad_folder_paths_are_invalid_folder(plc: EngineeringBackend, method: str, call: Callable[..., Any]) -> None:
    blocks = plc.blocks.list_blocks("PLC_1")  # the new PLC's own Main [OB1]
    for folder in BAD_FOLDERS:
        with pytest.raises(e.ValidationError) as caught:
            call(plc, folder)
        assert caught.value.code == "INVALID_FOLDER", (method, folder, caught.value.code)
    assert plc.blocks.block_folders("PLC_1") == [] and plc.blocks.list_blocks("PLC_1") == blocks


@pytest.mark.parametrize(("method", "call"), CREATE, ids=[m for m, _ in CREATE])
def test_good_folder_paths_are_created(plc: EngineeringBackend, method: str, call: Callable[..., Any]) -> None:
    assert call(plc, "Motors\\Pumps") == "Motors/Pumps"


@pytest.mark.parametrize("name", ["CON", "con.scl", "x:y.scl", "a/b.scl", "..", "a.", ".hidden.scl"])
def test_external_source_names_are_file_names(plc: EngineeringBackend, name: str) -> None:
    raises_code(e.ValidationError, "INVALID_NAME", plc.blocks.add_external_source, "PLC_1", name, "x", folder="",
                overwrite=False)
    assert plc.blocks.list_external_sources("PLC_1") == []
