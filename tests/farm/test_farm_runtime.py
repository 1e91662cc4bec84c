"""The runtime API on a farm: a runtime user's requests name no session, so they reach the default session's
agent, where the engineer (also in the default session) downloaded the program to a PLCSim instance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_runtime_auth import RT, login, make_user
from tests.api.test_runtime_e2e import download_line
from tests.conftest import CPU, data

pytestmark = pytest.mark.xdist_group("farm")


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
