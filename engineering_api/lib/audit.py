"""Audit trail of every mutating call: who, from where, what, and how it ended."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.lib.schema import CamelStruct, utc_now

if TYPE_CHECKING:
    from engineering_api.lib.db import Database

__all__ = ("AuditLog", "AuditPage", "AuditRecord")


class AuditRecord(CamelStruct):
    """One audited request."""

    id: int
    at: str
    method: str
    path: str
    status: int
    outcome: str
    key_id: str | None = None
    role: str | None = None
    client: str | None = None
    job_id: str | None = None


class AuditPage(CamelStruct):
    """A page of records, newest first; pass ``nextBefore`` as ``before`` for the next page."""

    records: list[AuditRecord]
    total: int
    next_before: int | None = None


def outcome_for(status: int) -> str:
    """A word for the HTTP outcome."""
    if status < 400:
        return "accepted" if status == 202 else "succeeded"
    if status in (401, 403):
        return "denied"
    if status == 429:
        return "throttled"
    return "failed"


class AuditLog:
    """Append-only audit table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self, *, method: str, path: str, status: int, key_id: str | None, role: str | None, client: str | None,
        job_id: str | None,
    ) -> None:
        """Append one record."""
        self._db.insert(
            "INSERT INTO audit(at, key_id, role, client, method, path, status, outcome, job_id) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (utc_now(), key_id, role, client, method, path, status, outcome_for(status), job_id),
        )

    def page(
        self, *, limit: int = 100, before: int | None = None, key_id: str | None = None, path_prefix: str | None = None,
        outcome: str | None = None,
    ) -> AuditPage:
        """Records newest first, optionally filtered."""
        where, params = [], []
        if key_id:
            where.append("key_id = ?")
            params.append(key_id)
        if path_prefix:
            where.append("path LIKE ? ESCAPE '\\'")
            params.append(path_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if outcome:
            where.append("outcome = ?")
            params.append(outcome)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total_row = self._db.one(f"SELECT COUNT(*) AS n FROM audit{clause}", params)
        page_where = list(where)
        page_params = list(params)
        if before is not None:
            page_where.append("id < ?")
            page_params.append(before)
        page_clause = (" WHERE " + " AND ".join(page_where)) if page_where else ""
        rows = self._db.all(
            f"SELECT * FROM audit{page_clause} ORDER BY id DESC LIMIT ?", [*page_params, limit + 1]
        )
        records = [AuditRecord(**dict(row)) for row in rows[:limit]]
        next_before = records[-1].id if len(rows) > limit and records else None
        return AuditPage(records=records, total=int(total_row["n"]) if total_row else 0, next_before=next_before)

