"""A user's name is one path segment in every console link: it can never steer a button to another route.

Issue 48 item 1: console links were built with Jinja's ``urlencode``, which leaves ``/``. A force table named
``../cpu`` made its *Force* button post to ``/console/devices/PLC_1/cpu/start`` once the browser resolved the dot
segment, and started the CPU. Item 8: a force table named with ``/`` could not be read or deleted through REST."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.conftest import assert_error, data
from tests.console.conftest import csrf_of, sign_in

DEV = "/api/devices/PLC_1"
FT = f"{DEV}/force-tables"


def _forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', html)


def _resolved(action: str) -> str:
    """The path a browser posts to: dot segments removed (RFC 3986, 5.2.4), escapes kept."""
    return urljoin("http://localhost/", action).removeprefix("http://localhost")


def _cpu_running(client: Any, headers: dict[str, str]) -> bool:
    status = data(client.get(f"{DEV}/status", headers=headers))
    return str(status.get("operatingState", status.get("state", ""))).upper() == "RUN"


@pytest.mark.parametrize("name", ["../cpu", "../../PLC_2/cpu", "a/b"])
def test_a_force_table_name_stays_in_its_segment(client: Any, admin_headers: dict[str, str], cpu: Any,
                                                 make_key: Any, name: str) -> None:
    data(client.post(FT, json={"name": name, "entries": [{"name": "%I0.0:P", "forceValue": True}]},
                     headers=admin_headers))
    sign_in(client, make_key("engineer")["X-API-Key"])
    page = client.get("/console/plc")
    assert page.status_code == 200
    actions = [_resolved(a) for a in _forms(page.text) if "force-tables" in a]
    assert actions, page.text
    encoded = name.replace("/", "%2F")
    assert actions == [f"/console/devices/PLC_1/force-tables/{encoded}/start",
                       f"/console/devices/PLC_1/force-tables/{encoded}/stop"]
    # The form's target reaches the force table, not the CPU: the table is named in the job or its refusal.
    answer = client.post(actions[1], data={"_csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code in (303, 409, 422), answer.text
    if answer.status_code != 303:
        assert name in answer.text


@pytest.mark.parametrize("name", ["Line 1/2", "../cpu", "a\\b/c"])
def test_rest_reads_and_deletes_a_table_named_with_a_slash(client: Any, admin_headers: dict[str, str], cpu: Any,
                                                         name: str) -> None:
    data(client.post(FT, json={"name": name}, headers=admin_headers))
    one = f"{FT}/{name.replace('/', '%2F').replace(' ', '%20')}"
    assert data(client.get(one, headers=admin_headers))["name"] == name
    assert data(client.delete(one, headers=admin_headers))["name"] == name
    assert data(client.get(FT, headers=admin_headers)) == []


@pytest.mark.parametrize("name", [".", ".."])
@pytest.mark.parametrize("collection", [FT, f"{DEV}/watch-tables"])
def test_a_dot_segment_is_no_table_name(client: Any, admin_headers: dict[str, str], cpu: Any, collection: str,
                                        name: str) -> None:
    assert_error(client.post(collection, json={"name": name}, headers=admin_headers), 422, "INVALID_NAME")
