"""TIA Portal Management: list, diagnostics, attach, launch, detach, shutdown, firewall whitelist."""

from __future__ import annotations


from tests.conftest import assert_error, data


def _attached_pid(client, headers) -> int:
    return data(client.get("/api/instance/status", headers=headers))["pid"]


def test_list_instances_shows_the_attached_portal(client, viewer_headers):
    portals = data(client.get("/api/instances", headers=viewer_headers))
    assert len(portals) == 1
    assert portals[0]["attached"] is True
    assert portals[0]["version"] == "V19"
    assert portals[0]["mode"] == "WithoutUserInterface"
    assert portals[0]["projectName"] is None


def test_list_instances_needs_a_key(client):
    assert_error(client.get("/api/instances"), 401)


def test_process_diagnostics(client, viewer_headers, project):
    body = data(client.get("/api/instance/diagnostics", headers=viewer_headers))
    assert body["pid"] == _attached_pid(client, viewer_headers)
    assert body["projectOpen"] is True
    assert body["opennessState"] == "Attached"


def test_process_diagnostics_without_portal_is_503(client, admin_headers):
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    assert_error(client.get("/api/instance/diagnostics", headers=admin_headers), 503, "NO_PORTAL_ATTACHED")


def test_launch_while_attached_is_409(client, engineer_headers):
    assert_error(client.post("/api/instance/actions/launch", json={}, headers=engineer_headers), 409,
                 "ALREADY_ATTACHED")


def test_detach_launch_with_ui_and_version(client, engineer_headers):
    first = _attached_pid(client, engineer_headers)
    detached = data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    assert detached["pid"] == first and detached["attached"] is False
    launched = data(
        client.post(
            "/api/instance/actions/launch", json={"withUserInterface": True, "version": "V18"}, headers=engineer_headers
        )
    )
    assert launched["version"] == "V18"
    assert launched["mode"] == "WithUserInterface"
    assert launched["attached"] is True
    portals = {p["pid"]: p for p in data(client.get("/api/instances", headers=engineer_headers))}
    assert set(portals) == {first, launched["pid"]}
    assert portals[first]["attached"] is False  # the detached portal keeps running


def test_launch_unknown_version_is_422(client, engineer_headers):
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    assert_error(
        client.post("/api/instance/actions/launch", json={"version": "V12"}, headers=engineer_headers),
        422, "VERSION_NOT_INSTALLED",
    )


def test_launch_with_a_bad_body_is_422(client, engineer_headers):
    assert_error(
        client.post("/api/instance/actions/launch", json={"withUserInterface": "maybe"}, headers=engineer_headers), 422
    )


def test_attach_by_pid(client, engineer_headers):
    first = _attached_pid(client, engineer_headers)
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    status = data(client.get("/api/instance/status", headers=engineer_headers))
    assert status["connected"] is False
    attached = data(client.post("/api/instance/actions/attach", json={"pid": first}, headers=engineer_headers))
    assert attached["pid"] == first and attached["attached"] is True
    assert _attached_pid(client, engineer_headers) == first


def test_attach_unknown_pid_is_404(client, engineer_headers):
    assert_error(
        client.post("/api/instance/actions/attach", json={"pid": 99999}, headers=engineer_headers),
        404, "PORTAL_NOT_FOUND",
    )


def test_attach_to_another_portal_while_attached_is_409(client, engineer_headers):
    first = _attached_pid(client, engineer_headers)
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    second = data(client.post("/api/instance/actions/launch", json={}, headers=engineer_headers))["pid"]
    assert second != first
    assert_error(
        client.post("/api/instance/actions/attach", json={"pid": first}, headers=engineer_headers), 409,
        "ALREADY_ATTACHED"
    )


def test_attach_without_pid_is_422(client, engineer_headers):
    assert_error(client.post("/api/instance/actions/attach", json={}, headers=engineer_headers), 422)
    assert_error(client.post("/api/instance/actions/attach", json={"pid": "abc"}, headers=engineer_headers), 422)


def test_detach_when_nothing_attached_is_503(client, engineer_headers):
    data(client.post("/api/instance/actions/detach", headers=engineer_headers))
    assert_error(client.post("/api/instance/actions/detach", headers=engineer_headers), 503, "NO_PORTAL_ATTACHED")


def test_shutdown_closes_the_portal_and_its_project(client, engineer_headers, project):
    pid = _attached_pid(client, engineer_headers)
    down = data(client.post("/api/instance/actions/shutdown", headers=engineer_headers))
    assert down["pid"] == pid
    assert down["projectName"] == "Line1"
    assert data(client.get("/api/instances", headers=engineer_headers)) == []
    assert data(client.get("/api/instance/status", headers=engineer_headers))["connected"] is False
    assert_error(client.post("/api/instance/actions/shutdown", headers=engineer_headers), 503, "NO_PORTAL_ATTACHED")


