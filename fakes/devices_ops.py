"""The fake backend's devices area (``FakeBackend.devices``): add, rename, delete, network, compile, AML, slots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.backend.areas.devices import DevicesPort
from engineering_api.backend.models import CompileResult, DeviceInfo, HardwareTransfer, SlotOption
from engineering_api.errors import codes
from engineering_api.rules.naming import check_device_name, profinet_name
from fakes import hardware
from fakes.catalog_ops import find_entry
from fakes.project_files import make_folder

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from engineering_api.rules.catalog import HardwareCatalog
    from fakes.session import FakeSession

__all__ = ("FakeDevices",)


class FakeDevices(DevicesPort):
    """The devices of the fake's open project.

    Args:
        session: the open project, read or changed in transactions.
        catalog: the hardware catalog devices are made from (loaded on first use, so a call that never adds a
            device never loads it).
    """

    def __init__(self, session: FakeSession, *, catalog: Callable[[], HardwareCatalog]) -> None:
        self._session = session
        self._catalog = catalog

    def list_devices(self) -> list[DeviceInfo]:
        project = self._session.project()
        systems = hardware.io_systems(project)
        return [hardware.device_info(project, d, systems) for d in project.devices.values()]

    def get_device(self, name: str) -> DeviceInfo:
        project = self._session.project()
        return hardware.device_info(project, self._session.device(project, name))

    def add_device(self, order_number: str, version: str | None, name: str) -> DeviceInfo:
        with self._session.change() as project:
            device = hardware.add_device(project, self._catalog(), order_number, version, name)
        return hardware.device_info(project, device)

    def rename_device(self, name: str, new_name: str) -> DeviceInfo:
        with self._session.change() as project:
            device = self._session.device(project, name)
            check_device_name(new_name)
            if new_name != name and any(n.lower() == new_name.lower() for n in project.devices if n != name):
                raise AlreadyExistsError(f"A device with the name '{new_name}' already exists.",
                                         code=codes.DEVICE_EXISTS)
            # Keep the device's position in the project tree.
            project.devices = {(new_name if k == name else k): v for k, v in project.devices.items()}
            device.name = new_name
            for iface in device.interfaces:  # a generated PROFINET device name follows the device name (TIA default)
                if iface.profinet_name == profinet_name(name):
                    iface.profinet_name = profinet_name(new_name)
        return hardware.device_info(project, device)

    def delete_device(self, name: str) -> None:
        with self._session.change() as project:
            self._session.device(project, name)
            # TIA keeps a subnet when its last member goes; so does the model.
            del project.devices[name]

    def configure_network(
        self, name: str, *, ip_address: str, subnet_mask: str, interface: str | None, subnet: str | None,
        router_address: str | None,
    ) -> DeviceInfo:
        with self._session.change() as project:
            device = self._session.device(project, name)
            hardware.configure_network(
                project, device, ip_address=ip_address, subnet_mask=subnet_mask, interface=interface, subnet=subnet,
                router_address=router_address,
            )
        return hardware.device_info(project, device)

    def compile_hardware(self, name: str) -> CompileResult:
        project = self._session.project()
        return hardware.compile_hardware(project, self._session.device(project, name))

    def parking_lot(self) -> list[DeviceInfo]:
        project = self._session.project()
        systems = hardware.io_systems(project)
        return [hardware.device_info(project, d, systems) for d in project.devices.values()
                if hardware.is_parked(project, d, systems)]

    def clear_parking_lot(self) -> list[str]:
        with self._session.change() as project:
            parked = [d.name for d in project.devices.values() if hardware.is_parked(project, d)]
            for name in parked:
                del project.devices[name]
        return parked

    def compatible_slots(self, device: str, order_number: str) -> list[SlotOption]:
        project = self._session.project()
        target = self._session.device(project, device)
        catalog = self._catalog()
        head = catalog.find(target.order_number)
        module = find_entry(catalog, order_number)
        if head is None:
            return []
        occupied = {m.slot for m in target.modules} | {target.own_slot}
        return [
            SlotOption(device_name=target.name, order_number=module.order_number, slot=slot,
                       slot_kind=module.slot_kind or "")
            for slot in catalog.compatible_slots(head, module, occupied)
        ]

    def export_hardware(self, name: str, target: Path) -> HardwareTransfer:
        from fakes.aml import export_aml

        project = self._session.project()
        device = self._session.device(project, name)
        if target.exists():
            raise AlreadyExistsError(f"The file '{target.name}' already exists.", code=codes.FILE_EXISTS)
        subnets = [project.subnets[i.subnet] for i in device.interfaces if i.subnet and i.subnet in project.subnets]
        make_folder(target.parent)
        target.write_bytes(export_aml(project.name, [device], subnets, tia_version=project.version))
        return HardwareTransfer(path=str(target), devices=[device.name])

    def import_hardware(self, source: Path) -> HardwareTransfer:
        from fakes.aml import AmlFormatError, import_aml

        if not source.is_file():
            raise NotFoundError(f"The file '{source}' was not found.", code=codes.FILE_NOT_FOUND)
        try:
            devices, subnets = import_aml(source.read_bytes(), catalog_lookup=hardware.catalog_lookup(self._catalog()))
        except (AmlFormatError, ValueError) as exc:
            raise ValidationError(f"'{source.name}' cannot be imported: {exc}", code=codes.INVALID_AML) from None
        catalog = self._catalog()
        with self._session.change() as project:
            for device in devices:
                check_device_name(device.name)
                hardware.check_firmware(project, catalog, device)
                if any(n.lower() == device.name.lower() for n in project.devices):
                    raise AlreadyExistsError(
                        f"A device with the name '{device.name}' already exists; nothing was imported.",
                        code=codes.DEVICE_EXISTS,
                    )
                project.devices[device.name] = device
            for subnet in subnets:
                project.subnets.setdefault(subnet.name, subnet)
        return HardwareTransfer(path=str(source), devices=[d.name for d in devices])
