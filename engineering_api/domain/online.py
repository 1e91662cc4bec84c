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
``{"confirm": true}`` (409 ``STOP_NOT_CONFIRMED`` otherwise). T-IA Connect's client confirms with its user and
then sends only ``{"Scope": "Software"}``; that call gets TIA's pre-selected answers (see ``DownloadInput.scope``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.areas.online import (
    CompareResult,
    CpuActionResult,
    CpuStatus,
    DownloadChecks,
    DownloadMessage,
    DownloadResult,
    OnlineStatus,
    TlsVerification,
    UploadResult,
)
from engineering_api.backend.areas.online_rules import instance_off, simulation_support_disabled
from engineering_api.domain.common import NEEDS_PLC, DeviceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
    read,
)
from engineering_api.jobs.preview import PlannedChange, Preview, kind_of, names, needs_confirmation, plan, plural
from engineering_api.lib.paths import safe_file_stem
from engineering_api.lib.security import Role

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Download / Upload"
BASE = "/api/devices/{deviceName}"
_BOUND = (*NEEDS_PLC, e.ConflictError)
_CHECKS = {"stopmodules": ("StopModules", {"noaction": False, "stopall": True}),
           "startmodules": ("StartModules", {"noaction": False, "startmodule": True})}
"""TIA's pre-download check configurations a caller may answer, with the values that confirm."""
_SELECTIONS = {
    "alarmtextlibrariesdownload": ("alarm_text_libraries", ("ConsistentDownload", "NoAction")),
    "datablockreinitialization": ("data_block_reinitialization", ("StopPlcAndReinitialize", "NoAction")),
}
"""TIA's other pre-download questions (V16/V17 ``Download.Configurations``): the DownloadChecks field and the values."""


class BoundCpuInput(DeviceRef):
    """A PLC, and optionally the simulation instance to use when none is bound by IP address."""

    instance_name: str | None = None


class GoOnlineInput(BoundCpuInput, kw_only=True):
    """A PLC to go online with, and whether to trust its TLS certificate."""

    trust_tls: bool | None = None
    """Trust the CPU's TLS certificate if TIA asks; omitted: the setting trust_plc_certificates."""


class StopInput(BoundCpuInput, kw_only=True):
    """``confirm`` must be true to stop a CPU that is in RUN."""

    confirm: bool = False


class DownloadInput(BoundCpuInput, kw_only=True):
    """Confirmations for a download: stop a CPU in RUN, start it afterwards (both default false)."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"password", "plc_master_secret_password"})
    """Answers to the CPU, never stored (:class:`~engineering_api.rules.project_texts.ProjectTexts`)."""

    stop_cpu: bool = False
    """Stop a CPU in RUN to download (TIA asks before it does)."""
    start_after_download: bool = False
    """Start the CPU after the download."""
    pre_download_checks: dict[str, str] = {}
    """TIA-style answers: StopModules, StartModules, AlarmTextLibrariesDownload (ConsistentDownload | NoAction),
    DataBlockReinitialization (StopPlcAndReinitialize | NoAction)."""
    password: str | None = None
    """The CPU's full-access password, for a CPU protected by its access level (never stored or returned)."""
    # T-IA Connect's client asks its user before it sends ``{"Scope": "Software"}`` and sends nothing else, so that
    # body answers TIA's checks as TIA's load dialog pre-selects them (stop all, start module).
    scope: Literal["Software", "HardwareAndSoftware"] | None = None
    """T-IA Connect's download body: a CPU in RUN is stopped and started again, one in STOP stays in STOP. Ignored
    with a confirmation above. ``HardwareAndSoftware`` answers 501."""
    plc_master_secret_password: str | None = None
    """Answers TIA's PlcMasterSecretPassword question (never stored or returned)."""
    trust_tls: bool | None = None
    """Trust the CPU's TLS certificate if TIA asks; omitted: the setting trust_plc_certificates."""


