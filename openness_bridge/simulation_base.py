"""What the bridge's PLCSIM Advanced areas (simulation, runtime values) share: reaching the API and instances, and
the views they return, as one :class:`PlcsimAccess` object each area is given.

Every PLCSIM call runs on the worker thread (``on_worker()``), as Openness calls do; instances are looked up afresh
on every call (``SimulationRuntimeManager.CreateInterface``), never cached. What PLCSIM's API does not keep (the
connected instance, counted cycles, the virtual-time origin, an event log) lives in a
:class:`~openness_bridge.simulation_support.SimState`, held with the API by one :class:`PlcsimSession` that the
backend gives both areas: a connection made through the simulation area is the one runtime values read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.areas.simulation_models import (
    SimInstanceInfo,
    SimInstanceState,
)
from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotFoundError,
    NotSupportedError,
)
from engineering_api.errors import codes
from openness_bridge.errors import translate
from openness_bridge.simulation_support import (
    TIMEOUT_MS,
    InstanceRecord,
    SimState,
    TagFailure,
    mode_name,
    runtime_code,
    sim_error,
    state_name,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.plcsim import PlcsimApi

__all__ = ("PlcsimAccess", "PlcsimSession")

T = TypeVar("T")
_NOT_FOUND: dict[str, tuple[type[EngineeringError], str]] = {"DoesNotExist": (NotFoundError,
                                                                              codes.SIM_INSTANCE_NOT_FOUND)}
"""Instance lookups: PLCSIM's DoesNotExist names an instance, not a tag."""


@dataclass(frozen=True, slots=True)
class PlcsimSession:
    """PLCSIM Advanced as the bridge's simulation and runtime-values areas share it (one per backend)."""

    api: PlcsimApi | None
    """The loaded API (:mod:`openness_bridge.plcsim`), or None when PLCSIM Advanced is not installed."""
    on_worker: Callable[[], None]
    """Checks that the call runs on the session's worker thread (PLCSIM's objects, like Openness', live there)."""
    state: SimState = field(default_factory=SimState)
    """The connected instance and the bridge's records of instances (what PLCSIM's API does not keep)."""


