"""The PLCSIM Advanced half of the fake backend: instances of :mod:`fakes.runtime` behind the simulation port.

Runtime exceptions become the service's error tree through :func:`sim_errors`, the one translator
of :mod:`fakes.runtime_errors` that the download and watch-table halves of the fake use too. The tags of an instance
are the area :mod:`fakes.sim_tags_ops`, profiles :mod:`fakes.sim_profiles_ops`; a download through this
service refreshes the connected instance's tag list (:meth:`FakeSimulation.refresh_after_download`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.online_rules import require_stop_confirmed
from engineering_api.backend.areas.simulation import SimulationPort
from engineering_api.backend.areas.simulation_models import (NETWORK_MODES, SimConnection, SimDiagnostics,
                                                             SimInstanceConfig, SimInstanceInfo, SimInstanceState,
                                                             SimIpSuite, SimNetworkConfig, SimRuntimeConfig,
                                                             SimRuntimeStatus,
                                                             SimSessionState, SimStatus, SimStepResult)
from engineering_api.backend.errors import ConflictError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.simulation_profiles import (INTERFACES, check_mode, check_suites, in_range)
from fakes.runtime.cpu import FAULT_EVENTS, IpSuite, OperatingMode, OperatingState, SimulatedCpu
from fakes.runtime.manager import API_VERSION, MAX_INSTANCES, SimulationRuntime
from fakes.runtime_errors import runtime_errors, stopped_by_error, translate
from fakes.runtime_views import scan_time

if TYPE_CHECKING:
    from collections.abc import Callable


__all__ = ("INTERFACES", "FakeSimulation", "cpu_of", "sim_errors", "translate")

_ENGINE = "in-process simulated S7-1500 (fakes.runtime)"
# Events after which the CPU's state is what that event left (the last one tells why a CPU is in STOP).
_STATE_EVENTS = {"PowerOn", "PowerOff", "Startup", "Stop", "MemoryReset", "Download", "SnapshotRestored",
                 *FAULT_EVENTS}
sim_errors = runtime_errors
"""The simulation routes' name for :func:`fakes.runtime_errors.runtime_errors` (kept: tests and callers use it)."""


def _engine_available() -> bool:
    try:
        from fakes.runtime.image import build_image  # noqa: F401
    except ImportError:
        return False
    return True


def cpu_of(plcsim: SimulationRuntime, instance: str | None) -> SimulatedCpu:
    """The named instance, or the connected one for ``None``, runtime errors translated (``SIM_INSTANCE_NOT_FOUND``,
    ``SIM_NOT_CONNECTED``)."""
    with sim_errors():
        return plcsim.connected_cpu() if instance is None else plcsim.get(instance)