class UploadInput(BoundCpuInput, kw_only=True):
    """Where to write the uploaded objects (a folder), and whether to replace the offline objects."""

    export_path: str | None = None
    overwrite: bool = False
    apply: bool = False
    """Also replace the offline objects with the uploaded ones (objects only in the CPU are added)."""


def _confirmations(d: DownloadInput) -> tuple[bool, bool]:
    stop, start = d.stop_cpu, d.start_after_download
    for key, value in d.pre_download_checks.items():
        if key.lower() in _SELECTIONS:
            continue  # answered by _download_checks
        known = _CHECKS.get(key.lower())
        choice = known[1].get(value.lower()) if known else None
        if known is None or choice is None:
            raise e.ValidationError(
                f"Unknown pre-download check answer {key!r}: {value!r}. Known: StopModules = NoAction | StopAll, "
                "StartModules = NoAction | StartModule, AlarmTextLibrariesDownload = ConsistentDownload | NoAction, "
                "DataBlockReinitialization = StopPlcAndReinitialize | NoAction.",
                code=codes.VALIDATION_FAILED, details={"field": f"preDownloadChecks.{key}"},
            )
        if known[0] == "StopModules":
            stop = stop or choice
        else:
            start = start or choice
    return stop, start


def _answers(ctx: OperationContext, d: DownloadInput) -> tuple[bool, bool]:
    """Stop and start: the caller's confirmations, or for T-IA Connect's ``{Scope}`` call what TIA pre-selects."""
    if d.scope == "HardwareAndSoftware":
        raise e.NotSupportedError(
            "Only the PLC software is downloaded here (Openness DownloadOptions.Software; the simulated CPU takes "
            'its hardware configuration from the project). Send {"Scope": "Software"}.', code=codes.NOT_SUPPORTED,
            details={"field": "scope"})
    if d.scope is None or d.stop_cpu or d.start_after_download or d.pre_download_checks:
        return _confirmations(d)
    # The vendor client's call: stop a CPU in RUN for the download and start it again (TIA's "Stop all" and "Start
    # module"); the CPU ends in the state it was in, with the new program.
    state = ctx.backend.online.cpu_status(d.device_name, instance_name=d.instance_name).operating_state
    return True, state == "Run"


def _download_checks(d: DownloadInput) -> DownloadChecks:
    """The answers to TIA's other pre-download questions; an unknown value is a 422 naming the known ones."""
    answers: dict[str, Any] = {"plc_master_secret_password": d.plc_master_secret_password}
    for key, value in d.pre_download_checks.items():
        known = _SELECTIONS.get(key.lower())
        if known is None:
            continue
        field, values = known
        choice = next((v for v in values if v.lower() == value.lower()), None)
        if choice is None:
            raise e.ValidationError(f"Unknown pre-download check answer {key!r}: {value!r}. Known: "
                                    f"{' | '.join(values)}.", code=codes.VALIDATION_FAILED,
                                    details={"field": f"preDownloadChecks.{key}"})
        answers[field] = choice
    return DownloadChecks(**answers)


def _trust(ctx: OperationContext, requested: bool | None) -> tuple[bool, Literal["request", "setting"]]:
    if requested is not None:
        return requested, "request"
    return ctx.settings.trust_plc_certificates, "setting"


def _decided_by(verifications: list[TlsVerification], source: Literal["request", "setting"]) -> list[TlsVerification]:
    return [msgspec.structs.replace(v, decided_by=source) for v in verifications]


def _go_online(ctx: OperationContext, d: GoOnlineInput) -> OnlineStatus:
    trust, source = _trust(ctx, d.trust_tls)
    status = ctx.backend.online.go_online(d.device_name, instance_name=d.instance_name, trust_tls=trust)
    return msgspec.structs.replace(status, tls_verifications=_decided_by(status.tls_verifications, source))


