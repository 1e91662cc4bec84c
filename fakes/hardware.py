"""Hardware rules of the TIA model: adding devices from the catalog, addressing, hardware compile."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.backend.models import (CompileMessage, CompileResult, CompileState, DeviceInfo, DeviceItem,
                                            IoSystemInfo, NetworkInterface, SubnetInfo)
from engineering_api.errors import codes
from engineering_api.rules.naming import check_device_name, check_ipv4, profinet_name
from fakes.main_ob import main_ob1
from fakes.model import Device, Interface, Project, Subnet

if TYPE_CHECKING:
    from engineering_api.rules.catalog import CatalogEntry, HardwareCatalog

__all__ = (
    "add_device",
    "compile_hardware",
    "configure_network",
    "device_info",
    "io_systems",
    "is_parked",
    "subnet_infos",
)

DEFAULT_SUBNET = "PN/IE_1"
"""The name TIA gives the first subnet it creates."""
ETHERNET_TYPES = frozenset({"PROFINET", "Ethernet", "Industrial Ethernet"})
"""Interface types that carry an IPv4 address (not PROFIBUS or MPI)."""


def _head_slot(entry: CatalogEntry) -> int:
    return entry.slot_rules.own_slot if entry.slot_rules is not None else 1


def _resolve(catalog: HardwareCatalog, order_number: str, version: str | None,
             tia_version: str | None = None) -> tuple[CatalogEntry, str]:
    from engineering_api.rules.catalog import FirmwareNeedsNewerTiaError, UnknownArticleError, UnknownFirmwareError

    try:
        return catalog.resolve(order_number, version, tia_version=tia_version)
    except FirmwareNeedsNewerTiaError as exc:
        raise firmware_refusal(exc, order_number) from None
    except UnknownArticleError as exc:
        raise NotFoundError(str(exc), code=codes.ARTICLE_NOT_FOUND, details={"orderNumber": order_number}) from None
    except UnknownFirmwareError as exc:
        raise ValidationError(str(exc), code=codes.UNKNOWN_FIRMWARE, details={"orderNumber": order_number}) from None


def firmware_refusal(exc: Exception, order_number: str) -> ValidationError:
    """The 422 for a firmware the project's TIA version cannot configure: the code names the minimum version
    (``FIRMWARE_REQUIRES_V19``), the details give it and the firmware that would do."""
    minimum = getattr(exc, "minimum", "")
    return ValidationError(
        str(exc), code="FIRMWARE_REQUIRES_" + minimum.replace(" ", "_").replace(".", "_").upper(),
        details={"orderNumber": order_number, "minimumTiaVersion": minimum,
                 "usableFirmware": list(getattr(exc, "usable", ()))},
    )


def check_firmware(project: Project, catalog: HardwareCatalog, device: Device) -> None:
    """Refuse a device whose firmware the project's TIA version cannot configure (AML import)."""
    from engineering_api.rules.catalog import FirmwareNeedsNewerTiaError

    entry = catalog.find(device.order_number)
    if entry is None:
        return
    try:
        catalog.check_firmware(entry, device.firmware, project.version)
    except FirmwareNeedsNewerTiaError as exc:
        raise firmware_refusal(exc, device.order_number) from None


def add_device(project: Project, catalog: HardwareCatalog, order_number: str, version: str | None, name: str) -> Device:
    """Create a device from a catalog entry, as TIA's "Add new device": the firmware must be one the project's
    TIA Portal version configures, and without one the newest such firmware is taken. A PLC starts with the
    program cycle OB ``Main`` [OB1] TIA creates with it (:mod:`fakes.main_ob`)."""
    check_device_name(name)
    if any(existing.lower() == name.lower() for existing in project.devices):
        raise AlreadyExistsError(f"A device with the name '{name}' already exists.", code=codes.DEVICE_EXISTS)
    entry, firmware = _resolve(catalog, order_number, version, project.version)
    if entry.device_kind not in ("plc", "hmi", "io-device"):
        raise ValidationError(
            f"{entry.order_number} ({entry.name}) is a module; plug it into a device instead of adding it as one.",
            code=codes.NOT_A_DEVICE,
        )
    interfaces = [Interface(name=i.name, type=i.type, ports=i.ports) for i in entry.interfaces]
    device = Device(
        name=name, order_number=entry.order_number, firmware=firmware, family=entry.family,
        category=entry.category, device_kind=entry.device_kind, description=entry.description,
        interfaces=interfaces, own_slot=_head_slot(entry),
    )
    if device.software is not None:
        device.software.add(main_ob1(project.version), overwrite=False)
    project.devices[name] = device
    return device


