"""Download, upload, online state and compare for the fake backend, onto :mod:`fakes.runtime` instances.

Online sessions live in the backend, not in the project: they are keyed by a token stored on the
in-memory ``Device`` object. The token survives a rolled-back transaction (the backup is a deep copy)
and a rename, and dies with the object, so closing the project or deleting the device ends the
session without a hook in :mod:`fakes.backend`. A session also ends when its instance is powered off
or deleted, as TIA loses the connection then.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.areas.online import (CompareEntry, CompareResult, CpuActionResult, CpuStatus,
                                                  DownloadChecks, DownloadMessage, DownloadResult, OnlinePort,
                                                  OnlineStatus,
                                                  UploadedObject, UploadResult)
from engineering_api.backend.areas.online_rules import (choose_instance, compile_failed, cpu_in_run, instance_off,
                                                        online_with_other_instance, require_stop_confirmed,
                                                        simulation_support_disabled)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, EngineeringError, ValidationError
from engineering_api.errors import codes
from fakes.program import object_file_name, read_object
from fakes.security_ops import check_cpu_access
from fakes.runtime.cpu import FAULT_EVENTS, OperatingState
from fakes.runtime.errors import ImageError
from fakes.runtime_errors import runtime_errors, stopped_by_error
from fakes.runtime_views import scan_time

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from engineering_api.backend.areas.simulation_models import SimDiagnosticEntry
    from engineering_api.rules.compiler.plc_compile import CompileRun
    from fakes.model import Device
    from fakes.program import PlcSoftware
    from fakes.runtime.cpu import SimulatedCpu
    from fakes.runtime.manager import SimulationRuntime
    from fakes.session import FakeSession

__all__ = ("FakeOnline",)

_TOKEN = "_online_token"
"""Attribute of an in-memory ``Device`` naming its online session."""
_RECENT_DIAGNOSTICS = 20
_KIND_ORDER = {"UDT": 0, "TagTable": 1, "FB": 2, "FC": 3, "GlobalDB": 4, "InstanceDB": 5, "ArrayDB": 5, "OB": 6}
"""Upload applies objects in TIA's import order: types, tags, then blocks an instance DB may need."""

def _build_image(software: PlcSoftware, device: str, run: Any = None) -> Any:
    """``fakes.runtime.image.build_image``, imported late: the engine is large and may be absent, and then the
    shared translator answers the simulation routes' 501 (``SIM_ENGINE_UNAVAILABLE``)."""
    with runtime_errors():
        from fakes.runtime.image import build_image
    return build_image(software, device, run)


def _runtime_errors(instance: str | None, **hints: str) -> AbstractContextManager[None]:
    """The shared translator, naming the instance in ``details`` and in the power-on hint (``hints`` by code)."""
    if not instance:
        return runtime_errors(hints=hints)
    return runtime_errors(hints={"instance-off": f"(POST /api/simulation/instances/{instance}/power-on)", **hints},
                          details={"instanceName": instance})


def _last_error(cpu: SimulatedCpu) -> SimDiagnosticEntry | None:
    return next((d for d in reversed(cpu.diagnostics) if d.event in FAULT_EVENTS), None)


def _stopped_by_error(cpu: SimulatedCpu, what: str) -> ConflictError:
    error = _last_error(cpu)
    text = error.message if error else "a programming error"
    # the whole entry beside block/network/line: a client sees the event's time and sequence too
    return stopped_by_error(
        f'The CPU "{cpu.name}" went to STOP {what}: {text} Fix the program, download it, and start the CPU again.',
        error, diagnostic=msgspec.to_builtins(error) if error else None,
    )


def _kind_of(xml: bytes, version: str) -> str:
    try:
        return read_object(xml, project_version=version).kind
    except EngineeringError:
        return "Unknown"



def _refuse_reinitialisation(cpu: SimulatedCpu, device: str, digests: dict[str, str], kinds: dict[str, str]) -> None:
    """TIA's canceled download when DataBlockReinitialization is answered NoAction: data blocks of this device already
    in the CPU whose content changed would lose their actual values."""
    with cpu.lock:
        before, loaded = dict(cpu.image.digests), cpu.device
    changed = sorted((name for name, digest in digests.items() if loaded == device and "DB" in kinds.get(name, "")
                      and name in before and before[name] != digest), key=str.lower)
    if changed:
        raise ConflictError(
            f'The download to "{cpu.name}" was canceled: the data blocks {", ".join(changed)} would be reinitialized, '
            'and DataBlockReinitialization was answered NoAction.', code=codes.DOWNLOAD_FAILED,
            details={"instanceName": cpu.name, "messages": [], "preDownloadChecks": [
                {"category": "DataBlockReinitialization", "message": ", ".join(changed), "answer": "NoAction"}]},
        )

