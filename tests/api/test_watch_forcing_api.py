"""Live values and forcing through HTTP, against a simulated CPU.

The program engine (``fakes.runtime.image``) is written in parallel, so these tests load the CPU with a
small stand-in image that keeps the README's contract (``new_memory``, ``resolve`` → accessor with
``data_type``, ``address``, ``get``, ``set``) and bind it as the device's online CPU the way the online
operations do (``online.online_cpu``). ``test_watch_e2e.py`` runs the same flow on the real engine.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.services import Services
from fakes.runtime.cpu import OperatingMode, SimulatedCpu
from fakes.runtime.cpu_image import ObEntry, ProgramContext
from fakes.runtime.memory import Memory
from fakes.watch_tables_ops import FakeWatchTables
from tests.api.watch_plant import DEV, FT, WT, fill_plc
from tests.conftest import Headers, assert_error, data

START = f"{FT}/Force table/actions/start-forcing"
STOP = f"{FT}/Force table/actions/stop-forcing"
SYMBOLS = {
    '"start"': ("Bool", "%I0.0"), "%i0.0": ("Bool", "%I0.0"), '"valve"': ("Bool", "%Q0.1"), "%q0.1": ("Bool", "%Q0.1"),
    "%iw2": ("Word", "%IW2"), "%mw10": ("Word", "%MW10"), '"counter"': ("Int", "%MW10"),
    '"motor_db".speed': ("Int", None), '"motor_db".running': ("Bool", None),
}
"""What the stand-in program holds: operand → (data type, address); ``"Motor_DB".Limits`` is not loaded."""


class _Accessor:
    def __init__(self, values: dict[str, Any], key: str, data_type: str, address: str | None) -> None:
        self.values, self.key, self.data_type, self.address = values, key, data_type, address

    def get(self) -> Any:
        return self.values[self.key]

    def set(self, value: Any) -> None:
        if (self.data_type == "Bool") != isinstance(value, bool):
            raise TypeError(f"{value!r} is not a {self.data_type}")
        self.values[self.key] = value


class StandInImage:
    """A downloaded program as the CPU sees it (no OBs: values change only by writes and forces). The operands'
    values are kept in one dict of the memory, by address (by name for DB members)."""

    obs: list[ObEntry] = []
    digests: dict[str, str] = {}
    max_cycle_ms = 150.0

    def new_memory(self) -> Memory:
        return Memory()

    def run_ob(self, entry: ObEntry, mem: Memory, rt: ProgramContext) -> None:
        raise LookupError(f"The stand-in program has no OBs ({entry.name}).")

    def resolve(self, mem: Memory, name: str) -> _Accessor:
        key = name.strip().lower()
        if key not in SYMBOLS:
            raise LookupError(name)
        data_type, address = SYMBOLS[key]
        slot = (address or key).lower()
        values = mem.dbs.setdefault("stand-in", {})
        values.setdefault(slot, False if data_type == "Bool" else 0)
        return _Accessor(values, slot, data_type, address)


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    """Admin headers; PLC_1 is filled (:func:`tests.api.watch_plant.fill_plc`)."""
    return fill_plc(client, admin_headers)


@pytest.fixture
def online(services: Services, h: Headers) -> SimulatedCpu[StandInImage]:
    """PLC_1 online with a powered-on CPU in STOP (stepped time: no background thread)."""
    cpu = SimulatedCpu("PLC_1_sim", instance_id=1, empty_image=StandInImage())
    cpu.set_mode(OperatingMode.SINGLE_STEP)
    cpu.power_on()
    watch_tables = services.backend.watch_tables
    assert isinstance(watch_tables, FakeWatchTables)
    watch_tables._online_cpu = lambda device: cpu
    return cpu


def force_table(client: TestClient[Any], h: Headers, *entries: dict[str, Any]) -> None:
    data(client.post(FT, json={"name": "Force table", "entries": list(entries)}, headers=h))


def test_offline_tables_have_no_values_and_forcing_needs_online(client: TestClient[Any], h: Headers) -> None:
    force_table(client, h, {"name": "%I0.0:P", "forceValue": True})
    table = data(client.get(f"{FT}/Force table", headers=h))
    assert table["online"] is False and table["forcingActive"] is None
    assert table["entries"][0]["value"] is None and table["entries"][0]["forced"] is None
    assert_error(client.post(START, json={"confirm": True}, headers=h), 409, "DEVICE_OFFLINE")
    assert_error(client.post(STOP, headers=h), 409, "DEVICE_OFFLINE")


def test_watch_table_shows_live_values(client: TestClient[Any], h: Headers, online: SimulatedCpu[StandInImage]) -> None:
    online.write('"Motor_DB".Speed', 1200)
    online.write("%I0.0", True)
    data(client.post(WT,
                     json={"name": "Live", "tags": ['"Motor_DB".Speed', '"Start"', '"Motor_DB".Limits[1]', '"Gone"'],
                               "allowInvalid": True}, headers=h))
    table = data(client.get(f"{WT}/Live", headers=h))
    assert table["online"] is True
    rows = {e["name"]: e for e in table["entries"]}
    assert (rows['"Motor_DB".Speed']["value"], rows['"Motor_DB".Speed']["quality"]) == (1200, "Good")
    assert (rows['"Start"']["value"], rows['"Start"']["dataType"]) == (True, "Bool")
    # in the software but not in the downloaded program; invalid operands are not read at all
    assert (rows['"Motor_DB".Limits[1]']["value"], rows['"Motor_DB".Limits[1]']["quality"]) == (None, "DoesNotExist")
    assert (rows['"Gone"']["quality"], rows['"Gone"']["isValid"]) == (None, False)
    online.power_off()
    assert {e["quality"] for e in data(client.get(f"{WT}/Live", headers=h))["entries"] if e["isValid"]} == {
        "InstanceNotRunning"}


def test_start_forcing_replaces_the_cpus_forces(client: TestClient[Any], h: Headers,
                                                online: SimulatedCpu[StandInImage]) -> None:
    force_table(client, h, {"name": "%I0.0:P", "forceValue": True}, {"name": '"Valve"', "forceValue": "TRUE"},
                {"name": "%IW2", "forceValue": "16#00FF", "forceIntention": False})
    online.force("%IW2", 7)
    result = data(client.post(START, headers=h))
    assert result["forced"] == {"%I0.0": True, '"Valve"': True} and result["removed"] == ["%IW2"]
    assert (result["instanceName"], result["operatingState"]) == ("PLC_1_sim", "Stop")
    online.write("%I0.0", False)  # a write does not beat a force
    assert online.read("%I0.0").value is True
    table = data(client.get(f"{FT}/Force table", headers=h))
    assert table["forcingActive"] is True
    assert {e["name"]: e["forced"] for e in table["entries"]} == {"%I0.0:P": True, '"Valve"': True, "%IW2": False}
    stopped = data(client.post(STOP, headers=h))
    assert stopped["forced"] == {} and sorted(stopped["removed"]) == ['"Valve"', "%I0.0"]
    assert data(client.get(f"{FT}/Force table", headers=h))["forcingActive"] is False


def test_forcing_a_cpu_in_run_needs_confirm(client: TestClient[Any], h: Headers, online: SimulatedCpu[StandInImage],
                                           viewer_headers: Headers, engineer_headers: Headers) -> None:
    force_table(client, h, {"name": '"Start"', "forceValue": True})
    online.run()
    body = assert_error(client.post(START, json={}, headers=engineer_headers), 409, "FORCE_NOT_CONFIRMED")
    assert "confirm" in body["message"] and online.forces() == {}
    assert_error(client.post(START, json={"confirm": True}, headers=viewer_headers), 403, "FORBIDDEN")
    forced = data(client.post(START, json={"confirm": True}, headers=engineer_headers))
    assert forced["forced"] == {'"Start"': True} and forced["operatingState"] == "Run"
    online.step(cycles=3)
    assert online.read("%I0.0").value is True


def test_start_forcing_is_all_or_nothing(client: TestClient[Any], h: Headers,
                                         online: SimulatedCpu[StandInImage]) -> None:
    data(client.post(FT, json={"name": "Force table"}, headers=h))
    assert_error(client.post(START, headers=h), 422, "NOTHING_TO_FORCE")
    online.force("%Q0.1", True)
    # "%IW2" is fine, but the CPU's program has no %I1.0: nothing changes in the CPU
    data(client.post(f"{FT}/Force table/entries", json={"entries": [
        {"name": "%IW2", "forceValue": 5}, {"name": "%I1.0", "forceValue": True}]}, headers=h))
    assert_error(client.post(START, headers=h), 409, "OPERAND_NOT_LOADED")
    assert online.forces() == {"%Q0.1": True}
    online.power_off()
    assert_error(client.post(START, headers=h), 409, "INSTANCE_OFF")


def test_deleting_a_forcing_table_needs_stop_forcing(client: TestClient[Any], h: Headers,
                                                     online: SimulatedCpu[StandInImage]) -> None:
    data(client.post(f"{DEV}/watch-force-tables/folders", json={"folderPath": "F"}, headers=h))
    data(client.post(FT, json={"name": "Force table", "folderPath": "F", "entries": [
        {"name": "%Q0.1", "forceValue": True}]}, headers=h))
    data(client.post(START, headers=h))
    online.force("%IW2", 1)  # not the table's: it stays
    body = assert_error(client.delete(f"{FT}/Force table", headers=h), 409, "FORCING_ACTIVE")
    assert "stopForcing" in body["message"]
    assert_error(client.delete(f"{DEV}/watch-force-tables/folders", params={"folderPath": "F"}, headers=h), 409,
                 "FORCING_ACTIVE")
    data(client.delete(f"{FT}/Force table", params={"stopForcing": True}, headers=h))
    assert online.forces() == {"%IW2": 1}
    assert data(client.get(FT, headers=h)) == []
