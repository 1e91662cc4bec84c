"""The wire contract: case-insensitive request fields, camelCase responses, envelope and error body."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CPU, assert_error, data, job_error, run_job

ENVELOPE = {"success", "message", "data", "timestamp"}
ERROR_KEYS = {"success", "message", "code", "type", "title", "status", "detail", "instance"}
_CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def _keys(value, found=None):
    """Every object key in a JSON value, recursively (skipping free-form maps of names)."""
    found = set() if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            if key not in ("families", "counts", "details", "source"):
                _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


@pytest.mark.parametrize(
    "body",
    [
        {"OrderNumber": CPU, "Name": "PLC_1", "Version": "V3.0"},
        {"orderNumber": CPU, "name": "PLC_1", "version": "V3.0"},
        {"ordernumber": CPU, "NAME": "PLC_1", "VERSION": "V3.0"},
    ],
)
def test_request_fields_match_case_insensitively(client, engineer_headers, project, body):
    device = data(client.post("/api/projects/devices/actions/add-sync", json=body, headers=engineer_headers))
    assert (device["name"], device["firmwareVersion"]) == ("PLC_1", "V3.0")


def test_pascal_case_on_async_routes_and_execute_sync(client, engineer_headers, project):
    job = run_job(client, "POST", "/api/projects/devices/actions/add", engineer_headers,
                  json={"OrderNumber": CPU, "Name": "PLC_A"})
    assert job["status"] == "Completed"
    response = client.post(
        "/api/jobs/execute-sync",
        json={"Operation": "devices.rename", "Parameters": {"DeviceName": "PLC_A", "NewName": "PLC_B"}},
        headers=engineer_headers,
    )
    assert data(response)["name"] == "PLC_B"


def test_pascal_case_on_hand_written_routes(client, admin_headers):
    assert data(client.post("/api/settings", json={"RateLimitPerMinute": 77},
                            headers=admin_headers))["rateLimitPerMinute"] == 77


def test_success_body_is_exactly_the_envelope_with_camel_case_data(client, engineer_headers, project):
    response = client.post(
        "/api/projects/devices/actions/add-sync", json={"OrderNumber": CPU, "Name": "PLC_1"}, headers=engineer_headers
    )
    body = response.json()
    assert set(body) == ENVELOPE
    assert body["success"] is True
    assert isinstance(body["message"], str) and body["message"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", body["timestamp"])
    assert response.headers["content-type"].startswith("application/json")
    for path in ("/api/projects/overview", "/api/projects/infrastructure", "/api/instance/status", "/api/instances",
                 "/api/projects/devices", "/api/catalog/cache/status", "/api/health/versions"):
        payload = client.get(path, headers=engineer_headers).json()
        assert set(payload) == ENVELOPE, path
        bad = {k for k in _keys(payload["data"]) if not _CAMEL.match(k)}
        assert not bad, (path, bad)


def test_async_answer_is_the_envelope_with_job_data(client, engineer_headers, project):
    response = client.post("/api/projects/actions/save", headers=engineer_headers)
    assert response.status_code == 202
    body = response.json()
    assert set(body) == ENVELOPE
    assert set(body["data"]) >= {"jobId", "status", "statusUrl", "eventsUrl"}
    assert response.headers["location"] == body["data"]["statusUrl"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/api/projects/overview", {}, 409),  # domain error
        ("POST", "/api/projects/actions/create-sync", {"json": {"name": "a/b"}}, 422),  # naming rule
        ("POST", "/api/projects/actions/create-sync", {"json": {"name": 5}}, 422),  # schema
        ("POST", "/api/projects/actions/create-sync",
         {"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ("GET", "/api/no/such/route", {}, 404),
        ("GET", "/api/system/browse-file", {}, 501),
        ("GET", "/api/jobs/unknown", {}, 404),
    ],
)
def test_error_body(client, engineer_headers, method, path, kwargs, status):
    headers = {**engineer_headers, **kwargs.pop("headers", {})}
    response = client.request(method, path, headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert ERROR_KEYS <= set(body)
    assert body["success"] is False
    assert body["status"] == status
    assert body["detail"] == body["message"]
    assert body["instance"] == path
    assert body["type"].startswith("urn:engineering-api:error:")
    assert body["title"]
    assert re.match(r"^[A-Z][A-Z0-9_]+$", body["code"])


def test_error_body_of_a_failed_sync_twin_names_its_job(client, engineer_headers):
    body = assert_error(client.post("/api/projects/actions/save-sync", headers=engineer_headers), 409,
                        "NO_PROJECT_OPEN")
    assert body["jobId"]
    job = data(client.get(f"/api/jobs/{body['jobId']}", headers=engineer_headers))
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "NO_PROJECT_OPEN"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/projects/actions/create", {}, 422),
        ("/api/projects/actions/create", {"name": "X", "directory": "../../outside"}, 422),
        ("/api/projects/actions/open", {"path": "Missing/Missing.ap19"}, 404),
        ("/api/projects/actions/archive", {"archivePath": "x.zip"}, 422),
        ("/api/projects/actions/create-from-archive", {"archivePath": "missing.zap19"}, 404),
        ("/api/projects/devices/actions/add", {"name": "PLC_1"}, 422),
        ("/api/devices/actions/rename-async", {"deviceName": "PLC_1"}, 422),
        ("/api/devices/PLC_1/actions/configure-network", {"subnetMask": "255.255.255.0"}, 422),
        ("/api/devices/PLC_1/actions/export-hardware-async", {"exportPath": "plc.txt"}, 422),
        ("/api/projects/devices/actions/import-hardware", {"importFilePath": "missing.aml"}, 404),
        ("/api/catalog/actions/find", {}, 422),
        ("/api/catalog/actions/search", {"limit": 5}, 422),
    ],
)
def test_async_routes_refuse_bad_input_before_queueing_a_job(client, engineer_headers, cpu, path, body, status):
    before = data(client.get("/api/jobs", headers=engineer_headers))["total"]
    assert_error(client.post(path, json=body, headers=engineer_headers), status)
    assert data(client.get("/api/jobs", headers=engineer_headers))["total"] == before


def test_every_operation_route_matches_the_keys_of_its_own_body_struct(app):
    """A route made from an operation finds its body's key map at its first request with a body, from its data
    parameter (``lib/request._body_keys``), not from a map made for each route at start: it is the map of the
    route's body Struct, nested Structs and literal values included."""
    from engineering_api.web.route_shape import RouteShape, route_path
    from engineering_api.lib.request import _body_keys
    from engineering_api.lib.schema import key_normaliser

    handlers = app.route_handler_method_map
    checked = 0
    for operation in app.state.services.operations:
        for spec, is_async in operation.routes():
            shape = RouteShape.of(operation, spec, is_async)
            if shape.body_type is None:
                continue
            handler = handlers[route_path(spec)][spec.method]
            assert _body_keys(handler) == key_normaliser(shape.body_type), (spec.method, spec.path)
            checked += 1
    assert checked > 200