class FakeOnline(OnlinePort):
    """The online area of the fake: sessions, CPU state, download, upload and compare against the simulated CPUs.

    Args:
        session: the open project, its devices and PLC software, transactions.
        plcsim: the machine's PLCSIM Advanced, whose instances a device goes online with and downloads into.
        compile_run: the compile area's whole run of a PLC's software, by device name (a download builds its program
            image from the same run instead of compiling twice).
        load_protection: the security area's ``load_protection(device, cpu)``: a download puts the device's
            protection into the CPU.
        refresh_after_download: the simulation area's ``refresh_after_download(cpu)``: a connected client sees the
            downloaded program's tag list at once.
    """

    def __init__(
        self, session: FakeSession, *, plcsim: SimulationRuntime, compile_run: Callable[[str], CompileRun],
        load_protection: Callable[[Device, SimulatedCpu], None],
        refresh_after_download: Callable[[SimulatedCpu], None],
    ) -> None:
        self._session = session
        self._plcsim = plcsim
        self._compile_run = compile_run
        self._load_protection = load_protection
        self._refresh_after_download = refresh_after_download
        self._sessions: dict[str, str] = {}
        """Device token -> name of the instance the device is online with."""

    # ----- binding and sessions ---------------------------------------------------------------
    def _online_instance(self, device: Device) -> str | None:
        """The instance the device is online with; drops a session whose instance is gone or off."""
        token: str | None = getattr(device, _TOKEN, None)
        name = self._sessions.get(token) if token else None
        if token is None or name is None:
            return None
        cpu = self._plcsim.find(name)
        if cpu is None or cpu.state == OperatingState.OFF:
            del self._sessions[token]
            return None
        return cpu.name

    def _bound_cpu(self, device: Device, instance_name: str | None) -> SimulatedCpu:
        """The CPU a device's operations act on (see :mod:`engineering_api.backend.areas.online`)."""
        sim = self._plcsim
        online = self._online_instance(device)
        if online is not None:
            if instance_name and instance_name.lower() != online.lower():
                raise online_with_other_instance(device.name, online, instance_name)
            return sim.get(online)
        with _runtime_errors(instance_name):
            sim.require_running()
            named = sim.get(instance_name) if instance_name else None
        ips = [i.ip_address for i in device.interfaces if i.ip_address]
        by_ip = next((cpu for cpu in map(sim.by_ip, ips) if cpu is not None), None)
        softbus = [cpu for cpu in sim.instances.values() if not cpu.ip_suites]
        return choose_instance(device.name, ips, named, by_ip, softbus)

    def _online_target(self, device: str, instance_name: str | None) -> tuple[Device, SimulatedCpu]:
        project = self._session.project()
        dev, _ = self._session.software(project, device)
        return dev, self._bound_cpu(dev, instance_name)

    def online_cpu(self, device: str) -> SimulatedCpu:
        """The CPU a device is online with, for live values (watch and force tables).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ConflictError: ``DEVICE_OFFLINE`` (go online first).
        """
        dev = self._session.device(self._session.project(), device)
        name = self._online_instance(dev)
        if name is None:
            raise ConflictError(f'The device "{device}" is offline. Go online first (POST '
                                f'/api/devices/{device}/online).',
                                code=codes.DEVICE_OFFLINE)
        return self._plcsim.get(name)

    def _online_state(self, dev: Device) -> OnlineStatus:
        name = self._online_instance(dev)
        if name is None:
            return OnlineStatus(device_name=dev.name, online=False)
        cpu = self._plcsim.get(name)
        return OnlineStatus(device_name=dev.name, online=True, instance_name=cpu.name, operating_state=str(cpu.state))

    @staticmethod
    def _require_powered(cpu: SimulatedCpu) -> None:
        if cpu.state == OperatingState.OFF:
            raise instance_off(cpu.name)

    # ----- online -----------------------------------------------------------------------------
    def go_online(self, device: str, *, instance_name: str | None = None, trust_tls: bool = False) -> OnlineStatus:
        # trust_tls: a simulated CPU presents no certificate, so TIA's trust prompt never comes
        dev, cpu = self._online_target(device, instance_name)
        self._require_powered(cpu)
        token = getattr(dev, _TOKEN, None)
        if token is None:
            token = uuid.uuid4().hex
            setattr(dev, _TOKEN, token)
        self._sessions[token] = cpu.name
        return self._online_state(dev)

    def go_offline(self, device: str) -> OnlineStatus:
        dev = self._session.device(self._session.project(), device)
        self._sessions.pop(getattr(dev, _TOKEN, None) or "", None)
        return self._online_state(dev)

    def online_status(self, device: str) -> OnlineStatus:
        return self._online_state(self._session.device(self._session.project(), device))

    # ----- CPU state --------------------------------------------------------------------------
    def cpu_status(self, device: str, *, instance_name: str | None = None) -> CpuStatus:
        dev, cpu = self._online_target(device, instance_name)
        with cpu.lock:
            return CpuStatus(
                device_name=dev.name, instance_name=cpu.name, online=self._online_instance(dev) is not None,
                operating_state=str(cpu.state), operating_mode=str(cpu.config.mode), cpu_type=cpu.cpu_type,
                virtual_time_ms=cpu.now_ns / 1_000_000, loaded_device=cpu.device or None,
                loaded_objects=len(cpu.image.digests), scan_times=scan_time(cpu.stats),
                forced_tags=len(cpu.forces()), diagnostic_count=len(cpu.diagnostics), last_error=_last_error(cpu),
                diagnostics=list(reversed(cpu.diagnostics[-_RECENT_DIAGNOSTICS:])),
            )

    def start_cpu(self, device: str, *, instance_name: str | None = None) -> CpuActionResult:
        dev, cpu = self._online_target(device, instance_name)
        self._require_powered(cpu)
        before = str(cpu.state)
        with _runtime_errors(cpu.name):
            cpu.run()
        if cpu.state != OperatingState.RUN:
            raise _stopped_by_error(cpu, "during startup")
        message = "The CPU was already in RUN." if before == OperatingState.RUN else "The CPU is in RUN."
        return CpuActionResult(device_name=dev.name, instance_name=cpu.name, previous_state=before,
                               operating_state=str(cpu.state), message=message)

    def stop_cpu(self, device: str, *, instance_name: str | None = None, confirm: bool = False) -> CpuActionResult:
        dev, cpu = self._online_target(device, instance_name)
        self._require_powered(cpu)
        before = str(cpu.state)
        require_stop_confirmed(cpu.name, in_run=cpu.state == OperatingState.RUN, confirm=confirm)
        with _runtime_errors(cpu.name):
            cpu.stop("Stop requested by the engineering API.")
        message = "The CPU is in STOP." if before == OperatingState.RUN else "The CPU was already in STOP."
        return CpuActionResult(device_name=dev.name, instance_name=cpu.name, previous_state=before,
                               operating_state=str(cpu.state), message=message)

    # ----- download ---------------------------------------------------------------------------
    def download(
        self, device: str, *, instance_name: str | None = None, stop_cpu: bool = False,
        start_after_download: bool = False, progress: Callable[[int, str], None] | None = None,
        password: str | None = None, trust_tls: bool = False, checks: DownloadChecks | None = None,
    ) -> DownloadResult:
        # trust_tls: the simulated CPU presents no certificate. Of the checks only DataBlockReinitialization applies
        # (no alarm texts, no master secret here): NoAction cancels a download that would reset a changed data block.
        report = progress or (lambda _percent, _message: None)
        project = self._session.project()
        dev, _ = self._session.software(project, device)
        if not project.simulation_support:
            raise simulation_support_disabled(project.name)
        cpu = self._bound_cpu(dev, instance_name)
        self._require_powered(cpu)
        check_cpu_access(cpu, password, "download")
        if cpu.state == OperatingState.RUN and not stop_cpu:
            raise cpu_in_run(cpu.name)
        report(10, "compiling the PLC software")
        run = self._compile_run(dev.name)
        compiled = run.result
        if compiled.error_count:
            raise compile_failed(dev.name, compiled)
        report(40, "building the program image")
        _, software = self._session.software(self._session.project(), dev.name)
        with _runtime_errors(cpu.name, **{"needs-stop": 'Send {"stopCpu": true} to stop it for the download.'}):
            image = _build_image(software, dev.name, run)
            if checks is not None and checks.data_block_reinitialization == "NoAction":
                _refuse_reinitialisation(cpu, dev.name, image.digests, {o.name: o.kind for o in software.all()})
            report(70, f'loading {len(image.digests)} objects into "{cpu.name}"')
            was_running = cpu.state == OperatingState.RUN
            reinitialised = cpu.load(image, device=dev.name, stop_allowed=stop_cpu)
            if start_after_download:
                cpu.run()
        self._load_protection(dev, cpu)  # the project's access level is the CPU's now
        # the program is in the CPU even if its startup fails below: a connected client sees its tag list at once,
        # others get NotUpToDate until they refresh, as PLCSIM Advanced clients do
        self._refresh_after_download(cpu)
        if start_after_download and cpu.state != OperatingState.RUN:
            raise _stopped_by_error(cpu, "when it was started after the download")
        report(100, "download finished")
        return self._download_result(dev.name, cpu, image, compiled, reinitialised, was_running, start_after_download)

    @staticmethod
    def _download_result(
        device: str, cpu: SimulatedCpu, image: Any, compiled: Any, reinitialised: list[str], stopped: bool,
        started: bool,
    ) -> DownloadResult:
        warnings = list(image.warnings)
        messages = [DownloadMessage(state="Warning" if compiled.warning_count else "Success",
                                    message=f"Compiled with {compiled.warning_count} warning(s).")]
        if stopped:
            messages.append(DownloadMessage(state="Information", message=f'The CPU "{cpu.name}" was stopped.'))
        messages.append(DownloadMessage(state="Success", message=f"{len(image.digests)} objects loaded."))
        if reinitialised:
            messages.append(DownloadMessage(
                state="Information", message=f"{len(reinitialised)} data block(s) reinitialised to start values.",
                messages=[DownloadMessage(state="Information", message=name) for name in reinitialised]))
        messages.extend(DownloadMessage(state="Warning", message=text) for text in warnings)
        after = "started (RUN)" if started else "left in STOP" if stopped else f"in {cpu.state}"
        messages.append(DownloadMessage(state="Information", message=f"The CPU is {after}."))
        warning_count = compiled.warning_count + len(warnings)
        return DownloadResult(
            state="Warning" if warning_count else "Success", error_count=0, warning_count=warning_count,
            messages=messages, device_name=device, instance_name=cpu.name, operating_state=str(cpu.state),
            stopped_cpu=stopped, started_cpu=started, object_count=len(image.digests),
            reinitialised_data_blocks=reinitialised, warnings=warnings, compile_result=compiled,
        )

    # ----- upload and compare -----------------------------------------------------------------
    def _powered_target(self, device: str, instance_name: str | None) -> tuple[Device, SimulatedCpu]:
        dev, cpu = self._online_target(device, instance_name)
        self._require_powered(cpu)
        return dev, cpu

    def upload(
        self, device: str, *, instance_name: str | None = None, export_dir: Path | None = None,
        overwrite: bool = False, apply: bool = False,
    ) -> UploadResult:
        dev, cpu = self._powered_target(device, instance_name)
        with cpu.lock:
            objects, digests, loaded = dict(cpu.image.objects), dict(cpu.image.digests), cpu.device or None
        if not objects:
            raise ConflictError(f'The CPU "{cpu.name}" holds no program; download one first '
                                f"(POST /api/devices/{dev.name}/actions/download-sync).", code=codes.NOTHING_LOADED)
        version = self._session.project().version
        items = [UploadedObject(name=n, kind=_kind_of(x, version), digest=digests.get(n, ""))
                 for n, x in objects.items()]
        if export_dir is not None:
            items = self._write_upload(export_dir, objects, items, overwrite)
        if apply:
            self._apply_upload(dev.name, objects, items)
        return UploadResult(device_name=dev.name, instance_name=cpu.name, loaded_device=loaded, objects=items,
                            export_path=str(export_dir) if export_dir is not None else None, applied=apply)

    @staticmethod
    def _write_upload(folder: Path, objects: dict[str, bytes], items: list[UploadedObject],
                      overwrite: bool) -> list[UploadedObject]:
        if folder.exists() and not folder.is_dir():
            raise ValidationError(f"exportPath '{folder}' is a file; an upload writes one file per object into a "
                                  "folder.", code=codes.PATH_REJECTED, details={"field": "exportPath"})
        targets = {item.name: folder / object_file_name(item.name) for item in items}
        taken = sorted(p.name for p in targets.values() if p.exists())
        if taken and not overwrite:
            raise AlreadyExistsError(f"{len(taken)} file(s) already exist in '{folder}' ({', '.join(taken[:5])}); "
                                     "send overwrite=true to replace them.", code=codes.FILE_EXISTS)
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in targets.items():
            path.write_bytes(objects[name])
        return [msgspec.structs.replace(item, file=str(targets[item.name])) for item in items]

    def _apply_upload(self, device: str, objects: dict[str, bytes], items: list[UploadedObject]) -> None:
        ordered = sorted(items, key=lambda item: (_KIND_ORDER.get(item.kind, 7), item.name))
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            for item in ordered:
                try:
                    software.add(read_object(objects[item.name], project_version=project.version,
                                             source=f"upload:{item.name}"), overwrite=True)
                except EngineeringError as exc:
                    raise ValidationError(
                        f"The uploaded object '{item.name}' cannot replace the offline one: {exc.message} "
                        "Nothing was changed.", code=codes.UPLOAD_APPLY_FAILED, details={"object": item.name},
                    ) from None

    def load_start_values(self, device: str, block: str) -> dict[str, Any]:
        try:
            cpu = self.online_cpu(device)
        except ConflictError as exc:
            raise ConflictError(f"Loading start values as actual values needs an online connection. {exc}",
                                code=codes.NOT_ONLINE) from None
        with cpu.lock:
            name = next((n for n in cpu.image.digests if n.lower() == block.lower()), None)
            if name is None or cpu.memory is None or name.lower() not in cpu.memory.dbs:
                raise ConflictError(f'The data block "{block}" is not in the program of "{cpu.name}". Download the '
                                    f"device first (POST /api/devices/{device}/actions/download-sync).",
                                    code=codes.NOT_DOWNLOADED)
            cpu.image.reinitialise(cpu.memory, [name])
            return {"blockName": name, "instanceName": cpu.name, "operatingState": str(cpu.state)}

    def compare_online(self, device: str, *, instance_name: str | None = None) -> CompareResult:
        dev, cpu = self._powered_target(device, instance_name)
        with cpu.lock:
            online, online_xml, loaded = dict(cpu.image.digests), dict(cpu.image.objects), cpu.device or None
        project = self._session.project()
        _, software = self._session.software(project, dev.name)
        kinds = {obj.name: obj.kind for obj in software.all()}
        try:
            offline: dict[str, str | None] = dict(_build_image(software, dev.name).digests)
            compiles = True
        except ImageError:
            offline, compiles = dict.fromkeys(kinds), False
        for name in kinds:
            offline.setdefault(name, None)
        online_by_key = {n.lower(): n for n in online}
        entries: list[CompareEntry] = []
        for name, digest in offline.items():
            other = online_by_key.pop(name.lower(), None)
            kind = kinds.get(name) or "Unknown"
            if other is None:
                entries.append(CompareEntry(name=name, kind=kind, status="OnlyOffline", offline_digest=digest))
                continue
            same = digest is not None and digest == online[other]
            entries.append(CompareEntry(name=name, kind=kind, status="Identical" if same else "Different",
                                        offline_digest=digest, online_digest=online[other]))
        entries.extend(CompareEntry(name=n, kind=_kind_of(online_xml.get(n, b""), project.version),
                                    status="OnlyOnline", online_digest=online[n]) for n in online_by_key.values())
        entries.sort(key=lambda entry: entry.name.lower())
        def pick(status: str) -> list[str]:
            return [x.name for x in entries if x.status == status]

        return CompareResult(
            device_name=dev.name, instance_name=cpu.name, loaded_device=loaded,
            identical=all(x.status == "Identical" for x in entries), offline_compiles=compiles,
            only_offline=pick("OnlyOffline"), only_online=pick("OnlyOnline"), different=pick("Different"),
            identical_count=len(pick("Identical")), entries=entries,
        )
