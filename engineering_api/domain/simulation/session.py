"""The connection, the simulation session, tag access and profiles of PLCSIM Advanced.

Tag routes act on the connected instance, or on ``instanceName`` when given. After a download the tag
list of an instance is stale (PLCSIM's ``NotUpToDate``) until ``POST /api/simulation/tags/refresh`` or
a new connect; a download through this service refreshes the connected instance itself.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.simulation_models import (
    SimConnection,
    SimInstanceInfo,
    SimProfile,
    SimSessionState,
    SimTagList,
    SimTagResult,
    SimTagValue,
)
from engineering_api.domain.simulation.instances import BASE, SECTION
from engineering_api.domain.simulation.schemas import (
    STOP_CONFIRM_RULE,
    BatchReadInput,
    BatchWriteInput,
    ConnectInput,
    LegacyImportInput,
    ProfileInput,
    ProfileRef,
    StopConfirmInput,
    TagListInput,
    TagRef,
    TagTarget,
    TagWriteInput,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
    read,
)
from engineering_api.jobs.preview import PlannedChange, Preview, needs_confirmation, plan
from engineering_api.lib.security import Role

__all__ = ("OPERATIONS",)

TAGS = f"{BASE}/tags"
_TAG = (e.NotFoundError, e.ConflictError, e.ValidationError)
_BATCH = (e.NotFoundError, e.ConflictError, e.ValidationError)
_BATCH_NOTE = ("Answers 200 with one result per item, in request order; a failed item carries "
               "``error: {code, message}`` with code DoesNotExist, TypeMismatch, NotUpToDate, InstanceNotRunning or "
               "NotSupported, and never fails the batch.")


def _instance_name(d: ConnectInput) -> str:
    name = d.instance_name or d.name
    if not name:
        raise e.ValidationError("Name the instance: {\"instanceName\": \"...\"}.", code=codes.VALIDATION_FAILED)
    return name


def _connect(ctx: OperationContext, d: ConnectInput) -> SimConnection:
    return ctx.backend.simulation.connect(_instance_name(d))


def _start(ctx: OperationContext, d: ConnectInput) -> SimSessionState:
    return ctx.backend.simulation.start_session(_instance_name(d))


def _legacy(ctx: OperationContext, d: LegacyImportInput) -> SimInstanceInfo:
    from pathlib import Path

    return ctx.backend.sim_profiles.import_legacy(Path(d.file_path) if d.file_path else None)


def _preview_stop(ctx: OperationContext, d: StopConfirmInput) -> Preview:
    session = ctx.backend.simulation.session_state()
    if not session.connected or session.connected_instance is None:
        raise e.ConflictError("No simulation instance is connected (POST /api/simulation/connect).",
                              code=codes.SIM_NOT_CONNECTED)
    name, state = session.connected_instance, (session.operating_state or "Off")
    changes = []
    if state not in ("Off", "Stop"):
        changes.append(PlannedChange(action="stop", kind="instance", name=name, device=session.device,
                                     detail=f"CPU is {state.upper()}; the program stops running"))
    changes.append(PlannedChange(action="disconnect", kind="instance", name=name, device=session.device,
                                 detail="it stays powered on"))
    doing = f"set the connected virtual PLC '{name}' (now {state.upper()}) to STOP and disconnect" if len(changes) > 1 \
        else f"disconnect from the virtual PLC '{name}' (already {state.upper()})"
    return plan(f"Would {doing}.", changes, needs_confirmation(state, d.confirm))


def _preview_save_profile(ctx: OperationContext, d: ProfileInput) -> Preview:
    from engineering_api.rules.simulation_profiles import check_profile

    existing = [p.name for p in ctx.backend.sim_profiles.list_profiles()]
    check_profile(d.name, d.instances, existing, d.overwrite)
    old = next((p for p in existing if p.lower() == d.name.lower()), None)
    if old is not None:
        return plan(f"Would overwrite the simulation profile '{old}' ({len(d.instances)} instance(s)); no instance is "
                    "created until it is applied.",
                    [PlannedChange(action="overwrite", kind="profile", name=old, detail="saved profile is replaced")])
    return plan(f"Would save the new simulation profile '{d.name}'; nothing would be overwritten.",
                [PlannedChange(action="create", kind="profile", name=d.name, detail=f"{len(d.instances)} instance(s)")])


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="simulation.connect", summary="Connect to a PLCSim Advanced instance for tag access and monitoring.",
        section=SECTION, handler=_connect, input=ConnectInput, output=SimConnection,
        route=RouteSpec("POST", f"{BASE}/connect"), errors=(e.NotFoundError, e.ValidationError),
        example={"instanceName": "PLC_1_Sim"},
    ),
    Operation(
        name="simulation.disconnect", summary="Disconnect from the current PLCSim Advanced instance.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.simulation.disconnect(), input=None, output=SimConnection,
        route=RouteSpec("POST", f"{BASE}/disconnect"),
    ),
    Operation(
        name="simulation.start",
        summary="Start a simulation session on a specific instance: connect, power on if off, RUN.", section=SECTION,
        handler=_start, input=ConnectInput, output=SimSessionState, route=RouteSpec("POST", f"{BASE}/start"),
        errors=(e.NotFoundError, e.ConflictError, e.ValidationError), example={"instanceName": "PLC_1_Sim"},
    ),
    Operation(
        name="simulation.stop",
        summary="Stop the current simulation session: STOP the connected CPU and disconnect. A CPU in RUN needs "
                "confirm=true.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.simulation.stop_session(confirm=d.confirm),
        input=StopConfirmInput, output=SimSessionState, route=RouteSpec("POST", f"{BASE}/stop"),
        errors=(e.ConflictError,), example={"confirm": True}, description=STOP_CONFIRM_RULE,
        destructive=True, preview=_preview_stop,
    ),
    read("simulation.state", SECTION, "Get the current simulation state including connection and running status.",
         f"{BASE}/state", lambda ctx, _: ctx.backend.simulation.session_state(), None, SimSessionState),
    read("simulation.tags.list", SECTION,
         "List all available simulation tags from the connected instance (filter: substring or pattern).", TAGS,
         lambda ctx, d: ctx.backend.sim_tags.list_tags(d.filter, d.instance_name), TagListInput, SimTagList,
         errors=_TAG),
    Operation(
        name="simulation.tags.refresh", summary="Refresh the tag list from the connected PLCSim instance.",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.sim_tags.refresh_tags(d.instance_name), input=TagTarget,
        output=SimTagList, route=RouteSpec("POST", f"{TAGS}/refresh"), errors=(e.NotFoundError, e.ConflictError),
    ),
    read("simulation.tags.read", SECTION, "Read the current value of a specific simulation tag.", f"{TAGS}/{{tagName}}",
         lambda ctx, d: ctx.backend.sim_tags.read_tag(d.tag_name, d.instance_name), TagRef, SimTagValue, errors=_TAG,
         client_routes=(RouteSpec("GET", "/api/simulation/plcsim/tags/{tagName}"),)),
    Operation(
        name="simulation.tags.write", summary="Write a value to a specific simulation tag.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.sim_tags.write_tag(
            d.tag_name, d.value, d.instance_name, password=d.password, as_hmi=d.as_hmi), input=TagWriteInput,
        output=SimTagValue, route=RouteSpec("PUT", f"{TAGS}/{{tagName}}"), errors=_TAG, example={"value": True},
        client_routes=(RouteSpec("POST", "/api/simulation/plcsim/tags/{tagName}"),),
    ),
    Operation(
        name="simulation.tags.batch-read", summary="Read multiple simulation tags in a single request.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.sim_tags.batch_read(
            d.tag_names, d.instance_name, password=d.password),
        input=BatchReadInput, output=list[SimTagResult], route=RouteSpec("POST", f"{TAGS}/batch-read"),
        mutating=False, role=Role.VIEWER, errors=_BATCH, description=_BATCH_NOTE,
        example={"tagNames": ["Start", '"Motor_DB".Speed', "%QW0"]},
    ),
    Operation(
        name="simulation.tags.batch-write", summary="Write values to multiple simulation tags in a single request.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.sim_tags.batch_write(
            d.tags, d.instance_name, password=d.password, as_hmi=d.as_hmi),
        input=BatchWriteInput, output=list[SimTagResult], route=RouteSpec("POST", f"{TAGS}/batch-write"),
        errors=_BATCH, description=_BATCH_NOTE,
        example={"tags": [{"name": "Start", "value": True}, {"name": '"Motor_DB".Setpoint', "value": 1500}]},
    ),
    read("simulation.profiles.list", SECTION, "List all saved simulation profiles.", f"{BASE}/profiles",
         lambda ctx, _: ctx.backend.sim_profiles.list_profiles(), None, list[SimProfile],
         errors=(e.ValidationError,)),
    Operation(
        name="simulation.profiles.create",
        summary="Create a new simulation profile with instance definitions (saved; apply it to create them).",
        section=SECTION, input=ProfileInput, output=SimProfile, route=RouteSpec("POST", f"{BASE}/profiles"),
        handler=lambda ctx, d: ctx.backend.sim_profiles.save_profile(
            d.name, description=d.description, instances=d.instances, overwrite=d.overwrite),
        errors=(e.ValidationError, e.AlreadyExistsError),
        example={"name": "Line1", "description": "Two CPUs of line 1", "instances": [
            {"name": "PLC_1_Sim", "cpuType": "CPU1516", "operatingMode": "SingleStep", "ipAddress": "192.168.0.10"}]},
        destructive=True, preview=_preview_save_profile,
    ),
    read("simulation.profiles.get", SECTION, "Get details of a specific simulation profile.",
         f"{BASE}/profiles/{{fileName}}", lambda ctx, d: ctx.backend.sim_profiles.get_profile(d.file_name),
         ProfileRef, SimProfile, errors=(e.NotFoundError, e.ValidationError)),
    Operation(
        name="simulation.profiles.apply",
        summary="Extension: create the instances of a saved profile (all or none).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.sim_profiles.apply_profile(d.file_name), input=ProfileRef,
        output=list[SimInstanceInfo], route=RouteSpec("POST", f"{BASE}/profiles/{{fileName}}/actions/apply"),
        errors=(e.NotFoundError, e.AlreadyExistsError, e.ConflictError, e.NotSupportedError),
        description="Not a T-IA Connect route. Instances get the profile's CPU type, operating mode and address; "
                    "when one cannot be created, none is.",
    ),
    Operation(
        name="simulation.import-legacy", summary="Import a legacy PLCSim project into PLCSim Advanced.",
        section=SECTION, handler=_legacy, input=LegacyImportInput, output=SimInstanceInfo,
        route=RouteSpec("POST", f"{BASE}/import-legacy"), files={"file_path": FileRule(allow_directory=False)},
        errors=(e.NotSupportedError, e.ValidationError),
        description="The fake backend answers 501: legacy S7-PLCSIM projects are a Windows binary format.",
    ),
)
