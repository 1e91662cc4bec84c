"""The runtime manager and the virtual PLC instances: lifecycle, operating states, settings, stepping."""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas import simulation_models as models
from engineering_api.backend.areas.online_rules import instance_off
from engineering_api.domain.simulation.schemas import (
    STOP_CONFIRM_RULE,
    CreateInstanceInput,
    DiagnosticsInput,
    InstanceConfigInput,
    InstanceRef,
    InstanceStopInput,
    NetworkInput,
    PortInput,
    RuntimeConfigInput,
    StepInput,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import (
    PlannedChange,
    Preview,
    needs_confirmation,
    plan,
)

__all__ = ("OPERATIONS", "SECTION")

SECTION = "PLCSim Simulation"
BASE = "/api/simulation"
ONE = f"{BASE}/instances/{{name}}"
_ONE = (e.NotFoundError,)
_STATE = (e.NotFoundError, e.ConflictError)


def _network(ctx: OperationContext, d: NetworkInput) -> models.SimNetworkConfig:
    suites = d.ip_suites
    if suites is None:
        if d.ip_address is None:
            raise e.ValidationError("Send ipSuites (a list), or ipAddress for one interface.",
                                    code=codes.VALIDATION_FAILED)
        suites = [models.SimIpSuite(ip_address=d.ip_address, subnet_mask=d.subnet_mask,
                                    default_gateway=d.default_gateway, interface=d.interface)]
    return ctx.backend.simulation.set_instance_network(d.name, suites)


_STOPPING = {
    "power-off": ("power off", "power off", "non-retentive data is lost"),
    "stop": ("stop", "stop", "the program stops running"),
    "memory-reset": ("reset", "reset (MRES)", "every value goes back to its start value, retentive data is cleared"),
}
"""verb -> (change action, what the summary says, what it costs)."""


def _preview_stopping(verb: str) -> Any:
    action, doing, cost = _STOPPING[verb]

    def preview(ctx: OperationContext, d: InstanceStopInput) -> Preview:
        state = ctx.backend.simulation.instance_state(d.name)
        now = state.operating_state
        if now == "Off" and verb != "power-off":
            raise instance_off(state.name)
        if now == "Off" or (verb == "stop" and now == "Stop"):
            return plan(f"The instance '{state.name}' is already {now.upper()}; nothing would change.", [])
        change = PlannedChange(action=action, kind="instance", name=state.name, device=state.device,
                               detail=f"CPU is {now.upper()}; {cost}")
        return plan(f"Would {doing} the virtual PLC '{state.name}' (now {now.upper()}): {cost}.", [change],
                    needs_confirmation(now, d.confirm))

    return preview


def _preview_delete(ctx: OperationContext, d: InstanceRef) -> Preview:
    state = ctx.backend.simulation.instance_state(d.name)
    if state.operating_state != "Off":
        raise e.ConflictError(
            f'The instance "{state.name}" is {state.operating_state}; power it off before deleting it.',
            code=codes.SIM_INSTANCE_NOT_OFF,
        )
    info = next((i for i in ctx.backend.simulation.list_instances() if i.name == state.name), None)
    detail = f"{info.cpu_type}, {', '.join(info.ip_addresses) or 'no IP address'}" if info is not None else ""
    loaded = f"; the program of '{state.device}' loaded in it is gone" if state.device else ""
    return plan(f"Would delete the powered-off virtual PLC '{state.name}'{loaded}.",
                [PlannedChange(action="delete", kind="instance", name=state.name, device=state.device, detail=detail)])


def _lifecycle(verb: str, summary: str, method: str, errors: tuple[type[e.EngineeringError], ...] = _STATE,
               ) -> Operation[Any, Any]:
    """An instance action ``POST .../instances/{name}/<verb>`` that answers the new instance state."""
    return Operation(
        name=f"simulation.instances.{verb}", summary=summary, section=SECTION,
        handler=lambda ctx, d: getattr(ctx.backend.simulation, method)(d.name),
        input=InstanceRef, output=models.SimInstanceState,
        route=RouteSpec("POST", f"{ONE}/{verb}"), errors=errors,
    )


def _stopping(verb: str, summary: str, method: str) -> Operation[Any, Any]:
    """An instance action that takes a CPU out of RUN: like :func:`_lifecycle`, but only with ``{"confirm": true}``."""
    return Operation(
        name=f"simulation.instances.{verb}", summary=f"{summary} A CPU in RUN needs confirm=true.", section=SECTION,
        handler=lambda ctx, d: getattr(ctx.backend.simulation, method)(d.name, confirm=d.confirm),
        input=InstanceStopInput, output=models.SimInstanceState,
        route=RouteSpec("POST", f"{ONE}/{verb}"), errors=_STATE, example={"confirm": True},
        description=STOP_CONFIRM_RULE, destructive=True, preview=_preview_stopping(verb),
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("simulation.runtime.status", SECTION, "Get PLCSim runtime status including version and running state.",
         f"{BASE}/runtime/status", lambda ctx, _: ctx.backend.simulation.runtime_status(), None,
         models.SimRuntimeStatus),
    Operation(
        name="simulation.runtime.start", summary="Start the PLCSim Advanced runtime environment.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.simulation.start_runtime(), input=None, output=models.SimRuntimeStatus,
        route=RouteSpec("POST", f"{BASE}/runtime/start"),
    ),
    read("simulation.runtime.config", SECTION, "Get the current PLCSim runtime configuration.",
         f"{BASE}/runtime/config", lambda ctx, _: ctx.backend.simulation.runtime_config(), None,
         models.SimRuntimeConfig),
    Operation(
        name="simulation.runtime.configure", summary="Update the PLCSim runtime configuration (network mode, port).",
        section=SECTION, input=RuntimeConfigInput, output=models.SimRuntimeConfig,
        handler=lambda ctx, d: ctx.backend.simulation.update_runtime_config(
            network_mode=d.network_mode, port=d.port),
        route=RouteSpec("PUT", f"{BASE}/runtime/config"), errors=(e.ValidationError, e.ConflictError),
        example={"networkMode": "TCPIPSingleAdapter", "port": 50000},
    ),
    Operation(
        name="simulation.runtime.port", summary="Set the communication port used by PLCSim Advanced (null closes it).",
        section=SECTION, handler=lambda ctx, d: ctx.backend.simulation.set_port(d.port), input=PortInput,
        output=models.SimRuntimeConfig, route=RouteSpec("POST", f"{BASE}/runtime/port"), errors=(e.ValidationError,),
        example={"port": 50000},
    ),
    read("simulation.status", SECTION, "Get overall simulation status including runtime and active instances.",
         f"{BASE}/status", lambda ctx, _: ctx.backend.simulation.status(), None, models.SimStatus),
    read("simulation.instances.list", SECTION, "List all registered virtual PLC instances.", f"{BASE}/instances",
         lambda ctx, _: ctx.backend.simulation.list_instances(), None, list[models.SimInstanceInfo]),
    Operation(
        name="simulation.instances.create",
        summary="Create a new virtual PLC instance in PLCSim Advanced (at most 16).",
        section=SECTION, input=CreateInstanceInput, output=models.SimInstanceInfo,
        handler=lambda ctx, d: ctx.backend.simulation.create_instance(d.name, d.cpu_type, d.operating_mode),
        route=RouteSpec("POST", f"{BASE}/instances/create"),
        errors=(e.ValidationError, e.AlreadyExistsError, e.ConflictError, e.NotSupportedError),
        example={"name": "PLC_1_Sim", "cpuType": "CPU1516", "operatingMode": "SingleStep"},
    ),
    Operation(
        name="simulation.instances.delete", summary="Delete a powered-off virtual PLC instance by name.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.simulation.delete_instance(d.name), input=InstanceRef,
        output=models.SimInstanceInfo, route=RouteSpec("DELETE", ONE), errors=_STATE, destructive=True,
        preview=_preview_delete,
    ),
    _lifecycle("power-on", "Power on a virtual PLC instance (it boots into STOP).", "power_on", _ONE),
    _stopping("power-off", "Power off a virtual PLC instance (non-retentive data is lost).", "power_off"),
    _lifecycle("run", "Set the virtual PLC CPU to RUN mode.", "run"),
    _stopping("stop", "Set the virtual PLC CPU to STOP mode.", "stop"),
    _stopping("memory-reset", "Reset PLC memory (MRES: start values, retentive data cleared).", "memory_reset"),
    read("simulation.instances.state", SECTION,
         "Get the current state of a virtual PLC instance, with virtual time and scan-time statistics.", f"{ONE}/state",
         lambda ctx, d: ctx.backend.simulation.instance_state(d.name), InstanceRef, models.SimInstanceState,
         errors=_ONE),
    read("simulation.instances.config", SECTION, "Get configuration details for a specific instance.", f"{ONE}/config",
         lambda ctx, d: ctx.backend.simulation.instance_config(d.name), InstanceRef, models.SimInstanceConfig,
         errors=_ONE),
    Operation(
        name="simulation.instances.configure",
        summary="Update configuration for a specific instance (operating mode, cycle time, scale factor).",
        section=SECTION, input=InstanceConfigInput, output=models.SimInstanceConfig,
        handler=lambda ctx, d: ctx.backend.simulation.update_instance_config(
            d.name, operating_mode=d.operating_mode, cycle_time_ms=d.cycle_time_ms,
            min_cycle_time_ms=d.min_cycle_time_ms, scale_factor=d.scale_factor, cpu_type=d.cpu_type),
        route=RouteSpec("PUT", f"{ONE}/config"), errors=(e.NotFoundError, e.ValidationError),
        example={"operatingMode": "SingleStep", "cycleTimeMs": 10},
    ),
    read("simulation.instances.network", SECTION, "Get network configuration for a specific instance.",
         f"{ONE}/network", lambda ctx, d: ctx.backend.simulation.instance_network(d.name), InstanceRef,
         models.SimNetworkConfig, errors=_ONE),
    Operation(
        name="simulation.instances.configure-network",
        summary="Update network configuration for a specific instance (IP suite per interface; duplicates refused).",
        section=SECTION, handler=_network, input=NetworkInput, output=models.SimNetworkConfig,
        route=RouteSpec("PUT", f"{ONE}/network"), errors=(e.NotFoundError, e.ValidationError, e.ConflictError),
        example={"ipSuites": [{"interface": "IE1", "ipAddress": "192.168.0.10", "subnetMask": "255.255.255.0"}]},
    ),
    Operation(
        name="simulation.instances.step",
        summary="Extension: advance virtual time by N cycles or T milliseconds (SingleStep/TimespanSynchronized, RUN).",
        section=SECTION, input=StepInput, output=models.SimStepResult,
        handler=lambda ctx, d: ctx.backend.simulation.step(d.name, cycles=d.cycles, milliseconds=d.milliseconds),
        route=RouteSpec("POST", f"{ONE}/actions/step"), errors=(e.NotFoundError, e.ConflictError, e.ValidationError),
        example={"milliseconds": 250},
        description="Not a T-IA Connect route. Runs cycles at virtual time (a step first advances time by one "
                    "cycle, then runs cyclic interrupt OBs that are due and the program-cycle OBs), so timers are "
                    "testable to the millisecond. Refused with 409 in operating mode Default (the instance runs "
                    "freely) or when the CPU is not in RUN. A programming error stops the CPU: the result says "
                    "``stopped`` and the diagnostics name the block, network and line.",
    ),
    read("simulation.instances.diagnostics", SECTION,
         "Extension: the diagnostic buffer of a virtual PLC, newest first (STOP causes with block/line).",
         f"{ONE}/diagnostics", lambda ctx, d: ctx.backend.simulation.diagnostics(d.name, d.limit), DiagnosticsInput,
         models.SimDiagnostics, errors=_ONE,
         description="Not a T-IA Connect route: what TIA's online diagnostics show of the CPU's diagnostic buffer."),
)
