"""Discovery: the command list and command info by path and by operation name."""

from __future__ import annotations

from tests.conftest import assert_error, data


def test_command_list(client, viewer_headers):
    entries = data(client.get("/api/command/list", headers=viewer_headers))
    by_route = {(e["method"], e["path"]): e for e in entries}
    create = by_route[("POST", "/api/projects/actions/create-sync")]
    assert create == {
        "method": "POST", "path": "/api/projects/actions/create-sync", "controller": "Project Operations",
        "operationId": "ProjectsCreate", "summary": "Create a new empty project and open it.", "role": "engineer",
        "operation": "projects.create", "asynchronous": False,
    }
    create_async = by_route[("POST", "/api/projects/actions/create")]
    assert create_async["asynchronous"] is True and create_async["operation"] == "projects.create"
    assert by_route[("GET", "/api/health")]["role"] == "public"
    assert by_route[("GET", "/api/settings")]["role"] == "admin"
    assert by_route[("GET", "/api/audit")]["controller"] == "System API"
    assert by_route[("GET", "/api/jobs/{jobId}")]["controller"] == "Async Jobs"  # published form, no ":str"
    assert by_route[("DELETE", "/api/devices/{deviceName}")]["operation"] == "devices.delete"
    assert not any(":" in e["path"] for e in entries)
    assert all(e["controller"] != "Other" for e in entries)
    assert all(e["path"].startswith("/api") for e in entries)
    assert len(entries) >= 72


def test_command_list_needs_a_key(client):
    assert_error(client.get("/api/command/list"), 401)


def test_command_info_by_path(client, viewer_headers):
    for spelling in ("api/projects/devices", "projects/devices", "api/projects/devices/"):
        info = data(client.get(f"/api/command/info/{spelling}", headers=viewer_headers))
        methods = {(o["method"], o["path"]) for o in info["operations"]}
        # GET lists the devices; POST is T-IA Connect's client path for adding one (devices.add).
        assert methods == {("GET", "/api/projects/devices"), ("POST", "/api/projects/devices")}, spelling
    op = next(o for o in info["operations"] if o["method"] == "GET")
    assert op["operationId"] == "DevicesList"
    assert "200" in op["responses"] and "409" in op["responses"]
    assert info["components"]  # referenced schemas come along


def test_command_info_by_operation_name(client, viewer_headers):
    info = data(client.get("/api/command/info/projects.create", headers=viewer_headers))
    assert info["route"] == "projects.create"
    routes = {(o["method"], o["path"]) for o in info["operations"]}
    assert routes == {("POST", "/api/projects/actions/create-sync"), ("POST", "/api/projects/actions/create")}
    sync = next(o for o in info["operations"] if o["path"].endswith("create-sync"))
    schema = sync["requestBody"]["content"]["application/json"]["schema"]
    refs = [schema["$ref"]] if "$ref" in schema else [part["$ref"] for part in schema.get("allOf", [])
                                                      if "$ref" in part]
    assert refs, schema
    name = refs[0].rsplit("/", 1)[1]
    assert "name" in info["components"][name]["properties"]  # the referenced schema comes along


def test_command_info_by_operation_name_with_path_parameters(client, viewer_headers):
    info = data(client.get("/api/command/info/devices.delete", headers=viewer_headers))
    routes = {(o["method"], o["path"]) for o in info["operations"]}
    assert routes == {("DELETE", "/api/devices/{deviceName}"),
                      ("POST", "/api/devices/{deviceName}/actions/delete-async")}


def test_command_info_by_path_with_a_parameter(client, viewer_headers):
    info = data(client.get("/api/command/info/api/devices/{deviceName}/hardware-details", headers=viewer_headers))
    assert [(o["method"], o["operationId"]) for o in info["operations"]] == [("GET", "DevicesHardwareDetails")]


def test_command_info_by_operation_id(client, viewer_headers):
    info = data(client.get("/api/command/info/GetAudit", headers=viewer_headers))
    assert [(o["method"], o["path"]) for o in info["operations"]] == [("GET", "/api/audit")]


def test_command_info_unknown_is_404(client, viewer_headers):
    body = assert_error(client.get("/api/command/info/no/such/route", headers=viewer_headers), 404, "COMMAND_NOT_FOUND")
    assert "/api/command/list" in body["message"]
    assert_error(client.get("/api/command/info/nothing.at.all", headers=viewer_headers), 404, "COMMAND_NOT_FOUND")
