"""The bridge's online sessions, CPU state, download, upload and compare (``OnlineProvider``, ``DownloadProvider``).

The online area of the bridge. Going online is ``OnlineProvider.GoOnline()`` after
``ConnectionConfiguration.ApplyConfiguration(target)``; it returns before the connection stands, so ``State`` is
polled until ``Online``. TIA keeps the session (it survives a rename and a rolled-back transaction and ends with
the project, the device or the instance's power), so the bridge keeps nothing of its own.

Openness cannot start or stop a CPU outside a download (``OnlineProvider`` has ``GoOnline``/``GoOffline``/
``State`` only), nor read its scan times or diagnostic buffer: for a PLCSIM Advanced target ``cpu_status``,
``start_cpu`` and ``stop_cpu`` use the PLCSIM Advanced API (the bridge's ``sim_*`` methods) on the bound instance,
as an engineer would use PLCSIM's own panel. Download, compare and the online session go through TIA.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.online import (
    CpuActionResult,
    CpuStatus,
    OnlinePort,
    OnlineStatus,
    UploadResult,
)
from engineering_api.backend.areas.online_rules import require_stop_confirmed
from engineering_api.backend.errors import (
    ConflictError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from openness_bridge.online_download import OnlineDownload

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("BridgeOnline",)

GO_ONLINE_TIMEOUT_S = 30.0
"""How long ``go_online`` polls ``OnlineProvider.State`` for ``Online`` before giving up."""
_POLL_S = 0.05
_RECENT_DIAGNOSTICS = 20


class BridgeOnline(OnlineDownload, OnlinePort):
    """The online area of the bridge (its parts: :class:`~openness_bridge.online_binding.OnlineBinding`, the providers
    and the binding; :class:`~openness_bridge.online_download.OnlineDownload`, compare and download).

    Args:
        session: the Openness session (calls, the open project, a device's PLC item and software, services).
        compile_software: the compile area's compile of a PLC's software, by device name.
        sim_instances: the simulation area's ``sim_list_instances``, to bind a device to an instance.
        sim_state: the simulation area's ``sim_instance_state``, by instance name.
        sim_diagnostics: the simulation area's ``sim_diagnostics``, by instance name.
        sim_run: the simulation area's ``sim_run``, by instance name.
        sim_stop: the simulation area's ``sim_stop``, confirmed (this area asks for the confirmation itself).
        sim_refresh_after_download: the simulation area's ``refresh_after_download``, by instance name.
    """

    # ----- online sessions -----------------------------------------------------------------------
    def go_online(self, device: str, *, instance_name: str | None = None) -> OnlineStatus:
        provider, instance = self._bind(device, instance_name)
        if self._session.call("OnlineProvider.State", lambda: self._is_online(provider)):
            return self._status(device, instance)
        self._require_powered(instance)

        def connect() -> str:
            self._apply_route(provider.Configuration, device)
            state = str(provider.GoOnline().ToString())
            deadline = time.monotonic() + GO_ONLINE_TIMEOUT_S
            while state in ("Connecting", "Offline") and time.monotonic() < deadline:
                time.sleep(_POLL_S)
                state = str(provider.State.ToString())
            return state

        state = self._session.call("OnlineProvider.GoOnline", connect)
        if state != "Online":
            raise ConflictError(
                f'TIA could not go online with "{device}" (state {state}); the instance "{instance.name}" did not '
                "answer at the device's address over PLCSIM.", code="ONLINE_FAILED",
                details={"instanceName": instance.name, "onlineState": state},
            )
        return self._status(device, instance)

    def _online_or_none(self, device: str) -> Any:
        """The device's OnlineProvider while it is online, else None (a device that is no PLC is never online)."""
        project = self._session.project()
        self._session.find_device(project, device)
        try:
            provider = self._online_provider(project, device)
        except ValidationError:
            return None
        return provider if self._is_online(provider) else None

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
            _, instance = self._bind(device, None)
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
        provider, instance = self._bind(device, instance_name)
        state = self._sim_state(instance.name)
        entries = list(self._sim_diagnostics(instance.name).entries)
        online = self._session.call("OnlineProvider.State", lambda: self._is_online(provider))
        loaded = 0
        if state.operating_state != "Off" and state.device:
            loaded = sum(1 for entry in self._compare_entries(device) if entry.status != "OnlyOffline")
        return CpuStatus(
            device_name=device, instance_name=instance.name, online=bool(online), operating_state=state.operating_state,
            operating_mode=state.operating_mode, cpu_type=instance.cpu_type, virtual_time_ms=state.virtual_time_ms,
            loaded_device=state.device, loaded_objects=loaded, scan_times=state.scan_time, forced_tags=len(state.forces),
            diagnostic_count=len(entries), last_error=state.last_error, diagnostics=entries[:_RECENT_DIAGNOSTICS],
        )

    def start_cpu(self, device: str, *, instance_name: str | None = None) -> CpuActionResult:
        _, instance = self._bind(device, instance_name)
        self._require_powered(instance)
        before = instance.operating_state
        after = before if before == "Run" else self._sim_run(instance.name).operating_state
        message = "The CPU was already in RUN." if before == "Run" else "The CPU is in RUN."
        return CpuActionResult(device_name=device, instance_name=instance.name, previous_state=before,
                               operating_state=after, message=message)

    def stop_cpu(self, device: str, *, instance_name: str | None = None, confirm: bool = False) -> CpuActionResult:
        _, instance = self._bind(device, instance_name)
        self._require_powered(instance)
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
            code="NO_OPENNESS_EQUIVALENT",
        )

    def load_start_values(self, device: str, block: str) -> dict[str, Any]:
        if self._session.call("OnlineProvider.State", lambda: self._online_or_none(device)) is None:
            raise ConflictError(f'Loading start values as actual values needs an online connection. The device '
                                f'"{device}" is offline. Go online first (POST /api/devices/{device}/online).',
                                code="NOT_ONLINE")
        # ValueService.LoadStartValuesAsActualValues() (DataBlock.Interface.GetService<ValueService>()) exists from
        # V21 on; this API version does not have it.
        raise NotSupportedError(
            f"TIA Portal {self._session.version} has no Openness call to load start values as actual values "
            "(ValueService arrived with V21). Download the data block again after changing it, or write the values "
            "with PUT /api/simulation/tags/{name}.", code="NO_OPENNESS_EQUIVALENT",
        )

