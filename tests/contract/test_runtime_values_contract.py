"""The runtime-values port area: reads and writes as an HMI client stamped with the scan time, released tags,
monitored items and the program's alarm events, on every adapter.

Values are bit memory (``%MW10``), which every CPU has, so no program is needed for them. Released tags need one:
that test downloads a program through the online area's port (as ``test_online_contract`` does). Program_Alarm
events of a downloaded program are tested through the runtime API (tests/api/test_runtime_alarms.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from engineering_api.backend.areas.runtime_values import SimMonitoredItem
from engineering_api.backend.areas.simulation_models import SimTagWrite
from engineering_api.backend.errors import ConflictError, NotFoundError, NotSupportedError, ValidationError
from tests.lib.outcomes import raises_code
from tests.contract.stub_engine import instance, load_scl
from tests.contract.released_program import RELEASED_SCL

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

BRIDGE_PENDING: dict[str, str] = {}
"""Every test runs on the bridge too; what PLCSIM Advanced's API cannot give is asserted as 501 there."""


def _at(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


@pytest.fixture
def running(backend: EngineeringBackend, powered_instance: str) -> str:
    """A powered-on SingleStep instance in RUN (10 ms cycles)."""
    backend.simulation.run(powered_instance)
    return powered_instance


def test_values_carry_the_scan_time_of_their_cycle(backend: EngineeringBackend, running: str) -> None:
    written = backend.runtime_values.hmi_write([SimTagWrite(name="%MW10", value=513)], running)
    assert written.values[0].value == 513 and written.values[0].quality == "Good"
    first = backend.runtime_values.hmi_read(["%MW10", "%MB11"], running)
    assert [v.value for v in first.values] == [513, 1]
    assert {v.timestamp for v in first.values} == {first.scan_time} and first.operating_state == "Run"
    again = backend.runtime_values.hmi_read(["%MW10"], running)
    assert again.scan_time == first.scan_time  # no cycle ran: the same scan, however much later it is read
    backend.simulation.step(running, cycles=3)
    later = backend.runtime_values.hmi_read(["%MW10"], running)
    assert _at(later.scan_time) - _at(first.scan_time) == dt.timedelta(milliseconds=30)
    assert backend.runtime_values.clock(running) == later.scan_time  # the CPU's clock, not the server's
    backend.simulation.stop(running, confirm=True)
    stopped = backend.runtime_values.hmi_read(["%MW10"], running)
    assert stopped.values[0].quality == "Uncertain" and stopped.values[0].value == 513


def test_errors_of_the_instance_and_of_items(backend: EngineeringBackend, running: str) -> None:
    raises_code(NotFoundError, "SIM_INSTANCE_NOT_FOUND", backend.runtime_values.hmi_read, ["%MW10"], "Nope")
    raises_code(ValidationError, "SIM_BATCH_SIZE", backend.runtime_values.hmi_read, [], running)
    mixed = backend.runtime_values.hmi_read(["%MW10", "No_Such_Tag"], running)
    assert mixed.values[0].error is None
    assert mixed.values[1].error is not None and mixed.values[1].error.code == "DoesNotExist"
    assert mixed.values[1].quality == "Bad" and mixed.values[1].value is None
    backend.simulation.power_off(running, confirm=True)
    raises_code(ConflictError, "INSTANCE_OFF", backend.runtime_values.hmi_read, ["%MW10"], running)


def test_nothing_is_released_before_a_download(backend: EngineeringBackend, running: str) -> None:
    assert backend.runtime_values.released_tags(running) == []  # no program: no PLC tag or DB member
    raises_code(NotFoundError, "SIM_INSTANCE_NOT_FOUND", backend.runtime_values.released_tags, "Nope")
    backend.simulation.power_off(running, confirm=True)
    raises_code(ConflictError, "INSTANCE_OFF", backend.runtime_values.released_tags, running)


def test_released_tags_of_a_downloaded_program(online_plc: EngineeringBackend) -> None:
    load_scl(online_plc, RELEASED_SCL)
    instance(online_plc, "Sim_A", "192.168.0.1")
    online_plc.online.download("PLC_1")
    released = {t.name: (t.data_type, t.writable) for t in online_plc.runtime_values.released_tags("Sim_A")}
    # a dict, not a list: the stand-in lists PLCSIM's tags by name, not in the PLC's order
    assert released == {'"Line".count': ("Int", True), '"Line".limit': ("Int", False), '"Line".speed': ("Real", True),
                        '"Hidden".on': ("Bool", True)}


def test_monitored_items_queue_samples_with_scan_times(backend: EngineeringBackend, running: str) -> None:
    items = [SimMonitoredItem(item_id="change", name="%MW10", deadband=5.0),
             SimMonitoredItem(item_id="cyclic", name="%MB11", sampling_ms=20.0, deadband=None)]
    if backend.name != "fake":
        raises_code(NotSupportedError, "NO_PLCSIM_EQUIVALENT", backend.runtime_values.set_monitored_items, running,
                    items)
        return
    with pytest.raises(ValidationError):
        backend.runtime_values.set_monitored_items(running,
                                                       [SimMonitoredItem(item_id="x", name="%MW10", sampling_ms=-1)])
    backend.runtime_values.set_monitored_items(running, items)
    start = _at(backend.runtime_values.hmi_read(["%MW10"], running).scan_time)
    backend.simulation.step(running, cycles=1)
    backend.runtime_values.hmi_write([SimTagWrite(name="%MW10", value=3)], running)  # within the deadband of 0
    backend.simulation.step(running, cycles=1)
    backend.runtime_values.hmi_write([SimTagWrite(name="%MW10", value=10)], running)
    backend.simulation.step(running, cycles=3)
    drained = backend.runtime_values.drain_events(running)
    change = [(s.value, _at(s.timestamp) - start) for s in drained.samples if s.item_id == "change"]
    assert change == [(0, dt.timedelta(milliseconds=10)), (10, dt.timedelta(milliseconds=30))]
    cyclic = [_at(s.timestamp) - start for s in drained.samples if s.item_id == "cyclic"]
    assert cyclic == [dt.timedelta(milliseconds=ms) for ms in (10, 30, 50)]
    assert drained.alarm_events == [] and drained.dropped == 0
    assert backend.runtime_values.drain_events(running).samples == []  # handed over once
    backend.runtime_values.set_monitored_items(running, [])
    backend.simulation.step(running, cycles=2)
    assert backend.runtime_values.drain_events(running).samples == []
