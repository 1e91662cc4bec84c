"""Every route that takes a CPU out of RUN needs ``{"confirm": true}`` (issue 12, failure 14).

``POST /api/simulation/instances/{n}/stop``, power-off, memory reset and the session stop need the same
confirmation as ``/cpu/actions/stop``: without it each answers 409 ``STOP_NOT_CONFIRMED`` and leaves the CPU in
RUN.
"""

from __future__ import annotations

import pytest

from tests.conftest import assert_error, data

SIM = "/api/simulation"
ONE = f"{SIM}/instances/Line_Sim"
ROUTES = {  # route -> operating state after a confirmed call
    f"{ONE}/stop": "Stop",
    f"{ONE}/power-off": "Off",
    f"{ONE}/memory-reset": "Stop",
    f"{SIM}/stop": "Stop",  # the session: STOP the connected instance and disconnect
}


def _running(client, headers) -> None:
    """A connected instance ``Line_Sim`` in RUN (SingleStep, so no cycle runs behind the test's back)."""
    data(client.post(f"{SIM}/instances/create", json={"name": "Line_Sim", "operatingMode": "SingleStep"},
                     headers=headers))
    data(client.post(f"{SIM}/start", json={"instanceName": "Line_Sim"}, headers=headers))
    assert _state(client, headers) == "Run"


def _state(client, headers) -> str:
    return data(client.get(f"{ONE}/state", headers=headers))["operatingState"]


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("body", [None, {}, {"confirm": False}], ids=["no-body", "empty", "confirm-false"])
def test_a_cpu_in_run_is_not_stopped_unconfirmed(route, body, client, engineer_headers):
    _running(client, engineer_headers)
    refused = assert_error(client.post(route, json=body, headers=engineer_headers), 409, "STOP_NOT_CONFIRMED")
    assert '"confirm": true' in refused["message"] and refused["details"]["instanceName"] == "Line_Sim"
    assert _state(client, engineer_headers) == "Run"


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_confirmed_call_stops_it(route, client, engineer_headers):
    _running(client, engineer_headers)
    data(client.post(route, json={"confirm": True}, headers=engineer_headers))
    assert _state(client, engineer_headers) == ROUTES[route]


@pytest.mark.parametrize("route", [f"{ONE}/stop", f"{ONE}/power-off", f"{ONE}/memory-reset"])
def test_a_cpu_in_stop_needs_no_confirm(route, client, engineer_headers):
    _running(client, engineer_headers)
    data(client.post(f"{ONE}/stop", json={"confirm": True}, headers=engineer_headers))
    data(client.post(route, headers=engineer_headers))
    assert _state(client, engineer_headers) == ROUTES[route]


def test_the_refusal_is_the_cpu_stop_action_s(client, engineer_headers, cpu):
    """Same code and wording as ``/cpu/actions/stop`` on the same CPU: one rule, not two."""
    _running(client, engineer_headers)
    by_cpu = assert_error(client.post("/api/devices/PLC_1/cpu/actions/stop", json={"instanceName": "Line_Sim"},
                                      headers=engineer_headers), 409, "STOP_NOT_CONFIRMED")
    by_instance = assert_error(client.post(f"{ONE}/stop", headers=engineer_headers), 409, "STOP_NOT_CONFIRMED")
    assert by_cpu["message"] == by_instance["message"] and by_cpu["details"] == by_instance["details"]
