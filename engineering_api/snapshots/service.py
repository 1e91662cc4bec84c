"""Taking, comparing and restoring snapshots through the backend port (on the TIA worker thread).

Content is read with ``export_program_object`` and restored with one
``import_program_documents(..., overwrite=True)`` call, which is all or nothing: a failed restore leaves
the project as it was.
"""

from __future__ import annotations

import difflib
import logging
import weakref
from typing import TYPE_CHECKING, Any

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument, ProgramImportReport
from engineering_api.errors import codes
from engineering_api.snapshots.store import SnapshotCleanupResult, SnapshotInfo, SnapshotStats, SnapshotStore
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.config import Settings
    from engineering_api.jobs.operations import OperationContext, SnapshotTarget

__all__ = (
    "SnapshotContent", "SnapshotDiff", "SnapshotRestoreResult", "SnapshotService", "kind_of", "register", "scl_source",
    "service_for", "tag_entries",
)

logger = logging.getLogger(__name__)

_KIND_OF_TYPE = {"UDT": "udt", "TagTable": "tag_table"}
_LABEL = {"block": "block", "udt": "PLC data type", "tag_table": "tag table"}
_NOT_FOUND = {"block": codes.BLOCK_NOT_FOUND, "udt": codes.UDT_NOT_FOUND, "tag_table": codes.TAG_TABLE_NOT_FOUND}
_REGISTRY: weakref.WeakKeyDictionary[Any, SnapshotService] = weakref.WeakKeyDictionary()


def register(key: Any, service: SnapshotService) -> None:
    """Make ``service`` reachable from operation contexts whose ``state`` is ``key``."""
    _REGISTRY[key] = service


def service_for(ctx: OperationContext) -> SnapshotService:
    """The snapshot service of the app running this operation.

    Raises:
        ConflictError: history is not enabled in this app (``HISTORY_DISABLED``).
    """
    service = _REGISTRY.get(ctx.state) if ctx.state is not None else None
    if service is None:
        raise e.ConflictError("Snapshot history is not enabled on this server.", code=codes.HISTORY_DISABLED)
    return service


def kind_of(object_type: str) -> str:
    """``block``, ``udt`` or ``tag_table`` for a program object kind."""
    return _KIND_OF_TYPE.get(object_type, "block")


class SnapshotDiff(CamelStruct):
    """A snapshot against the object's current content (unified diffs, snapshot → current)."""

    snapshot_id: str
    current_exists: bool
    identical: bool
    xml_diff: str
    source_diff: str | None = None
    lines_added: int = 0
    lines_removed: int = 0
    note: str | None = None


class SnapshotContent(CamelStruct):
    """The stored content: SimaticML, plus SCL source text for SCL blocks and entries for tag tables."""

    snapshot: SnapshotInfo
    xml: str
    source_text: str | None = None
    tags: list[dict[str, Any]] | None = None


class SnapshotRestoreResult(CamelStruct):
    """What a restore did."""

    snapshot: SnapshotInfo
    reports: list[ProgramImportReport]
    safety_snapshot: SnapshotInfo | None = None
    """The snapshot of the state before the restore (taken when autoSnapshot is on)."""


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def scl_source(data: bytes) -> str | None:
    """The SCL text of an SCL block's networks (``None`` for anything else or when it cannot be read)."""
    try:
        from simatic_xml import parse_bytes, tokens_to_text
        from simatic_xml.objects import Block

        doc = parse_bytes(data)
        obj = doc.object
        if not isinstance(obj, Block) or str(obj.attr("ProgrammingLanguage") or "") != "SCL":
            return None
        parts = []
        for unit in obj.compile_units:
            source = unit.network_source
            if source is None or source.body is None:
                continue
            parts.append(tokens_to_text(source.body))
        return "\n".join(parts) if parts else None
    except Exception:  # a diff is a convenience; the XML diff is always there
        return None


def tag_entries(data: bytes) -> list[dict[str, Any]] | None:
    """Tags of a tag table document."""
    try:
        from simatic_xml import parse_bytes
        from simatic_xml.model import PlcTagTable

        obj = parse_bytes(data).object
        if not isinstance(obj, PlcTagTable):
            return None
        return [
            {"name": tag.name, "dataType": tag.data_type, "logicalAddress": tag.logical_address,
             "comment": next((i.text for i in getattr(tag.comment, "items", []) or [] if i.text), None)
             if hasattr(tag, "comment") else None}
            for tag in obj.tags
        ]
    except Exception:
        return None