def configure_network(
    project: Project, device: Device, *, ip_address: str, subnet_mask: str, interface: str | None,
    subnet: str | None, router_address: str | None,
) -> Interface:
    """Address an interface and connect it to a subnet; collisions are left for compile to report.

    Without ``interface`` the first PROFINET/Ethernet interface is used; PROFIBUS and MPI interfaces
    have no IP address, so naming one is refused.
    """
    if interface is None:
        target = next((i for i in device.interfaces if i.type in ETHERNET_TYPES), None)
        if target is None:
            raise ValidationError(
                f"The device '{device.name}' has no PROFINET/Ethernet interface to give an IP address.",
                code=codes.NO_INTERFACE,
            )
    else:
        target = device.interface(interface)
        if target is None:
            names = ", ".join(i.name for i in device.interfaces)
            raise NotFoundError(
                f"The device '{device.name}' has no interface '{interface}' (it has: {names}).",
                code=codes.INTERFACE_NOT_FOUND,
            )
        if target.type not in ETHERNET_TYPES:
            raise ValidationError(
                f"'{target.name}' of '{device.name}' is a {target.type} interface; only PROFINET/Ethernet "
                "interfaces have an IP address.",
                code=codes.NOT_AN_ETHERNET_INTERFACE,
            )
    check_ipv4(ip_address, subnet_mask, router_address)
    subnet_name = subnet or target.subnet or DEFAULT_SUBNET
    if subnet_name not in project.subnets:
        project.subnets[subnet_name] = Subnet(name=subnet_name, type=target.type)
    target.ip_address = ip_address
    target.subnet_mask = subnet_mask
    target.router_address = router_address
    target.subnet = subnet_name
    target.profinet_name = target.profinet_name or profinet_name(device.name)
    return target


def _nodes(project: Project) -> dict[str, list[tuple[Device, Interface]]]:
    nodes: dict[str, list[tuple[Device, Interface]]] = defaultdict(list)
    for device in project.devices.values():
        for iface in device.interfaces:
            if iface.subnet:
                nodes[iface.subnet].append((device, iface))
    return nodes


def io_systems(project: Project) -> list[IoSystemInfo]:
    """PROFINET IO systems: each PLC on a subnet controls the IO devices on it (TIA numbers them from 100)."""
    systems = []
    number = 100
    for subnet_name, members in _nodes(project).items():
        controllers = [d for d, _ in members if d.device_kind == "plc"]
        io_devices = [d.name for d, _ in members if d.device_kind == "io-device"]
        if controllers and io_devices:
            systems.append(
                IoSystemInfo(
                    name=f"PROFINET IO-System ({number})", controller=controllers[0].name, subnet=subnet_name,
                    devices=sorted(io_devices),
                )
            )
            number += 1
    return systems


def is_parked(project: Project, device: Device, systems: list[IoSystemInfo] | None = None) -> bool:
    """An IO device no IO controller is assigned to sits in the parking lot ("not assigned").

    ``systems`` is :func:`io_systems` of ``project`` when the caller has it already."""
    if device.device_kind != "io-device":
        return False
    assigned = {name for system in (io_systems(project) if systems is None else systems) for name in system.devices}
    return device.name not in assigned


def subnet_infos(project: Project) -> list[SubnetInfo]:
    """Subnets with their nodes."""
    nodes = _nodes(project)
    result = []
    for subnet in project.subnets.values():
        members = nodes.get(subnet.name, [])
        networks = {
            str(ipaddress.IPv4Interface(f"{i.ip_address}/{i.subnet_mask}").network)
            for _, i in members if i.ip_address and i.subnet_mask
        }
        result.append(
            SubnetInfo(
                name=subnet.name, type=subnet.type,
                network_address=sorted(networks)[0] if len(networks) == 1 else None,
                nodes=[
                    {"device": d.name, "interface": i.name, "ipAddress": i.ip_address or "",
                     "profinetName": i.profinet_name or ""}
                    for d, i in members
                ],
            )
        )
    return result


