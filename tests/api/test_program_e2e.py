"""End to end through HTTP only: a real multi-block program from the SCL corpus into a PLC, compiled
clean, exported as SimaticML the SimaticML check accepts; then a broken UDT interface makes compile
report the blocks that depend on it.

The program: ``Timer.scl`` (a UDT, ten FCs and a global DB that holds an array of the UDT) and
``FB_Taktgenerator.scl`` (a UDT and an FB) from lopez-dev/Siemens-SCL-Source-Files. No corpus source
holds a complete program with an OB1 that the generator can express, so the test adds the OB1 and an
instance DB of the FB as a small source of its own that calls the real blocks.
"""

from __future__ import annotations

from typing import Any


from simatic_xml import check_bytes
from tests.conftest import data
from tests.lib.shared_corpus import READS_SHARED, SHARED

SOURCES = (
    SHARED / "corpus" / "scl" / "lopez-dev__Siemens-SCL-Source-Files"
)
MAIN = """DATA_BLOCK "Takt_DB"
{ S7_Optimized_Access := 'TRUE' }
"FB_Taktgenerator"
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
{ S7_Optimized_Access := 'TRUE' }
   VAR_TEMP
      Elapsed : Bool;
   END_VAR
BEGIN
    "Takt_DB"();
    "TimerHandling"();
    "TimerTON"(TimerNr := 1, IN := "Takt_DB".Takt_Signals.Takt_1Hz, OUT => #Elapsed);
END_ORGANIZATION_BLOCK
"""

pytestmark = READS_SHARED


def _generate(client: Any, headers: dict[str, str], name: str, text: str) -> Any:
    return client.post(
        "/api/devices/PLC_1/external-sources/import-and-generate",
        json={"SourceName": name, "SclContent": text}, headers=headers,
    )


def _compile(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    return data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=headers))


def _texts(node: dict[str, Any]) -> list[str]:
    out = [f"{node['path']}: {node['description']}"]
    for child in node.get("messages", []):
        out.extend(_texts(child))
    return out


def test_a_real_program_compiles_clean_exports_valid_simaticml_and_breaks_on_a_changed_udt(
    client: Any, admin_headers: dict[str, str], cpu: dict[str, Any]
) -> None:
    timer = (SOURCES / "Timer" / "Timer.scl").read_text(encoding="utf-8-sig")
    takt = (SOURCES / "TaktGenerator" / "FB_Taktgenerator.scl").read_text(encoding="utf-8-sig")
    for name, text in (("Timer.scl", timer), ("FB_Taktgenerator.scl", takt), ("Main.scl", MAIN)):
        response = _generate(client, admin_headers, name, text)
        assert response.status_code == 200, response.text

    blocks = {b["name"]: b for b in data(client.get("/api/devices/PLC_1/blocks", headers=admin_headers))}
    assert {"TimerDatabase", "TimerHandling", "TimerTON", "FB_Taktgenerator", "Takt_DB", "Main"} <= set(blocks)
    kinds = {b["name"]: b.get("blockType") or b.get("kind") or b.get("type") for b in blocks.values()}
    assert sum(1 for k in kinds.values() if k == "FC") == 10
    udts = {u["name"] for u in data(client.get("/api/devices/PLC_1/udts", headers=admin_headers))}
    assert {"udt_timer", "udt_tg_takt"} <= udts

    result = _compile(client, admin_headers)
    assert result["errorCount"] == 0, "\n".join(_texts(result["messages"][0]))
    assert result["state"] in ("Success", "Warning")

    for name in blocks:
        xml = data(client.get(f"/api/devices/PLC_1/blocks/{name}/export-xml", headers=admin_headers))
        check = check_bytes(xml.encode("utf-8") if isinstance(xml, str) else xml)
        assert check.ok, f"{name}: {check.first_difference}"

    # Break the UDT's interface: the FCs and the DB that use "timestamp" must be reported.
    udt = data(client.get("/api/devices/PLC_1/udts/udt_timer", headers=admin_headers))
    members = [
        {"name": m["name"], "dataType": m["dataType"]} for m in udt["members"] if m["name"] != "timestamp"
    ]
    response = client.put("/api/devices/PLC_1/udts/udt_timer", json={"members": members}, headers=admin_headers)
    assert response.status_code == 200, response.text
    broken = _compile(client, admin_headers)
    assert broken["errorCount"] > 0 and broken["state"] == "Error"
    report = "\n".join(_texts(broken["messages"][0]))
    for dependent in ("TimerReadTime", "TimerTimeToAdd", "TimerHandling"):
        assert dependent in report, report
    assert "timestamp" in report


def test_a_whole_device_compiles_hardware_and_software_together(
    client: Any, admin_headers: dict[str, str], cpu: dict[str, Any]
) -> None:
    timer = (SOURCES / "Timer" / "Timer.scl").read_text(encoding="utf-8-sig")
    assert _generate(client, admin_headers, "Timer.scl", timer).status_code == 200
    route = "/api/devices/PLC_1/actions/compile-sync"
    # No body, as T-IA Connect's client sends it: the device, hardware and software, as Openness compiles it.
    default = data(client.post(route, headers=admin_headers))
    hardware = data(client.post(route, json={"scope": "hardware"}, headers=admin_headers))
    everything = data(client.post(route, json={"scope": "all"}, headers=admin_headers))
    software = data(client.post(route, json={"Scope": "software"}, headers=admin_headers))
    assert [m["description"] for m in hardware["messages"]] == ["Hardware configuration"]
    assert default["messages"] == everything["messages"]
    assert len(everything["messages"]) == 2
    assert everything["messages"][0]["description"] == "Hardware configuration"
    assert everything["messages"][1] == software["messages"][0]
    bad = client.post(route, json={"scope": "firmware"}, headers=admin_headers)
    assert bad.status_code == 422