def _diff(old: str, new: str, snapshot_id: str, label: str) -> tuple[str, int, int]:
    lines = list(difflib.unified_diff(
        old.splitlines(), new.splitlines(),
        fromfile=f"snapshot/{snapshot_id}/{label}", tofile=f"current/{label}", lineterm="",
    ))
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return "".join(line + "\n" for line in lines), added, removed


class SnapshotService:
    """The :class:`~engineering_api.jobs.operations.SnapshotTaker` and everything the history routes do."""

    def __init__(self, store: SnapshotStore, settings: Callable[[], Settings]) -> None:
        self.store = store
        self._settings = settings

    # ----- policy ----------------------------------------------------------------------------
    def policy(self) -> dict[str, Any]:
        """The configured cleanup policy."""
        settings = self._settings()
        return {
            "retentionDays": settings.snapshot_retention_days, "maxPerObject": settings.snapshot_max_per_object,
            "cleanupIntervalHours": settings.snapshot_cleanup_interval_hours, "autoSnapshot": settings.auto_snapshot,
        }

    def cleanup(
        self, *, retention_days: float | None = None, max_per_object: int | None = None, dry_run: bool = False
    ) -> SnapshotCleanupResult:
        """Apply the policy (arguments override the settings)."""
        settings = self._settings()
        days = settings.snapshot_retention_days if retention_days is None else retention_days
        keep = settings.snapshot_max_per_object if max_per_object is None else max_per_object
        if days < 0 or keep < 0:
            raise e.ValidationError("retentionDays and maxPerObject must be 0 (no limit) or positive.")
        result = self.store.cleanup(retention_days=days, max_per_object=keep, dry_run=dry_run)
        if result.deleted and not dry_run:
            logger.info("snapshot cleanup removed %d snapshot(s), %d bytes", result.deleted, result.freed_bytes)
        return result

    def stats(self) -> SnapshotStats:
        """Storage statistics with the policy."""
        return self.store.stats(self.policy())

    # ----- taking ----------------------------------------------------------------------------
    @staticmethod
    def project_path(ctx: OperationContext) -> str:
        """The open project's path.

        Raises:
            NoProjectOpenError: no project is open.
        """
        projects = ctx.backend.open_projects()
        if not projects:
            raise e.NoProjectOpenError("No project is open in the attached TIA Portal.")
        return projects[0].path

    def _locate(self, ctx: OperationContext, device: str, kind: str, name: str) -> Any:
        for info in ctx.backend.program.list_program_objects(device):
            if info.name == name and kind_of(info.kind) == kind:
                return info
        raise e.NotFoundError(
            f"The {_LABEL[kind]} '{name}' was not found in '{device}'.", code=_NOT_FOUND[kind],
        )

    def take(
        self, ctx: OperationContext, device: str, kind: str, name: str, *, reason: str = "manual",
        created_by: str = "api", comment: str | None = None,
    ) -> SnapshotInfo:
        """Snapshot an object's current content.

        Raises:
            NotFoundError: no such device or object of that kind.
            NoProjectOpenError: no project is open.
        """
        path = self.project_path(ctx)
        info = self._locate(ctx, device, kind, name)
        content = ctx.backend.program.export_program_object(device, name)
        return self.store.add(
            project_path=path, device=device, kind=kind, name=name, object_type=info.kind, folder=info.folder,
            reason=reason, created_by=created_by, comment=comment, content=content,
        )

    def before_change(self, context: OperationContext, targets: list[SnapshotTarget], reason: str) -> None:
        """autoSnapshot: snapshot each target that exists; objects that do not exist yet are skipped."""
        if not context.settings.auto_snapshot:
            return
        for target in targets:
            try:
                self.take(context, target.device, target.kind, target.name, reason=reason, created_by="autoSnapshot")
            except (e.NotFoundError, e.NoProjectOpenError, e.ValidationError, e.PortalUnavailableError):
                continue  # nothing to keep: the operation itself reports the problem

    # ----- reading ---------------------------------------------------------------------------
    def list(self, ctx: OperationContext, device: str, kind: str, name: str, *,
             all_projects: bool) -> list[SnapshotInfo]:
        """Snapshots of an object in the open project (in every project when none is open or asked)."""
        path: str | None = None
        if not all_projects:
            try:
                path = self.project_path(ctx)
            except (e.NoProjectOpenError, e.PortalUnavailableError):
                path = None
        return self.store.list(device=device, kind=kind, name=name, project_path=path)

    def diff(self, ctx: OperationContext, snapshot: SnapshotInfo) -> SnapshotDiff:
        """The snapshot against the object's current content in the open project."""
        stored = _text(self.store.content(snapshot.id))
        try:
            same_project = self.project_path(ctx) == snapshot.project_path
        except (e.NoProjectOpenError, e.PortalUnavailableError):
            same_project = False
        current: str | None = None
        note = None
        if not same_project:
            note = "The snapshot's project is not open; compared with an empty object."
        else:
            try:
                self._locate(ctx, snapshot.device_name, snapshot.kind, snapshot.object_name)
                current = _text(ctx.backend.program.export_program_object(snapshot.device_name, snapshot.object_name))
            except e.NotFoundError:
                note = "The object no longer exists; compared with an empty object."
        xml_diff, added, removed = _diff(stored, current or "", snapshot.id, f"{snapshot.object_name}.xml")
        source_diff = None
        old_source = scl_source(stored.encode("utf-8"))
        if old_source is not None:
            new_source = scl_source(current.encode("utf-8")) if current else ""
            source_diff = _diff(old_source, new_source or "", snapshot.id, f"{snapshot.object_name}.scl")[0]
        return SnapshotDiff(
            snapshot_id=snapshot.id, current_exists=current is not None, identical=current == stored,
            xml_diff=xml_diff, source_diff=source_diff, lines_added=added, lines_removed=removed, note=note,
        )

    def content(self, snapshot_id: str) -> SnapshotContent:
        """The stored content with SCL source or tag entries where they apply."""
        info = self.store.get(snapshot_id)
        data = self.store.content(snapshot_id)
        return SnapshotContent(
            snapshot=info, xml=_text(data), source_text=scl_source(data) if info.kind == "block" else None,
            tags=tag_entries(data) if info.kind == "tag_table" else None,
        )

    # ----- restoring -------------------------------------------------------------------------
    def restore(self, ctx: OperationContext, snapshot_id: str, *,
                reason: str = "history.restore") -> SnapshotRestoreResult:
        """Put the snapshot's content back, in one all-or-nothing import.

        Raises:
            NotFoundError: no such snapshot or device.
            ConflictError: the snapshot belongs to another project than the open one (``OTHER_PROJECT``),
                or the content clashes with the project now (e.g. its block number is taken).
            ValidationError: the content cannot be imported any more.
        """
        info = self.store.get(snapshot_id)
        if self.project_path(ctx) != info.project_path:
            raise e.ConflictError(
                f"The snapshot belongs to the project '{info.project_path}', which is not the open project.",
                code=codes.OTHER_PROJECT,
            )
        data = self.store.content(snapshot_id)
        safety = None
        if ctx.settings.auto_snapshot:
            try:
                safety = self.take(ctx, info.device_name, info.kind, info.object_name, reason=reason,
                                   created_by="autoSnapshot")
            except e.NotFoundError:
                safety = None
        try:
            # Not through the one check (engineering_api.domain.import_findings.import_checked), on purpose: the
            # content is the port's own export of this object at an earlier moment (Openness exports only a
            # consistent block), not an outside document, and a restore must be able to put back any state the
            # project had, even one a later rule would refuse at import, or an undo could be refused. The port
            # still refuses what it cannot store (all or nothing).
            reports = ctx.backend.program.import_program_documents(
                info.device_name,
                [ProgramDocument(source=f"snapshot {info.id}", data=data, folder=info.folder)],
                overwrite=True,
            )
        except e.EngineeringError:
            if safety is not None:
                self.store.delete(safety.id)  # nothing changed: the safety copy is not needed
            raise
        return SnapshotRestoreResult(snapshot=info, reports=reports, safety_snapshot=safety)

    def restore_latest(self, ctx: OperationContext, device: str, kind: str, name: str,
                       snapshot_id: str | None) -> SnapshotRestoreResult:
        """Restore ``snapshot_id`` (which must belong to the object) or the object's newest snapshot."""
        if snapshot_id:
            info = self.store.get(snapshot_id)
            if (info.device_name, info.kind, info.object_name) != (device, kind, name):
                raise e.ValidationError(
                    f"The snapshot '{snapshot_id}' is of {info.kind} '{info.object_name}' on '{info.device_name}', "
                    f"not of '{name}'.", code=codes.SNAPSHOT_MISMATCH,
                )
        else:
            latest = self.store.latest(project_path=self.project_path(ctx), device=device, kind=kind, name=name)
            if latest is None:
                raise e.NotFoundError(f"There is no snapshot of '{name}' on '{device}'.", code=codes.SNAPSHOT_NOT_FOUND)
            snapshot_id = latest.id
        return self.restore(ctx, snapshot_id)