def device_info(project: Project, device: Device, systems: list[IoSystemInfo] | None = None) -> DeviceInfo:
    """The port's view of a device. ``systems`` is :func:`io_systems` of ``project`` when the caller has it already
    (a listing computes it once, not once per interface of each device)."""
    if systems is None:
        systems = io_systems(project)
    return DeviceInfo(
        name=device.name, order_number=device.order_number, firmware_version=device.firmware,
        type_identifier=device.type_identifier, device_kind=device.device_kind, family=device.family,
        description=device.description, comment=device.comment,
        interfaces=[
            NetworkInterface(
                name=i.name, type=i.type, ports=i.ports, ip_address=i.ip_address, subnet_mask=i.subnet_mask,
                router_address=i.router_address, subnet_name=i.subnet,
                io_system=next(
                    (s.name for s in systems if i.subnet == s.subnet
                     and (s.controller == device.name or device.name in s.devices)),
                    None,
                ) if systems else None,  # most projects have no IO system: no search per interface
                profinet_device_name=i.profinet_name,
            )
            for i in device.interfaces
        ],
        items=[
            DeviceItem(
                name=m.name, order_number=m.order_number, firmware_version=m.firmware,
                type_identifier=f"OrderNumber:{m.order_number}/{m.firmware}", slot=m.slot, category=m.category,
            )
            for m in sorted(device.modules, key=lambda m: m.slot)
        ],
        parked=is_parked(project, device, systems),
    )


def _message(path: str, description: str, state: CompileState) -> CompileMessage:
    return CompileMessage(path=path, description=description, state=state)


def compile_hardware(project: Project, device: Device) -> CompileResult:
    """Check a device's hardware configuration as TIA's hardware compile does."""
    findings: list[CompileMessage] = []
    nodes = _nodes(project)
    for iface in device.interfaces:
        path = f"{device.name}/{iface.name}"
        if not iface.subnet:
            continue
        if not iface.ip_address:
            findings.append(_message(path, "The interface is connected to a subnet but has no IP address.", "Error"))
            continue
        peers = [(d, i) for d, i in nodes.get(iface.subnet, []) if not (d is device and i is iface)]
        same_ip = sorted(d.name for d, i in peers if i.ip_address == iface.ip_address)
        if same_ip:
            findings.append(_message(
                path,
                f"The IP address {iface.ip_address} is assigned more than once in subnet '{iface.subnet}' "
                f"(also used by {', '.join(same_ip)}).",
                "Error",
            ))
        same_name = sorted(d.name for d, i in peers if i.profinet_name and i.profinet_name == iface.profinet_name)
        if same_name:
            findings.append(_message(
                path,
                f"The PROFINET device name '{iface.profinet_name}' is used more than once in subnet "
                f"'{iface.subnet}' (also by {', '.join(same_name)}).",
                "Error",
            ))
        own = ipaddress.IPv4Interface(f"{iface.ip_address}/{iface.subnet_mask}").network
        foreign = sorted(
            d.name for d, i in peers
            if i.ip_address and i.subnet_mask
            and ipaddress.IPv4Interface(f"{i.ip_address}/{i.subnet_mask}").network != own
        )
        if foreign:
            findings.append(_message(
                path,
                f"Devices in subnet '{iface.subnet}' are in other IP networks than {own} ({', '.join(foreign)}); "
                "they cannot reach each other without a router.",
                "Warning",
            ))
    slots: dict[int, list[str]] = defaultdict(list)
    for module in device.modules:
        slots[module.slot].append(module.name)
    for slot, names in sorted(slots.items()):
        if len(names) > 1 or slot == device.own_slot:
            findings.append(_message(f"{device.name}/Rack_0/Slot_{slot}", f"Slot {slot} is occupied more than once.",
                                     "Error"))
    return summarise(device.name, "Hardware configuration", findings)


def summarise(path: str, description: str, findings: list[CompileMessage]) -> CompileResult:
    """Nest findings under one node and count them as TIA's CompilerResult does."""
    errors = sum(1 for f in findings if f.state == "Error")
    warnings = sum(1 for f in findings if f.state == "Warning")
    state: CompileState = "Error" if errors else "Warning" if warnings else "Success"
    if not findings:
        findings = [_message(path, "Compiling finished (errors: 0; warnings: 0)", "Success")]
    node = CompileMessage(
        path=path, description=description, state=state, messages=findings, error_count=errors, warning_count=warnings
    )
    return CompileResult(state=state, error_count=errors, warning_count=warnings, messages=[node])


def catalog_lookup(catalog: HardwareCatalog) -> Any:
    """Adapter for :func:`fakes.aml.import_aml`: article number → catalog facts, or None."""

    def lookup(order_number: str) -> dict[str, str] | None:
        entry = catalog.find(order_number)
        if entry is None:
            return None
        return {
            "family": entry.family, "category": entry.category, "deviceKind": entry.device_kind,
            "description": entry.description, "name": entry.name,
        }

    return lookup
