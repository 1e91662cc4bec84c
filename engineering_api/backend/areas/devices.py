"""Devices: listing, adding from the hardware catalog, renaming, deleting, networking, the hardware compile, the
parking lot (devices not placed), free slots for a module, AutomationML export and import of hardware.

A device is named uniquely in its project (TIA compares names without case); its models (``DeviceInfo``,
``SlotOption``, ``HardwareTransfer``) are in :mod:`engineering_api.backend.models`, shared with projects.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from engineering_api.backend.models import CompileResult, DeviceInfo, HardwareTransfer, SlotOption

__all__ = ("DevicesPort",)


class DevicesPort(ABC):
    """The devices of the open project and their hardware (``backend.devices``).

    Errors common to all methods: :class:`~engineering_api.backend.errors.PortalUnavailableError` without an
    attached portal, :class:`~engineering_api.backend.errors.NoProjectOpenError` without an open project.
    """

    @abstractmethod
    def list_devices(self) -> list[DeviceInfo]:
        """Devices of the open project, placed and parked."""

    @abstractmethod
    def get_device(self, name: str) -> DeviceInfo:
        """One device with its modules and interfaces.

        Raises:
            NotFoundError: no such device.
        """

    @abstractmethod
    def add_device(self, order_number: str, version: str | None, name: str) -> DeviceInfo:
        """Create a device from the hardware catalog.

        Raises:
            NotFoundError: the article number is not in the catalog.
            ValidationError: unknown firmware version, a module-only article, or a bad name.
            AlreadyExistsError: a device with that name exists.
        """

    @abstractmethod
    def rename_device(self, name: str, new_name: str) -> DeviceInfo:
        """Rename a device.

        Raises:
            NotFoundError: no such device.
            ValidationError: ``new_name`` breaks TIA's naming rules.
            AlreadyExistsError: ``new_name`` is taken.
        """

    @abstractmethod
    def delete_device(self, name: str) -> None:
        """Delete a device.

        Raises:
            NotFoundError: no such device.
        """

    @abstractmethod
    def configure_network(
        self, name: str, *, ip_address: str, subnet_mask: str, interface: str | None, subnet: str | None,
        router_address: str | None,
    ) -> DeviceInfo:
        """Set a device interface's IPv4 address and connect it to a subnet (created when new).

        Raises:
            NotFoundError: no such device or interface.
            ValidationError: malformed address or mask, or a device without a network interface.
        """

    @abstractmethod
    def compile_hardware(self, name: str) -> CompileResult:
        """Compile the hardware configuration of a device (duplicate addresses are reported here).

        Raises:
            NotFoundError: no such device.
        """

    @abstractmethod
    def parking_lot(self) -> list[DeviceInfo]:
        """Devices that are in the project but not placed (ungrouped, unassigned)."""

    @abstractmethod
    def clear_parking_lot(self) -> list[str]:
        """Delete every parked device; returns their names."""

    @abstractmethod
    def compatible_slots(self, device: str, order_number: str) -> list[SlotOption]:
        """Free slots of ``device`` where the module ``order_number`` can be plugged.

        Raises:
            NotFoundError: no such device or article number.
        """

    @abstractmethod
    def export_hardware(self, name: str, target: Path) -> HardwareTransfer:
        """Write a device's hardware configuration as AutomationML (CAEX 3.0).

        Raises:
            NotFoundError: no such device.
            AlreadyExistsError: ``target`` exists.
            ValidationError: a file stands where the target's folder is needed.
        """

    @abstractmethod
    def import_hardware(self, source: Path) -> HardwareTransfer:
        """Create the devices described in an AutomationML file.

        Raises:
            NotFoundError: the file does not exist.
            ValidationError: the file is not AutomationML we understand, or names an unknown article.
            AlreadyExistsError: a device in the file already exists; nothing is imported.
        """
