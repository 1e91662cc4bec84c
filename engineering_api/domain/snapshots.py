"""History & Snapshots operations (and the two block snapshot routes of the Blocks section).

Snapshots of blocks, UDTs and tag tables are kept in the service database (:mod:`engineering_api.snapshots`)
with their SimaticML, who took them, why (``manual`` or the operation name) and when. Details carry a
unified diff against the current content (the XML, and for SCL blocks the SCL text). A restore imports
the stored SimaticML in one all-or-nothing call. Listing shows the snapshots of the open project (of all
projects when none is open, or with ``allProjects=true``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.domain import types
from engineering_api.domain.blocks import schemas as blocks
from engineering_api.domain.common import DeviceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, names, plan, plural
from engineering_api.lib.bounds import RetentionDays, SnapshotsPerObject
from engineering_api.lib.schema import CamelStruct
from engineering_api.snapshots.service import SnapshotContent, SnapshotDiff, SnapshotRestoreResult, service_for
from engineering_api.snapshots.store import SnapshotCleanupResult, SnapshotInfo, SnapshotStats

__all__ = ("OPERATIONS", "SECTION")

SECTION = "History & Snapshots"
BLOCKS_SECTION = "Blocks"
_NEEDS_PROJECT = (e.NotFoundError, e.NoProjectOpenError, e.PortalUnavailableError, e.ValidationError)


class BlockRef(blocks.BlockRef):
    """A block of a PLC; ``allProjects`` lists snapshots of every project, not only the open one."""

    all_projects: bool = False


class TableRef(DeviceRef):
    """A tag table of a PLC."""

    table_name: str
    all_projects: bool = False


class UdtRef(types.UdtRef):
    """A UDT of a PLC."""

    all_projects: bool = False


class TakeBlockInput(blocks.BlockRef):
    """A manual snapshot of a block, with an optional comment and author."""

    comment: str | None = None
    author: str | None = None


class TakeTableInput(DeviceRef):
    """A manual snapshot of a tag table."""

    table_name: str
    comment: str | None = None
    author: str | None = None


class TakeUdtInput(types.UdtRef):
    """A manual snapshot of a UDT."""

    comment: str | None = None
    author: str | None = None


for _take_input in (TakeBlockInput, TakeTableInput, TakeUdtInput):
    # A snapshot is kept by the server (its store's SQLite), not in the project: a comment or author holding any
    # character is stored as it is, and the object is named as a read names it.
    _take_input.unchecked_texts = frozenset(field.name for field in msgspec.structs.fields(_take_input))


class SnapshotRef(CamelStruct):
    """A snapshot by id."""

    snapshot_id: str


class DetailsInput(SnapshotRef):
    """A snapshot by id; ``includeDiff=false`` leaves out the diff against the current content."""

    include_diff: bool = True
    """Include the diff against the object's current content (default true)."""


class CleanupInput(CamelStruct):
    """Override the configured policy for this run (0 = no limit); ``dryRun`` only reports."""

    retention_days: RetentionDays | None = None
    """Delete snapshots older than this many days (0 keeps all ages); the configured policy when omitted."""
    max_per_object: SnapshotsPerObject | None = None
    """Keep at most this many snapshots per object (0 for no limit); the configured policy when omitted."""
    dry_run: bool = False
    """Only report what would be deleted, deleting nothing."""


class LoadSnapshotInput(blocks.BlockRef):
    """Restore a block from ``snapshotId``, or from its newest snapshot when omitted."""

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


# ----- previews ----------------------------------------------------------------------------------
_KIND = {"block": "block", "udt": "udt", "tag_table": "tagTable"}
_LABEL = {"block": "block", "udt": "PLC data type", "tag_table": "tag table"}


def _described(info: SnapshotInfo) -> str:
    label = _LABEL.get(info.kind, info.kind)
    return f"of {label} '{info.object_name}' on {info.device_name}, taken {info.created_at} ({info.reason})"


def _preview_delete(ctx: OperationContext, d: SnapshotRef) -> Preview:
    info = service_for(ctx).store.get(d.snapshot_id)
    return plan(f"Would delete the snapshot {info.id} {_described(info)}; the project is not touched.",
                [PlannedChange(action="delete", kind="snapshot", name=info.id, device=info.device_name,
                               detail=_described(info))])


