"""The bridge's online sessions, CPU state, download, upload and compare (``OnlineProvider``, ``DownloadProvider``).

The online area of the bridge. Going online is ``OnlineProvider.GoOnline()`` after
``ConnectionConfiguration.ApplyConfiguration(target)``; it returns before the connection stands, so ``State`` is
polled until ``Online``. TIA keeps the session (it survives a rename and a rolled-back transaction and ends with
the project, the device or the instance's power), so the bridge keeps nothing of its own.

Openness cannot start or stop a CPU outside a download (``OnlineProvider`` has ``GoOnline``/``GoOffline``/
``State`` only), nor read its scan times or diagnostic buffer: for a PLCSIM Advanced target ``cpu_status``,
``start_cpu`` and ``stop_cpu`` use the PLCSIM Advanced API (the bridge's ``sim_*`` methods) on the bound instance,
as an engineer would use PLCSIM's own panel. Download, compare and the online session go through TIA.

A download (``DownloadProvider.Download`` with pre/post configuration delegates) answers TIA's questions in Python
callables turned into ``DownloadConfigurationDelegate``s, dispatched by the configuration's type: ``StopModules``
only with the caller's ``stop_cpu``, ``StartModules`` only with ``start_after_download``, the alarm text libraries,
data block re-initialisation and the master secret's password as the caller's ``DownloadChecks`` say; anything it
does not know is left at TIA's default; every question and its answer is reported. TIA's TLS trust prompt
(``OnlineLegitimation``) is answered around going online, comparing and downloading by
:class:`~openness_bridge.online_legitimation.TlsAnswer`. Which data blocks a download reinitialises is read from a
compare (``PlcSoftware.CompareToOnline``) made just before it (Openness reports no such list). The providers and the
binding of a device to a PLCSIM Advanced instance are :class:`~openness_bridge.online_binding.OnlineBinding`'s.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

import msgspec

from engineering_api.backend.areas.online import (
    CompareEntry, CompareResult, CpuActionResult, CpuStatus, DownloadChecks, DownloadMessage, DownloadResult,
    OnlinePort,
    OnlineStatus, PreDownloadCheck, UploadResult,
)
from engineering_api.backend.areas.online_rules import (
    compile_failed, cpu_in_run, require_stop_confirmed, simulation_support_disabled,
)
from engineering_api.backend.errors import ConflictError, NotFoundError, NotSupportedError, ValidationError
from engineering_api.errors import codes
from openness_bridge.online_legitimation import TlsAnswer
from openness_bridge.plc_software import block_kind
from openness_bridge.units import software_blocks, software_types

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from engineering_api.backend.areas.online import CompareStatus, DownloadState
    from engineering_api.backend.areas.simulation_models import SimDiagnostics, SimInstanceState
    from engineering_api.backend.models import CompileResult
    from openness_bridge.online_binding import OnlineBinding
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeOnline",)

GO_ONLINE_TIMEOUT_S = 30.0
"""How long ``go_online`` polls ``OnlineProvider.State`` for ``Online`` before giving up."""
_POLL_S = 0.05
_RECENT_DIAGNOSTICS = 20
_DB_KINDS = frozenset({"GlobalDB", "InstanceDB", "ArrayDB"})
_COMPARE_STATUS: dict[str, CompareStatus] = {
    "ObjectsIdentical": "Identical", "ObjectsDifferent": "Different",
    "RightMissing": "OnlyOffline", "LeftMissing": "OnlyOnline",
}
"""Leaf states of ``CompareResultState`` (left = offline, right = online); folder states are walked through."""


def _message(message: Any) -> DownloadMessage:
    """A ``DownloadResultMessage`` with its nested messages (the findings sit in the children)."""
    # DownloadResultState has the port's four members: Success, Information, Warning, Error
    state = cast("DownloadState", str(message.State.ToString()))
    return DownloadMessage(state=state, message=str(message.Message or ""),
                           messages=[_message(m) for m in message.Messages])


class BridgeOnline(OnlinePort):
    """The online area of the bridge.

    Args:
        session: the Openness session (calls, the open project, a device's PLC item and software, services).
        binding: the providers of a device's CPU and its binding to a PLCSIM Advanced instance.
        compile_software: the compile area's compile of a PLC's software, by device name.
        sim_state: the simulation area's ``instance_state``, by instance name.
        diagnostics: the simulation area's ``diagnostics``, by instance name.
        run: the simulation area's ``run``, by instance name.
        stop: the simulation area's ``stop``, confirmed (this area asks for the confirmation itself).
        sim_refresh_after_download: the simulation area's ``refresh_after_download``, by instance name.
    """

    def __init__(
        self, session: BridgeSession, *, binding: OnlineBinding, compile_software: Callable[[str], CompileResult],
        sim_state: Callable[[str], SimInstanceState], diagnostics: Callable[[str], SimDiagnostics],
        run: Callable[[str], SimInstanceState], stop: Callable[[str], SimInstanceState],
        sim_refresh_after_download: Callable[[str], None],
    ) -> None:
        self._session = session
        self._binding = binding
        self._compile_software = compile_software
        self._sim_state = sim_state
        self._sim_diagnostics = diagnostics
        self._sim_run = run
        self._sim_stop = stop
        self._sim_refresh_after_download = sim_refresh_after_download

    # ----- online sessions -----------------------------------------------------------------------
    def go_online(self, device: str, *, instance_name: str | None = None, trust_tls: bool = False) -> OnlineStatus:
        provider, instance = self._binding.bind(device, instance_name)
        if self._session.call("OnlineProvider.State", lambda: self._binding.is_online(provider)):
            return self._status(device, instance)
        self._binding.require_powered(instance)
        tls = TlsAnswer(self._binding.online_namespace, trust=trust_tls)

        def go() -> str:
            self._binding.apply_route(provider.Configuration, device)
            state = str(provider.GoOnline().ToString())
            deadline = time.monotonic() + GO_ONLINE_TIMEOUT_S
            while state in ("Connecting", "Offline") and time.monotonic() < deadline:
                time.sleep(_POLL_S)
                state = str(provider.State.ToString())
            return state

        def connect() -> str:
            return cast("str", tls.call(device, provider.Configuration, go))

        state = self._session.call("OnlineProvider.GoOnline", connect)
        if state != "Online":
            raise ConflictError(
                f'TIA could not go online with "{device}" (state {state}); the instance "{instance.name}" did not '
                "answer at the device's address over PLCSIM.", code=codes.ONLINE_FAILED,
                details={"instanceName": instance.name, "onlineState": state},
            )
        return msgspec.structs.replace(self._status(device, instance), tls_verifications=tls.verifications)

    def _online_or_none(self, device: str) -> Any:
        """The device's OnlineProvider while it is online, else None (a device that is no PLC is never online)."""
        project = self._session.project()
        self._session.find_device(project, device)
        try:
            provider = self._binding.online_provider(project, device)
        except ValidationError:
            return None
        return provider if self._binding.is_online(provider) else None

    def go_offline(self, device: str) -> OnlineStatus:
        def run() -> None:
            provider = self._online_or_none(device)
            if provider is not None:
                provider.GoOffline()

        self._session.call("OnlineProvider.GoOffline", run)
        return OnlineStatus(device_name=device, online=False)

    def online_status(self, device: str) -> OnlineStatus:
        if self._session.call("OnlineProvider.State", lambda: self._online_or_none(device)) is None:
            return OnlineStatus(device_name=device, online=False)
        try:
            _, instance = self._binding.bind(device, None)
        except (ConflictError, NotFoundError):
            # TIA is online, but no instance matches the binding rules any more (addresses changed meanwhile)
            return OnlineStatus(device_name=device, online=True)
        return self._status(device, instance)

    @staticmethod
    def _status(device: str, instance: Any) -> OnlineStatus:
        return OnlineStatus(device_name=device, online=True, instance_name=instance.name,
                            operating_state=instance.operating_state)

    # ----- CPU state (PLCSIM Advanced: Openness has no start/stop/diagnostics) -------------------------
    def cpu_status(self, device: str, *, instance_name: str | None = None) -> CpuStatus:
        provider, instance = self._binding.bind(device, instance_name)
        state = self._sim_state(instance.name)
        entries = list(self._sim_diagnostics(instance.name).entries)
        online = self._session.call("OnlineProvider.State", lambda: self._binding.is_online(provider))
        loaded = 0
        if state.operating_state != "Off" and state.device:
            loaded = sum(1 for entry in self._compare_entries(device) if entry.status != "OnlyOffline")
        return CpuStatus(
            device_name=device, instance_name=instance.name, online=bool(online), operating_state=state.operating_state,
            operating_mode=state.operating_mode, cpu_type=instance.cpu_type, virtual_time_ms=state.virtual_time_ms,
            loaded_device=state.device, loaded_objects=loaded, scan_times=state.scan_time,
            forced_tags=len(state.forces),
            diagnostic_count=len(entries), last_error=state.last_error, diagnostics=entries[:_RECENT_DIAGNOSTICS],
        )

    def start_cpu(self, device: str, *, instance_name: str | None = None) -> CpuActionResult:
        _, instance = self._binding.bind(device, instance_name)
        self._binding.require_powered(instance)
        before = instance.operating_state
        after = before if before == "Run" else self._sim_run(instance.name).operating_state
        message = "The CPU was already in RUN." if before == "Run" else "The CPU is in RUN."
        return CpuActionResult(device_name=device, instance_name=instance.name, previous_state=before,
                               operating_state=after, message=message)

    def stop_cpu(self, device: str, *, instance_name: str | None = None, confirm: bool = False) -> CpuActionResult:
        _, instance = self._binding.bind(device, instance_name)
        self._binding.require_powered(instance)
        before = instance.operating_state
        require_stop_confirmed(instance.name, in_run=before == "Run", confirm=confirm)
        after = (self._sim_stop(instance.name).operating_state
                 if before != "Stop" else before)
        message = "The CPU is in STOP." if before == "Run" else "The CPU was already in STOP."
        return CpuActionResult(device_name=device, instance_name=instance.name, previous_state=before,
                               operating_state=after, message=message)

    # ----- no Openness equivalent ----------------------------------------------------------------
    def upload(
        self, device: str, *, instance_name: str | None = None, export_dir: Path | None = None,
        overwrite: bool = False, apply: bool = False,
    ) -> UploadResult:
        self._session.call("PlcSoftware", lambda: self._session.plc_software(self._session.project(), device))
        raise NotSupportedError(
            "Openness cannot read a CPU's program back block by block: its only upload is StationUploadProvider."
            "StationUpload, which adds the whole station as a new device to the project. Compare instead "
            f"(POST /api/devices/{device}/actions/compare-online) and download the offline software.",
            code=codes.NO_OPENNESS_EQUIVALENT,
        )

    def load_start_values(self, device: str, block: str) -> dict[str, Any]:
        if self._session.call("OnlineProvider.State", lambda: self._online_or_none(device)) is None:
            raise ConflictError(f'Loading start values as actual values needs an online connection. The device '
                                f'"{device}" is offline. Go online first (POST /api/devices/{device}/online).',
                                code=codes.NOT_ONLINE)
        # ValueService.LoadStartValuesAsActualValues() (DataBlock.Interface.GetService<ValueService>()) exists from
        # V21 on; this API version does not have it.
        raise NotSupportedError(
            f"TIA Portal {self._session.version} has no Openness call to load start values as actual values "
            "(ValueService arrived with V21). Download the data block again after changing it, or write the values "
            "with PUT /api/simulation/tags/{name}.", code=codes.NO_OPENNESS_EQUIVALENT,
        )

    # ----- compare -------------------------------------------------------------------------------
    def _offline_kinds(self, software: Any) -> dict[str, str]:
        """Name -> kind of every PLC data type and block, the PLC's own and its software units'
        (:mod:`openness_bridge.units`). A unit's object is known by its name as the port gives it (``Namespace.Name``)
        and, unless an object outside a namespace has it, by its ``Name``: which one TIA's compare tree shows for a
        namespaced object is not documented."""
        objects = [(found, "UDT") for found in software_types(self._session, software)]
        objects += [(found, block_kind(found.obj)) for found in software_blocks(self._session, software)]
        kinds = {found.name: kind for found, kind in objects}
        for found, kind in objects:
            kinds.setdefault(str(found.obj.Name), kind)
        return kinds

    def _compare_entries(self, device: str, tls: TlsAnswer | None = None) -> list[CompareEntry]:
        """``PlcSoftware.CompareToOnline()`` over the PLCSIM route, as entries sorted by name. A TLS trust prompt is
        answered by ``tls`` (by default: not trusted; a certificate trusted earlier stays trusted in TIA)."""
        answer = tls or TlsAnswer(self._binding.online_namespace, trust=False)

        def run() -> list[CompareEntry]:
            project = self._session.project()
            configuration = self._binding.online_provider(project, device).Configuration
            self._binding.apply_route(configuration, device)
            software = self._session.plc_software(project, device)
            kinds = self._offline_kinds(software)
            entries: list[CompareEntry] = []

            def walk(element: Any) -> None:
                status = _COMPARE_STATUS.get(str(element.ComparisonResult.ToString()))
                if status is not None and element.Elements.Count == 0:
                    name = str(element.LeftName or element.RightName or "")
                    entries.append(CompareEntry(name=name, kind=kinds.get(name, "Unknown"), status=status))
                for child in element.Elements:
                    walk(child)

            walk(answer.call(device, configuration, software.CompareToOnline).RootElement)
            return sorted(entries, key=lambda e: e.name.lower())

        return self._session.call("PlcSoftware.CompareToOnline", run)

    def compare_online(self, device: str, *, instance_name: str | None = None) -> CompareResult:
        _, instance = self._binding.bind(device, instance_name)
        self._binding.require_powered(instance)
        compiles = self._compile_software(device).error_count == 0
        entries = self._compare_entries(device)
        if not compiles:
            # TIA compares compiled code: with compile errors an object in both places cannot be called identical.
            entries = [msgspec.structs.replace(e, status="Different") if e.status == "Identical" else e
                       for e in entries]
        def pick(status: str) -> list[str]:
            return [e.name for e in entries if e.status == status]

        loaded = self._sim_state(instance.name).device
        return CompareResult(
            device_name=device, instance_name=instance.name, loaded_device=loaded,
            identical=all(e.status == "Identical" for e in entries), offline_compiles=compiles,
            only_offline=pick("OnlyOffline"), only_online=pick("OnlyOnline"), different=pick("Different"),
            identical_count=len(pick("Identical")), entries=entries,
        )

    # ----- download ------------------------------------------------------------------------------
    def _require_simulation_support(self, device: str) -> None:
        """TIA downloads to PLCSIM only from a project compiled with simulation support; say so before trying."""

        def run() -> tuple[str, bool]:
            project = self._session.project()
            self._session.plc_software(project, device)
            return str(project.Name), bool(project.IsSimulationDuringBlockCompilationEnabled)

        name, enabled = self._session.call("Project.IsSimulationDuringBlockCompilationEnabled", run)
        if not enabled:
            raise simulation_support_disabled(name)

    def _answers(
        self, stop_cpu: bool, start: bool, unanswered: list[str], password: str | None = None,
        checks: DownloadChecks | None = None, asked: list[PreDownloadCheck] | None = None,
    ) -> tuple[Any, Any]:
        """The pre- and post-download delegates: TIA's questions answered as the caller asked, nothing more; each
        question and its answer goes to ``asked``. A protected CPU asks for its password (``ModuleWriteAccessPassword``)
        and a protected master secret for its own (``PlcMasterSecretPassword``, V17 API); each is answered only with
        the caller's password. The other answers' classes and selections are the V16/V17 API stubs' (module doc)."""
        configs = self._binding.online_namespace("Download.Configurations")
        choices = checks or DownloadChecks()
        record = asked if asked is not None else []

        def select(kind: str, name: str) -> tuple[Callable[[Any], None], str]:
            return (lambda c: setattr(c, "CurrentSelection", getattr(getattr(configs, kind), name))), name

        def password_of(text: str | None) -> tuple[Callable[[Any], None], str] | None:
            if not text:
                return None
            from openness_bridge.security import secure_string  # the download needs it only here

            return (lambda c: c.SetPassword(secure_string(text))), "Password given"

        answers: dict[str, tuple[Callable[[Any], None], str] | None] = {
            "StopModules": select("StopModulesSelections", "StopAll" if stop_cpu else "NoAction"),
            "StartModules": select("StartModulesSelections", "StartModule" if start else "NoAction"),
            "ConsistentBlocksDownload": select("ConsistentBlocksDownloadSelections", "ConsistentDownload"),
            # offered by real TIA on a first download; not modelled by the stand-in
            "OverwriteSystemData": select("OverwriteSystemDataSelections", "Overwrite"),
            "CheckBeforeDownload": ((lambda c: setattr(c, "Checked", True)), "Checked"),
            "AlarmTextLibrariesDownload": select("AlarmTextLibrariesDownloadSelections", choices.alarm_text_libraries),
            "DataBlockReinitialization": select("DataBlockReinitializationSelections",
                                                choices.data_block_reinitialization),
            "ModuleWriteAccessPassword": password_of(password),
            "PlcMasterSecretPassword": password_of(choices.plc_master_secret_password),
        }
        known = [(getattr(configs, name), found) for name, found in answers.items() if found and hasattr(configs, name)]

        def answer(config: Any) -> None:
            category, message = str(config.GetType().Name), str(config.Message)
            try:
                handler = next((found for cls, found in known if isinstance(config, cls)), None)
                if handler is None:
                    unanswered.append(f"{category}: {message}")
                    record.append(PreDownloadCheck(category=category, message=message, answer="Left at TIA's default"))
                else:
                    handler[0](config)
                    record.append(PreDownloadCheck(category=category, message=message, answer=handler[1]))
            except Exception as exc:  # never let a Python error cross into TIA's download
                unanswered.append(f"{category}: {exc}")
                record.append(PreDownloadCheck(category=category, message=message, answer="Left at TIA's default"))

        delegate = self._binding.online_namespace("Download").DownloadConfigurationDelegate
        return delegate(answer), delegate(answer)

    def download(
        self, device: str, *, instance_name: str | None = None, stop_cpu: bool = False,
        start_after_download: bool = False, progress: Callable[[int, str], None] | None = None,
        password: str | None = None, trust_tls: bool = False, checks: DownloadChecks | None = None,
    ) -> DownloadResult:
        report = progress or (lambda _percent, _message: None)
        tls = TlsAnswer(self._binding.online_namespace, trust=trust_tls)
        self._require_simulation_support(device)
        _, instance = self._binding.bind(device, instance_name)
        self._binding.require_powered(instance)
        was_running = instance.operating_state == "Run"
        if was_running and not stop_cpu:
            raise cpu_in_run(instance.name)
        report(10, "compiling the PLC software")
        compiled = self._compile_software(device)
        if compiled.error_count:
            raise compile_failed(device, compiled)
        report(40, "comparing with the program in the CPU")
        before = self._sim_state(instance.name)
        entries = self._compare_entries(device, tls)
        same_device = before.device == device
        reinitialised = sorted(
            (e.name for e in entries if e.kind in _DB_KINDS and (e.status != "Identical" or not same_device)),
            key=str.lower,
        )
        objects = [e.name for e in entries if e.status != "OnlyOnline"]
        report(70, f'loading {len(objects)} objects into "{instance.name}"')
        unanswered: list[str] = []
        asked: list[PreDownloadCheck] = []

        def load() -> Any:
            project = self._session.project()
            provider = self._binding.download_provider(project, device)
            target = self._binding.apply_route(provider.Configuration, device)
            pre, post = self._answers(stop_cpu, start_after_download, unanswered, password, checks, asked)
            options = self._binding.online_namespace("Download").DownloadOptions.Software
            # the trust prompt is answered on the OnlineProvider's configuration, as Siemens' V17 add-in does
            online = self._binding.online_provider(project, device).Configuration
            return tls.call(device, online, lambda: provider.Download(target, pre, post, options))

        result = self._session.call("DownloadProvider.Download", load)
        messages = [_message(m) for m in result.Messages]
        messages.extend(DownloadMessage(state="Warning", message=f"Left at TIA's default: {text}")
                        for text in unanswered)
        if str(result.State.ToString()) == "Error":
            raise ConflictError(
                f'TIA refused the download to "{instance.name}" ({int(result.ErrorCount)} error(s)); see '
                'details.messages.',
                code=codes.DOWNLOAD_FAILED,
                details={"instanceName": instance.name, "messages": msgspec.to_builtins(messages),
                         "preDownloadChecks": msgspec.to_builtins(asked)},
            )
        self._sim_refresh_after_download(instance.name)
        after = self._sim_state(instance.name)
        if start_after_download and after.operating_state != "Run":
            error = after.last_error
            raise ConflictError(
                f'The CPU "{instance.name}" went to STOP when it was started after the download'
                + (f": {error.message}" if error else ".") + " Fix the program, download it, and start the CPU again.",
                code=codes.CPU_STOPPED_BY_ERROR,
                details={"instanceName": instance.name, "diagnostic": msgspec.to_builtins(error) if error else None},
            )
        report(100, "download finished")
        warning_count = int(result.WarningCount) + compiled.warning_count + len(unanswered)
        return DownloadResult(
            state="Warning" if warning_count else "Success", error_count=0, warning_count=warning_count,
            messages=messages, device_name=device, instance_name=instance.name, operating_state=after.operating_state,
            stopped_cpu=was_running, started_cpu=start_after_download, object_count=len(objects),
            reinitialised_data_blocks=reinitialised, warnings=[], compile_result=compiled,
            pre_download_checks=asked, tls_verifications=tls.verifications,
        )
