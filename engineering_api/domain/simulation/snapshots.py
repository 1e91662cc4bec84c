"""Snapshots of a virtual PLC's state: take, list, restore and delete them (extension routes of PLCSim Simulation).

What a snapshot holds and why, and the rule for a CPU in RUN, are the port area's
(:mod:`engineering_api.backend.areas.simulation_snapshots`); docs/simulated-plc.md tells it to users.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.areas.simulation_snapshots import (SNAPSHOT_NAME_PATTERN, SimSnapshotInfo,
                                                                SimSnapshotRestored, check_snapshot_name)
from engineering_api.domain.simulation.schemas import InstanceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan

__all__ = ("OPERATIONS", "SnapshotInput")

SECTION = "PLCSim Simulation"
SNAPSHOTS = "/api/simulation/instances/{name}/snapshots"
ONE = f"{SNAPSHOTS}/{{snapshotName}}"
_ERRORS = (e.NotFoundError, e.ConflictError, e.ValidationError, e.NotSupportedError)

SnapshotName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=SNAPSHOT_NAME_PATTERN)]


class SnapshotInput(InstanceRef, kw_only=True):
    """A snapshot of a virtual PLC by name."""

    snapshot_name: SnapshotName
    """The snapshot's name: 1 to 64 letters, digits, ``_ - .`` and inner blanks, starting with a letter, a digit or
    ``_``; case-insensitive, unique per instance (percent-encode it in a path: ``Warm%20start``)."""


_CONTENT = ("every memory area (inputs, outputs, bit memory), the actual values of every data block (instance DBs "
            "with their IEC timers and counters), the virtual clock, the cyclic interrupts' schedule, the forces, "
            "the operating state and the operating mode with its cycle time")
_LEFT_OUT = ("Not in it: the program (a restore needs the program it was taken with: 409 "
             "SIM_SNAPSHOT_PROGRAM_CHANGED), the network settings and protection, the diagnostic buffer and the "
             "scan-time statistics. Snapshots live as long as their instance, in the server's memory (instances do "
             "not survive a restart either). The Openness backend answers 501 NO_PLCSIM_EQUIVALENT: PLCSIM Advanced's "
             "ArchiveStorage/RetrieveStorage keep only a powered-off instance's program and retentive data.")


def _snapshot(ctx: OperationContext, d: SnapshotInput) -> SimSnapshotInfo:
    wanted = d.snapshot_name.casefold()
    found = next((s for s in ctx.backend.sim_snapshots.list_snapshots(d.name) if s.name.casefold() == wanted), None)
    if found is None:
        raise e.NotFoundError(f'The instance "{d.name}" has no snapshot "{d.snapshot_name}". List its snapshots '
                              "first.", code=codes.SIM_SNAPSHOT_NOT_FOUND,
                              details={"instance": d.name, "snapshot": d.snapshot_name})
    return found


def _preview_restore(ctx: OperationContext, d: SnapshotInput) -> Preview:
    check_snapshot_name(d.snapshot_name)
    snapshot = _snapshot(ctx, d)
    state = ctx.backend.simulation.instance_state(d.name)
    if state.operating_state == "Run":
        raise e.ConflictError(f'The CPU "{state.name}" is in RUN; the restore would answer 409. Stop it first '
                              '(POST .../stop with {"confirm": true}).', code=codes.SIM_SNAPSHOT_CPU_RUNNING,
                              details={"instance": state.name, "snapshot": snapshot.name})
    warnings = [] if snapshot.device == state.device else [
        f"The snapshot was taken with the program of {snapshot.device!r}, the instance holds {state.device!r}: the "
        "restore would answer 409 SIM_SNAPSHOT_PROGRAM_CHANGED."]
    detail = (f"CPU is {state.operating_state.upper()} at {state.virtual_time_ms:g} ms; it would be "
              f"{snapshot.operating_state.upper()} at {snapshot.virtual_time_ms:g} ms")
    return plan(f"Would restore the snapshot '{snapshot.name}' onto the virtual PLC '{state.name}': every actual value "
                f"is replaced ({detail}).",
                [PlannedChange(action="restore", kind="instance", name=state.name, device=state.device,
                               detail=detail)], warnings)


def _preview_delete(ctx: OperationContext, d: SnapshotInput) -> Preview:
    snapshot = _snapshot(ctx, d)
    return plan(f"Would delete the snapshot '{snapshot.name}' of the virtual PLC '{snapshot.instance}'.",
                [PlannedChange(action="delete", kind="snapshot", name=snapshot.name, device=snapshot.device,
                               detail=f"taken at {snapshot.created_at}, virtual time {snapshot.virtual_time_ms:g} ms")])


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("simulation.instances.snapshots.list", SECTION,
         "Extension: the snapshots of a virtual PLC's state, oldest first.", SNAPSHOTS,
         lambda ctx, d: ctx.backend.sim_snapshots.list_snapshots(d.name), InstanceRef, list[SimSnapshotInfo],
         errors=(e.NotFoundError, e.NotSupportedError),
         description=f"Not a T-IA Connect route. A snapshot holds {_CONTENT}. {_LEFT_OUT}"),
    Operation(
        name="simulation.instances.snapshots.create",
        summary="Extension: take a snapshot of a virtual PLC's state (RUN or STOP), between two cycles.",
        section=SECTION, input=SnapshotInput, output=SimSnapshotInfo,
        handler=lambda ctx, d: ctx.backend.sim_snapshots.create_snapshot(d.name, d.snapshot_name),
        route=RouteSpec("POST", SNAPSHOTS), errors=(*_ERRORS, e.AlreadyExistsError),
        example={"snapshotName": "Warm_start"},
        description=f"Not a T-IA Connect route. The snapshot holds {_CONTENT}, copied between two cycles. At most 32 "
                    f"per instance (409 SIM_SNAPSHOT_LIMIT); a taken name is 409 SIM_SNAPSHOT_EXISTS. {_LEFT_OUT}",
    ),
    Operation(
        name="simulation.instances.snapshots.restore",
        summary="Extension: restore a snapshot onto a virtual PLC in STOP; it ends in the snapshot's operating state.",
        section=SECTION, input=SnapshotInput, output=SimSnapshotRestored,
        handler=lambda ctx, d: ctx.backend.sim_snapshots.restore_snapshot(d.name, d.snapshot_name),
        route=RouteSpec("POST", f"{ONE}/restore"), errors=_ERRORS, destructive=True, preview=_preview_restore,
        description="Not a T-IA Connect route. Replaces every actual value, the clock, the forces and the operating "
                    "mode with the snapshot's, so the scans that follow compute what the scans after the snapshot "
                    "computed; a snapshot taken in RUN resumes in RUN without a startup (which would initialise the "
                    "restored values again). A CPU in RUN is refused with 409 SIM_SNAPSHOT_CPU_RUNNING, as PLCSIM "
                    "Advanced restores a memory card only onto a powered-off instance: stop it first "
                    '(POST .../stop with {"confirm": true}). Another program downloaded since: 409 '
                    "SIM_SNAPSHOT_PROGRAM_CHANGED.",
    ),
    Operation(
        name="simulation.instances.snapshots.delete", summary="Extension: delete a snapshot of a virtual PLC.",
        section=SECTION, input=SnapshotInput, output=SimSnapshotInfo,
        handler=lambda ctx, d: ctx.backend.sim_snapshots.delete_snapshot(d.name, d.snapshot_name),
        route=RouteSpec("DELETE", ONE), errors=(e.NotFoundError, e.ValidationError, e.NotSupportedError),
        destructive=True, preview=_preview_delete,
    ),
)