def _restore_preview(ctx: OperationContext, snapshot_id: str) -> Preview:
    """What ``SnapshotService.restore`` would overwrite: the object as it is now against the snapshot."""
    service = service_for(ctx)
    info = service.store.get(snapshot_id)
    if service.project_path(ctx) != info.project_path:
        raise e.ConflictError(
            f"The snapshot belongs to the project '{info.project_path}', which is not the open project.",
            code=codes.OTHER_PROJECT,
        )
    # an unknown device or one without PLC software, as the call
    ctx.backend.program.list_program_objects(info.device_name)
    diff = service.diff(ctx, info)
    label = f"{_LABEL.get(info.kind, info.kind)} '{info.object_name}'"
    if not diff.current_exists:
        action, detail, what = "restore", "it no longer exists and would be created again", f"recreate the {label}"
    elif diff.identical:
        action, detail, what = "overwrite", "identical to the snapshot: nothing would change", \
            f"restore the {label}, which is identical to the snapshot now"
    else:
        action = "overwrite"
        detail = f"differs from the snapshot: {diff.lines_removed} line(s) removed, {diff.lines_added} added"
        what = f"overwrite the {label} with the snapshot of {info.created_at}"
    change = PlannedChange(action=action, kind=_KIND.get(info.kind, info.kind), name=info.object_name,
                           device=info.device_name, detail=detail)
    warnings = []
    if ctx.settings.auto_snapshot and diff.current_exists:
        warnings.append("autoSnapshot is on: the current state is snapshotted first.")
    return plan(f"Would {what} on {info.device_name}.", [change], warnings)


def _preview_load(ctx: OperationContext, d: LoadSnapshotInput) -> Preview:
    service = service_for(ctx)
    if d.snapshot_id:
        info = service.store.get(d.snapshot_id)
        if (info.device_name, info.kind, info.object_name) != (d.device_name, "block", d.block_name):
            raise e.ValidationError(
                f"The snapshot '{d.snapshot_id}' is of {info.kind} '{info.object_name}' on '{info.device_name}', "
                f"not of '{d.block_name}'.", code=codes.SNAPSHOT_MISMATCH,
            )
        return _restore_preview(ctx, d.snapshot_id)
    latest = service.store.latest(project_path=service.project_path(ctx), device=d.device_name, kind="block",
                                  name=d.block_name)
    if latest is None:
        raise e.NotFoundError(f"There is no snapshot of '{d.block_name}' on '{d.device_name}'.",
                              code=codes.SNAPSHOT_NOT_FOUND)
    return _restore_preview(ctx, latest.id)


def _preview_cleanup(ctx: OperationContext, d: CleanupInput | None) -> Preview:
    d = d or CleanupInput()
    service = service_for(ctx)
    result = service.cleanup(retention_days=d.retention_days, max_per_object=d.max_per_object, dry_run=True)
    doomed = [service.store.get(i) for i in result.deleted_ids]
    changes = [PlannedChange(action="delete", kind="snapshot", name=i.id, device=i.device_name, detail=_described(i))
               for i in doomed]
    if not doomed:
        return plan("The cleanup policy selects no snapshot; nothing would be deleted.", [])
    return plan(f"Would delete {plural(len(doomed), 'snapshot')} ({result.freed_bytes} bytes) of "
                f"{names(sorted({i.object_name for i in doomed}))}; {result.remaining} would remain.", changes)


H = "/api/history"
_SNAP = f"{H}/snapshots/{{snapshotId}}"
_NAME_FIELD = {"block": "block_name", "tag_table": "table_name", "udt": "udt_name"}
"""The input field that names the object of each kind."""