def _download(ctx: OperationContext, d: DownloadInput) -> DownloadResult:
    stop, start = _answers(ctx, d)
    checks = _download_checks(d)
    trust, source = _trust(ctx, d.trust_tls)
    result = ctx.backend.online.download(d.device_name, instance_name=d.instance_name, stop_cpu=stop,
                                         start_after_download=start, progress=ctx.progress, password=d.password,
                                         trust_tls=trust, checks=checks)
    return msgspec.structs.replace(result, tls_verifications=_decided_by(result.tls_verifications, source),
                                   messages=[*result.messages, *_connected_after_download(ctx, result.instance_name)])


def _connected_after_download(ctx: OperationContext, instance: str) -> list[DownloadMessage]:
    """The simulation instance a download loaded made the connected one when none is, so that the tag reads and
    test runs that follow (which act on the connected instance) reach the program just loaded; without it the next
    tag read of an MCP client answered SIM_NOT_CONNECTED (issue 92). A session connected elsewhere is kept."""
    simulation = ctx.backend.simulation
    if simulation.session_state().connected:
        return []
    try:
        simulation.connect(instance)
    except (e.NotFoundError, e.NotSupportedError):  # a CPU that is not a simulation instance, or no PLCSIM API
        return []
    return [DownloadMessage(state="Information",
                            message=f'The simulation instance "{instance}" is connected for tag access.')]


def _upload(ctx: OperationContext, d: UploadInput) -> UploadResult:
    ctx.progress(10, "reading the program from the CPU")
    return ctx.backend.online.upload(d.device_name, instance_name=d.instance_name, overwrite=d.overwrite, apply=d.apply,
                              export_dir=Path(d.export_path) if d.export_path else None)


# ----- previews ----------------------------------------------------------------------------------
def _preview_stop(ctx: OperationContext, d: StopInput) -> Preview:
    status = ctx.backend.online.cpu_status(d.device_name, instance_name=d.instance_name)
    state = status.operating_state
    if state == "Off":
        raise instance_off(status.instance_name)
    if state != "Run":
        return plan(f"The CPU '{status.instance_name}' of {d.device_name} is already {state.upper()}; nothing would "
                    "change.", [])
    loaded = f"running the program of '{status.loaded_device}'" if status.loaded_device else "no program loaded"
    change = PlannedChange(action="stop", kind="cpu", name=status.instance_name, device=d.device_name,
                           detail=f"CPU is RUN ({loaded}); the program stops, outputs go to their STOP values")
    return plan(f"Would stop the CPU '{status.instance_name}' of {d.device_name} (now RUN).", [change],
                needs_confirmation(state, d.confirm, "confirm"))


def _preview_download(ctx: OperationContext, d: DownloadInput) -> Preview:
    """The compare of the offline program with the CPU's: what the download replaces, adds and removes."""
    stop, start = _answers(ctx, d)
    # an unknown device or one without PLC software, as the call
    ctx.backend.program.list_program_objects(d.device_name)
    projects = ctx.backend.open_projects()
    if projects and not projects[0].simulation_support:
        raise simulation_support_disabled(projects[0].name)
    status = ctx.backend.online.cpu_status(d.device_name, instance_name=d.instance_name)
    cpu, state = status.instance_name, status.operating_state
    if state == "Off":
        raise instance_off(cpu)
    compared = ctx.backend.online.compare_online(d.device_name, instance_name=cpu)
    if not compared.offline_compiles:
        raise e.ConflictError(
            f'The software of "{d.device_name}" does not compile; nothing would be downloaded. Compile it '
            f"(POST /api/devices/{d.device_name}/actions/compile-software-sync) to see the errors.",
            code=codes.DOWNLOAD_COMPILE_FAILED,
        )
    changes: list[PlannedChange] = []
    if state == "Run":
        changes.append(PlannedChange(action="stop", kind="cpu", name=cpu, device=d.device_name,
                                     detail="CPU is RUN; a download stops it"))
    for entry in compared.entries:
        kind = kind_of(entry.kind)
        if entry.status == "Different":
            reset = "; its actual values are reset to start values" if "DB" in entry.kind else ""
            changes.append(PlannedChange(action="replace", kind=kind, name=entry.name, device=d.device_name,
                                         detail=f"{entry.kind} in the CPU differs{reset}"))
        elif entry.status == "OnlyOffline":
            changes.append(PlannedChange(action="load", kind=kind, name=entry.name, device=d.device_name,
                                         detail=f"{entry.kind} not in the CPU yet"))
        elif entry.status == "OnlyOnline":
            changes.append(PlannedChange(action="delete", kind=kind, name=entry.name, device=d.device_name,
                                         detail=f"{entry.kind} only in the CPU; the download removes it"))
    if start:
        changes.append(PlannedChange(action="start", kind="cpu", name=cpu, device=d.device_name,
                                     detail="startAfterDownload: set to RUN after the download"))
    replaced = [c.name for c in changes if c.action == "replace"]
    added = [c.name for c in changes if c.action == "load"]
    removed = [c.name for c in changes if c.action == "delete"]
    parts = [f"replace {names(replaced)}" if replaced else "", f"load {names(added)}" if added else "",
             f"remove {names(removed)}" if removed else ""]
    what = ", ".join(p for p in parts if p) or "load the same program again (CPU and offline program are identical)"
    after = "start it again" if start else "leave it in STOP" if state == "Run" else f"leave it in {state.upper()}"
    warnings = needs_confirmation(state, stop, "stopCpu")
    if compared.loaded_device not in (None, d.device_name):
        warnings.append(f"The CPU holds the program of another device, '{compared.loaded_device}'; it is replaced.")
    return plan(f"Would download {d.device_name} to the CPU '{cpu}' ({state.upper()}): {what}; then {after}. "
                f"{plural(compared.identical_count, 'object')} stay unchanged.", changes, warnings)


