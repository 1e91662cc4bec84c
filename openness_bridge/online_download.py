"""Download (``DownloadProvider.Download`` with pre/post configuration delegates) and compare
(``PlcSoftware.CompareToOnline``) for :class:`openness_bridge.online.BridgeOnline`.

A download answers TIA's questions in Python callables turned into ``DownloadConfigurationDelegate``s, dispatched
by the configuration's type: ``StopModules`` only with the caller's ``stop_cpu``, ``StartModules`` only with
``start_after_download``; anything it does not know is left at TIA's default and reported. Which data blocks a
download reinitialises is read from a compare made just before it (Openness reports no such list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import msgspec

from engineering_api.backend.areas.online import (
    CompareEntry,
    CompareResult,
    DownloadMessage,
    DownloadResult,
)
from engineering_api.backend.areas.online_rules import (
    compile_failed,
    cpu_in_run,
    simulation_support_disabled,
)
from engineering_api.backend.errors import ConflictError
from openness_bridge.groups import walk_objects
from openness_bridge.online_binding import OnlineBinding
from openness_bridge.plc_software import block_kind

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.online import CompareStatus, DownloadState

__all__ = ("OnlineDownload",)

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


class OnlineDownload(OnlineBinding):
    """Download and compare, a part of :class:`openness_bridge.online.BridgeOnline`."""

    # ----- compare -------------------------------------------------------------------------------
    def _offline_kinds(self, software: Any) -> dict[str, str]:
        kinds = {str(t.Name): "UDT" for _, t in walk_objects(software.TypeGroup, "Types")}
        kinds.update({str(b.Name): block_kind(b) for _, b in walk_objects(software.BlockGroup, "Blocks")})
        return kinds

    def _compare_entries(self, device: str) -> list[CompareEntry]:
        """``PlcSoftware.CompareToOnline()`` over the PLCSIM route, as entries sorted by name."""

        def run() -> list[CompareEntry]:
            project = self._session.project()
            self._apply_route(self._online_provider(project, device).Configuration, device)
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

            walk(software.CompareToOnline().RootElement)
            return sorted(entries, key=lambda e: e.name.lower())

        return self._session.call("PlcSoftware.CompareToOnline", run)

    def compare_online(self, device: str, *, instance_name: str | None = None) -> CompareResult:
        _, instance = self._bind(device, instance_name)
        self._require_powered(instance)
        compiles = self._compile_software(device).error_count == 0
        entries = self._compare_entries(device)
        if not compiles:
            # TIA compares compiled code: with compile errors an object in both places cannot be called identical.
            entries = [msgspec.structs.replace(e, status="Different") if e.status == "Identical" else e for e in entries]
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

    def _answers(self, stop_cpu: bool, start: bool, unanswered: list[str], password: str | None = None) -> tuple[Any, Any]:
        """The pre- and post-download delegates: TIA's questions answered as the caller asked, nothing more. A protected
        CPU asks for its password (``ModuleWriteAccessPassword``); it is answered only with the caller's ``password``."""
        configs = self._online_namespace("Download.Configurations")
        answers: list[tuple[str, Callable[[Any], None]]] = [
            ("StopModules", lambda c: setattr(c, "CurrentSelection", getattr(
                configs.StopModulesSelections, "StopAll" if stop_cpu else "NoAction"))),
            ("StartModules", lambda c: setattr(c, "CurrentSelection", getattr(
                configs.StartModulesSelections, "StartModule" if start else "NoAction"))),
            ("ConsistentBlocksDownload", lambda c: setattr(
                c, "CurrentSelection", configs.ConsistentBlocksDownloadSelections.ConsistentDownload)),
            # offered by real TIA on a first download; not modelled by the stand-in
            ("OverwriteSystemData", lambda c: setattr(c, "CurrentSelection", configs.OverwriteSystemDataSelections.Overwrite)),
            ("CheckBeforeDownload", lambda c: setattr(c, "Checked", True)),
        ]
        if password:
            from openness_bridge.security import secure_string  # noqa: PLC0415 - the download needs it only here

            answers.append(("ModuleWriteAccessPassword", lambda c: c.SetPassword(secure_string(password))))
        known = [(getattr(configs, name), answer) for name, answer in answers if hasattr(configs, name)]

        def answer(config: Any) -> None:
            try:
                handler = next((fn for cls, fn in known if isinstance(config, cls)), None)
                if handler is None:
                    unanswered.append(f"{config.GetType().Name}: {config.Message}")
                else:
                    handler(config)
            except Exception as exc:  # noqa: BLE001 - never let a Python error cross into TIA's download
                unanswered.append(f"{config.GetType().Name}: {exc}")

        delegate = self._online_namespace("Download").DownloadConfigurationDelegate
        return delegate(answer), delegate(answer)

    def download(
        self, device: str, *, instance_name: str | None = None, stop_cpu: bool = False,
        start_after_download: bool = False, progress: Callable[[int, str], None] | None = None,
        password: str | None = None,
    ) -> DownloadResult:
        report = progress or (lambda _percent, _message: None)
        self._require_simulation_support(device)
        _, instance = self._bind(device, instance_name)
        self._require_powered(instance)
        was_running = instance.operating_state == "Run"
        if was_running and not stop_cpu:
            raise cpu_in_run(instance.name)
        report(10, "compiling the PLC software")
        compiled = self._compile_software(device)
        if compiled.error_count:
            raise compile_failed(device, compiled)
        report(40, "comparing with the program in the CPU")
        before = self._sim_state(instance.name)
        entries = self._compare_entries(device)
        same_device = before.device == device
        reinitialised = sorted(
            (e.name for e in entries if e.kind in _DB_KINDS and (e.status != "Identical" or not same_device)),
            key=str.lower,
        )
        objects = [e.name for e in entries if e.status != "OnlyOnline"]
        report(70, f'loading {len(objects)} objects into "{instance.name}"')
        unanswered: list[str] = []

        def load() -> Any:
            provider = self._download_provider(self._session.project(), device)
            target = self._apply_route(provider.Configuration, device)
            pre, post = self._answers(stop_cpu, start_after_download, unanswered, password)
            options = self._online_namespace("Download").DownloadOptions.Software
            return provider.Download(target, pre, post, options)

        result = self._session.call("DownloadProvider.Download", load)
        messages = [_message(m) for m in result.Messages]
        messages.extend(DownloadMessage(state="Warning", message=f"Left at TIA's default: {text}") for text in unanswered)
        if str(result.State.ToString()) == "Error":
            raise ConflictError(
                f'TIA refused the download to "{instance.name}" ({int(result.ErrorCount)} error(s)); see details.messages.',
                code="DOWNLOAD_FAILED",
                details={"instanceName": instance.name, "messages": msgspec.to_builtins(messages)},
            )
        self._sim_refresh_after_download(instance.name)
        after = self._sim_state(instance.name)
        if start_after_download and after.operating_state != "Run":
            error = after.last_error
            raise ConflictError(
                f'The CPU "{instance.name}" went to STOP when it was started after the download'
                + (f": {error.message}" if error else ".") + " Fix the program, download it, and start the CPU again.",
                code="CPU_STOPPED_BY_ERROR",
                details={"instanceName": instance.name, "diagnostic": msgspec.to_builtins(error) if error else None},
            )
        report(100, "download finished")
        warning_count = int(result.WarningCount) + compiled.warning_count + len(unanswered)
        return DownloadResult(
            state="Warning" if warning_count else "Success", error_count=0, warning_count=warning_count,
            messages=messages, device_name=device, instance_name=instance.name, operating_state=after.operating_state,
            stopped_cpu=was_running, started_cpu=start_after_download, object_count=len(objects),
            reinitialised_data_blocks=reinitialised, warnings=[], compile_result=compiled,
        )