class FakeSimulation(SimulationPort):
    """The simulation area of the fake: PLCSIM Advanced's API over the machine's in-process runtime.

    Args:
        plcsim: the machine's PLCSIM Advanced (:class:`fakes.runtime.manager.SimulationRuntime`), which downloads
            load into and the online and runtime-values areas read too. The area needs nothing of the project.
    """

    def __init__(self, plcsim: SimulationRuntime) -> None:
        self._plcsim = plcsim

    # ----- helpers ------------------------------------------------------------------------------
    def _sim_cpu(self, instance: str | None) -> SimulatedCpu:
        """The named instance, or the connected one for ``None`` (raises runtime errors: wrap in sim_errors)."""
        return self._plcsim.connected_cpu() if instance is None else self._plcsim.get(instance)

    def _cpu(self, instance: str | None) -> SimulatedCpu:
        return cpu_of(self._plcsim, instance)

    def _info(self, cpu: SimulatedCpu) -> SimInstanceInfo:
        return SimInstanceInfo(
            name=cpu.name, id=cpu.id, cpu_type=cpu.cpu_type, operating_state=str(cpu.state),
            operating_mode=str(cpu.config.mode), communication_interface=cpu.communication_interface,
            ip_addresses=[s.ip_address for s in cpu.ip_suites], connected=self._plcsim.connected == cpu.name,
            device=cpu.device,
        )

    def _state(self, cpu: SimulatedCpu) -> SimInstanceState:
        with cpu.lock:
            last = next((d for d in reversed(cpu.diagnostics) if d.event in _STATE_EVENTS), None)
            error = last if last is not None and last.event in FAULT_EVENTS else None
            return SimInstanceState(
                name=cpu.name, operating_state=str(cpu.state), operating_mode=str(cpu.config.mode),
                virtual_time_ms=cpu.now_ns / 1_000_000, cycle_time_ms=cpu.config.cycle_ms,
                scan_time=scan_time(cpu.stats),
                tags_up_to_date=not cpu.tags_stale, connected=self._plcsim.connected == cpu.name,
                device=cpu.device, forces=cpu.forces(), last_error=error,
            )

    def _transition(self, instance: str | None, action: Callable[[SimulatedCpu], None]) -> SimInstanceState:
        with sim_errors():
            cpu = self._sim_cpu(instance)
            action(cpu)
        return self._state(cpu)

    @staticmethod
    def _confirmed(action: Callable[[SimulatedCpu], None], confirm: bool, what: str) -> Callable[[SimulatedCpu], None]:
        """``action``, refused with STOP_NOT_CONFIRMED while the CPU is in RUN and ``confirm`` is false."""

        def run(cpu: SimulatedCpu) -> None:
            require_stop_confirmed(cpu.name, in_run=cpu.state == OperatingState.RUN, confirm=confirm, action=what)
            action(cpu)

        return run

    def _start(self, cpu: SimulatedCpu) -> None:
        """STOP to RUN; a programming error in the startup (or first free-running) cycles is this call's error."""
        with cpu.lock:
            seen = cpu.diagnostics[-1].sequence if cpu.diagnostics else 0
        cpu.run()
        with cpu.lock:  # a free-running CPU's thread appends to the buffer
            fault = next((d for d in cpu.diagnostics if d.sequence > seen and d.event in FAULT_EVENTS), None)
        if fault is not None:
            raise stopped_by_error(fault.message + " Read the diagnostics, fix the program, download and run again.",
                                   fault)

    def refresh_after_download(self, cpu: SimulatedCpu) -> None:
        """Called by the download: a download through this service updates the connected instance's tag list."""
        if self._plcsim.connected == cpu.name:
            cpu.tags_stale = False

    def runtime_config(self) -> SimRuntimeConfig:
        sim = self._plcsim
        return SimRuntimeConfig(network_mode=sim.network_mode, port=sim.port, max_instances=MAX_INSTANCES,
                                api_version=API_VERSION, network_modes=list(NETWORK_MODES))

    def _session(self) -> SimSessionState:
        cpu = self._plcsim.instances.get(self._plcsim.connected or "")
        if cpu is None:
            return SimSessionState(connected=False, connected_instance=None, running=False)
        return SimSessionState(
            connected=True, connected_instance=cpu.name, running=cpu.state == OperatingState.RUN,
            operating_state=str(cpu.state), operating_mode=str(cpu.config.mode),
            virtual_time_ms=cpu.now_ns / 1_000_000, device=cpu.device,
        )

    # ----- runtime manager ----------------------------------------------------------------------
    def runtime_status(self) -> SimRuntimeStatus:
        sim = self._plcsim
        return SimRuntimeStatus(
            running=sim.running, api_version=API_VERSION, api_available=_engine_available(), port=sim.port,
            network_mode=sim.network_mode, instance_count=len(sim.instances), max_instances=MAX_INSTANCES,
            engine=_ENGINE,
        )

    def start_runtime(self) -> SimRuntimeStatus:
        self._plcsim.start()
        return self.runtime_status()

    def update_runtime_config(self, *, network_mode: str | None, port: int | None) -> SimRuntimeConfig:
        sim = self._plcsim
        if network_mode is not None and network_mode != sim.network_mode:
            if network_mode not in NETWORK_MODES:
                raise ValidationError(f'Unknown network mode "{network_mode}". Use one of: {", ".join(NETWORK_MODES)}.',
                                      code=codes.SIM_INVALID_ARGUMENT)
            powered = [c.name for c in sim.instances.values() if c.state != OperatingState.OFF]
            if powered:
                raise ConflictError(f"Power off every instance before changing the network mode ({', '.join(powered)} "
                                    "are on).", code=codes.SIM_INSTANCES_RUNNING)
        if port is not None:
            self.set_port(port)
        if network_mode is not None:
            sim.network_mode = network_mode
        return self.runtime_config()

    def set_port(self, port: int | None) -> SimRuntimeConfig:
        with sim_errors():
            self._plcsim.set_port(port)
        return self.runtime_config()

    def status(self) -> SimStatus:
        sim = self._plcsim
        return SimStatus(
            runtime_manager_running=sim.running, api_version=API_VERSION, api_available=_engine_available(),
            registered_instances=self.list_instances(), connected_instance=sim.connected,
        )

    # ----- instances ----------------------------------------------------------------------------
    def list_instances(self) -> list[SimInstanceInfo]:
        return [self._info(cpu) for cpu in list(self._plcsim.instances.values())]

    def create_instance(
        self, name: str, cpu_type: str = "CPU1500_Unspecified", operating_mode: str | None = None,
    ) -> SimInstanceInfo:
        mode = OperatingMode(check_mode(operating_mode)) if operating_mode is not None else None
        with sim_errors():
            cpu = self._plcsim.create(name, cpu_type)
        if mode is not None:
            cpu.set_mode(mode)
        return self._info(cpu)

    def delete_instance(self, instance: str) -> SimInstanceInfo:
        cpu = self._cpu(instance)
        info = self._info(cpu)
        with sim_errors():
            self._plcsim.delete(cpu.name)
        return info

    def power_on(self, instance: str) -> SimInstanceState:
        return self._transition(instance, lambda cpu: cpu.power_on())

    def power_off(self, instance: str, *, confirm: bool = False) -> SimInstanceState:
        return self._transition(instance, self._confirmed(SimulatedCpu.power_off, confirm, "powering it off"))

    def run(self, instance: str | None) -> SimInstanceState:
        return self._transition(instance, self._start)

    def stop(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        return self._transition(instance, self._confirmed(SimulatedCpu.stop, confirm, "stopping it"))

    def memory_reset(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        return self._transition(instance, self._confirmed(SimulatedCpu.memory_reset, confirm, "a memory reset"))

    def clear_forces(self, instance: str | None) -> list[str]:
        with sim_errors():
            cpu = self._sim_cpu(instance)
            if cpu.state == OperatingState.OFF:
                raise ConflictError(f'The instance "{cpu.name}" is powered off. Power it on first.',
                                    code=codes.INSTANCE_OFF)
            return cpu.unforce()

    def instance_state(self, instance: str | None) -> SimInstanceState:
        return self._state(self._cpu(instance))

    def instance_config(self, instance: str) -> SimInstanceConfig:
        cpu = self._cpu(instance)
        config = cpu.config
        return SimInstanceConfig(
            name=cpu.name, cpu_type=cpu.cpu_type, operating_mode=str(config.mode), cycle_time_ms=config.cycle_ms,
            min_cycle_time_ms=config.min_cycle_ms, scale_factor=config.scale_factor,
            communication_interface=cpu.communication_interface,
        )

    def update_instance_config(
        self, instance: str, *, operating_mode: str | None = None, cycle_time_ms: float | None = None,
        min_cycle_time_ms: float | None = None, scale_factor: float | None = None, cpu_type: str | None = None,
    ) -> SimInstanceConfig:
        cpu = self._cpu(instance)
        if cpu_type is not None and cpu_type != cpu.cpu_type:
            raise ValidationError(f'The CPU type of "{cpu.name}" is {cpu.cpu_type} and cannot be changed; create a '
                                  "new instance for another CPU type.", code=codes.SIM_CPU_TYPE_READ_ONLY)
        mode = OperatingMode(check_mode(operating_mode)) if operating_mode is not None else None
        in_range("cycleTimeMs", cycle_time_ms, 0.1, 10_000)
        in_range("minCycleTimeMs", min_cycle_time_ms, 1, 1_000)  # at least 1 ms: a free-running CPU must not spin
        in_range("scaleFactor", scale_factor, 0.01, 100)  # PLCSIM Advanced's ScaleFactor range
        with cpu.lock:
            config = cpu.config
            config.cycle_ms = config.cycle_ms if cycle_time_ms is None else cycle_time_ms
            config.min_cycle_ms = config.min_cycle_ms if min_cycle_time_ms is None else min_cycle_time_ms
            config.scale_factor = config.scale_factor if scale_factor is None else scale_factor
        if mode is not None and mode != cpu.config.mode:
            cpu.set_mode(mode)
        return self.instance_config(cpu.name)

    def instance_network(self, instance: str) -> SimNetworkConfig:
        cpu = self._cpu(instance)
        suites = [SimIpSuite(ip_address=s.ip_address, subnet_mask=s.subnet_mask, default_gateway=s.default_gateway,
                             interface=s.interface) for s in cpu.ip_suites]
        return SimNetworkConfig(name=cpu.name, communication_interface=cpu.communication_interface, ip_suites=suites)

    def set_instance_network(self, instance: str, suites: list[SimIpSuite]) -> SimNetworkConfig:
        cpu = self._cpu(instance)
        check_suites(suites)
        with sim_errors(exists=(ConflictError, codes.SIM_IP_IN_USE)):
            self._plcsim.set_network(cpu.name, [IpSuite(s.interface, s.ip_address, s.subnet_mask, s.default_gateway)
                                                   for s in suites])
        return self.instance_network(cpu.name)

    def step(self, instance: str | None, cycles: int | None = None,
                 milliseconds: float | None = None) -> SimStepResult:
        with sim_errors():
            cpu = self._sim_cpu(instance)
            result = cpu.step(cycles=cycles, milliseconds=milliseconds)
        return SimStepResult(instance=cpu.name, cycles=result.cycles, virtual_time_ms=result.virtual_time_ms,
                             operating_state=result.state, stopped=result.state != OperatingState.RUN)

    def diagnostics(self, instance: str, limit: int | None = None) -> SimDiagnostics:
        cpu = self._cpu(instance)
        with cpu.lock:
            entries = list(reversed(cpu.diagnostics))
            state = str(cpu.state)
        return SimDiagnostics(instance=cpu.name, operating_state=state,
                              entries=entries if limit is None else entries[:max(limit, 0)])

    # ----- connection and session ---------------------------------------------------------------
    def connect(self, instance: str) -> SimConnection:
        with sim_errors():
            cpu = self._plcsim.connect(instance)
        return SimConnection(connected=True, connected_instance=cpu.name, operating_state=str(cpu.state),
                             tags_up_to_date=not cpu.tags_stale)

    def disconnect(self) -> SimConnection:
        self._plcsim.disconnect()
        return SimConnection(connected=False, connected_instance=None)

    def start_session(self, instance: str) -> SimSessionState:
        with sim_errors():
            cpu = self._plcsim.connect(instance)
            cpu.power_on()
            self._start(cpu)
        return self._session()

    def stop_session(self, *, confirm: bool = False) -> SimSessionState:
        with sim_errors():
            cpu = self._plcsim.connected_cpu()
            require_stop_confirmed(cpu.name, in_run=cpu.state == OperatingState.RUN, confirm=confirm,
                                   action="stopping the session")
            if cpu.state != OperatingState.OFF:
                cpu.stop("Simulation session stopped.")
        self._plcsim.disconnect()
        return self._session()

    def session_state(self) -> SimSessionState:
        return self._session()