def test_routes_needing_a_portal_answer_503_after_shutdown(client, engineer_headers):
    data(client.post("/api/instance/actions/shutdown", headers=engineer_headers))
    assert_error(client.get("/api/projects", headers=engineer_headers), 503, "NO_PORTAL_ATTACHED")
    assert_error(
        client.post("/api/projects/actions/create-sync", json={"name": "X"}, headers=engineer_headers),
        503, "NO_PORTAL_ATTACHED",
    )


def test_firewall_whitelist_records_the_application(client, admin_headers, workspace, tmp_path):
    app_file = workspace / "tools" / "client.exe"
    app_file.parent.mkdir(parents=True)
    app_file.write_bytes(b"MZ fake client")
    entry = data(
        client.post("/api/tia/firewall/whitelist", json={"applicationPath": "tools/client.exe"}, headers=admin_headers)
    )
    assert entry["applicationPath"] == str(app_file)
    assert len(entry["sha256"]) == 64
    assert "V19" in entry["tiaVersion"]
    recorded = (tmp_path / "fake-whitelist.json").read_text()
    assert str(app_file) in recorded


def test_firewall_whitelist_missing_file_is_404(client, admin_headers):
    assert_error(
        client.post("/api/tia/firewall/whitelist", json={"applicationPath": "nope.exe"}, headers=admin_headers),
        404, "FILE_NOT_FOUND",
    )


def test_firewall_whitelist_outside_the_roots_is_422(client, admin_headers):
    assert_error(
        client.post("/api/tia/firewall/whitelist", json={"applicationPath": "../../bin/sh"}, headers=admin_headers),
        422, "PATH_REJECTED",
    )


def test_firewall_whitelist_needs_admin(client, engineer_headers):
    assert_error(client.post("/api/tia/firewall/whitelist", json={}, headers=engineer_headers), 403, "FORBIDDEN")


# ----- TIA Portal V16 (issue 13): a portal of every version the fake reads and writes documents for ----------------
_FC = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real", "number": 5,
       "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
       "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}]}


def test_a_v16_portal_works_end_to_end(client, engineer_headers):
    h = engineer_headers
    assert "V16" in [v["version"] for v in data(client.get("/api/health/versions", headers=h))]
    data(client.post("/api/instance/actions/detach", headers=h))
    launched = data(client.post("/api/instance/actions/launch", json={"version": "V16"}, headers=h))
    assert launched["version"] == "V16"
    created = data(client.post("/api/projects/actions/create-sync", json={"name": "Old16"}, headers=h))
    assert created["name"] == "Old16" and created["path"].endswith("Old16.ap16")
    device = data(client.post("/api/projects/devices/actions/add-sync",
                              json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}, headers=h))
    assert device["firmwareVersion"] == "V2.8"  # the newest firmware TIA V16 configures (V2.9 came with V17)
    data(client.post("/api/blockgeneration/generate-and-import", json={"spec": _FC, "deviceName": "PLC_1"}, headers=h))
    exported = data(client.get("/api/devices/PLC_1/blocks/FC_Scale/export-xml", headers=h))
    assert 'Engineering version="V16"' in str(exported)
    assert data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=h))["state"] == "Success"
    refused = assert_error(client.post("/api/projects/devices/actions/add-sync",
                                       json={"orderNumber": "6ES7 516-3AN02-0AB0", "version": "V2.9", "name": "PLC_2"},
                                       headers=h), 422, "FIRMWARE_REQUIRES_V17")
    assert refused["details"]["minimumTiaVersion"] == "V17"
    data(client.post("/api/projects/actions/save-sync", headers=h))


def test_a_v16_project_reopens(client, engineer_headers):
    h = engineer_headers
    data(client.post("/api/instance/actions/detach", headers=h))
    data(client.post("/api/instance/actions/launch", json={"version": "V16"}, headers=h))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Old16"}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync",
                     json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}, headers=h))
    data(client.post("/api/blockgeneration/generate-and-import", json={"spec": _FC, "deviceName": "PLC_1"}, headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    opened = data(client.post("/api/projects/actions/open-sync", json={"path": "Old16/Old16.ap16"}, headers=h))
    assert opened["name"] == "Old16"
    # the PLC's own Main [OB1], written in V16's form, reopens too
    assert [b["name"] for b in data(client.get("/api/devices/PLC_1/blocks", headers=h))] == ["FC_Scale", "Main"]
