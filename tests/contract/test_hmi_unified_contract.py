"""The WinCC Unified part of the HMI port: read, apply and delete the object model, on every adapter.

Calls :class:`engineering_api.backend.areas.hmi_unified.HmiUnifiedPort` methods directly, parametrised over the fake
and the Openness bridge (stand-in under Mono).
"""

from __future__ import annotations

from pathlib import Path


from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi_unified import (
    UnifiedConnection,
    UnifiedEvent,
    UnifiedHmi,
    UnifiedScreen,
    UnifiedScreenItem,
    UnifiedScriptModule,
    UnifiedTag,
    UnifiedTagTable,
)
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import raises_code
from tests.contract.played import played
from tests.contract.conftest import TP700


def model() -> UnifiedHmi:
    return UnifiedHmi(
        connections=[UnifiedConnection(name="HMI_Connection_1", partner="PLC_1",
                                       communication_driver="SIMATIC S7 1500")],
        tag_tables=[UnifiedTagTable(name="Motor", tags=[
            UnifiedTag(name="Speed", data_type="Int", connection="HMI_Connection_1", plc_tag="Motor_DB.Speed")])],
        screens=[UnifiedScreen(name="Overview", width=800, height=480, items=[
            UnifiedScreenItem(name="Speed_IO", type="HmiIOField", left=10, top=20, width=120, height=30, tag="Speed"),
            UnifiedScreenItem(name="Start", type="HmiButton", left=10, top=60, events=[
                UnifiedEvent(event="Tapped", script_code="HMIRuntime.Trace('go');")])])])


def test_a_new_panel_and_a_round_trip(backend: EngineeringBackend, unified_panel: str) -> None:
    new = backend.hmi_unified.read_unified_hmi(unified_panel)
    assert [t.name for t in new.tag_tables] == ["Default tag table"] and new.screens == []
    done = backend.hmi_unified.apply_unified_hmi(unified_panel, model())
    assert [s.name for s in done.screens] == ["Overview"] and [t.name for t in done.tag_tables] == ["Motor"]
    read = backend.hmi_unified.read_unified_hmi(unified_panel)
    assert read.screens == model().screens
    assert read.connections == model().connections
    assert [t for t in read.tag_tables if t.name == "Motor"] == model().tag_tables


def test_rules(backend: EngineeringBackend, unified_panel: str) -> None:
    backend.hmi_unified.apply_unified_hmi(unified_panel, model())
    raises_code(e.AlreadyExistsError, "SCREEN_EXISTS", backend.hmi_unified.apply_unified_hmi, unified_panel,
                UnifiedHmi(screens=model().screens))
    raises_code(e.ValidationError, "CONNECTION_NOT_FOUND", backend.hmi_unified.apply_unified_hmi, unified_panel,
                UnifiedHmi(tag_tables=[UnifiedTagTable(name="T", tags=[
                    UnifiedTag(name="Level", data_type="Int", connection="Nope", plc_tag="x")])]))
    raises_code(e.ConflictError, "CONNECTION_IN_USE", backend.hmi_unified.delete_unified_object, unified_panel,
                "connection",
                "HMI_Connection_1")
    assert [t.name for t in backend.hmi_unified.read_unified_hmi(unified_panel).tag_tables] == ["Default tag table",
                                                                                                "Motor"]


def test_overwrite_and_delete(backend: EngineeringBackend, unified_panel: str) -> None:
    backend.hmi_unified.apply_unified_hmi(unified_panel, model())
    smaller = UnifiedScreen(name="Overview", width=800, height=480,
                            items=[UnifiedScreenItem(name="Go", type="HmiButton")])
    backend.hmi_unified.apply_unified_hmi(unified_panel, UnifiedHmi(screens=[smaller]), overwrite=True)
    assert [i.name for i in backend.hmi_unified.read_unified_hmi(unified_panel).screens[0].items] == ["Go"]
    backend.hmi_unified.delete_unified_object(unified_panel, "screen", "overview")
    backend.hmi_unified.delete_unified_object(unified_panel, "tagTable", "Motor")
    backend.hmi_unified.delete_unified_object(unified_panel, "connection", "HMI_Connection_1")
    read = backend.hmi_unified.read_unified_hmi(unified_panel)
    assert read.screens == [] and read.connections == [] and [t.name for t in read.tag_tables] == ["Default tag table"]
    raises_code(e.NotFoundError, "SCREEN_NOT_FOUND", backend.hmi_unified.delete_unified_object, unified_panel, "screen",
                "Overview")