def _object_history(kind: str, path: str, ref: type[Any], take: type[Any], list_summary: str, take_summary: str,
                    example: dict[str, Any] | None = None) -> tuple[Operation[Any, Any], Operation[Any, Any]]:
    """The snapshot listing of one kind of object (``GET {H}/<path>``) and its manual snapshot (``POST
    {H}/<path>/actions/snapshot``); the operations are named after the path's first segment."""
    area, name_field = path.split("/", 1)[0], _NAME_FIELD[kind]
    return (
        read(f"history.{area}.list", SECTION, list_summary, f"{H}/{path}", _list(kind, name_field), ref,
             list[SnapshotInfo], errors=_NEEDS_PROJECT),
        Operation(
            name=f"history.{area}.snapshot", summary=take_summary, section=SECTION, handler=_take(kind, name_field),
            input=take, output=SnapshotInfo, route=RouteSpec("POST", f"{H}/{path}/actions/snapshot"),
            errors=_NEEDS_PROJECT, example=example,
        ),
    )

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("history.stats", SECTION, "Get snapshot storage statistics.", f"{H}/stats",
         lambda ctx, d: service_for(ctx).stats(), None, SnapshotStats),
    *_object_history("block", "blocks/{deviceName}/{blockName}", BlockRef, TakeBlockInput,
                     "List all snapshots for a specific block.",
                     "Create a manual snapshot of a block before making changes.",
                     example={"comment": "before refactoring", "author": "jdoe"}),
    read("history.snapshots.get", SECTION, "Get details of a specific snapshot.", _SNAP, _details, DetailsInput,
         SnapshotDetails, errors=(e.NotFoundError,),
         description="With a unified diff (snapshot -> current) of the SimaticML, and of the SCL text for SCL blocks."),
    Operation(
        name="history.snapshots.delete", summary="Delete a snapshot. Returns 404 if the snapshot does not exist.",
        section=SECTION, handler=lambda ctx, d: SnapshotDeleted(deleted=service_for(ctx).store.delete(d.snapshot_id)),
        input=SnapshotRef, output=SnapshotDeleted, route=RouteSpec("DELETE", _SNAP), errors=(e.NotFoundError,),
        destructive=True, preview=_preview_delete,
    ),
    Operation(
        name="history.cleanup", summary="Trigger a cleanup of old snapshots to free storage.", section=SECTION,
        handler=_cleanup, input=CleanupInput, output=SnapshotCleanupResult,
        route=RouteSpec("POST", f"{H}/actions/cleanup"),
        errors=(e.ValidationError,), example={"retentionDays": 30, "maxPerObject": 20, "dryRun": True},
        description="Uses the configured policy (snapshotRetentionDays, snapshotMaxPerObject); the body may override "
                    "it.",
        destructive=True, preview=_preview_cleanup,
    ),
    *_object_history("tag_table", "tags/{deviceName}/{tableName}", TableRef, TakeTableInput,
                     "List all snapshots for a specific tag table.",
                     "Create a manual snapshot of a tag table before making changes."),
    read("history.snapshots.content", SECTION,
         "Get the full content of a snapshot (block source or tag table entries).", f"{_SNAP}/content",
         lambda ctx, d: service_for(ctx).content(d.snapshot_id), SnapshotRef, SnapshotContent,
         errors=(e.NotFoundError,)),
    Operation(
        name="history.snapshots.restore",
        summary="Restore a snapshot synchronously, replacing the current block or tag table content.",
        section=SECTION, handler=lambda ctx, d: service_for(ctx).restore(ctx, d.snapshot_id), input=SnapshotRef,
        output=SnapshotRestoreResult, route=RouteSpec("POST", f"{_SNAP}/actions/restore-sync"), long_running=True,
        errors=(*_NEEDS_PROJECT, e.ConflictError),
        description="All or nothing: when the import fails (e.g. the block number is now taken) the project is "
                    "unchanged. With autoSnapshot on, the current state is snapshotted first.",
        destructive=True, preview=lambda ctx, d: _restore_preview(ctx, d.snapshot_id),
    ),
    # ----- our own extras: UDT history ---------------------------------------------------------
    *_object_history("udt", "udts/{deviceName}/{udtName}", UdtRef, TakeUdtInput,
                     "List all snapshots for a specific UDT.", "Create a manual snapshot of a UDT."),
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
        destructive=True, preview=_preview_load,
    ),
)
