"""The runtime API on a farm: a runtime user's requests name no session, so they reach the default session's
agent, where the engineer (also in the default session) downloaded the program to a PLCSim instance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.runtime_users import RT, login, make_user
from tests.api.runtime_plant import download_line
from tests.conftest import CPU, assert_error, data

pytestmark = pytest.mark.xdist_group("farm-2")


def test_runtime_reads_and_writes_the_plc_an_engineer_downloaded_on_an_agent(client: Any, admin_headers, workspace):
    data(client.post("/api/projects/actions/create-sync", json={"name": "Plant", "path": str(workspace)},
                     headers=admin_headers))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                     headers=admin_headers))
    download_line(client, admin_headers)
    make_user(client, admin_headers, "mes", ["read", "write"])
    mes = login(client, "mes")
    written = data(client.put(f"{RT}/tags/values", headers=mes, json={"values": [
        {"name": '"Line_DB".Setpoint', "value": 2.5}]}))
    assert written[0]["error"] is None
    values = data(client.post(f"{RT}/tags/values", headers=mes, json={"names": ['"Line_DB".Setpoint', '"Nope"']}))
    assert values[0]["value"] == 2.5 and values[0]["quality"] == "Good"
    assert values[1]["error"]["code"] == "TAG_NOT_FOUND"


def test_an_admin_points_the_runtime_at_a_named_session(client: Any, admin_headers, farm_key, workspace):
    engineer = farm_key("line2")  # a key with a session of its own: its portal (and PLCSim) on an agent of its own
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line2", "path": str(workspace)},
                     headers=engineer))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                     headers=engineer))
    download_line(client, engineer)
    settings = data(client.get(f"{RT}/settings", headers=admin_headers))
    assert settings["engineeringSession"] is None
    assert_error(client.put(f"{RT}/settings", headers=admin_headers,
                            json={**settings, "engineeringSession": "nobody/line2"}), 422, "API_KEY_NOT_FOUND")
    data(client.put(f"{RT}/settings", headers=admin_headers, json={**settings, "engineeringSession": "line2/line2"}))
    make_user(client, admin_headers, "line2-mes", ["read", "write"])
    mes = login(client, "line2-mes")
    written = data(client.put(f"{RT}/tags/values", headers=mes, json={"values": [
        {"name": '"Line_DB".Setpoint', "value": 7.25}]}))
    assert written[0]["error"] is None and written[0]["value"] == 7.25
    # the engineer's own PLCSim instance, in its own session, holds what the runtime user wrote
    data(client.post("/api/simulation/tags/refresh", json={"instanceName": "Line"}, headers=engineer))
    seen = data(client.get('/api/simulation/tags/"Line_DB".Setpoint', params={"instanceName": "Line"},
                           headers=engineer))
    assert seen["value"] == 7.25
    data(client.put(f"{RT}/settings", headers=admin_headers, json=settings))  # back to the default session