def _preview_upload(ctx: OperationContext, d: UploadInput) -> Preview:
    """The program in the CPU against the offline one; what ``apply`` replaces and which files ``exportPath`` writes."""
    status = ctx.backend.online.cpu_status(d.device_name, instance_name=d.instance_name)
    if status.operating_state == "Off":
        raise instance_off(status.instance_name)
    compared = ctx.backend.online.compare_online(d.device_name, instance_name=status.instance_name)
    online = [x for x in compared.entries if x.status != "OnlyOffline"]
    if not online:
        raise e.ConflictError(f'The CPU "{status.instance_name}" holds no program; download one first '
                              f"(POST /api/devices/{d.device_name}/actions/download-sync).", code=codes.NOTHING_LOADED)
    changes: list[PlannedChange] = []
    if d.export_path:
        folder = Path(d.export_path)
        if folder.exists() and not folder.is_dir():
            raise e.ValidationError(f"exportPath '{folder}' is a file; an upload writes one file per object into a "
                                    "folder.", code=codes.PATH_REJECTED, details={"field": "exportPath"})
        # One file per object, named as the adapters name them (names past 200 bytes they shorten with a hash).
        taken = sorted(p.name for p in (folder / (safe_file_stem(x.name, escape=True) + ".xml") for x in online)
                       if p.exists())
        if taken and not d.overwrite:
            raise e.AlreadyExistsError(f"{len(taken)} file(s) already exist in '{folder}' ({', '.join(taken[:5])}); "
                                       "send overwrite=true to replace them.", code=codes.FILE_EXISTS)
        changes += [PlannedChange(action="overwrite", kind="file", name=str(folder / name)) for name in taken]
    if d.apply:
        changes += [PlannedChange(action="overwrite" if x.status == "Different" else "create", kind=kind_of(x.kind),
                                  name=x.name, device=d.device_name,
                                  detail="the offline object differs and is replaced by the CPU's"
                                  if x.status == "Different" else "only in the CPU; added offline")
                    for x in online if x.status != "Identical"]
    replaced = [c.name for c in changes if c.action == "overwrite"]
    tail = f", overwriting {names(replaced)}" if replaced else "; nothing would be overwritten"
    where = " and ".join(filter(None, [f"write files into '{d.export_path}'" if d.export_path else "",
                                       "apply it to the offline software" if d.apply else ""])) or "only read it"
    return plan(f"Would read back the program in the CPU '{status.instance_name}' ({plural(len(online), 'object')}) "
                f"and {where}{tail}.", changes)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="devices.online.go-online", summary="Go online with the device's bound (simulated) CPU.",
        section=SECTION,
        handler=_go_online,
        input=GoOnlineInput, output=OnlineStatus, route=RouteSpec("POST", f"{BASE}/online"), errors=_BOUND,
        client_routes=(RouteSpec("POST", f"{BASE}/online/connect"),),
        example={"instanceName": "PLC_Sim"},
    ),
    Operation(
        name="devices.online.go-offline", summary="Go offline (an offline device stays offline).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.online.go_offline(d.device_name), input=DeviceRef, output=OnlineStatus,
        route=RouteSpec("DELETE", f"{BASE}/online"), errors=NEEDS_PLC,
        client_routes=(RouteSpec("POST", f"{BASE}/online/disconnect"),),
    ),
    read("devices.online.status", SECTION, "Whether the device is online, with which instance and CPU state.",
         f"{BASE}/online/status", lambda ctx, d: ctx.backend.online.online_status(d.device_name), DeviceRef,
         OnlineStatus, errors=NEEDS_PLC),
    read("devices.cpu.status", SECTION, "The bound CPU's operating state, scan times and diagnostics.",
         f"{BASE}/cpu/status",
         lambda ctx, d: ctx.backend.online.cpu_status(d.device_name, instance_name=d.instance_name), BoundCpuInput,
         CpuStatus, errors=_BOUND),
    Operation(
        name="devices.cpu.start", summary="Start the bound CPU (STOP to RUN).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.online.start_cpu(d.device_name, instance_name=d.instance_name),
        input=BoundCpuInput, output=CpuActionResult, route=RouteSpec("POST", f"{BASE}/cpu/actions/start"),
        role=Role.ENGINEER, errors=_BOUND,
    ),
    Operation(
        name="devices.cpu.stop", summary="Stop the bound CPU; a CPU in RUN needs confirm=true.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.online.stop_cpu(
            d.device_name, instance_name=d.instance_name, confirm=d.confirm),
        input=StopInput, output=CpuActionResult, route=RouteSpec("POST", f"{BASE}/cpu/actions/stop"),
        role=Role.ENGINEER, errors=_BOUND, example={"confirm": True},
        destructive=True, preview=_preview_stop,
    ),
    Operation(
        name="devices.download", summary="Compile the PLC software and download it to the bound CPU.",
        section=SECTION, handler=_download, input=DownloadInput, output=DownloadResult,
        route=RouteSpec("POST", f"{BASE}/actions/download-sync"),
        async_route=RouteSpec("POST", f"{BASE}/actions/download"),
        long_running=True, role=Role.ENGINEER, errors=(*_BOUND, e.NotSupportedError),
        example={"stopCpu": True, "startAfterDownload": True},
        destructive=True, preview=_preview_download,
    ),
    Operation(
        name="devices.upload", summary="Read back the program in the bound CPU (files and/or offline software).",
        section=SECTION, handler=_upload, input=UploadInput, output=UploadResult,
        route=RouteSpec("POST", f"{BASE}/actions/upload-sync"), async_route=RouteSpec("POST", f"{BASE}/actions/upload"),
        long_running=True, files={"export_path": FileRule(writes=True)}, errors=(*_BOUND, e.AlreadyExistsError),
        example={"exportPath": "upload/PLC_1", "overwrite": False, "apply": False},
        destructive=True, preview=_preview_upload,
    ),
    Operation(
        name="devices.compare", summary="Compare the offline program with the program in the bound CPU.",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.online.compare_online(d.device_name, instance_name=d.instance_name),
        input=BoundCpuInput, output=CompareResult, route=RouteSpec("POST", f"{BASE}/actions/compare"),
        # A read, but POST routes open to viewers are limited to catalog lookups (tests/service/test_auth_roles).
        mutating=False, role=Role.ENGINEER, errors=(*_BOUND, e.NotSupportedError),
    ),
)
