"""The bridge's PLCSIM Advanced (``Siemens.Simatic.Simulation.Runtime``): the simulation area, ``sim_*`` methods.

Instances, operating states, stepping and the session live here, the runtime manager in the part
:mod:`openness_bridge.simulation_runtime`; the tags (:mod:`openness_bridge.sim_tags`) and profiles
(:mod:`openness_bridge.sim_profiles`) are areas of their own. All of them reach PLCSIM through one
:class:`~openness_bridge.simulation_base.PlcsimAccess`. Without PLCSIM Advanced every method raises
``SIM_ENGINE_UNAVAILABLE`` (the status methods, which never raise, report it as unavailable).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.online_rules import require_stop_confirmed
from engineering_api.backend.areas.simulation import SimulationPort
from engineering_api.backend.areas.simulation_models import (
    SimConnection,
    SimDiagnostics,
    SimInstanceConfig,
    SimInstanceInfo,
    SimInstanceState,
    SimIpSuite,
    SimNetworkConfig,
    SimSessionState,
    SimStepResult,
)
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    EngineeringError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.simulation_profiles import (
    INTERFACES,
    MAX_INSTANCES,
    check_mode,
    check_suites,
    in_range,
)
from openness_bridge.simulation_runtime import SimulationRuntimeOperations
from openness_bridge.simulation_support import (
    TIMEOUT_MS,
    mode_candidates,
    mode_name,
    sim_error,
    state_name,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.simulation_models import SimRuntimeConfig, SimRuntimeStatus, SimStatus
    from openness_bridge.plcsim import PlcsimApi
    from openness_bridge.simulation_base import PlcsimAccess

__all__ = ("BridgeSimulation",)

MAX_STEP_CYCLES = 1_000_000
DEFAULT_CYCLE_NS = 10_000_000
"""The port's default virtual cycle (10 ms); PLCSIM's own default OverwrittenMinimalCycleTime_ns is 100 ms."""
_NAME = re.compile(r"^[\w\-. ]{1,63}$")
"""Instance names: PLCSIM wants fewer than RuntimeConstants.InstanceNameLength (64) characters."""
_STOPPED = ("Stop", "Off")
_IN_RUN = ("Run", "Freeze")  # Freeze: RUN with the cycle held (SingleStep); stopping it stops a running program


class BridgeSimulation(SimulationPort):
    """The simulation area of the bridge: PLCSIM Advanced through its API. Instances, states, stepping and the
    session are its own; the runtime manager is a part it holds and hands its methods to.

    Args:
        plcsim: PLCSIM Advanced over the backend's session (the API, the worker check, the bookkeeping), shared with
            the runtime-values area.
    """

    def __init__(self, plcsim: PlcsimAccess) -> None:
        self._plcsim = plcsim
        self._runtime = SimulationRuntimeOperations(plcsim, list_instances=self.list_instances)

    # ----- the runtime manager (a part) -----------------------------------------------------------
    def runtime_status(self) -> SimRuntimeStatus:
        return self._runtime.runtime_status()

    def start_runtime(self) -> SimRuntimeStatus:
        return self._runtime.start_runtime()

    def runtime_config(self) -> SimRuntimeConfig:
        return self._runtime.runtime_config()

    def update_runtime_config(self, *, network_mode: str | None, port: int | None) -> SimRuntimeConfig:
        return self._runtime.update_runtime_config(network_mode=network_mode, port=port)

    def set_port(self, port: int | None) -> SimRuntimeConfig:
        return self._runtime.set_port(port)

    def status(self) -> SimStatus:
        return self._runtime.status()

    # ----- instances ----------------------------------------------------------------------------
    def refresh_after_download(self, instance: str) -> None:
        """A download through this service refreshes the connected instance's tag list (as the fake does); a
        download made elsewhere leaves it stale until it is refreshed. Never raises."""
        api = self._plcsim.api
        if api is None or (self._plcsim.state.connected or "").lower() != instance.lower():
            return
        try:
            inst = self._plcsim.instance(api, instance)
            if str(inst.OperatingState) != "Off":
                self._plcsim.load_tags(inst)
        except Exception:  # the download itself succeeded; a stale list is refreshed on next access
            return

    def list_instances(self) -> list[SimInstanceInfo]:
        return self._plcsim.call("SimulationRuntimeManager.RegisteredInstanceInfo",
                                 lambda api: [self._plcsim.info(i) for i in self._plcsim.all_instances(api)])

    def _sim_mode_enum(self, api: PlcsimApi, mode: str) -> Any:
        """The installed API's ``EOperatingMode`` member that plays the port's ``mode``."""
        names = api.enum_names("EOperatingMode")
        chosen = next((n for n in mode_candidates(check_mode(mode)) if n in names), None)
        if chosen is None:
            raise ValidationError(f'This PLCSIM Advanced API has no operating mode for "{mode}" '
                                  f'(it has {", ".join(names)}).', code=codes.SIM_INVALID_ARGUMENT)
        return api.enum("EOperatingMode", chosen)

    def create_instance(
        self, name: str, cpu_type: str = "CPU1500_Unspecified", operating_mode: str | None = None,
    ) -> SimInstanceInfo:
        def run(api: PlcsimApi) -> SimInstanceInfo:
            mode = self._sim_mode_enum(api, operating_mode) if operating_mode is not None else None
            if not _NAME.match(name or ""):
                raise ValidationError(f'"{name}" is not a valid instance name (letters, digits, - _ . and spaces, '
                                      "at most 63).", code=codes.SIM_INVALID_ARGUMENT)
            known = api.enum_names("ECPUType")
            if cpu_type not in known:
                raise ValidationError(f'Unknown CPU type "{cpu_type}". This PLCSIM Advanced knows: {", ".join(known)}.',
                                      code=codes.SIM_INVALID_ARGUMENT)
            if not api.manager.IsRuntimeManagerAvailable:
                raise ConflictError("The PLCSIM Advanced Runtime Manager is not running. Start S7-PLCSIM Advanced.",
                                    code=codes.SIM_RUNTIME_STOPPED)
            registered = self._plcsim.names(api)
            if name.lower() in registered:  # PLCSIM compares names as given; the port says case-insensitively
                raise AlreadyExistsError(f'An instance named "{registered[name.lower()].Name}" already exists.',
                                         code=codes.SIM_INSTANCE_EXISTS)
            if len(registered) >= MAX_INSTANCES:
                raise ConflictError(f"PLCSIM Advanced runs at most {MAX_INSTANCES} instances.",
                                    code=codes.SIM_INSTANCE_LIMIT)
            inst = api.manager.RegisterInstance(api.enum("ECPUType", cpu_type), name)
            try:
                inst.OverwrittenMinimalCycleTime_ns = DEFAULT_CYCLE_NS
                if mode is not None:
                    inst.OperatingMode = mode
            except BaseException:  # all or nothing: a half-set-up instance would block creating it again
                inst.UnregisterInstance()
                raise
            self._plcsim.state.records.pop(name.lower(), None)
            self._plcsim.record(inst).note("Register", f"Instance registered ({cpu_type}).")
            return self._plcsim.info(inst)

        return self._plcsim.call("SimulationRuntimeManager.RegisterInstance", run)

    def delete_instance(self, instance: str) -> SimInstanceInfo:
        def run(api: PlcsimApi) -> SimInstanceInfo:
            inst = self._plcsim.instance(api, instance)
            state = str(inst.OperatingState)
            if state != "Off":
                raise ConflictError(f'The instance "{inst.Name}" is {state_name(state)}; power it off before '
                                    "deleting it.", code=codes.SIM_INSTANCE_NOT_OFF)
            info = self._plcsim.info(inst)
            inst.UnregisterInstance()
            self._plcsim.state.records.pop(info.name.lower(), None)
            if (self._plcsim.state.connected or "").lower() == info.name.lower():
                self._plcsim.state.connected = None
            return info

        return self._plcsim.call("IInstance.UnregisterInstance", run)

    def _sim_transition(self, operation: str, instance: str | None,
                    action: Callable[[PlcsimApi, Any], None]) -> SimInstanceState:
        def run(api: PlcsimApi) -> SimInstanceState:
            inst = self._plcsim.target(api, instance)
            action(api, inst)
            return self._plcsim.view(api, inst)

        return self._plcsim.call(operation, run)

    def _sim_require_on(self, inst: Any) -> None:
        if str(inst.OperatingState) == "Off":
            raise ConflictError(f'The instance "{inst.Name}" is powered off. Power it on first.',
                                code=codes.INSTANCE_OFF)

    def _sim_power_on(self, api: PlcsimApi, inst: Any) -> None:
        if str(inst.OperatingState) != "Off":
            return
        code = str(inst.PowerOn(TIMEOUT_MS))
        if code != "OK" and not code.startswith("Warning"):  # warnings (e.g. WarningTrialModeActive) still power on
            raise sim_error(code, "IInstance.PowerOn")
        record = self._plcsim.record(inst)
        self._plcsim.virtual_ms(inst, record)
        record.note("PowerOn", "Power on; the CPU is in STOP." + (f" PLCSIM warned: {code}." if code != "OK" else ""))

    def power_on(self, instance: str) -> SimInstanceState:
        return self._sim_transition("IInstance.PowerOn", instance, self._sim_power_on)

    def _sim_require_confirmed(self, inst: Any, confirm: bool, action: str) -> None:
        require_stop_confirmed(str(inst.Name), in_run=str(inst.OperatingState) in _IN_RUN, confirm=confirm,
                               action=action)

    def power_off(self, instance: str, *, confirm: bool = False) -> SimInstanceState:
        def off(api: PlcsimApi, inst: Any) -> None:
            self._sim_require_confirmed(inst, confirm, "powering it off")
            if str(inst.OperatingState) != "Off":
                record = self._plcsim.record(inst)
                self._plcsim.virtual_ms(inst, record)
                inst.PowerOff(TIMEOUT_MS)
                record.tags_loaded = False
                record.note("PowerOff", "Power off; non-retentive data is lost.")

        return self._sim_transition("IInstance.PowerOff", instance, off)

    def _sim_start(self, api: PlcsimApi, inst: Any) -> None:
        self._sim_require_on(inst)
        if str(inst.OperatingState) in ("Run", "Freeze"):
            return
        inst.Run(TIMEOUT_MS)
        record = self._plcsim.record(inst)
        if str(inst.OperatingState) in _STOPPED:
            # PLCSIM's API does not say why; the CPU's diagnostic buffer in TIA Portal does.
            record.note("Stop", "The CPU did not go to RUN.")
            raise ConflictError(f'The CPU "{inst.Name}" stayed in STOP after Run(): its startup failed. Read its '
                                "diagnostic buffer in TIA Portal (Online & diagnostics), fix the program, download "
                                "and run again.", code=codes.CPU_STOPPED_BY_ERROR,
                                details={"block": None, "network": None, "line": None})
        record.note("Startup", "STOP to RUN.")

    def run(self, instance: str | None) -> SimInstanceState:
        return self._sim_transition("IInstance.Run", instance, self._sim_start)

    def _sim_stop(self, api: PlcsimApi, inst: Any, reason: str = "Stop requested.") -> None:
        self._sim_require_on(inst)
        if str(inst.OperatingState) in ("Run", "Freeze", "Startup"):
            inst.Stop(TIMEOUT_MS)
            self._plcsim.record(inst).note("Stop", reason)

    def stop(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        def stop(api: PlcsimApi, inst: Any) -> None:
            self._sim_require_on(inst)
            self._sim_require_confirmed(inst, confirm, "stopping it")
            self._sim_stop(api, inst)

        return self._sim_transition("IInstance.Stop", instance, stop)

    def memory_reset(self, instance: str | None, *, confirm: bool = False) -> SimInstanceState:
        def reset(api: PlcsimApi, inst: Any) -> None:
            self._sim_require_on(inst)
            self._sim_require_confirmed(inst, confirm, "a memory reset")
            inst.MemoryReset(TIMEOUT_MS)
            self._plcsim.record(inst).note("MemoryReset", "Memory reset: actual values back to start values.")

        return self._sim_transition("IInstance.MemoryReset", instance, reset)

    def clear_forces(self, instance: str | None) -> list[str]:
        # PLCSIM Advanced's API neither lists nor removes forces, and Openness cannot stop forcing (watch_tables.py):
        # the instance state reports none, so a test run never asks for this here.
        raise NotSupportedError(
            "Removing forces: PLCSIM Advanced's API has no forces and Openness cannot stop forcing. Stop forcing in "
            "TIA Portal's force table editor, online with the CPU.", code=codes.NO_OPENNESS_EQUIVALENT,
            details={"method": "clear_forces"},
        )

    def instance_state(self, instance: str | None) -> SimInstanceState:
        return self._sim_transition("IInstance.OperatingState", instance, lambda api, inst: None)

    def _sim_config(self, inst: Any) -> SimInstanceConfig:
        return SimInstanceConfig(
            name=str(inst.Name), cpu_type=str(inst.CPUType), operating_mode=mode_name(inst.OperatingMode),
            cycle_time_ms=int(inst.OverwrittenMinimalCycleTime_ns) / 1_000_000,
            min_cycle_time_ms=self._plcsim.record(inst).min_cycle_ms, scale_factor=float(inst.ScaleFactor),
            communication_interface=str(inst.CommunicationInterface),
        )

    def instance_config(self, instance: str) -> SimInstanceConfig:
        return self._plcsim.call("IInstance.OperatingMode",
                                 lambda api: self._sim_config(self._plcsim.instance(api, instance)))

    def update_instance_config(
        self, instance: str, *, operating_mode: str | None = None, cycle_time_ms: float | None = None,
        min_cycle_time_ms: float | None = None, scale_factor: float | None = None, cpu_type: str | None = None,
    ) -> SimInstanceConfig:
        def run(api: PlcsimApi) -> SimInstanceConfig:
            inst = self._plcsim.instance(api, instance)
            current = str(inst.CPUType)
            if cpu_type is not None and cpu_type != current:
                raise ValidationError(f'The CPU type of "{inst.Name}" is {current} and cannot be changed; create a '
                                      "new instance for another CPU type.", code=codes.SIM_CPU_TYPE_READ_ONLY)
            mode = self._sim_mode_enum(api, operating_mode) if operating_mode is not None else None
            in_range("cycleTimeMs", cycle_time_ms, 0.1, 10_000)
            in_range("minCycleTimeMs", min_cycle_time_ms, 1, 1_000)
            in_range("scaleFactor", scale_factor, 0.01, 100)  # PLCSIM Advanced's ScaleFactor range
            if cycle_time_ms is not None:
                inst.OverwrittenMinimalCycleTime_ns = round(cycle_time_ms * 1_000_000)
            if scale_factor is not None:
                inst.ScaleFactor = float(scale_factor)
            if min_cycle_time_ms is not None:
                # PLCSIM's API has no minimum cycle time of its own (the CPU's comes from its TIA hardware
                # configuration): kept by the bridge and reported, not applied.
                self._plcsim.record(inst).min_cycle_ms = min_cycle_time_ms
            if mode is not None and operating_mode != mode_name(inst.OperatingMode):
                inst.OperatingMode = mode
            return self._sim_config(inst)

        return self._plcsim.call("IInstance.OperatingMode", run)

    def _sim_network(self, inst: Any) -> SimNetworkConfig:
        suites = []
        for index, suite in enumerate(inst.ControllerIPSuite4 if str(inst.CommunicationInterface) == "TCPIP" else []):
            if str(suite.IPAddress.IPString) == "0.0.0.0":
                continue
            suites.append(SimIpSuite(ip_address=str(suite.IPAddress.IPString),
                                     subnet_mask=str(suite.SubnetMask.IPString),
                                     default_gateway=str(suite.DefaultGateway.IPString),
                                     interface=INTERFACES[index] if index < len(INTERFACES) else f"IE{index + 1}"))
        return SimNetworkConfig(name=str(inst.Name), communication_interface=str(inst.CommunicationInterface),
                                ip_suites=suites)

    def instance_network(self, instance: str) -> SimNetworkConfig:
        return self._plcsim.call("IInstance.ControllerIPSuite4",
                                 lambda api: self._sim_network(self._plcsim.instance(api, instance)))

    def set_instance_network(self, instance: str, suites: list[SimIpSuite]) -> SimNetworkConfig:
        def run(api: PlcsimApi) -> SimNetworkConfig:
            inst = self._plcsim.instance(api, instance)
            check_suites(suites)
            for other in self._plcsim.all_instances(api):
                if str(other.Name).lower() == str(inst.Name).lower():
                    continue
                used = {str(s.IPAddress.IPString) for s in self._plcsim.suites(other)}
                clash = next((s.ip_address for s in suites if s.ip_address in used), None)
                if clash is not None:
                    raise ConflictError(f'The IP address {clash} is already used by instance "{other.Name}".',
                                        code=codes.SIM_IP_IN_USE)
            for suite in suites:
                # Interface ids count from 0 for IE1 (inferred from public wrappers); remanent: kept across PowerOff.
                inst.SetIPSuite(INTERFACES.index(suite.interface),
                                api.runtime.SIPSuite4(suite.ip_address, suite.subnet_mask, suite.default_gateway), True)
            interface = "TCPIP" if suites else "Softbus"
            inst.CommunicationInterface = api.enum("ECommunicationInterface", interface)
            return self._sim_network(inst)

        return self._plcsim.call("IInstance.SetIPSuite", run)

    def step(self, instance: str | None, cycles: int | None = None,
                 milliseconds: float | None = None) -> SimStepResult:
        def run(api: PlcsimApi) -> SimStepResult:
            inst = self._plcsim.target(api, instance)
            self._sim_require_on(inst)
            if str(inst.OperatingState) not in ("Run", "Freeze"):
                raise ConflictError(f'The CPU "{inst.Name}" is not in RUN (it is {state_name(inst.OperatingState)}). '
                                    "Set it to RUN first.", code=codes.CPU_NOT_RUNNING)
            if mode_name(inst.OperatingMode) == "Default":
                raise ConflictError(f'The instance "{inst.Name}" runs freely (operating mode Default). Set the '
                                    "operating mode to SingleStep or TimespanSynchronized to step virtual time.",
                                    code=codes.SIM_FREE_RUNNING)
            cycle_ns = int(inst.OverwrittenMinimalCycleTime_ns)
            plan = _plan(cycles, milliseconds, cycle_ns)
            record = self._plcsim.record(inst)

            def advance(call: Callable[[], None]) -> str:
                call()  # returns at once; the CPU halts again at the next sync point (Freeze), or stops
                return self._plcsim.wait_state(inst, lambda s: s in ("Freeze", *_STOPPED), "reach its next sync point")

            if mode_name(inst.OperatingMode) == "TimespanSynchronized":
                # One time span: the CPU runs at least this long, then freezes at its next sync point. PLCSIM does
                # not say how many cycles that took: the planned count is reported.
                total = sum(plan)
                state = record.timed(lambda: advance(lambda: inst.StartProcessing(total)), cycles=len(plan))
                done = len(plan)
            else:
                done, state = 0, "Freeze"
                for length in plan:
                    if length != cycle_ns:  # the last, shorter cycle of a step in milliseconds
                        inst.OverwrittenMinimalCycleTime_ns = length
                    try:
                        state = record.timed(lambda: advance(inst.RunToNextSyncPoint))
                    finally:
                        if length != cycle_ns:
                            inst.OverwrittenMinimalCycleTime_ns = cycle_ns
                    done += 1
                    if state in _STOPPED:
                        break
            if state in _STOPPED:
                record.note("Stop", "The CPU went to STOP during a step.")
            return SimStepResult(instance=str(inst.Name), cycles=done,
                                 virtual_time_ms=self._plcsim.virtual_ms(inst, record),
                                 operating_state=state_name(state), stopped=state in _STOPPED)

        return self._plcsim.call("IInstance.RunToNextSyncPoint", run)

    def diagnostics(self, instance: str, limit: int | None = None) -> SimDiagnostics:
        def run(api: PlcsimApi) -> SimDiagnostics:
            # PLCSIM Advanced's API has no call that reads the CPU's diagnostic buffer: this is the bridge's log of
            # what it did to the instance (power, RUN/STOP, MRES, steps that ended in STOP).
            inst = self._plcsim.instance(api, instance)
            entries = list(reversed(self._plcsim.record(inst).log))
            return SimDiagnostics(instance=str(inst.Name), operating_state=state_name(inst.OperatingState),
                                  entries=entries if limit is None else entries[:max(limit, 0)])

        return self._plcsim.call("IInstance.OperatingState", run)

    # ----- connection and session ---------------------------------------------------------------
    def _sim_connect(self, api: PlcsimApi, instance: str) -> Any:
        inst = self._plcsim.instance(api, instance)
        self._plcsim.state.connected = str(inst.Name)
        if str(inst.OperatingState) != "Off":
            self._plcsim.load_tags(inst)
        return inst

    def connect(self, instance: str) -> SimConnection:
        def run(api: PlcsimApi) -> SimConnection:
            inst = self._sim_connect(api, instance)
            return SimConnection(connected=True, connected_instance=str(inst.Name),
                                 operating_state=state_name(inst.OperatingState),
                                 tags_up_to_date=self._plcsim.tags_fresh(api, inst))

        return self._plcsim.call("IInstance.UpdateTagList", run)

    def disconnect(self) -> SimConnection:
        self._plcsim.state.connected = None
        return SimConnection(connected=False, connected_instance=None)

    def _sim_session(self) -> SimSessionState:
        api = self._plcsim.api
        name = self._plcsim.state.connected
        if api is None or name is None:
            return SimSessionState(connected=False, connected_instance=None, running=False)
        try:
            def run(a: PlcsimApi) -> SimSessionState:
                inst = self._plcsim.instance(a, name)
                state = state_name(inst.OperatingState)
                return SimSessionState(
                    connected=True, connected_instance=str(inst.Name), running=state == "Run",
                    operating_state=state, operating_mode=mode_name(inst.OperatingMode),
                    virtual_time_ms=self._plcsim.virtual_ms(inst, self._plcsim.record(inst)),
                    device=str(inst.ControllerName) or None)

            return self._plcsim.call("IInstance.OperatingState", run)
        except EngineeringError:  # gone meanwhile: nothing is connected any more
            self._plcsim.state.connected = None
            return SimSessionState(connected=False, connected_instance=None, running=False)

    def start_session(self, instance: str) -> SimSessionState:
        def run(api: PlcsimApi) -> None:
            inst = self._sim_connect(api, instance)
            self._sim_power_on(api, inst)
            self._sim_start(api, inst)

        self._plcsim.call("IInstance.Run", run)
        return self._sim_session()

    def stop_session(self, *, confirm: bool = False) -> SimSessionState:
        def run(api: PlcsimApi) -> None:
            inst = self._plcsim.target(api, None)
            self._sim_require_confirmed(inst, confirm, "stopping the session")
            if str(inst.OperatingState) != "Off":
                self._sim_stop(api, inst, "Simulation session stopped.")
            self._plcsim.state.connected = None

        self._plcsim.call("IInstance.Stop", run)
        return self._sim_session()

    def session_state(self) -> SimSessionState:
        return self._sim_session()


def _plan(cycles: int | None, milliseconds: float | None, cycle_ns: int) -> list[int]:
    """The virtual duration of each cycle of a step: ``cycles`` full ones, or ``milliseconds`` (last one shorter)."""
    if cycles is not None and milliseconds is None:
        if not 0 < cycles <= MAX_STEP_CYCLES:
            raise ValidationError(f"cycles must be 1..{MAX_STEP_CYCLES}.", code=codes.SIM_BAD_STEP)
        return [cycle_ns] * cycles
    if cycles is not None or milliseconds is None:
        raise ValidationError("Give either a number of cycles or a time in milliseconds.", code=codes.SIM_BAD_STEP)
    total = round(float(milliseconds) * 1_000_000)
    if total <= 0 or cycle_ns <= 0 or total // cycle_ns > MAX_STEP_CYCLES:
        raise ValidationError(f"milliseconds must be > 0 and at most {MAX_STEP_CYCLES} cycles long.",
                              code=codes.SIM_BAD_STEP)
    full, rest = divmod(total, cycle_ns)
    return [cycle_ns] * full + ([rest] if rest else [])
