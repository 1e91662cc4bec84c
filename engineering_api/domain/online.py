"""Download / Upload operations: download, upload, online state, CPU start/stop, compare.

Every operation acts on the CPU bound to the device (see :mod:`engineering_api.backend.areas.online`):
the instance the device is online with, else the instance holding the device's IP address, else the
one named by ``instanceName``, else the only instance without an IP address.

Moving a machine is a sensitive flow. A download to a CPU in RUN answers 409 ``CPU_IN_RUN`` unless the
caller confirms the stop (``{"stopCpu": true}``, or TIA's pre-download check
``{"preDownloadChecks": {"StopModules": "StopAll"}}``); the CPU then stays in STOP unless
``startAfterDownload`` (or ``"StartModules": "StartModule"``) asks for RUN. TIA pre-selects "start
module" in its dialog, but a headless pipeline must say so: nothing starts that nobody asked to start,
and the result's ``operatingState`` tells what the CPU is doing. Stopping a CPU in RUN needs
``{"confirm": true}`` (409 ``STOP_NOT_CONFIRMED`` otherwise).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.online import (
    CompareResult,
    CpuActionResult,
    CpuStatus,
    DownloadResult,
    OnlineStatus,
    UploadResult,
)
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
)
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Role

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Download / Upload"
BASE = "/api/devices/{deviceName}"
_DEVICE = (e.NotFoundError, e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)
_BOUND = (*_DEVICE, e.ConflictError)
_CHECKS = {"stopmodules": ("StopModules", {"noaction": False, "stopall": True}),
           "startmodules": ("StartModules", {"noaction": False, "startmodule": True})}
"""TIA's pre-download check configurations a caller may answer, with the values that confirm."""


class DeviceRef(CamelStruct):
    """A PLC by name."""

    device_name: str


class BoundCpuInput(CamelStruct):
    """A PLC, and optionally the simulation instance to use when none is bound by IP address."""

    device_name: str
    instance_name: str | None = None


class StopInput(BoundCpuInput, kw_only=True):
    """``confirm`` must be true to stop a CPU that is in RUN."""

    confirm: bool = False


class DownloadInput(BoundCpuInput, kw_only=True):
    """Confirmations for a download: stop a CPU in RUN, start it afterwards (both default false)."""

    stop_cpu: bool = False
    start_after_download: bool = False
    pre_download_checks: dict[str, str] = {}
    """TIA-style answers: ``{"StopModules": "StopAll", "StartModules": "StartModule"}``."""


class UploadInput(BoundCpuInput, kw_only=True):
    """Where to write the uploaded objects (a folder), and whether to replace the offline objects."""

    export_path: str | None = None
    overwrite: bool = False
    apply: bool = False


def _confirmations(d: DownloadInput) -> tuple[bool, bool]:
    stop, start = d.stop_cpu, d.start_after_download
    for key, value in d.pre_download_checks.items():
        known = _CHECKS.get(key.lower())
        choice = known[1].get(value.lower()) if known else None
        if known is None or choice is None:
            raise e.ValidationError(
                f"Unknown pre-download check answer {key!r}: {value!r}. Known: StopModules = NoAction | StopAll, "
                "StartModules = NoAction | StartModule.",
                code="VALIDATION_FAILED", details={"field": f"preDownloadChecks.{key}"},
            )
        if known[0] == "StopModules":
            stop = stop or choice
        else:
            start = start or choice
    return stop, start


def _download(ctx: OperationContext, d: DownloadInput) -> DownloadResult:
    stop, start = _confirmations(d)
    return ctx.backend.download(d.device_name, instance_name=d.instance_name, stop_cpu=stop,
                                start_after_download=start, progress=ctx.progress)


def _upload(ctx: OperationContext, d: UploadInput) -> UploadResult:
    ctx.progress(10, "reading the program from the CPU")
    return ctx.backend.upload(d.device_name, instance_name=d.instance_name, overwrite=d.overwrite, apply=d.apply,
                              export_dir=Path(d.export_path) if d.export_path else None)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="devices.online.go-online", summary="Go online with the device's bound (simulated) CPU.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.go_online(d.device_name, instance_name=d.instance_name),
        input=BoundCpuInput, output=OnlineStatus, route=RouteSpec("POST", f"{BASE}/online"), errors=_BOUND,
        example={"instanceName": "PLC_Sim"},
    ),
    Operation(
        name="devices.online.go-offline", summary="Go offline (an offline device stays offline).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.go_offline(d.device_name), input=DeviceRef, output=OnlineStatus,
        route=RouteSpec("DELETE", f"{BASE}/online"), errors=_DEVICE,
    ),
    Operation(
        name="devices.online.status", summary="Whether the device is online, with which instance and CPU state.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.online_status(d.device_name), input=DeviceRef,
        output=OnlineStatus, route=RouteSpec("GET", f"{BASE}/online/status"), mutating=False, errors=_DEVICE,
    ),
    Operation(
        name="devices.cpu.status", summary="The bound CPU's operating state, scan times and diagnostics.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.cpu_status(d.device_name, instance_name=d.instance_name),
        input=BoundCpuInput, output=CpuStatus, route=RouteSpec("GET", f"{BASE}/cpu/status"), mutating=False,
        errors=_BOUND,
    ),
    Operation(
        name="devices.cpu.start", summary="Start the bound CPU (STOP to RUN).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.start_cpu(d.device_name, instance_name=d.instance_name),
        input=BoundCpuInput, output=CpuActionResult, route=RouteSpec("POST", f"{BASE}/cpu/actions/start"),
        role=Role.ENGINEER, errors=_BOUND,
    ),
    Operation(
        name="devices.cpu.stop", summary="Stop the bound CPU; a CPU in RUN needs confirm=true.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.stop_cpu(d.device_name, instance_name=d.instance_name, confirm=d.confirm),
        input=StopInput, output=CpuActionResult, route=RouteSpec("POST", f"{BASE}/cpu/actions/stop"),
        role=Role.ENGINEER, errors=_BOUND, example={"confirm": True},
    ),
    Operation(
        name="devices.download", summary="Compile the PLC software and download it to the bound CPU.",
        section=SECTION, handler=_download, input=DownloadInput, output=DownloadResult,
        route=RouteSpec("POST", f"{BASE}/actions/download-sync"), async_route=RouteSpec("POST", f"{BASE}/actions/download"),
        long_running=True, role=Role.ENGINEER, errors=(*_BOUND, e.NotSupportedError),
        example={"stopCpu": True, "startAfterDownload": True},
    ),
    Operation(
        name="devices.upload", summary="Read back the program in the bound CPU (files and/or offline software).",
        section=SECTION, handler=_upload, input=UploadInput, output=UploadResult,
        route=RouteSpec("POST", f"{BASE}/actions/upload-sync"), async_route=RouteSpec("POST", f"{BASE}/actions/upload"),
        long_running=True, files={"export_path": FileRule(writes=True)}, errors=(*_BOUND, e.AlreadyExistsError),
        example={"exportPath": "upload/PLC_1", "overwrite": False, "apply": False},
    ),
    Operation(
        name="devices.compare", summary="Compare the offline program with the program in the bound CPU.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.compare_online(d.device_name, instance_name=d.instance_name),
        input=BoundCpuInput, output=CompareResult, route=RouteSpec("POST", f"{BASE}/actions/compare"),
        # A read, but POST routes open to viewers are limited to catalog lookups (tests/service/test_auth_roles).
        mutating=False, role=Role.ENGINEER, errors=(*_BOUND, e.NotSupportedError),
    ),
)
