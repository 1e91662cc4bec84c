"""The fake's Openness reflection area (``FakeBackend.reflection``), answered from the snapshot shipped in
``fakes/data/openness_snapshot.json``.

The snapshot is the Openness bridge's reflection over its stand-in assembly (``python -m openness_bridge.snapshot``
writes it; a bridge test fails when it drifts), so the fake lists the types the bridge knows, with the same
members and enum values. A PLC's services are the ones ``GetService<T>()`` returned on the stand-in's CPU 1516;
a device that is not a PLC (an HMI panel, an IO head) is refused as everywhere else (422 ``NOT_A_PLC``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.areas.reflection import (DeviceServices, ReflectionPort, ServiceAvailability,
                                                       TypeDetails, TypeIndex)

if TYPE_CHECKING:
    from fakes.session import FakeSession

__all__ = ("SNAPSHOT", "FakeReflection", "load_snapshot")

SNAPSHOT = Path(__file__).with_name("data") / "openness_snapshot.json"


class _Snapshot(msgspec.Struct):
    generator: str
    assemblies: list[str]
    deviceServices: dict[str, list[str]]  # the file's own key
    types: list[TypeDetails]


@cache
def load_snapshot() -> tuple[TypeIndex, dict[str, list[str]]]:
    """The snapshot's type index and its device services (``PlcSoftware``/``DeviceItem`` -> full names)."""
    data = msgspec.json.decode(SNAPSHOT.read_bytes(), type=_Snapshot)
    return TypeIndex(data.types, data.assemblies, "snapshot"), data.deviceServices


class FakeReflection(ReflectionPort):
    """Openness reflection over the snapshot; a device's services need its PLC software in the open project.

    Args:
        session: the open project, whose devices' PLC software the services are asked of.
    """

    def __init__(self, session: FakeSession) -> None:
        self._session = session

    def openness_type_index(self) -> TypeIndex:
        return load_snapshot()[0]

    def _device_services(self, device: str, target: str) -> DeviceServices:
        found, _ = self._session.software(self._session.project(), device)
        index, services = load_snapshot()
        available = set(services[target])
        # The PLC software is named after the CPU item in TIA, which the fake names after the device.
        rows = [ServiceAvailability(name=t.name, full_name=t.full_name, available=t.full_name in available)
                for t in index.services()]
        return DeviceServices(device_name=device, target=target, target_name=found.name,
                              available=[r.full_name for r in rows if r.available], services=rows)

    def plc_services(self, device: str) -> DeviceServices:
        return self._device_services(device, "PlcSoftware")

    def cpu_services(self, device: str) -> DeviceServices:
        return self._device_services(device, "DeviceItem")