class PlcsimAccess:
    """PLCSIM Advanced as the bridge's simulation parts and runtime-values area reach it: the API on the worker
    thread, instances by name, the bridge's records of them and the views the port returns (no port method here).

    Args:
        plcsim: the backend's PLCSIM Advanced session, shared by its simulation and runtime-values areas.
    """

    def __init__(self, plcsim: PlcsimSession) -> None:
        self._plcsim_session = plcsim

    # ----- the API ------------------------------------------------------------------------------
    @property
    def api(self) -> PlcsimApi | None:
        return self._plcsim_session.api

    def on_worker(self) -> None:
        self._plcsim_session.on_worker()

    @property
    def state(self) -> SimState:
        return self._plcsim_session.state

    def require_api(self) -> PlcsimApi:
        if self.api is None:
            raise NotSupportedError(
                "PLCSIM Advanced is not installed on this machine (no Siemens.Simatic.Simulation.Runtime.Api.x64.dll "
                r"under HKLM\SOFTWARE\Wow6432Node\Siemens\Shared Tools\PLCSIMADV_SimRT 'Path'\API\<version>), so "
                "there is no virtual PLC to create or drive. Install S7-PLCSIM Advanced and restart the service.",
                code=codes.SIM_ENGINE_UNAVAILABLE,
            )
        return self.api

    def call(self, operation: str, fn: Callable[[PlcsimApi], T],
                overrides: dict[str, tuple[type[EngineeringError], str]] | None = None) -> T:
        """Run ``fn(api)`` on the worker thread; PLCSIM's runtime error codes become domain errors."""
        api = self.require_api()
        self.on_worker()
        try:
            return fn(api)
        except EngineeringError:
            raise
        except TagFailure as failure:  # a tag access the bridge refused itself, coded as PLCSIM would
            raise sim_error(failure.code, operation, failure.message, overrides=overrides) from None
        except Exception as exc:  # .NET exceptions arrive as Python exceptions
            code = runtime_code(exc)
            if code is None:
                raise translate(exc, operation) from exc
            raise sim_error(code, operation, exc=exc, overrides=overrides) from exc

    # ----- instances ----------------------------------------------------------------------------
    def names(self, api: PlcsimApi) -> dict[str, Any]:
        """Registered instances by lower-cased name (``SInstanceInfo``)."""
        return {str(info.Name).lower(): info for info in api.manager.RegisteredInstanceInfo}

    def all_instances(self, api: PlcsimApi) -> list[Any]:
        """A fresh ``IInstance`` of every registered instance, in registration order."""
        return [api.manager.CreateInterface(str(info.Name)) for info in api.manager.RegisteredInstanceInfo]

    def instance(self, api: PlcsimApi, name: str) -> Any:
        """A fresh ``IInstance`` of the instance named ``name`` (case-insensitive)."""
        info = self.names(api).get(name.lower())
        if info is None:
            raise NotFoundError(f'The simulation instance "{name}" does not exist.', code=codes.SIM_INSTANCE_NOT_FOUND)
        try:
            return api.manager.CreateInterface(str(info.Name))
        except Exception as exc:  # unregistered in between
            code = runtime_code(exc)
            if code is None:
                raise
            raise sim_error(code, "SimulationRuntimeManager.CreateInterface", exc=exc, overrides=_NOT_FOUND) from exc

    def target(self, api: PlcsimApi, instance: str | None) -> Any:
        """The named instance, or the connected one for ``None``."""
        if instance is not None:
            return self.instance(api, instance)
        connected = self.state.connected
        if connected is None or connected.lower() not in self.names(api):
            self.state.connected = None
            raise ConflictError("No simulation instance is connected (POST /api/simulation/connect).",
                                code=codes.SIM_NOT_CONNECTED)
        return self.instance(api, connected)

    def record(self, inst: Any) -> InstanceRecord:
        """The bridge's record of ``inst`` (a new one when the name is new or was registered again)."""
        key = str(inst.Name).lower()
        record = self.state.records.get(key)
        if record is None or record.id != int(inst.ID):
            record = self.state.records[key] = InstanceRecord(id=int(inst.ID))
        if record.base_ticks is None:
            try:
                record.base_ticks = int(inst.SystemTime.Ticks)
            except Exception:  # PLCSIM may refuse the clock of an instance that is off
                record.base_ticks = None
        return record

    def virtual_ms(self, inst: Any, record: InstanceRecord) -> float:
        try:
            ticks = int(inst.SystemTime.Ticks)
        except Exception:  # off: the last known virtual time stands
            return record.last_virtual_ms
        if record.base_ticks is None:
            record.base_ticks = ticks
        record.last_virtual_ms = (ticks - record.base_ticks) / 10_000
        return record.last_virtual_ms

    def wait_state(self, inst: Any, done: Callable[[str], bool], what: str) -> str:
        """Poll ``OperatingState`` until ``done(name)`` (PLCSIM's stepping calls return before the CPU halts)."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            name = str(inst.OperatingState)
            if done(name):
                return name
            if time.monotonic() > deadline:
                raise ConflictError(f'The instance "{inst.Name}" did not {what} within {TIMEOUT_MS // 1000} s '
                                    f"(it is {name}).", code=codes.SIM_TIMEOUT)
            time.sleep(0.001)

    def load_tags(self, inst: Any) -> None:
        """``UpdateTagList()``: PLCSIM reads the loaded program's tags; symbolic access needs it first."""
        inst.UpdateTagList()
        record = self.record(inst)
        record.tags_loaded = True
        record.tag_list_loads += 1

    # ----- views ---------------------------------------------------------------------------------
    def suites(self, inst: Any) -> list[Any]:
        """``SIPSuite4`` entries of an instance that talks TCP/IP (none on Softbus, as the port says)."""
        if str(inst.CommunicationInterface) != "TCPIP":
            return []
        return [s for s in inst.ControllerIPSuite4 if str(s.IPAddress.IPString) != "0.0.0.0"]

    def info(self, inst: Any) -> SimInstanceInfo:
        connected = self.state.connected
        return SimInstanceInfo(
            name=str(inst.Name), id=int(inst.ID), cpu_type=str(inst.CPUType),
            operating_state=state_name(inst.OperatingState), operating_mode=mode_name(inst.OperatingMode),
            communication_interface=str(inst.CommunicationInterface),
            ip_addresses=[str(s.IPAddress.IPString) for s in self.suites(inst)],
            connected=connected is not None and connected.lower() == str(inst.Name).lower(),
            device=str(inst.ControllerName) or None,
        )

    def tags_fresh(self, api: PlcsimApi, inst: Any) -> bool:
        try:
            # pythonnet returns a void method's out parameters as a tuple: (details, isHmiVisibleOnly).
            result = inst.GetTagListStatus(api.enum("ETagListDetails", "None"), False)
        except Exception:  # no status while the instance is off
            return False
        return str(result[-2]) != "None"

    def view(self, api: PlcsimApi, inst: Any) -> SimInstanceState:
        record = self.record(inst)
        info = self.info(inst)
        return SimInstanceState(
            name=info.name, operating_state=info.operating_state, operating_mode=info.operating_mode,
            virtual_time_ms=self.virtual_ms(inst, record),
            cycle_time_ms=int(inst.OverwrittenMinimalCycleTime_ns) / 1_000_000, scan_time=record.scan_time(),
            tags_up_to_date=self.tags_fresh(api, inst), connected=info.connected, device=info.device,
            # PLCSIM Advanced's API neither sets nor lists forces (TIA's force table does): none to report.
            forces={}, last_error=None,
        )
