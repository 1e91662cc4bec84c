"""End to end through HTTP only: a motor with a start delay and an interlock runs on the simulated PLC.

1. A project with a CPU at 192.168.0.10, three I/O tags and simulation support.
2. An SCL motor FB (TON start delay, interlock) and an OB1 calling it, imported as an external source.
3. Compiled clean; an instance with the CPU's IP is created, powered on and the program downloaded to it.
4. The CPU runs; the inputs are written.
5. Virtual time is stepped: the motor comes on exactly 3 s after the first cycle that saw the start,
   not one cycle earlier, and drops in the cycle after the interlock opens.
6. The interlock input is forced closed from a force table: the program runs on the forced value whatever
   is written; after the force is removed, the written value counts again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import assert_error, data
from tests.api.motor_plant import CYCLE_MS, DEVICE, INSTANCE, prepare_motor_plant, read_tag

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

Headers = dict[str, str]
DELAY_MS = 3000


def _write(client: Any, h: Headers, tag: str, value: Any) -> Any:
    return data(client.put(f"/api/simulation/tags/{quote(tag)}", json={"value": value}, headers=h))


def _step(client: Any, h: Headers, **amount: float) -> dict[str, Any]:
    return data(client.post(f"{INSTANCE}/actions/step", json=amount, headers=h))


def test_a_motor_with_start_delay_and_interlock_runs_in_virtual_time(
    client: Any, admin_headers: Headers, cpu: dict[str, Any]
) -> None:
    h = admin_headers
    prepare_motor_plant(client, h)
    downloaded = data(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h))
    assert downloaded["state"] == "Success" and downloaded["instanceName"] == "Line1_PLC"  # bound by the IP
    data(client.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h))

    # 4. Run, then write the inputs.
    data(client.post(f"{DEVICE}/cpu/actions/start", json={}, headers=h))
    assert data(client.get(f"{DEVICE}/cpu/status", headers=h))["operatingState"] == "Run"
    _write(client, h, "Guard_Closed", True)
    _write(client, h, "Start_PB", True)

    # 5. The first cycle sees the start; the motor is on exactly DELAY_MS later, not a cycle before.
    started = _step(client, h, cycles=1)["virtualTimeMs"]
    assert read_tag(client, h, "Motor_On") is False
    before = _step(client, h, milliseconds=DELAY_MS - CYCLE_MS)
    assert read_tag(client, h, "Motor_On") is False
    assert read_tag(client, h, '"Motor1_DB".StartDelay.ET') == DELAY_MS - CYCLE_MS
    on = _step(client, h, milliseconds=CYCLE_MS)
    assert on["virtualTimeMs"] - started == DELAY_MS and before["virtualTimeMs"] - started == DELAY_MS - CYCLE_MS
    assert read_tag(client, h, "Motor_On") is True

    _write(client, h, "Guard_Closed", False)  # the guard opens: the interlock drops the motor at once
    _step(client, h, cycles=1)
    assert read_tag(client, h, "Motor_On") is False
    batch = data(client.post("/api/simulation/tags/batch-read", json={"tagNames": ["Motor_On", "Nope"]}, headers=h))
    assert batch[0]["value"] is False and batch[0]["dataType"] == "Bool" and batch[0]["error"] is None
    assert batch[1]["error"]["code"] == "DoesNotExist"

    # 6. Force the interlock closed: the program runs on the forced input whatever is written to it.
    data(client.post(f"{DEVICE}/online", json={}, headers=h))
    data(client.post(f"{DEVICE}/force-tables", json={
        "name": "Commissioning", "entries": [{"name": '"Guard_Closed"', "forceValue": True}]}, headers=h))
    assert_error(client.post(f"{DEVICE}/force-tables/Commissioning/actions/start-forcing", json={}, headers=h),
                 409, "FORCE_NOT_CONFIRMED")  # a stray call never changes a running machine
    data(client.post(f"{DEVICE}/force-tables/Commissioning/actions/start-forcing", json={"confirm": True}, headers=h))
    _write(client, h, "Guard_Closed", False)
    _step(client, h, milliseconds=DELAY_MS + CYCLE_MS)  # the delay starts in the first cycle after the force
    assert read_tag(client, h, "Guard_Closed") is True and read_tag(client, h, "Motor_On") is True
    live = data(client.get(f"{DEVICE}/force-tables/Commissioning", headers=h))
    assert live["online"] is True and live["entries"][0]["value"] is True

    data(client.post(f"{DEVICE}/force-tables/Commissioning/actions/stop-forcing", json={}, headers=h))
    _write(client, h, "Guard_Closed", False)
    _step(client, h, cycles=1)
    assert read_tag(client, h, "Guard_Closed") is False and read_tag(client, h, "Motor_On") is False


def test_a_download_never_stops_a_running_cpu_unasked(
    client: Any, admin_headers: Headers, cpu: dict[str, Any]
) -> None:
    h = admin_headers
    prepare_motor_plant(client, h)
    data(client.post(f"{DEVICE}/actions/download-sync", json={"startAfterDownload": True}, headers=h))
    assert data(client.get(f"{INSTANCE}/state", headers=h))["operatingState"] == "Run"
    assert_error(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h), 409, "CPU_IN_RUN")
    assert data(client.get(f"{INSTANCE}/state", headers=h))["operatingState"] == "Run"
    again = data(client.post(f"{DEVICE}/actions/download-sync", json={"stopCpu": True}, headers=h))
    assert again["state"] == "Success"
    assert data(client.get(f"{INSTANCE}/state", headers=h))["operatingState"] == "Stop"


def test_start_values_are_loaded_as_actual_values_into_the_online_cpu(
    client: Any, admin_headers: Headers, cpu: dict[str, Any]
) -> None:
    h = admin_headers
    prepare_motor_plant(client, h)
    load = f"{DEVICE}/blocks/Motor1_DB/actions/load-start-values"
    assert_error(client.post(load, headers=h), 409, "NOT_ONLINE")
    data(client.post(f"{DEVICE}/actions/download-sync", json={"startAfterDownload": True}, headers=h))
    data(client.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h))
    data(client.post(f"{DEVICE}/online", json={}, headers=h))
    _write(client, h, "Guard_Closed", True)
    _write(client, h, "Start_PB", True)
    _step(client, h, milliseconds=500)
    assert read_tag(client, h, '"Motor1_DB".StartDelay.ET') > 0
    data(client.post(f"{INSTANCE}/stop", json={"confirm": True}, headers=h))
    loaded = data(client.post(load, headers=h))
    assert loaded == {"blockName": "Motor1_DB", "instanceName": "Line1_PLC", "operatingState": "Stop"}
    assert read_tag(client, h, '"Motor1_DB".StartDelay.ET') == 0 and read_tag(client, h, '"Motor1_DB".Start') is False
