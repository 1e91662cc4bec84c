"""Classic HMI VB scripts, text lists, graphic lists, project graphics and HMI library types on every adapter.

Calls :class:`engineering_api.backend.areas.hmi_resources.HmiResourcesPort` methods directly, parametrised over
the fake and the Openness bridge (stand-in under Mono).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl
from tests.lib.outcomes import raises_code
from tests.contract.played import Played

BRIDGE_PENDING: dict[str, str] = {}
"""Tests that do not run on the Openness bridge yet, with the reason (none: the stand-in's ProjectLibrary has an
empty type folder, so the library-type test runs on both adapters)."""

CODE = "Sub Reset()\r\n  SmartTags(\"Counter\") = 0\r\nEnd Sub"


def states(tia: Played, name: str = "States") -> bytes:
    return sx.to_bytes(hl.new_text_list(name, tia.version, [((0, 0), "Stopped"), ((1, 1), "Running"), (None, "?")]))


def test_a_new_panel_has_none(backend: EngineeringBackend, panel: str) -> None:
    assert backend.hmi_resources.list_hmi_scripts(panel) == []
    assert backend.hmi_resources.list_hmi_text_lists(panel) == []
    assert backend.hmi_resources.list_hmi_graphic_lists(panel) == []


def test_text_lists_round_trip(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    made = backend.hmi_resources.import_hmi_text_list(panel, states(tia))
    assert (made.name, made.list_range, [x.text for x in made.entries]) == ("States", "Decimal",
                                                                            ["Stopped", "Running", "?"])
    assert [t.name for t in backend.hmi_resources.list_hmi_text_lists(panel)] == ["States"]
    exported = backend.hmi_resources.export_hmi_text_list(panel, "states")
    assert exported.name == "States" and sx.canonical(exported.data) == sx.canonical(states(tia))
    raises_code(e.AlreadyExistsError, "TEXT_LIST_EXISTS", backend.hmi_resources.import_hmi_text_list, panel,
                states(tia))
    backend.hmi_resources.import_hmi_text_list(panel, exported.data, overwrite=True)
    assert [t.name for t in backend.hmi_resources.list_hmi_text_lists(panel)] == ["States"]
    raises_code(e.NotFoundError, "TEXT_LIST_NOT_FOUND", backend.hmi_resources.export_hmi_text_list, panel, "Nope")


def test_scripts_and_graphic_lists(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    script = sx.to_bytes(hl.new_vb_script("Reset", tia.version, CODE))
    assert backend.hmi_resources.import_hmi_script(panel, script).line_count == 3
    assert [(s.name, s.type, s.folder) for s in backend.hmi_resources.list_hmi_scripts(panel)] == [("Reset", "Sub", "")]
    assert hl.script_code(sx.read_hmi(backend.hmi_resources.export_hmi_script(panel, "reset").data).root) == CODE
    raises_code(e.NotFoundError, "SCRIPT_NOT_FOUND", backend.hmi_resources.export_hmi_script, panel, "Nope")
    graphics = sx.to_bytes(hl.new_graphic_list("Lamp", tia.version, [((0, 0), "Lamp_off"), ((1, 1), "Lamp_on")]))
    made = backend.hmi_resources.import_hmi_graphic_list(panel, graphics)
    assert [x.graphic for x in made.entries] == ["Lamp_off", "Lamp_on"]
    assert [g.name for g in backend.hmi_resources.list_hmi_graphic_lists(panel)] == ["Lamp"]
    raises_code(e.AlreadyExistsError, "GRAPHIC_LIST_EXISTS", backend.hmi_resources.import_hmi_graphic_list, panel,
                graphics)


def test_bad_documents_change_nothing(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    for method in (backend.hmi_resources.import_hmi_script, backend.hmi_resources.import_hmi_text_list,
                   backend.hmi_resources.import_hmi_graphic_list):
        raises_code(e.ValidationError, "INVALID_SIMATICML", method, panel, b"<Document><Engineering version='V19'/>")
    with pytest.raises(e.ValidationError):
        backend.hmi_resources.import_hmi_script(panel, states(tia))
    # exported by a newer TIA: refused, as every import area refuses a document of a newer version
    raises_code(e.ValidationError, "NEWER_VERSION", backend.hmi_resources.import_hmi_text_list, panel,
                sx.to_bytes(hl.new_text_list("Later", tia.newer, [((0, 0), "Off")])))
    raises_code(e.ValidationError, "NEWER_VERSION", backend.hmi_resources.import_hmi_script, panel,
                sx.to_bytes(hl.new_vb_script("Later", tia.newer, CODE)))
    assert (
        backend.hmi_resources.list_hmi_scripts(panel) == [] and backend.hmi_resources.list_hmi_text_lists(panel) == []
    )


def test_not_an_hmi(backend: EngineeringBackend, panel: str) -> None:
    for call in (backend.hmi_resources.list_hmi_scripts, backend.hmi_resources.list_hmi_text_lists,
                 backend.hmi_resources.list_hmi_graphic_lists,
                 backend.hmi_graphics.list_hmi_project_graphics):
        raises_code(e.ValidationError, "NOT_AN_HMI", call, "PLC_1")


def test_project_graphics(backend: EngineeringBackend, panel: str) -> None:
    # a new project has none (more: test_hmi_graphics_contract)
    assert backend.hmi_graphics.list_hmi_project_graphics(panel) == []


def test_no_hmi_library_types_in_a_new_project(backend: EngineeringBackend, panel: str) -> None:
    assert backend.hmi_resources.list_hmi_library_types() == []


def test_saved_and_reopened(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    backend.hmi_resources.import_hmi_text_list(panel, states(tia))
    backend.hmi_resources.import_hmi_script(panel, sx.to_bytes(hl.new_vb_script("Reset", tia.version, CODE)))
    project = backend.save_project()
    backend.close_project()
    backend.open_project(Path(project.path))
    assert [t.name for t in backend.hmi_resources.list_hmi_text_lists(panel)] == ["States"]
    assert [s.name for s in backend.hmi_resources.list_hmi_scripts(panel)] == ["Reset"]
