"""User folders of classic panels on every adapter: create, list, import into, saved (ScreenUserFolder,
TagUserFolder)."""

from __future__ import annotations

from pathlib import Path

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from simatic_xml import hmi as sx
from tests.lib.outcomes import raises_code
from tests.contract.played import Played


def test_create_list_and_import(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    assert backend.hmi.list_hmi_folders(panel, "screens") == []
    assert backend.hmi.create_hmi_folder(panel, "screens", "Process/Line 1") == "Process/Line 1"
    assert backend.hmi.create_hmi_folder(panel, "screens", "process/Line 2") == "Process/Line 2"
    assert backend.hmi.list_hmi_folders(panel, "screens") == ["Process", "Process/Line 1", "Process/Line 2"]
    screen = sx.to_bytes(sx.new_screen("Main", 2, 800, 480, tia.version))
    assert backend.hmi.import_hmi_screen(panel, screen, folder="Process/Line 1").folder == "Process/Line 1"
    assert [(s.name, s.folder) for s in backend.hmi.list_hmi_screens(panel)] == [("Root screen", ""),
                                                                            ("Main", "Process/Line 1")]
    backend.hmi.create_hmi_folder(panel, "tags", "Motors")
    table = sx.to_bytes(sx.new_tag_table("Motor", tia.version, [sx.new_tag("Speed", "Int")]))
    backend.hmi.import_hmi_tag_table(panel, table, folder="Motors")
    assert [(t.name, t.folder) for t in backend.hmi.list_hmi_tag_tables(panel)] == [("Default tag table", ""),
                                                                               ("Motor", "Motors")]


def test_refusals(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    backend.hmi.create_hmi_folder(panel, "tags", "A")
    raises_code(e.AlreadyExistsError, "FOLDER_EXISTS", backend.hmi.create_hmi_folder, panel, "tags", "a")
    raises_code(e.ValidationError, "INVALID_FOLDER", backend.hmi.create_hmi_folder, panel, "tags", "A//B")
    raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", backend.hmi.import_hmi_tag_table, panel,
                sx.to_bytes(sx.new_tag_table("T", tia.version)), folder="Nope")
    assert [t.name for t in backend.hmi.list_hmi_tag_tables(panel)] == ["Default tag table"]
    assert backend.hmi.list_hmi_folders(panel, "tags") == ["A"]


def test_saved_and_reopened(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    backend.hmi.create_hmi_folder(panel, "screens", "Empty")
    backend.hmi.create_hmi_folder(panel, "screens", "Full")
    backend.hmi.import_hmi_screen(panel, sx.to_bytes(sx.new_screen("Main", 2, 800, 480, tia.version)), folder="Full")
    project = backend.save_project()
    backend.close_project()
    backend.open_project(Path(project.path))
    assert backend.hmi.list_hmi_folders(panel, "screens") == ["Empty", "Full"]
    assert [(s.name, s.folder) for s in backend.hmi.list_hmi_screens(panel)] == [("Root screen", ""), ("Main", "Full")]
