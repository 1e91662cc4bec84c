"""``hmi compile`` through HTTP: a clean panel compiles; a broken one reports, in the one diagnostic shape, what
TIA's HMI compile reports: dangling and unbound HMI tags, connections to missing or non-matching PLCs, screen items
and scripts naming missing objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl
from tests.api.hmi_support import HMI, TP700, connection_file, write
from tests.api.hmi_render import lamp
from tests.conftest import Headers, add_device, assert_error, data, run_job

S7_1200 = "6ES7 214-1AG40-0XB0"
SCRIPT = ('Sub Show()\r\n  SmartTags("Speed") = 1\r\n  SmartTags("Ghost") = 2\r\n  ActivateScreen "Nowhere", 0\r\nEnd '
          'Sub')
DIAGNOSTIC_KEYS = {"file", "block", "network", "line", "column", "severity", "code", "message"}


def unlisted() -> sx.HmiObject:
    item = sx.new_item("SymbolicIOField", "State_IO", 200, 10, 100, 30, tag="Speed")
    item.set_link("TextList", "Nope")
    return item


def _import(client: TestClient[Any], h: Headers, kind: str, path: str) -> None:
    data(client.post(f"{HMI}/{kind}/actions/import", json={"importFilePath": path}, headers=h))


def test_a_new_panel_compiles_clean(client: TestClient[Any], admin_headers: Headers, cpu: dict[str, Any]) -> None:
    add_device(client, admin_headers, TP700, "HMI_1")
    result = data(client.post(f"{HMI}/actions/compile-sync", headers=admin_headers))
    assert (result["state"], result["errorCount"], result["warningCount"], result["diagnostics"]) == (
        "Success", 0, 0, [])
    assert result["messages"][0]["path"] == "HMI_1"


def test_compile_reports_what_does_not_resolve(client: TestClient[Any], admin_headers: Headers, cpu: dict[str, Any],
                                               workspace: Path) -> None:
    h = admin_headers
    add_device(client, h, TP700, "HMI_1")
    add_device(client, h, S7_1200, "PLC_2")
    data(client.post("/api/devices/PLC_1/tags", json={"name": "Start", "dataType": "Bool", "logicalAddress": "%I0.0"},
                     headers=h))
    _import(client, h, "connections", connection_file(workspace))  # to PLC_1 (S7-1500) with the S7 1500 driver: fine
    for name, partner, driver in (("To_Ghost", "PLC_9", "SIMATIC S7 1500"), ("To_1200", "PLC_2", "SIMATIC S7 1500"),
                                  ("To_Panel", "HMI_1", "SIMATIC S7 1500")):
        _import(client, h, "connections",
                write(workspace, f"{name}.xml", sx.new_connection(name, partner, driver, "V19")))
    tags = sx.new_tag_table("Line", "V19", [
        sx.new_tag("Speed", "Bool", connection="HMI_Connection_1", plc_tag="Start"),  # resolves
        sx.new_tag("Lost", "Int", connection="HMI_Connection_1", plc_tag="Gone_DB.Value"),
        sx.new_tag("Loose", "Int", connection="HMI_Connection_1"),
        sx.new_tag("Page", "Int")])  # internal: nothing to check
    _import(client, h, "tags", write(workspace, "tags.xml", tags))
    screen = sx.new_screen("Main", 2, 800, 480, "V19",
                           [sx.new_item("IOField", "Speed_IO", 10, 10, 100, 30, tag="Speed"),
                                                        sx.new_item("IOField", "Ghost_IO", 10, 50, 100, 30,
                                                                    tag="Ghost"),
                                                        lamp("Phantom_Lamp", "Phantom"), unlisted(),
                                                        sx.new_item("IOField", "Empty_IO", 10, 90, 100, 30)])
    _import(client, h, "screens", write(workspace, "main.xml", screen))
    _import(client, h, "scripts", write(workspace, "show.xml", hl.new_vb_script("Show", "V19", SCRIPT)))

    result = data(client.post(f"{HMI}/actions/compile-sync", headers=h))
    found = {(d["code"], d["block"]): d for d in result["diagnostics"]}
    assert set(found) == {
        ("PARTNER_NOT_FOUND", "To_Ghost"), ("DRIVER_MISMATCH", "To_1200"), ("PARTNER_NOT_A_PLC", "To_Panel"),
        ("MISSING_TAG", "Line"), ("PLC_TAG_NOT_SET", "Line"), ("MISSING_TAG", "Main"), ("MISSING_TEXT_LIST", "Main"),
        ("PROCESS_VALUE_NOT_SET", "Main"), ("MISSING_TAG", "Show"), ("MISSING_SCREEN", "Show"),
    }
    assert all(set(d) == DIAGNOSTIC_KEYS for d in result["diagnostics"])
    assert "Gone_DB.Value" in found[("MISSING_TAG", "Line")]["message"]
    on_main = [d["message"] for d in result["diagnostics"] if (d["code"], d["block"]) == ("MISSING_TAG", "Main")]
    assert len(on_main) == 2 and "Ghost_IO" in on_main[0] and "Phantom_Lamp" in on_main[1]  # value and animation
    ghost = found[("MISSING_TAG", "Show")]
    assert (ghost["file"], ghost["line"], ghost["column"]) == ("Scripts", 3, 14)
    assert (found[("MISSING_SCREEN", "Show")]["line"], found[("MISSING_SCREEN", "Show")]["column"]) == (4, 19)
    assert "State_IO" in found[("MISSING_TEXT_LIST", "Main")]["message"]
    assert (found[("PROCESS_VALUE_NOT_SET", "Main")]["severity"], found[("MISSING_TEXT_LIST", "Main")]["severity"]) == (
        "Warning", "Error")
    assert (result["state"], result["errorCount"], result["warningCount"]) == ("Error", 10, 1)
    tree = result["messages"][0]
    assert tree["path"] == "HMI_1" and tree["errorCount"] == 10
    assert {m["path"] for m in tree["messages"]} == {
        "HMI_1/Connections/To_Ghost", "HMI_1/Connections/To_1200", "HMI_1/Connections/To_Panel",
        "HMI_1/HMI tags/Line", "HMI_1/Screens/Main", "HMI_1/Scripts/Show"}

    # the async route answers with a job that ends with the same result
    job = run_job(client, "POST", f"{HMI}/actions/compile", h)
    assert job["status"] == "Completed" and job["result"]["errorCount"] == 10


def test_compile_refusals_and_roles(client: TestClient[Any], admin_headers: Headers, cpu: dict[str, Any],
                                   viewer_headers: Headers) -> None:
    add_device(client, admin_headers, TP700, "HMI_1")
    assert_error(client.post("/api/devices/PLC_1/hmi/actions/compile-sync", headers=admin_headers), 422, "NOT_AN_HMI")
    assert_error(client.post("/api/devices/Nope/hmi/actions/compile-sync", headers=admin_headers), 404,
                 "DEVICE_NOT_FOUND")
    assert_error(client.post(f"{HMI}/actions/compile-sync", headers=viewer_headers), 403)


def test_compile_reports_a_connection_without_partner_and_a_symbolic_field_without_text_list(
        client: TestClient[Any], admin_headers: Headers, cpu: dict[str, Any], workspace: Path) -> None:
    """A connection that names no partner station is a warning (its tags cannot be checked against a PLC); a
    symbolic I/O field without a text list is an error (it has no texts to show)."""
    h = admin_headers
    add_device(client, h, TP700, "HMI_1")
    _import(client, h, "connections", write(workspace, "loose.xml", sx.new_connection("To_Nobody", "",
                                                                                       "SIMATIC S7 1500", "V19")))
    _import(client, h, "tags", write(workspace, "tags.xml", sx.new_tag_table("Local", "V19",
                                                                             [sx.new_tag("Page", "Int")])))
    state = sx.new_item("SymbolicIOField", "State_IO", 10, 10, 100, 30, tag="Page")  # bound, but to no text list
    _import(client, h, "screens", write(workspace, "main.xml", sx.new_screen("Main", 2, 800, 480, "V19", [state])))

    result = data(client.post(f"{HMI}/actions/compile-sync", headers=h))
    assert [(d["code"], d["severity"], d["file"], d["block"], d["message"]) for d in result["diagnostics"]] == [
        ("PARTNER_NOT_SET", "Warning", "Connections", "To_Nobody",
         "The connection To_Nobody has no partner station; its tags cannot be checked against a PLC."),
        ("TEXT_LIST_NOT_SET", "Error", "Screens", "Main", "The SymbolicIOField State_IO has no text list."),
    ]
    assert (result["state"], result["errorCount"], result["warningCount"]) == ("Error", 1, 1)
