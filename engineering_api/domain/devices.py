"""Devices operations: adding, renaming and deleting devices, networks, the hardware compile, AutomationML, slots
and the parking lot. The hardware catalog's operations share its section (:mod:`engineering_api.domain.catalog`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from engineering_api.backend import errors as e
from engineering_api.backend.models import (
    CompileResult,
    DeviceInfo,
    HardwareTransfer,
    SlotOption,
)
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, kind_of, names, object_detail, plan, plural
from engineering_api.rules.project_texts import ProjectTexts

__all__ = ("OPERATIONS", "SECTION", "software_changes")

SECTION = "Devices"
AML = (".aml", ".xml")
"""AutomationML files: ``.aml``, and ``.xml`` because T-IA Connect's client offers only ``*.xml`` (default name
``<device>_hardware.xml``). The content is AutomationML (CAEX 3.0) whatever the file is called."""
_NEEDS_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)


class AddDeviceInput(ProjectTexts):
    """A device from the catalog: article number, optional firmware (newest when omitted), name (when omitted,
    TIA's default: ``PLC_1``, ``HMI_1``, ``IO device_1``..., the first number free)."""

    order_number: str
    """Article number from the hardware catalog, e.g. 6ES7 516-3AN02-0AB0 (the catalog search finds it)."""
    name: str | None = None
    """Device name; TIA's default (PLC_1, HMI_1...) when omitted."""
    version: str | None = None
    """Firmware version, e.g. V3.1; the newest in the catalog when omitted."""


_DEFAULT_PREFIX = {"plc": "PLC", "hmi": "HMI", "io-device": "IO device"}
"""TIA Portal's default device names by kind (the device view names a new CPU PLC_1, then PLC_2...)."""


def _add(ctx: OperationContext, d: AddDeviceInput) -> DeviceInfo:
    name = d.name
    if name is None:
        kind = ctx.backend.catalog.catalog_find(d.order_number).device_kind
        prefix = _DEFAULT_PREFIX.get(kind, "Device")
        taken = {device.name.lower() for device in ctx.backend.devices.list_devices()}
        name = next(f"{prefix}_{n}" for n in range(1, len(taken) + 2) if f"{prefix}_{n}".lower() not in taken)
    return ctx.backend.devices.add_device(d.order_number, d.version, name)


class DeviceRef(ProjectTexts):
    """A device by name."""

    device_name: str


class RenameDeviceInput(DeviceRef):
    """Old and new device name."""

    new_name: str


class CompileDeviceInput(DeviceRef):
    """What to compile: by default what TIA compiles for a device (its hardware configuration and, for a PLC, its
    software); ``scope`` narrows it to ``hardware`` or ``software`` (``all`` insists on both)."""

    scope: Literal["hardware", "software", "all"] | None = None


class ConfigureNetworkInput(DeviceRef):
    """IPv4 settings of one interface (the first PROFINET/Ethernet one when ``interfaceName`` is omitted)."""

    ip_address: str
    subnet_mask: str = "255.255.255.0"
    interface_name: str | None = None
    """Name of the interface to address; the device's first PROFINET/Ethernet interface when omitted."""
    subnet_name: str | None = None
    """Subnet to connect the interface to, created when new; by default the interface's current subnet, else PN/IE_1."""
    router_address: str | None = None
    """IPv4 address of the router (gateway); none when omitted."""


class ExportHardwareInput(DeviceRef):
    """Device and the AML file to write."""

    export_path: str


class ImportHardwareInput(ProjectTexts):
    """The AML file to read."""

    import_file_path: str


class CompatibleSlotsInput(DeviceRef):
    """Where could this module go in that device?"""

    order_number: str


def _network(ctx: OperationContext, d: ConfigureNetworkInput) -> DeviceInfo:
    return ctx.backend.devices.configure_network(
        d.device_name, ip_address=d.ip_address, subnet_mask=d.subnet_mask, interface=d.interface_name,
        subnet=d.subnet_name, router_address=d.router_address,
    )


def _compile(ctx: OperationContext, d: CompileDeviceInput) -> CompileResult:
    # Openness compiles a device's hardware and software when asked to compile the device (ICompilable on the
    # Device); T-IA Connect's client sends compile-sync without a body and shows the PLC's program errors.
    parts = []
    if d.scope in (None, "hardware", "all"):
        parts.append(ctx.backend.devices.compile_hardware(d.device_name))
    if d.scope in ("software", "all"):
        parts.append(ctx.backend.compile.compile_software(d.device_name))
    elif d.scope is None:
        try:
            parts.append(ctx.backend.compile.compile_software(d.device_name))
        except e.ValidationError as exc:
            if exc.code != "NOT_A_PLC":  # an IO device or HMI has no PLC software to compile
                raise
    if len(parts) == 1:
        return parts[0]
    errors = sum(p.error_count for p in parts)
    warnings = sum(p.warning_count for p in parts)
    return CompileResult(
        state="Error" if errors else "Warning" if warnings else "Success", error_count=errors, warning_count=warnings,
        messages=[m for p in parts for m in p.messages], diagnostics=[x for p in parts for x in p.diagnostics],
    )


def _delete(ctx: OperationContext, d: DeviceRef) -> dict[str, str]:
    ctx.backend.devices.delete_device(d.device_name)
    return {"deleted": d.device_name}


def software_changes(ctx: OperationContext, device: str) -> list[PlannedChange]:
    """Everything a device's PLC software holds, as deletions (empty for a device without PLC software)."""
    from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE

    try:
        objects = ctx.backend.program.list_program_objects(device)
    except e.ValidationError:
        return []  # no PLC software: an HMI, an IO device
    changes = [
        PlannedChange(action="delete", kind=kind_of(o.kind), name=o.name, device=device,
                      detail=object_detail(o.kind, o.number))
        for o in objects
    ]
    changes += [PlannedChange(action="delete", kind="externalSource", name=s.name, device=device)
                for s in ctx.backend.blocks.list_external_sources(device)]
    for kind in (WATCH_TABLE, FORCE_TABLE):
        changes += [PlannedChange(action="delete", kind=kind_of(kind), name=t.name, device=device,
                                  detail=plural(t.entry_count, "entry", "entries"))
                    for t in ctx.backend.watch_tables.list_watch_force_tables(device, kind)]
    return changes


def _device_change(info: DeviceInfo) -> PlannedChange:
    return PlannedChange(action="delete", kind="device", name=info.name, device=info.name,
                         detail=f"{info.order_number} {info.firmware_version}" + (" (parked)" if info.parked else ""))


def _preview_delete(ctx: OperationContext, d: DeviceRef) -> Preview:
    info = ctx.backend.devices.get_device(d.device_name)
    inside = software_changes(ctx, info.name)
    what = f" with its PLC software ({plural(len(inside), 'object')})" if inside else ""
    return plan(f"Would delete the device '{info.name}' ({info.order_number}){what}.", [_device_change(info), *inside])


def _preview_clear_parking_lot(ctx: OperationContext, _: None) -> Preview:
    parked = ctx.backend.devices.parking_lot()
    if not parked:
        return plan("The parking lot is empty; nothing would be deleted.", [])
    changes = [change for info in parked for change in (_device_change(info), *software_changes(ctx, info.name))]
    return plan(f"Would delete {plural(len(parked), 'parked device')}: {names(i.name for i in parked)}.", changes)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("devices.list", SECTION, "Devices of the open project.", "/api/projects/devices",
         lambda ctx, _: ctx.backend.devices.list_devices(), None, list[DeviceInfo], errors=_NEEDS_PROJECT,
         async_path="/api/projects/devices/async"),
    Operation(
        name="devices.add", summary="Add a device by article number and firmware version.", section=SECTION,
        handler=_add, input=AddDeviceInput,
        output=DeviceInfo, route=RouteSpec("POST", "/api/projects/devices/actions/add-sync"),
        async_route=RouteSpec("POST", "/api/projects/devices/actions/add"), long_running=True,
        client_routes=(RouteSpec("POST", "/api/projects/devices"),),
        example={"orderNumber": "6ES7 516-3AN02-0AB0", "version": "V3.1", "name": "PLC_1"},
        errors=(e.NotFoundError, e.ValidationError, e.AlreadyExistsError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="devices.delete", summary="Delete a device from the project.", section=SECTION, handler=_delete,
        input=DeviceRef, output=dict[str, str], route=RouteSpec("DELETE", "/api/devices/{deviceName}"),
        async_route=RouteSpec("POST", "/api/devices/{deviceName}/actions/delete-async"),
        errors=(e.NotFoundError, *_NEEDS_PROJECT), destructive=True, preview=_preview_delete,
    ),
    Operation(
        name="devices.rename", summary="Rename a device.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.devices.rename_device(d.device_name, d.new_name), input=RenameDeviceInput,
        output=DeviceInfo, route=RouteSpec("POST", "/api/devices/actions/rename"),
        async_route=RouteSpec("POST", "/api/devices/actions/rename-async"),
        example={"deviceName": "PLC_1", "newName": "Filler_PLC"},
        errors=(e.NotFoundError, e.ValidationError, e.AlreadyExistsError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="devices.compile-hardware",
        summary="Compile a device: its hardware and, for a PLC, its software (scope: hardware or software narrows "
                "it).", section=SECTION, handler=_compile, input=CompileDeviceInput, output=CompileResult,
        route=RouteSpec("POST", "/api/devices/{deviceName}/actions/compile-sync"),
        async_route=RouteSpec("POST", "/api/devices/{deviceName}/actions/compile"), long_running=True,
        errors=(e.NotFoundError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="devices.configure-network", summary="Set a device interface's IP address and subnet mask.",
        section=SECTION, handler=_network, input=ConfigureNetworkInput, output=DeviceInfo,
        route=RouteSpec("POST", "/api/devices/{deviceName}/actions/configure-network-sync"),
        async_route=RouteSpec("POST", "/api/devices/{deviceName}/actions/configure-network"),
        example={"ipAddress": "192.168.0.10", "subnetMask": "255.255.255.0", "subnetName": "PN/IE_1"},
        errors=(e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="devices.export-hardware", summary="Export a device's hardware as AutomationML (CAEX 3.0).",
        section=SECTION, handler=lambda ctx, d: ctx.backend.devices.export_hardware(d.device_name, Path(d.export_path)),
        input=ExportHardwareInput, output=HardwareTransfer,
        route=RouteSpec("POST", "/api/devices/{deviceName}/actions/export-hardware"),
        async_route=RouteSpec("POST", "/api/devices/{deviceName}/actions/export-hardware-async"), long_running=True,
        client_routes=(RouteSpec("POST", "/api/devices/{deviceName}/hardware/actions/export"),),
        files={"export_path": FileRule(extensions=AML, allow_directory=False, writes=True)},
        example={"exportPath": "exports/PLC_1.aml"},
        errors=(e.NotFoundError, e.AlreadyExistsError, e.ValidationError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="devices.import-hardware", summary="Import devices from an AutomationML (CAEX 3.0) file.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.devices.import_hardware(Path(d.import_file_path)),
        input=ImportHardwareInput, output=HardwareTransfer,
        route=RouteSpec("POST", "/api/projects/devices/actions/import-hardware-sync"),
        async_route=RouteSpec("POST", "/api/projects/devices/actions/import-hardware"), long_running=True,
        client_routes=(RouteSpec("POST", "/api/devices/{deviceName}/hardware/actions/import"),),
        client_path_context={"deviceName": "The device T-IA Connect's client was invoked on; not used: the "
                                           "AutomationML file names the devices it creates."},
        files={"import_file_path": FileRule(extensions=AML, must_exist=True, allow_directory=False)},
        example={"importFilePath": "exports/PLC_1.aml"},
        errors=(e.NotFoundError, e.ValidationError, e.AlreadyExistsError, *_NEEDS_PROJECT),
    ),
    read("devices.compatible-slots", SECTION, "Free slots of a device where a module fits.",
         "/api/devices/compatible-slots",
         lambda ctx, d: ctx.backend.devices.compatible_slots(d.device_name, d.order_number), CompatibleSlotsInput,
         list[SlotOption], errors=(e.NotFoundError, *_NEEDS_PROJECT)),
    read("devices.hardware-details", SECTION, "Hardware details of a device with its network information.",
         "/api/devices/{deviceName}/hardware-details", lambda ctx, d: ctx.backend.devices.get_device(d.device_name),
         DeviceRef, DeviceInfo, errors=(e.NotFoundError, *_NEEDS_PROJECT)),
    read("devices.parking-lot", SECTION, "Devices not placed in the configuration (not assigned).",
         "/api/projects/devices/parking-lot", lambda ctx, _: ctx.backend.devices.parking_lot(), None, list[DeviceInfo],
         errors=_NEEDS_PROJECT),
    Operation(
        name="devices.parking-lot.clear", summary="Delete every device in the parking lot.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.devices.clear_parking_lot(), input=None, output=list[str],
        route=RouteSpec("POST", "/api/projects/devices/parking-lot/actions/clear"), errors=_NEEDS_PROJECT,
        destructive=True, preview=_preview_clear_parking_lot,
    ),
)