def test_script_modules(backend: EngineeringBackend, unified_panel: str) -> None:
    module = UnifiedHmi(script_modules=[UnifiedScriptModule(name="Helpers", code="export function f() {}")])
    try:
        backend.hmi_unified.apply_unified_hmi(unified_panel, module)
    except e.NotSupportedError as exc:  # the bridge: Openness has no member for a module's code
        assert exc.code == "NO_OPENNESS_EQUIVALENT"
        assert backend.hmi_unified.read_unified_hmi(unified_panel).script_modules == []
    else:
        assert backend.hmi_unified.read_unified_hmi(unified_panel).script_modules == module.script_modules


def test_not_a_unified_panel(backend: EngineeringBackend, unified_panel: str) -> None:
    backend.devices.add_device(TP700, None, "HMI_1")
    for device, code in (("HMI_1", "NOT_A_UNIFIED_PANEL"), ("PLC_1", "NOT_AN_HMI")):
        raises_code(e.ValidationError, code, backend.hmi_unified.read_unified_hmi, device)
    raises_code(e.NotSupportedError, "UNIFIED_NOT_SUPPORTED", backend.hmi.list_hmi_screens, unified_panel)


def test_saved_and_reopened(backend: EngineeringBackend, unified_panel: str) -> None:
    backend.hmi_unified.apply_unified_hmi(unified_panel, model())
    before = backend.hmi_unified.read_unified_hmi(unified_panel)
    project = backend.save_project()
    backend.close_project()
    backend.open_project(Path(project.path))
    assert backend.hmi_unified.read_unified_hmi(unified_panel) == before


def test_screens_and_tag_tables_in_groups(backend: EngineeringBackend, unified_panel: str) -> None:
    grouped = UnifiedHmi(tag_tables=[UnifiedTagTable(name="Pumps", folder="Plant/Line_1")], screens=[
        UnifiedScreen(name="Pump_1", folder="Plant/Line_1", width=800, height=480),
        UnifiedScreen(name="Pump_2", folder="Plant", width=800, height=480)])
    if played(backend).lacks("HmiSoftware", "TagTableGroups"):  # groups from V18 (the real assemblies' metadata)
        played(backend).refuses(backend.hmi_unified.apply_unified_hmi, unified_panel, grouped)
        assert backend.hmi_unified.read_unified_hmi(unified_panel).screens == []  # nothing was changed
        return
    backend.hmi_unified.apply_unified_hmi(unified_panel, grouped)
    read = backend.hmi_unified.read_unified_hmi(unified_panel)
    assert {(s.name, s.folder) for s in read.screens} == {("Pump_1", "Plant/Line_1"), ("Pump_2", "Plant")}
    assert ("Pumps", "Plant/Line_1") in {(t.name, t.folder) for t in read.tag_tables}


def test_a_new_group_is_an_unsaved_change(backend: EngineeringBackend, unified_panel: str) -> None:
    """Creating a screen or tag table group changes the project as every Create does: saving has something to keep."""
    if played(backend).lacks("HmiSoftware", "TagTableGroups"):
        return  # no groups before V18: test_screens_and_tag_tables_in_groups sees the refusal
    backend.hmi_unified.apply_unified_hmi(unified_panel, UnifiedHmi(tag_tables=[UnifiedTagTable(name="Pumps")]))
    backend.save_project()
    assert backend.session_status().has_unsaved_changes is False
    # the table stays where it is; only the group "Plant" is new
    backend.hmi_unified.apply_unified_hmi(unified_panel, UnifiedHmi(tag_tables=[UnifiedTagTable(name="Pumps",
                                                                                                folder="Plant")]),
                                          overwrite=True)
    assert backend.session_status().has_unsaved_changes is True
