"""Snapshots of blocks, UDTs and tag tables, kept in the service database.

Snapshots are server state, not project state: they outlive closing the project and restarting the
server. Each is tied to the project file path, the device and the object (kind + name), and holds the
object's SimaticML exactly as exported, with who took it, why (``manual`` or the operation name) and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, func, select

from engineering_api.backend.errors import NotFoundError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.tables import ROWID, snapshots

if TYPE_CHECKING:
    from engineering_api.lib.db import Database

__all__ = ("KINDS", "SnapshotCleanupResult", "SnapshotInfo", "SnapshotStats", "SnapshotStore")

KINDS = ("block", "udt", "tag_table")

_INFO = [column for column in snapshots.c if column.name != "content"]
"""Every column but the content."""


class SnapshotInfo(CamelStruct):
    """A snapshot without its content."""

    id: str
    project_path: str
    device_name: str
    kind: str
    """``block``, ``udt`` or ``tag_table``."""
    object_name: str
    object_type: str
    """``FB``, ``GlobalDB``, ``UDT``, ``TagTable``…"""
    folder: str
    reason: str
    """``manual`` or the name of the operation that was about to change the object."""
    created_by: str
    created_at: str
    size: int
    sha256: str
    comment: str | None = None


class SnapshotStats(CamelStruct):
    """Storage statistics."""

    total: int
    total_bytes: int
    by_kind: dict[str, int]
    objects: int
    projects: int
    oldest: str | None
    newest: str | None
    policy: dict[str, Any]


class SnapshotCleanupResult(CamelStruct):
    """What a cleanup removed (or would remove, with ``dryRun``)."""

    deleted: int
    deleted_ids: list[str]
    freed_bytes: int
    remaining: int
    dry_run: bool
    policy: dict[str, Any]


def _info(row: Any) -> SnapshotInfo:
    return SnapshotInfo(
        id=row["id"], project_path=row["project_path"], device_name=row["device"], kind=row["kind"],
        object_name=row["name"], object_type=row["object_type"], folder=row["folder"], reason=row["reason"],
        created_by=row["created_by"], created_at=row["created_at"], size=row["size"], sha256=row["sha256"],
        comment=row["comment"],
    )


class SnapshotStore:
    """CRUD and cleanup of snapshot rows; thread-safe through :class:`Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self, *, project_path: str, device: str, kind: str, name: str, object_type: str, folder: str, reason: str,
        created_by: str, comment: str | None, content: bytes,
    ) -> SnapshotInfo:
        """Store a snapshot; returns it."""
        snapshot_id = uuid.uuid4().hex
        self._db.execute(snapshots.insert().values(
            id=snapshot_id, project_path=project_path, device=device, kind=kind, name=name, object_type=object_type,
            folder=folder, reason=reason, created_by=created_by, comment=comment, created_at=utc_now(),
            size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content))
        return self.get(snapshot_id)

    def get(self, snapshot_id: str) -> SnapshotInfo:
        """A snapshot by id.

        Raises:
            NotFoundError: no such snapshot (``SNAPSHOT_NOT_FOUND``).
        """
        row = self._db.one(select(*_INFO).where(snapshots.c.id == snapshot_id))
        if row is None:
            raise NotFoundError(f"The snapshot '{snapshot_id}' does not exist.", code=codes.SNAPSHOT_NOT_FOUND)
        return _info(row)

    def content(self, snapshot_id: str) -> bytes:
        """The stored SimaticML.

        Raises:
            NotFoundError: no such snapshot.
        """
        row = self._db.one(select(snapshots.c.content).where(snapshots.c.id == snapshot_id))
        if row is None:
            raise NotFoundError(f"The snapshot '{snapshot_id}' does not exist.", code=codes.SNAPSHOT_NOT_FOUND)
        return bytes(row["content"])

    def list(
        self, *, device: str, kind: str, name: str, project_path: str | None = None, limit: int = 200
    ) -> list[SnapshotInfo]:
        """Snapshots of one object, newest first (of every project when ``project_path`` is None)."""
        c = snapshots.c
        where = [c.device == device, c.kind == kind, c.name == name]
        if project_path is not None:
            where.append(c.project_path == project_path)
        statement = select(*_INFO).where(*where).order_by(c.created_at.desc(), ROWID.desc()).limit(limit)
        return [_info(r) for r in self._db.all(statement)]

    def latest(self, *, project_path: str, device: str, kind: str, name: str) -> SnapshotInfo | None:
        """The newest snapshot of an object in a project, or None."""
        found = self.list(device=device, kind=kind, name=name, project_path=project_path, limit=1)
        return found[0] if found else None

    def delete(self, snapshot_id: str) -> SnapshotInfo:
        """Delete a snapshot; returns what it was.

        Raises:
            NotFoundError: no such snapshot.
        """
        info = self.get(snapshot_id)
        self._db.execute(snapshots.delete().where(snapshots.c.id == snapshot_id))
        return info

    def stats(self, policy: dict[str, Any]) -> SnapshotStats:
        """Counts per kind, bytes, oldest and newest."""
        c = snapshots.c
        row = self._db.one(select(
            func.count().label("n"), func.coalesce(func.sum(c.size), 0).label("bytes"),
            func.min(c.created_at).label("oldest"), func.max(c.created_at).label("newest"),
            func.count(distinct(c.project_path)).label("projects")))
        each_object = select(c.project_path, c.device, c.kind, c.name).distinct().subquery()
        objects = self._db.one(select(func.count().label("n")).select_from(each_object))
        by_kind = {kind: 0 for kind in KINDS}
        for r in self._db.all(select(c.kind, func.count().label("n")).group_by(c.kind)):
            by_kind[r["kind"]] = int(r["n"])
        assert row is not None and objects is not None
        return SnapshotStats(
            total=int(row["n"]), total_bytes=int(row["bytes"]), by_kind=by_kind, objects=int(objects["n"]),
            projects=int(row["projects"]), oldest=row["oldest"], newest=row["newest"], policy=policy,
        )

    def cleanup(self, *, retention_days: float, max_per_object: int, dry_run: bool = False) -> SnapshotCleanupResult:
        """Remove snapshots older than ``retention_days`` (0: keep) and all but the newest ``max_per_object``
        of each object (0: no limit)."""
        policy = {"retentionDays": retention_days, "maxPerObject": max_per_object}
        c = snapshots.c
        with self._db.transaction() as conn:
            doomed: dict[str, int] = {}
            if retention_days > 0:
                cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=retention_days)
                stamp = cutoff.strftime("%Y-%m-%dT%H:%M:%S.") + f"{cutoff.microsecond // 1000:03d}Z"
                for r in conn.execute(select(c.id, c.size).where(c.created_at < stamp)):
                    doomed[r["id"]] = int(r["size"])
            if max_per_object > 0:
                ranked = select(c.id, c.size, func.row_number().over(
                    partition_by=(c.project_path, c.device, c.kind, c.name),
                    order_by=(c.created_at.desc(), ROWID.desc())).label("rn")).subquery()
                rows = conn.execute(select(ranked.c.id, ranked.c.size).where(ranked.c.rn > max_per_object))
                for r in rows:
                    doomed[r["id"]] = int(r["size"])
            if not dry_run and doomed:
                conn.execute(snapshots.delete().where(c.id.in_(list(doomed))))
            counted = conn.execute(select(func.count().label("n")).select_from(snapshots)).fetchone()
            remaining = counted["n"] if counted is not None else 0
        return SnapshotCleanupResult(
            deleted=len(doomed), deleted_ids=sorted(doomed), freed_bytes=sum(doomed.values()),
            remaining=int(remaining) - (len(doomed) if dry_run else 0),
            dry_run=dry_run, policy=policy,
        )
