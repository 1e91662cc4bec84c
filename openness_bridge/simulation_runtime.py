"""The bridge's PLCSIM Advanced runtime manager: status, remote port, network mode (``sim_*`` methods)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.simulation_models import (
    NETWORK_MODES,
    SimRuntimeConfig,
    SimRuntimeStatus,
    SimStatus,
)
from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.simulation_profiles import MAX_INSTANCES

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.simulation_models import SimInstanceInfo
    from openness_bridge.plcsim import PlcsimApi
    from openness_bridge.simulation_base import PlcsimAccess

__all__ = ("SimulationRuntimeOperations",)


# No PLCSIM Advanced API has a runtime-wide Softbus/TCP-IP switch: each instance picks its CommunicationInterface
# (Softbus until given IP suites). The real 50.42.10.0 API's SimulationRuntimeManager.NetworkMode is an
# ECommunicationMode (Non_Promiscuous/Promiscuous), a different setting, so the bridge never reads it as this mode.
_RUNTIME_NETWORK_MODE = "Softbus"


def _version(raw: int) -> str:
    # SimulationRuntimeManager.Version is (major << 16) | minor: a public record shows API 7.0 reading 458752.
    return f"{raw >> 16}.{raw & 0xFFFF}" if raw else "0.0"


class SimulationRuntimeOperations:
    """The runtime manager of :class:`openness_bridge.simulation.BridgeSimulation` (one of its parts).

    Args:
        plcsim: PLCSIM Advanced as the simulation area reaches it.
        list_instances: the simulation area's ``list_instances()``, for the overall status.
    """

    def __init__(self, plcsim: PlcsimAccess, *, list_instances: Callable[[], list[SimInstanceInfo]]) -> None:
        self._plcsim = plcsim
        self._list_instances = list_instances

    # ----- runtime manager ----------------------------------------------------------------------
    def runtime_status(self) -> SimRuntimeStatus:
        api = self._plcsim.api
        if api is None:
            return SimRuntimeStatus(running=False, api_version="", api_available=False, port=None,
                                    network_mode=_RUNTIME_NETWORK_MODE, instance_count=0, max_instances=MAX_INSTANCES,
                                    engine="PLCSIM Advanced is not installed")
        try:
            return self._plcsim.call("SimulationRuntimeManager", lambda a: SimRuntimeStatus(
                running=bool(a.manager.IsRuntimeManagerAvailable), api_version=_version(int(a.manager.Version)),
                api_available=bool(a.manager.IsInitialized), port=int(a.manager.Port) or None,
                network_mode=_RUNTIME_NETWORK_MODE, instance_count=len(a.manager.RegisteredInstanceInfo),
                max_instances=MAX_INSTANCES, engine=f"S7-PLCSIM Advanced (API {a.version}, {a.path})"))
        except EngineeringError:  # "never raises": a manager that went away reads as not running
            return SimRuntimeStatus(running=False, api_version="", api_available=True, port=None,
                                    network_mode=_RUNTIME_NETWORK_MODE, instance_count=0, max_instances=MAX_INSTANCES,
                                    engine=f"S7-PLCSIM Advanced (API {api.version}, {api.path})")

    def start_runtime(self) -> SimRuntimeStatus:
        def run(api: PlcsimApi) -> SimRuntimeStatus:
            if not api.manager.IsRuntimeManagerAvailable:
                # The API connects to the Runtime Manager process; it cannot start it.
                raise ConflictError("The PLCSIM Advanced Runtime Manager is not running and its API cannot start "
                                    "it: start S7-PLCSIM Advanced on this machine, then retry.",
                                    code=codes.SIM_RUNTIME_STOPPED)
            return self.runtime_status()

        return self._plcsim.call("SimulationRuntimeManager.IsRuntimeManagerAvailable", run)

    def _sim_runtime_config(self, api: PlcsimApi) -> SimRuntimeConfig:
        return SimRuntimeConfig(network_mode=_RUNTIME_NETWORK_MODE, port=int(api.manager.Port) or None,
                                max_instances=MAX_INSTANCES, api_version=_version(int(api.manager.Version)),
                                network_modes=list(NETWORK_MODES))

    def runtime_config(self) -> SimRuntimeConfig:
        return self._plcsim.call("SimulationRuntimeManager.Port", self._sim_runtime_config)

    def update_runtime_config(self, *, network_mode: str | None, port: int | None) -> SimRuntimeConfig:
        def run(api: PlcsimApi) -> SimRuntimeConfig:
            if network_mode is not None and network_mode != _RUNTIME_NETWORK_MODE:
                if network_mode not in NETWORK_MODES:
                    raise ValidationError(f'Unknown network mode "{network_mode}". Use one of: '
                                          f'{", ".join(NETWORK_MODES)}.', code=codes.SIM_INVALID_ARGUMENT)
                raise NotSupportedError(
                    f"The PLCSIM Advanced API ({api.version}) has no runtime-wide network mode (its NetworkMode "
                    "only switches promiscuous mode). Give an instance IP suites (PUT its network) to make it "
                    "talk TCP/IP, or none for Softbus; the adapters are chosen in the PLCSIM Advanced control panel.",
                    code=codes.NO_OPENNESS_EQUIVALENT)
            if port is not None:
                self._sim_open_port(api, port)
            return self._sim_runtime_config(api)

        return self._plcsim.call("SimulationRuntimeManager.Port", run)

    def _sim_open_port(self, api: PlcsimApi, port: int | None) -> None:
        if port is not None and not 1024 <= port <= 65535:
            raise ValidationError("The runtime manager port must be in 1024..65535 (or null to close it).",
                                  code=codes.SIM_INVALID_ARGUMENT)
        if port is None:
            api.manager.ClosePort()
        elif int(api.manager.Port) != port:
            if int(api.manager.Port):
                api.manager.ClosePort()
            api.manager.OpenPort(port)

    def set_port(self, port: int | None) -> SimRuntimeConfig:
        def run(api: PlcsimApi) -> SimRuntimeConfig:
            self._sim_open_port(api, port)
            return self._sim_runtime_config(api)

        return self._plcsim.call("SimulationRuntimeManager.OpenPort", run)

    def status(self) -> SimStatus:
        runtime = self.runtime_status()
        try:
            instances = self._list_instances() if runtime.running else []
        except EngineeringError:  # "never raises"
            instances = []
        return SimStatus(runtime_manager_running=runtime.running, api_version=runtime.api_version,
                         api_available=runtime.api_available, registered_instances=instances,
                         connected_instance=self._plcsim.state.connected if instances else None)
