"""A device is found by its station's name or by its CPU's, as TIA's project tree names a PLC.

A station made in TIA's UI is named "S7-1500/ET200MP station_1" while its CPU item is "PLC_1", the name the project
tree shows; the ``Device`` is the station, not the CPU (siemens/tia-portal-ai-extensions,
skills/devices-and-hardware/SKILL.md). A lookup by ``Device.Name`` alone never finds "PLC_1".
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU

STATION = "S7-1500/ET200MP station_1"


@pytest.fixture
def station(plc: Any) -> Any:
    """``plc`` plus a station named as TIA's UI names one, whose CPU item is "PLC_9"."""
    plc._change("a station made in TIA's UI",
                lambda: plc.link.project().Devices.CreateWithItem(f"OrderNumber:{CPU}/V3.0", "PLC_9", STATION))
    return plc


def test_a_plc_is_found_by_its_cpu_name(station: Any) -> None:
    assert station.devices.get_device("PLC_9").name == STATION
    assert station.devices.get_device("plc_9").order_number == CPU  # TIA's names are compared without case
    # its PLC software (the OB1 TIA created with the CPU) is reached through the same lookup
    assert [b.name for b in station.blocks.list_blocks("PLC_9")] == ["Main"]
    assert station.devices.get_device(STATION).name == STATION


def test_the_station_name_is_looked_up_first(station: Any) -> None:
    raises_code(e.NotFoundError, "DEVICE_NOT_FOUND", station.devices.get_device, "PLC_10")
    assert station.devices.get_device("PLC_1").name == "PLC_1"


def test_a_cpu_name_is_taken(station: Any) -> None:
    raises_code(e.AlreadyExistsError, "DEVICE_EXISTS", station.devices.add_device, CPU, None, "plc_9")
    raises_code(e.AlreadyExistsError, "DEVICE_EXISTS", station.devices.rename_device, "PLC_1", "PLC_9")


def test_a_rename_changes_the_name_the_device_was_found_by(station: Any) -> None:
    assert station.devices.rename_device("PLC_9", "PLC_X").name == STATION  # the CPU item, not the station
    raises_code(e.NotFoundError, "DEVICE_NOT_FOUND", station.devices.get_device, "PLC_9")
    assert station.devices.rename_device(STATION, "Station A").name == "Station A"
    assert _head_name(station, "Station A") == "PLC_X"
    # a device added through the bridge names its station and CPU alike: both follow
    station.devices.rename_device("PLC_1", "PLC_A")
    assert _head_name(station, "PLC_A") == "PLC_A"
    raises_code(e.NotFoundError, "DEVICE_NOT_FOUND", station.devices.get_device, "PLC_1")


def _head_name(bridge: Any, station: str) -> str:
    from openness_bridge.device_lookup import find_device, head_item

    def read() -> str:
        head = head_item(find_device(bridge.link.project(), station))
        assert head is not None
        return str(head.Name)

    return str(bridge._call("read the CPU item", read))
