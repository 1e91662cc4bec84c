"""The bridge's devices area (``OpennessBackend.devices``): listing, add, rename, delete, networks, hardware
compile, parking lot, slots, AutomationML. Openness shape used here:

* Devices live in three places, walked by :mod:`openness_bridge.device_lookup`.
* ``Device.Name`` and the head item's ``DeviceItem.Name`` are writable (a rename changes the one the device was
  found by, or both); ``Device.Delete()`` removes a device.
* A hardware compile is ``GetService<ICompilable>()`` on a device item (hardware only; on the ``Device`` it
  would compile the software as well).
* AutomationML export/import goes through the project's ``CaxProvider`` (:mod:`openness_bridge.hardware_cax`).
* "Parking lot" has no Openness collection of its own: it is mapped onto IO devices whose ``IoConnector`` is
  not assigned to an IO system (TIA shows them as "not assigned").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.devices import DevicesPort
from engineering_api.backend.errors import (
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.backend.models import CompileResult, DeviceInfo, HardwareTransfer, SlotOption
from engineering_api.errors import codes
from engineering_api.rules.naming import check_device_name, check_ipv4
from openness_bridge.catalog import no_catalog, require_article
from openness_bridge.device_lookup import (
    all_devices,
    article_type_identifier,
    find_device,
    rename_device_names,
    require_free_device_name,
)
from openness_bridge.hardware_cax import CaxTransfer
from openness_bridge.hardware_network import NetworkAccess, interface_kind, is_ethernet

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from pathlib import Path

    from openness_bridge.catalog import ArticleFacts
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeDevices",)

_TYPE_ID = re.compile(r"^OrderNumber:(?P<order>[^/]+)(?:/(?P<version>.+))?$")


class BridgeDevices(DevicesPort):
    """The devices of the open project over Openness.

    Args:
        session: the Openness session.
        article: what TIA's hardware catalog says about an article number (None when it does not know it).
        compile_result: the port's compile result of an Openness ``CompilerResult``.
        scratch: a fresh folder for one file exchange, removed on exit (the session's scratch area).
    """

    def __init__(
        self, session: BridgeSession, *, article: Callable[[str], ArticleFacts | None],
        compile_result: Callable[[Any], CompileResult], scratch: Callable[[str], AbstractContextManager[Path]],
    ) -> None:
        self._session = session
        self._article = article
        self._compile_result = compile_result
        self.network = NetworkAccess(session)
        """Interfaces, subnets and IO systems of devices (the project overview reads them too)."""
        self._cax = CaxTransfer(session, article=article, scratch=scratch)

    def _require_article(self, order_number: str) -> ArticleFacts:
        return require_article(self._article(order_number), order_number)

    def _catalog_facts(self, order_number: str) -> ArticleFacts | None:
        """What the catalog says, or None where this TIA version's Openness has no catalog (V17 and older)."""
        try:
            return self._article(order_number)
        except NotSupportedError as exc:
            if not no_catalog(exc):
                raise
            return None

    def device_info(self, device: Any) -> DeviceInfo:
        """The port's view of an Openness ``Device`` (call inside the session's ``call``)."""
        type_id = article_type_identifier(device)  # the station's own is System:Device.<family>
        match = _TYPE_ID.match(type_id)
        order = match["order"] if match else ""
        facts = self._catalog_facts(order) if order else None
        interfaces = self.network.interfaces(device)
        return DeviceInfo(
            name=str(device.Name), order_number=order, firmware_version=(match["version"] or "") if match else "",
            type_identifier=type_id, device_kind=facts["kind"] if facts else "",
            family=facts["family"] if facts else "",
            description=facts["description"] if facts else "",
            interfaces=[self.network.interface_info(name, i) for name, i in interfaces],
            parked=self.network.is_parked(interfaces),
        )

    # ----- devices ---------------------------------------------------------------------------
    def list_devices(self) -> list[DeviceInfo]:
        return self._session.call("Project.Devices",
                                  lambda: [self.device_info(d) for d in all_devices(self._session.project())])

    def get_device(self, name: str) -> DeviceInfo:
        return self._session.call("Devices.Find", lambda: self.device_info(find_device(self._session.project(), name)))

    def add_device(self, order_number: str, version: str | None, name: str) -> DeviceInfo:
        def run() -> DeviceInfo:
            project = self._session.project()
            check_device_name(name)
            require_free_device_name(project, name)
            try:
                facts = self._require_article(order_number)
            except NotSupportedError as exc:
                if not no_catalog(exc):
                    raise
                # No catalog in this version's Openness: TIA's CreateWithItem checks the article and firmware.
                type_id = f"OrderNumber:{' '.join(order_number.split())}" + (f"/{version}" if version else "")
                return self.device_info(project.Devices.CreateWithItem(type_id, name, name))
            if version is not None and version not in facts["versions"]:
                raise ValidationError(
                    f"{facts['order']} has no firmware {version} in the hardware catalog "
                    f"(known: {', '.join(facts['versions'])}).",
                    code=codes.UNKNOWN_FIRMWARE, details={"orderNumber": order_number},
                )
            if facts["kind"] == "module":
                raise ValidationError(
                    f"{facts['order']} ({facts['name']}) is a module; plug it into a device instead of adding it as "
                    "one.",
                    code=codes.NOT_A_DEVICE,
                )
            # "OrderNumber:<article>/<firmware>"; without a version TIA is asked for the article alone
            # (whether it then picks the newest firmware is not confirmed, see docs/openness-members.md).
            type_id = f"OrderNumber:{facts['order']}" + (f"/{version}" if version else "")
            return self.device_info(project.Devices.CreateWithItem(type_id, name, name))

        return self._session.change("Devices.CreateWithItem", run, invocation=ValidationError)

    def rename_device(self, name: str, new_name: str) -> DeviceInfo:
        def run() -> DeviceInfo:
            project = self._session.project()
            device = find_device(project, name)
            check_device_name(new_name)
            require_free_device_name(project, new_name, current=name)
            rename_device_names(device, name, new_name)
            return self.device_info(device)

        return self._session.change("Device.Name", run, invocation=ValidationError)

    def delete_device(self, name: str) -> None:
        def run() -> None:
            find_device(self._session.project(), name).Delete()

        self._session.change("Device.Delete", run)

    # ----- networks --------------------------------------------------------------------------
    def configure_network(
        self, name: str, *, ip_address: str, subnet_mask: str, interface: str | None, subnet: str | None,
        router_address: str | None,
    ) -> DeviceInfo:
        def run() -> DeviceInfo:
            project = self._session.project()
            device = find_device(project, name)
            target = self._target_interface(name, self.network.interfaces(device), interface)
            check_ipv4(ip_address, subnet_mask, router_address)
            self.network.address_node(
                project, target, ip_address=ip_address, subnet_mask=subnet_mask, subnet=subnet,
                router_address=router_address,
            )
            return self.device_info(device)

        return self._session.change("NetworkInterface.Nodes", run, invocation=ValidationError)

    @staticmethod
    def _target_interface(device: str, interfaces: list[tuple[str, Any]], interface: str | None) -> Any:
        """The ``NetworkInterface`` to address: the named one (any depth, case-insensitive as the fake), else the
        first Ethernet one; PROFIBUS/MPI interfaces have no IP address, so naming one is refused as the fake does."""
        if interface is None:
            target = next((i for _, i in interfaces if is_ethernet(i)), None)
            if target is None:
                raise ValidationError(
                    f"The device '{device}' has no PROFINET/Ethernet interface to give an IP address.",
                    code=codes.NO_INTERFACE
                )
            return target
        found = next(((n, i) for n, i in interfaces if n.casefold() == interface.casefold()), None)
        if found is None:
            raise NotFoundError(
                f"The device '{device}' has no interface '{interface}' (it has: "
                f"{', '.join(n for n, _ in interfaces)}).",
                code=codes.INTERFACE_NOT_FOUND,
            )
        if not is_ethernet(found[1]):
            raise ValidationError(
                f"'{found[0]}' of '{device}' is a {interface_kind(*found)} interface; only PROFINET/Ethernet "
                "interfaces have an IP address.",
                code=codes.NOT_AN_ETHERNET_INTERFACE,
            )
        return found[1]

    def compile_hardware(self, name: str) -> CompileResult:
        def run() -> CompileResult:
            device = find_device(self._session.project(), name)
            compilable = self._hardware_compilable(device.DeviceItems)
            if compilable is None:
                raise ValidationError(f"No device item of '{name}' offers a hardware compile.",
                                      code=codes.NOT_COMPILABLE)
            return self._compile_result(compilable.Compile())

        return self._session.call("ICompilable.Compile", run)

    def _hardware_compilable(self, items: Any) -> Any | None:
        """The first device item (top down) offering ``ICompilable``: a device item compiles hardware only."""
        compilable = self._session.namespace("Siemens.Engineering.Compiler").ICompilable
        for item in items:
            service = self._session.service(item, compilable)
            if service is not None:
                return service
        for item in items:
            service = self._hardware_compilable(item.DeviceItems)
            if service is not None:
                return service
        return None

    # ----- parking lot -----------------------------------------------------------------------
    def _parked_devices(self, project: Any) -> list[Any]:
        return [d for d in all_devices(project) if self.network.is_parked(self.network.interfaces(d))]

    def parking_lot(self) -> list[DeviceInfo]:
        return self._session.call("IoConnector.ConnectedToIoSystem",
                                  lambda: [self.device_info(d) for d in self._parked_devices(self._session.project())])

    def clear_parking_lot(self) -> list[str]:
        def run() -> list[str]:
            parked = self._parked_devices(self._session.project())
            names = [str(d.Name) for d in parked]
            for device in parked:
                device.Delete()
            return names

        return self._session.change("Device.Delete", run)

    # ----- slots -----------------------------------------------------------------------------
    _SLOT_PROBE = range(64)
    """Rack positions probed: S7-1500 racks have 32 slots, ET 200SP stations up to 64 (Openness has no slot count)."""

    def compatible_slots(self, device: str, order_number: str) -> list[SlotOption]:
        def run() -> list[SlotOption]:
            target = find_device(self._session.project(), device)
            facts = self._require_article(order_number)
            versions = facts["versions"]
            type_id = f"OrderNumber:{facts['order']}" + (f"/{versions[-1]}" if versions else "")
            racks = list(target.DeviceItems)
            if not racks:
                return []
            # HardwareObject.CanPlugNew asks TIA itself: the slot is free and the module fits there.
            rack = racks[0]
            return [
                SlotOption(device_name=str(target.Name), order_number=facts["order"], slot=position, slot_kind="")
                for position in self._SLOT_PROBE
                if rack.CanPlugNew(type_id, f"{facts['name'] or 'Module'}_{position}", position)
            ]

        return self._session.call("HardwareObject.CanPlugNew", run)

    # ----- AutomationML ----------------------------------------------------------------------
    def export_hardware(self, name: str, target: Path) -> HardwareTransfer:
        return self._cax.export_hardware(name, target)

    def import_hardware(self, source: Path) -> HardwareTransfer:
        return self._cax.import_hardware(source)
