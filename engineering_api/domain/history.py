"""History & Snapshots operations (and the two block snapshot routes of the Blocks section).

Snapshots of blocks, UDTs and tag tables are kept in the service database (:mod:`engineering_api.history`)
with their SimaticML, who took them, why (``manual`` or the operation name) and when. Details carry a
unified diff against the current content (the XML, and for SCL blocks the SCL text). A restore imports
the stored SimaticML in one all-or-nothing call. Listing shows the snapshots of the open project (of all
projects when none is open, or with ``allProjects=true``).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.history.service import SnapshotContent, SnapshotDiff, SnapshotRestoreResult, service_for
from engineering_api.history.store import SnapshotCleanupResult, SnapshotInfo, SnapshotStats
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec
from engineering_api.lib.bounds import RetentionDays, SnapshotsPerObject
from engineering_api.lib.schema import CamelStruct

__all__ = ("OPERATIONS", "SECTION")

SECTION = "History & Snapshots"
BLOCKS_SECTION = "Blocks"
_NEEDS_PROJECT = (e.NotFoundError, e.NoProjectOpenError, e.PortalUnavailableError, e.ValidationError)


class BlockRef(CamelStruct):
    """A block of a PLC; ``allProjects`` lists snapshots of every project, not only the open one."""

    device_name: str
    block_name: str
    all_projects: bool = False


class TableRef(CamelStruct):
    """A tag table of a PLC."""

    device_name: str
    table_name: str
    all_projects: bool = False


class UdtRef(CamelStruct):
    """A UDT of a PLC."""

    device_name: str
    udt_name: str
    all_projects: bool = False


class TakeBlockInput(CamelStruct):
    """A manual snapshot of a block, with an optional comment and author."""

    device_name: str
    block_name: str
    comment: str | None = None
    author: str | None = None


class TakeTableInput(CamelStruct):
    """A manual snapshot of a tag table."""

    device_name: str
    table_name: str
    comment: str | None = None
    author: str | None = None


class TakeUdtInput(CamelStruct):
    """A manual snapshot of a UDT."""

    device_name: str
    udt_name: str
    comment: str | None = None
    author: str | None = None


class SnapshotRef(CamelStruct):
    """A snapshot by id."""

    snapshot_id: str


class DetailsInput(CamelStruct):
    """A snapshot by id; ``includeDiff=false`` leaves out the diff against the current content."""

    snapshot_id: str
    include_diff: bool = True


class CleanupInput(CamelStruct):
    """Override the configured policy for this run (0 = no limit); ``dryRun`` only reports."""

    retention_days: RetentionDays | None = None
    max_per_object: SnapshotsPerObject | None = None
    dry_run: bool = False


class LoadSnapshotInput(CamelStruct):
    """Restore a block from ``snapshotId``, or from its newest snapshot when omitted."""

    device_name: str
    block_name: str
    snapshot_id: str | None = None


class SnapshotDetails(CamelStruct):
    """A snapshot and its diff against the current content."""

    snapshot: SnapshotInfo
    diff: SnapshotDiff | None = None


class SnapshotDeleted(CamelStruct):
    """The snapshot that was deleted."""

    deleted: SnapshotInfo


def _take(kind: str, name_field: str) -> Any:
    def handler(ctx: OperationContext, d: Any) -> SnapshotInfo:
        return service_for(ctx).take(
            ctx, d.device_name, kind, getattr(d, name_field), reason="manual", created_by=d.author or "api",
            comment=d.comment,
        )

    return handler


def _list(kind: str, name_field: str) -> Any:
    def handler(ctx: OperationContext, d: Any) -> list[SnapshotInfo]:
        return service_for(ctx).list(ctx, d.device_name, kind, getattr(d, name_field), all_projects=d.all_projects)

    return handler


def _details(ctx: OperationContext, d: DetailsInput) -> SnapshotDetails:
    service = service_for(ctx)
    info = service.store.get(d.snapshot_id)
    return SnapshotDetails(snapshot=info, diff=service.diff(ctx, info) if d.include_diff else None)


def _cleanup(ctx: OperationContext, d: CleanupInput | None) -> SnapshotCleanupResult:
    d = d or CleanupInput()
    return service_for(ctx).cleanup(retention_days=d.retention_days, max_per_object=d.max_per_object, dry_run=d.dry_run)


def _load(ctx: OperationContext, d: LoadSnapshotInput) -> SnapshotRestoreResult:
    return service_for(ctx).restore_latest(ctx, d.device_name, "block", d.block_name, d.snapshot_id)


H = "/api/history"
_SNAP = f"{H}/snapshots/{{snapshotId}}"

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="history.stats", summary="Get snapshot storage statistics.", section=SECTION,
        handler=lambda ctx, d: service_for(ctx).stats(), input=None, output=SnapshotStats,
        route=RouteSpec("GET", f"{H}/stats"), mutating=False,
    ),
    Operation(
        name="history.blocks.list", summary="List all snapshots for a specific block.", section=SECTION,
        handler=_list("block", "block_name"), input=BlockRef, output=list[SnapshotInfo],
        route=RouteSpec("GET", f"{H}/blocks/{{deviceName}}/{{blockName}}"), mutating=False, errors=_NEEDS_PROJECT,
    ),
    Operation(
        name="history.blocks.snapshot", summary="Create a manual snapshot of a block before making changes.",
        section=SECTION, handler=_take("block", "block_name"), input=TakeBlockInput, output=SnapshotInfo,
        route=RouteSpec("POST", f"{H}/blocks/{{deviceName}}/{{blockName}}/actions/snapshot"), errors=_NEEDS_PROJECT,
        example={"comment": "before refactoring", "author": "jdoe"},
    ),
    Operation(
        name="history.snapshots.get", summary="Get details of a specific snapshot.", section=SECTION,
        handler=_details, input=DetailsInput, output=SnapshotDetails, route=RouteSpec("GET", _SNAP),
        mutating=False, errors=(e.NotFoundError,),
        description="With a unified diff (snapshot -> current) of the SimaticML, and of the SCL text for SCL blocks.",
    ),
    Operation(
        name="history.snapshots.delete", summary="Delete a snapshot. Returns 404 if the snapshot does not exist.",
        section=SECTION, handler=lambda ctx, d: SnapshotDeleted(deleted=service_for(ctx).store.delete(d.snapshot_id)),
        input=SnapshotRef, output=SnapshotDeleted, route=RouteSpec("DELETE", _SNAP), errors=(e.NotFoundError,),
    ),
    Operation(
        name="history.cleanup", summary="Trigger a cleanup of old snapshots to free storage.", section=SECTION,
        handler=_cleanup, input=CleanupInput, output=SnapshotCleanupResult, route=RouteSpec("POST", f"{H}/actions/cleanup"),
        errors=(e.ValidationError,), example={"retentionDays": 30, "maxPerObject": 20, "dryRun": True},
        description="Uses the configured policy (snapshotRetentionDays, snapshotMaxPerObject); the body may override it.",
    ),
    Operation(
        name="history.tags.list", summary="List all snapshots for a specific tag table.", section=SECTION,
        handler=_list("tag_table", "table_name"), input=TableRef, output=list[SnapshotInfo],
        route=RouteSpec("GET", f"{H}/tags/{{deviceName}}/{{tableName}}"), mutating=False, errors=_NEEDS_PROJECT,
    ),
    Operation(
        name="history.tags.snapshot", summary="Create a manual snapshot of a tag table before making changes.",
        section=SECTION, handler=_take("tag_table", "table_name"), input=TakeTableInput, output=SnapshotInfo,
        route=RouteSpec("POST", f"{H}/tags/{{deviceName}}/{{tableName}}/actions/snapshot"), errors=_NEEDS_PROJECT,
    ),
    Operation(
        name="history.snapshots.content",
        summary="Get the full content of a snapshot (block source or tag table entries).", section=SECTION,
        handler=lambda ctx, d: service_for(ctx).content(d.snapshot_id), input=SnapshotRef, output=SnapshotContent,
        route=RouteSpec("GET", f"{_SNAP}/content"), mutating=False, errors=(e.NotFoundError,),
    ),
    Operation(
        name="history.snapshots.restore",
        summary="Restore a snapshot synchronously, replacing the current block or tag table content.",
        section=SECTION, handler=lambda ctx, d: service_for(ctx).restore(ctx, d.snapshot_id), input=SnapshotRef,
        output=SnapshotRestoreResult, route=RouteSpec("POST", f"{_SNAP}/actions/restore-sync"), long_running=True,
        errors=(*_NEEDS_PROJECT, e.ConflictError),
        description="All or nothing: when the import fails (e.g. the block number is now taken) the project is "
                    "unchanged. With autoSnapshot on, the current state is snapshotted first.",
    ),
    # ----- our own extras: UDT history ---------------------------------------------------------
    Operation(
        name="history.udts.list", summary="List all snapshots for a specific UDT.", section=SECTION,
        handler=_list("udt", "udt_name"), input=UdtRef, output=list[SnapshotInfo],
        route=RouteSpec("GET", f"{H}/udts/{{deviceName}}/{{udtName}}"), mutating=False, errors=_NEEDS_PROJECT,
    ),
    Operation(
        name="history.udts.snapshot", summary="Create a manual snapshot of a UDT.", section=SECTION,
        handler=_take("udt", "udt_name"), input=TakeUdtInput, output=SnapshotInfo,
        route=RouteSpec("POST", f"{H}/udts/{{deviceName}}/{{udtName}}/actions/snapshot"), errors=_NEEDS_PROJECT,
    ),
    # ----- Blocks section ----------------------------------------------------------------------
    Operation(
        name="blocks.snapshot.create", summary="Create a snapshot of the current block state for later restoration.",
        section=BLOCKS_SECTION, handler=_take("block", "block_name"), input=TakeBlockInput, output=SnapshotInfo,
        route=RouteSpec("POST", "/api/devices/{deviceName}/blocks/{blockName}/actions/create-snapshot"),
        errors=_NEEDS_PROJECT,
    ),
    Operation(
        name="blocks.snapshot.load", summary="Load and restore a previously created block snapshot.",
        section=BLOCKS_SECTION, handler=_load, input=LoadSnapshotInput, output=SnapshotRestoreResult,
        route=RouteSpec("POST", "/api/devices/{deviceName}/blocks/{blockName}/actions/load-snapshot"),
        long_running=True, errors=(*_NEEDS_PROJECT, e.ConflictError),
        description="Restores snapshotId, or the block's newest snapshot in the open project when it is omitted.",
    ),
)
