"""The HMI area of the port (classic panels): screens, tag tables, connections, TIA's import rules, on every adapter.

Calls :class:`engineering_api.backend.areas.hmi.HmiPort` methods directly, parametrised over the fake and the
Openness bridge (stand-in under Mono).
"""

from __future__ import annotations

from pathlib import Path


from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from simatic_xml import hmi as sx
from tests.lib.outcomes import raises_code
from tests.contract.conftest import MTP700
from tests.contract.played import Played
from tests.contract.hmi_connection import connection

BRIDGE_PENDING: dict[str, str] = {}
"""Tests that do not run on the Openness bridge yet, with the reason."""


def test_a_new_panel_and_round_trips(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    screens = backend.hmi.list_hmi_screens(panel)
    assert [(s.name, s.number, s.width, s.height) for s in screens] == [("Root screen", 1, 800, 480)]
    assert [t.name for t in backend.hmi.list_hmi_tag_tables(panel)] == ["Default tag table"]
    assert backend.hmi.list_hmi_connections(panel) == []
    made = backend.hmi.import_hmi_connection(panel, connection(tia))
    assert (made.name, made.partner, made.type) == ("HMI_Connection_1", "PLC_1", "SIMATIC S7 1500")
    tags = sx.to_bytes(sx.new_tag_table("Motor", tia.version, [
        sx.new_tag("Speed", "Int", connection="HMI_Connection_1", plc_tag="Motor_DB.Speed"),
        sx.new_tag("Page", "Int")]))
    table = backend.hmi.import_hmi_tag_table(panel, tags)
    assert [(t.name, t.connection, t.plc_tag) for t in table.tags] == [
        ("Speed", "HMI_Connection_1", "Motor_DB.Speed"), ("Page", "", "")]
    screen = sx.to_bytes(sx.new_screen("Main", 2, 800, 480, tia.version,
                                       [sx.new_item("IOField", "F", 1, 2, 3, 4, tag="Speed")]))
    assert backend.hmi.import_hmi_screen(panel, screen).item_count == 1
    assert sx.canonical(backend.hmi.export_hmi_screen(panel, "main").data) == sx.canonical(screen)
    assert sx.canonical(backend.hmi.export_hmi_tag_table(panel, "Motor").data) == sx.canonical(tags)
    assert backend.hmi.export_hmi_connection(panel, "HMI_Connection_1").name == "HMI_Connection_1"
    assert [s.name for s in backend.hmi.list_hmi_screens(panel)] == ["Root screen", "Main"]
    assert [t.name for t in backend.hmi.list_hmi_tag_tables(panel)] == ["Default tag table", "Motor"]


def test_import_rules(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    def refused(error: type[e.EngineeringError], code: str, call, data: bytes, **kw: bool) -> None:
        raises_code(error, code, call, panel, data, **kw)

    refused(e.ValidationError, "CONNECTION_NOT_FOUND", backend.hmi.import_hmi_tag_table,
            sx.to_bytes(sx.new_tag_table("T", tia.version, [sx.new_tag("A", "Bool", connection="Nope", plc_tag="x")])))
    refused(e.ValidationError, "SCREEN_SIZE_MISMATCH", backend.hmi.import_hmi_screen,
            sx.to_bytes(sx.new_screen("Big", 4, 1280, 800, tia.version)))
    refused(e.ValidationError, "SCREEN_NUMBER_NOT_UNIQUE", backend.hmi.import_hmi_screen,
            sx.to_bytes(sx.new_screen("Other", 1, 800, 480, tia.version)))
    refused(e.ValidationError, "INVALID_SIMATICML", backend.hmi.import_hmi_screen, connection(tia))
    # a document exported by a newer TIA (SimaticML is not forward compatible), of each kind
    refused(e.ValidationError, "NEWER_VERSION", backend.hmi.import_hmi_screen,
            sx.to_bytes(sx.new_screen("Later", 5, 800, 480, tia.newer)))
    refused(e.ValidationError, "NEWER_VERSION", backend.hmi.import_hmi_tag_table,
            sx.to_bytes(sx.new_tag_table("Later", tia.newer)))
    refused(e.ValidationError, "NEWER_VERSION", backend.hmi.import_hmi_connection,
            sx.to_bytes(sx.new_connection("Later", "PLC_1", "SIMATIC S7 1500", tia.newer, address="192.168.0.2")))
    refused(e.ValidationError, "INVALID_SIMATICML", backend.hmi.import_hmi_connection, b"<Document><Engineering")
    refused(e.ValidationError, "INVALID_SIMATICML", backend.hmi.import_hmi_connection,
            b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>')
    root = sx.to_bytes(sx.new_screen("root SCREEN", 1, 800, 480, tia.version,
                                     [sx.new_item("Rectangle", "R", 0, 0, 5, 5)]))
    refused(e.AlreadyExistsError, "SCREEN_EXISTS", backend.hmi.import_hmi_screen, root)
    backend.hmi.import_hmi_connection(panel, connection(tia))
    refused(e.AlreadyExistsError, "CONNECTION_EXISTS", backend.hmi.import_hmi_connection, connection(tia))
    backend.hmi.import_hmi_tag_table(panel,
                                     sx.to_bytes(sx.new_tag_table("A", tia.version, [sx.new_tag("Level", "Real")])))
    refused(e.AlreadyExistsError, "TAG_EXISTS", backend.hmi.import_hmi_tag_table,
            sx.to_bytes(sx.new_tag_table("B", tia.version, [sx.new_tag("LEVEL", "Int")])))
    refused(e.AlreadyExistsError, "TAG_TABLE_EXISTS", backend.hmi.import_hmi_tag_table,
            sx.to_bytes(sx.new_tag_table("a", tia.version)))
    # nothing of the refused imports arrived
    assert [(s.name, s.item_count) for s in backend.hmi.list_hmi_screens(panel)] == [("Root screen", 0)]
    assert [t.name for t in backend.hmi.list_hmi_tag_tables(panel)] == ["Default tag table", "A"]
    # overwrite replaces in place
    assert backend.hmi.import_hmi_screen(panel, root, overwrite=True).item_count == 1
    assert [(s.name, s.item_count) for s in backend.hmi.list_hmi_screens(panel)] == [("root SCREEN", 1)]
    assert backend.hmi.import_hmi_tag_table(panel, sx.to_bytes(sx.new_tag_table("A", tia.version)),
                                            overwrite=True).tags == []


def test_not_found_and_device_kinds(backend: EngineeringBackend, panel: str) -> None:
    for call, code in ((backend.hmi.export_hmi_screen, "SCREEN_NOT_FOUND"),
                       (backend.hmi.export_hmi_tag_table, "TAG_TABLE_NOT_FOUND"),
                       (backend.hmi.export_hmi_connection, "CONNECTION_NOT_FOUND")):
        raises_code(e.NotFoundError, code, call, panel, "Nope")
    raises_code(e.ValidationError, "NOT_AN_HMI", backend.hmi.list_hmi_screens, "PLC_1")
    raises_code(e.NotFoundError, "DEVICE_NOT_FOUND", backend.hmi.list_hmi_tag_tables, "Nope")


def test_a_unified_panel_has_no_simaticml(backend: EngineeringBackend, panel: str) -> None:
    # its objects are the Unified object model (tests/contract/test_hmi_unified_contract.py)
    backend.devices.add_device(MTP700, None, "HMI_U")
    raises_code(e.NotSupportedError, "UNIFIED_NOT_SUPPORTED", backend.hmi.list_hmi_connections, "HMI_U")


def test_saved_with_the_project(backend: EngineeringBackend, panel: str, tia: Played) -> None:
    backend.hmi.import_hmi_connection(panel, connection(tia))
    project = backend.save_project()
    backend.close_project()
    backend.open_project(Path(project.path))
    assert [c.name for c in backend.hmi.list_hmi_connections(panel)] == ["HMI_Connection_1"]
    assert [s.name for s in backend.hmi.list_hmi_screens(panel)] == ["Root screen"]
