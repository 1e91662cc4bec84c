"""End to end through HTTP only: what the engineer releases in the project is what the runtime API serves.

A project's PLC gets tags (one not accessible from HMI/OPC UA/Web API, one read-only) and a DB with a hidden
member, all through the engineering routes; the program is compiled and downloaded to a PLCSim instance; a
runtime user logs in and sees exactly the released tags, reads them in bulk with a per-item error for the hidden
one, writes a writable one, and a read-only user is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.api.runtime_users import RT, login, make_user
from tests.conftest import Headers, assert_error, data
from tests.api.runtime_plant import download_line

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")


def test_released_tags_of_a_downloaded_program(client: Any, admin_headers: Headers, cpu: dict[str, Any]) -> None:
    h = admin_headers
    download_line(client, h)

    make_user(client, h, "mes", ["read", "write"])
    make_user(client, h, "board", ["read"])
    mes, board = login(client, "mes"), login(client, "board")
    listed = {t["name"]: t["access"] for t in data(client.get(f"{RT}/tags", headers=board))["tags"]}
    assert listed == {'"Line_DB".Count': "readWrite", '"Line_DB".Setpoint': "readWrite", '"Run_PB"': "readWrite",
                      '"Lamp"': "read"}

    values = data(client.post(f"{RT}/tags/values", headers=board, json={
        "tagNames": ['"Line_DB".Setpoint', '"Line_DB".Internal', '"Service_Key"']}))
    assert values[0]["value"] == 1.5 and values[0]["quality"] == "Good"
    assert [v["error"]["code"] if v["error"] else None for v in values] == [None, "TAG_NOT_FOUND", "TAG_NOT_FOUND"]

    run_pb = f"{RT}/tags/{quote(chr(34) + 'Run_PB' + chr(34), safe='')}/value"
    assert_error(client.put(run_pb, json={"value": True}, headers=board), 403, "FORBIDDEN")
    assert data(client.put(run_pb, json={"value": True}, headers=mes))["value"] is True
    data(client.post("/api/simulation/instances/Line/actions/step", json={"cycles": 2}, headers=h))
    after = data(client.post(f"{RT}/tags/values", json={"tagNames": ["Line_DB.Count", "Lamp"]}, headers=board))
    assert [v["value"] for v in after] == [2, True]
    assert_error(client.put(f"{RT}/tags/{quote(chr(34) + 'Lamp' + chr(34), safe='')}/value", json={"value": False},
                            headers=mes), 403, "TAG_NOT_WRITABLE")
