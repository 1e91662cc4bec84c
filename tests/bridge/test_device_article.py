"""A device's article is read from its head device item, not from the station ``Device``.

``Devices.CreateWithItem`` makes a station: the ``Device`` it returns is not the CPU, and its own type identifier is a
system one (``System:Device.S71500``); the CPU (or head module) is a device item below the rack and carries the
``OrderNumber:`` type identifier (siemens/tia-portal-ai-extensions, skills/devices-and-hardware/SKILL.md). The
stand-in models that, so reading the station's identifier would leave every device without an article.
"""

from __future__ import annotations

from typing import Any

from tests.contract.conftest import CPU, IM


def test_the_station_has_a_system_type_identifier_and_the_cpu_item_the_article(plc: Any) -> None:
    identifiers = plc._call("read the station", lambda: _identifiers(plc.link.project().Devices.Find("PLC_1")))
    assert identifiers == ("System:Device.S71500", "System:Rack.S71500", f"OrderNumber:{CPU}", "CPU")


def test_a_plc_reports_its_cpu_article_and_firmware(plc: Any) -> None:
    device = plc.devices.add_device(CPU, "V3.0", "PLC_2")
    assert (device.order_number, device.firmware_version, device.type_identifier, device.device_kind) == (
        CPU, "V3.0", f"OrderNumber:{CPU}/V3.0", "plc")
    assert plc.devices.get_device("PLC_1").order_number == CPU


def test_an_io_device_reports_its_head_module_article(plc: Any) -> None:
    plc.devices.add_device(IM, None, "IO_1")
    device = plc.devices.get_device("IO_1")
    assert (device.order_number, device.device_kind) == (IM, "io-device")


def _identifiers(device: Any) -> tuple[str, str, str, str]:
    rack = next(iter(device.DeviceItems))
    head = next(iter(rack.DeviceItems))
    return (str(device.TypeIdentifier), str(rack.TypeIdentifier), str(head.TypeIdentifier),
            str(head.Classification.ToString()))
