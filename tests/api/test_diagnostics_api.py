"""Diagnostics routes (Openness reflection) over HTTP on the fake: each route, bad input, roles.

The fake answers from the snapshot of the bridge's stand-in (fakes/data/openness_snapshot.json), so the types
asserted here are the stand-in's: the bridge's own tests and the contract suite check the bridge gives the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import HMI, IM, add_device, assert_error, data

B = "/api/diagnostic"


def test_namespaces(client, viewer_headers):
    report = data(client.get(f"{B}/namespaces", headers=viewer_headers))
    assert report["source"] == "snapshot" and report["assemblies"]
    names = [n["name"] for n in report["namespaces"]]
    assert names == sorted(names) and "Siemens.Engineering.Online" in names and "Siemens.Engineering.HW" in names
    assert report["namespaceCount"] == len(names)
    assert report["typeCount"] == sum(n["typeCount"] for n in report["namespaces"])
    online = next(n for n in report["namespaces"] if n["name"] == "Siemens.Engineering.Online")
    assert online["enumCount"] >= 1 and online["classCount"] >= 1  # OnlineState, OnlineProvider


def test_types_filter(client, viewer_headers):
    found = data(client.get(f"{B}/types", params={"filter": "provider"}, headers=viewer_headers))
    full = [t["fullName"] for t in found["types"]]
    assert (
        "Siemens.Engineering.Online.OnlineProvider" in full and "Siemens.Engineering.Download.DownloadProvider" in full
    )
    assert all("provider" in f.lower() for f in full) and found["count"] == len(full) and not found["truncated"]
    online = next(t for t in found["types"] if t["name"] == "OnlineProvider")
    assert online["isService"] and online["usedByBridge"] and online["kind"] == "class"
    assert data(client.get(f"{B}/types", params={"filter": "NoSuchThingAnywhere"},
                           headers=viewer_headers))["count"] == 0


@pytest.mark.parametrize("params", [{}, {"filter": ""}, {"filter": "   "}, {"filter": "x" * 201}])
def test_types_bad_filter(client, viewer_headers, params):
    assert_error(client.get(f"{B}/types", params=params, headers=viewer_headers), 422, "INVALID_FILTER")


def test_search(client, viewer_headers):
    result = data(client.get(f"{B}/search", params={"name": "onlineprovider"}, headers=viewer_headers))
    [match] = result["matches"]
    assert match["fullName"] == "Siemens.Engineering.Online.OnlineProvider" and result["count"] == 1
    assert "Siemens.Engineering.IEngineeringService" in match["interfaces"]
    members = {m["name"]: m for m in match["members"]}
    assert {"GoOnline", "GoOffline", "State", "Configuration"} <= set(members)
    assert members["State"]["signature"] == "OnlineState State { get; }"
    by_full = data(client.get(f"{B}/search", params={"name": "Siemens.Engineering.HW.DeviceItem"},
                              headers=viewer_headers))
    assert [m["name"] for m in by_full["matches"]] == ["DeviceItem"]


def test_search_unknown_and_bad(client, viewer_headers):
    body = assert_error(client.get(f"{B}/search", params={"name": "OnlineProvidr"}, headers=viewer_headers), 404,
                        "TYPE_NOT_FOUND")
    assert "OnlineProvider" in body["message"]
    assert_error(client.get(f"{B}/search", headers=viewer_headers), 422, "INVALID_TYPE_NAME")
    assert_error(client.get(f"{B}/search", params={"name": "A" * 300}, headers=viewer_headers), 422,
                 "INVALID_TYPE_NAME")


def test_enum_values(client, viewer_headers):
    values = data(client.get(f"{B}/enum-values/OnlineState", headers=viewer_headers))
    assert values["fullName"] == "Siemens.Engineering.Online.OnlineState" and not values["isFlags"]
    assert {"name": "Online", "value": 2} in values["values"] and values["values"][0] == {"name": "Offline", "value": 0}
    flags = data(client.get(f"{B}/enum-values/Siemens.Engineering.Download.DownloadOptions", headers=viewer_headers))
    assert flags["isFlags"] and {v["name"] for v in flags["values"]} >= {"Hardware", "Software"}


def test_enum_values_errors(client, viewer_headers):
    assert_error(client.get(f"{B}/enum-values/NoSuchEnum", headers=viewer_headers), 404, "TYPE_NOT_FOUND")
    body = assert_error(client.get(f"{B}/enum-values/OnlineProvider", headers=viewer_headers), 422, "NOT_AN_ENUM")
    assert "class" in body["message"]


def test_providers(client, viewer_headers):
    result = data(client.get(f"{B}/providers", headers=viewer_headers))
    assert result["serviceInterface"] == "Siemens.Engineering.IEngineeringService"
    full = [p["fullName"] for p in result["providers"]]
    assert {"Siemens.Engineering.Online.OnlineProvider", "Siemens.Engineering.Download.DownloadProvider",
            "Siemens.Engineering.HW.Features.SoftwareContainer",
            "Siemens.Engineering.Compiler.ICompilable"} <= set(full)
    assert result["count"] == len(full) and all(p["isService"] for p in result["providers"])


def test_online_download_types(client, viewer_headers):
    result = data(client.get(f"{B}/online-download-types", headers=viewer_headers))
    categories = {c["category"]: c for c in result["categories"]}
    assert list(categories) == ["online", "connection", "download", "downloadConfigurations"]
    assert "OnlineProvider" in [t["name"] for t in categories["online"]["types"]]
    assert "DownloadProvider" in [t["name"] for t in categories["download"]["types"]]
    assert "StopModules" in [t["name"] for t in categories["downloadConfigurations"]["types"]]
    assert all(t["namespace"] == c["namespace"] for c in result["categories"] for t in c["types"])
    assert result["typeCount"] == sum(len(c["types"]) for c in result["categories"])


def _services(result: dict[str, Any]) -> set[str]:
    assert result["available"] == [s["fullName"] for s in result["services"] if s["available"]]
    return {s.rsplit(".", 1)[-1] for s in result["available"]}


def test_device_services(client, viewer_headers, cpu):
    plc = data(client.get(f"{B}/plc-services/PLC_1", headers=viewer_headers))
    assert (plc["deviceName"], plc["target"], plc["targetName"]) == ("PLC_1", "PlcSoftware", "PLC_1")
    # an S7-1500's software offers software units (PlcSoftware.GetService<PlcUnitProvider>(), null on an S7-1200)
    assert _services(plc) == {"ICompilable", "PlcUnitProvider"}
    item = data(client.get(f"{B}/cpu-services/PLC_1", headers=viewer_headers))
    assert item["target"] == "DeviceItem"
    assert {"OnlineProvider", "DownloadProvider", "SoftwareContainer"} <= _services(item)
    providers = data(client.get(f"{B}/providers", headers=viewer_headers))["providers"]
    assert [s["fullName"] for s in item["services"]] == [p["fullName"] for p in providers]  # every service asked


def test_device_services_errors(client, admin_headers, viewer_headers, cpu):
    add_device(client, admin_headers, HMI, "HMI_1")
    add_device(client, admin_headers, IM, "IO_1")
    for route in ("plc-services", "cpu-services"):
        assert_error(client.get(f"{B}/{route}/NOPE", headers=viewer_headers), 404, "DEVICE_NOT_FOUND")
        assert_error(client.get(f"{B}/{route}/HMI_1", headers=viewer_headers), 422, "NOT_A_PLC")
        assert_error(client.get(f"{B}/{route}/IO_1", headers=viewer_headers), 422, "NOT_A_PLC")


def test_device_services_need_a_project(client, viewer_headers):
    for route in ("plc-services", "cpu-services"):
        assert_error(client.get(f"{B}/{route}/PLC_1", headers=viewer_headers), 409, "NO_PROJECT_OPEN")


def test_type_routes_need_no_project_and_are_not_audited(client, admin_headers, viewer_headers):
    for path in ("namespaces", "providers", "online-download-types", "types?filter=Tag", "search?name=Device",
                 "enum-values/OnlineState", "types?filter=", "search?name=Nope"):
        client.get(f"{B}/{path}", headers=viewer_headers)
    records = data(client.get("/api/audit", params={"pathPrefix": B}, headers=admin_headers))["records"]
    assert records == []  # reads, good or refused: nothing changed, nothing to audit
    assert data(client.get("/api/projects", headers=admin_headers)) == []


@pytest.mark.parametrize("path", ["namespaces", "types?filter=Online", "search?name=OnlineState",
                                  "enum-values/OnlineState", "providers", "online-download-types",
                                  "plc-services/PLC_1", "cpu-services/PLC_1"])
def test_roles(client, viewer_headers, path):
    assert client.get(f"{B}/{path}").status_code == 401
    assert client.get(f"{B}/{path}", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get(f"{B}/{path}", headers=viewer_headers).status_code != 403  # a viewer may read them all
