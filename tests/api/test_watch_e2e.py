"""End to end on the simulated PLC: download a program, go online, watch live values, force an input and
see the program react, stop forcing. Runs when the program engine (``fakes.runtime.image``) is present."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.services import Services
from fakes.runtime.cpu import OperatingMode
from tests.api.watch_plant import DEV, FT, WT, fill_plc
from tests.conftest import Headers, assert_error, data, fake_backend

image = pytest.importorskip("fakes.runtime.image", reason="the program engine (fakes.runtime.image) has not landed")
if not hasattr(image, "build_image"):
    pytest.skip("fakes.runtime.image has no build_image yet", allow_module_level=True)

MAIN = """ORGANIZATION_BLOCK "Main"
BEGIN
    "Valve" := "Start";
    "Motor_DB".Speed := "Motor_DB".Speed + 1;
END_ORGANIZATION_BLOCK
"""


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    """Admin headers; PLC_1 is filled (:func:`tests.api.watch_plant.fill_plc`)."""
    return fill_plc(client, admin_headers)


@pytest.fixture
def running(client: TestClient[Any], h: Headers, services: Services) -> Any:
    """PLC_1's program downloaded to an instance in STOP (stepped time), the device online."""
    data(client.post(f"{DEV}/external-sources/import-and-generate", json={"SourceName": "main.scl", "SclContent": MAIN},
                     headers=h))
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))
    cpu = fake_backend(services).plcsim.create("PLC_1_sim", "CPU1516")
    cpu.set_mode(OperatingMode.SINGLE_STEP)
    cpu.power_on()
    data(client.post(f"{DEV}/actions/download-sync", json={}, headers=h))
    data(client.post(f"{DEV}/online", json={}, headers=h))
    data(client.post(WT, json={"name": "Live", "tags": ['"Start"', '"Valve"', '"Motor_DB".Speed', "%Q0.1"]},
                     headers=h))
    return cpu


def live(client: TestClient[Any], h: Headers) -> dict[str, Any]:
    return {e["name"]: e for e in data(client.get(f"{WT}/Live", headers=h))["entries"]}


def test_watch_table_follows_the_running_program(client: TestClient[Any], h: Headers, running: Any) -> None:
    data(client.post(f"{DEV}/cpu/actions/start", json={}, headers=h))
    running.write('"Start"', True)
    running.step(cycles=3)
    values = live(client, h)
    assert values['"Valve"']["value"] is True and values["%Q0.1"]["value"] is True
    assert (values['"Motor_DB".Speed']["value"], values['"Motor_DB".Speed']["quality"]) == (3, "Good")
    assert values['"Motor_DB".Speed']["dataType"] == "Int"
    data(client.delete(f"{DEV}/online", headers=h))
    offline = data(client.get(f"{WT}/Live", headers=h))
    assert offline["online"] is False and {e["value"] for e in offline["entries"]} == {None}


def test_force_an_input_and_the_program_follows(client: TestClient[Any], h: Headers, running: Any) -> None:
    data(client.post(FT, json={"name": "Force table", "entries": [{"name": '"Start"', "forceValue": True}]},
                     headers=h))
    data(client.post(f"{FT}/Force table/actions/start-forcing", json={}, headers=h))  # STOP: no confirm needed
    data(client.post(f"{DEV}/cpu/actions/start", json={}, headers=h))
    running.step(cycles=2)
    assert live(client, h)['"Valve"']["value"] is True
    assert data(client.get(f"{FT}/Force table", headers=h))["forcingActive"] is True
    running.write('"Start"', False)  # a write does not beat a force
    running.step(cycles=1)
    assert live(client, h)['"Valve"']["value"] is True
    assert_error(client.post(f"{FT}/Force table/actions/start-forcing", json={}, headers=h), 409, "FORCE_NOT_CONFIRMED")
    assert data(client.post(f"{FT}/Force table/actions/stop-forcing", headers=h))["forced"] == {}
    running.write('"Start"', False)
    running.step(cycles=1)
    assert live(client, h)['"Valve"']["value"] is False
