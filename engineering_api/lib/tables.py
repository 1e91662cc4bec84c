"""The service database's tables, once for SQLite and PostgreSQL (SQLAlchemy Core).

The stores build their statements from these :class:`~sqlalchemy.Table` objects, and SQLAlchemy writes each
dialect's SQL. The tables themselves are made and changed only by the migrations
(:mod:`engineering_api.migrations`), which record the schema's version in ``alembic_version``.

Insertion order: two stores (jobs, snapshots) break ties of ``created_at`` by the order rows were written. SQLite
keeps that as every table's implicit ``rowid``; on PostgreSQL every table has an explicit ``rowid BIGSERIAL``
column, made by the first migration (as the release before the migrations made it). :data:`ROWID` names it in a
statement on both; it is not declared here, so ``select(table)`` never returns it.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnClause,
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    MetaData,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    literal_column,
    text,
)

__all__ = (
    "ROWID",
    "api_keys",
    "assistant_history",
    "audit",
    "client_events",
    "idempotency_keys",
    "jobs",
    "kv",
    "metadata",
    "pipeline_schedules",
    "push_schedules",
    "runtime_alarm_defs",
    "runtime_alarm_log",
    "runtime_alarms",
    "runtime_history",
    "runtime_push_outbox",
    "runtime_sessions",
    "runtime_users",
    "snapshots",
)

metadata = MetaData()

ROWID: ColumnClause[int] = literal_column("rowid", Integer)
"""A row's insertion order (SQLite's implicit rowid; PostgreSQL's rowid column)."""

_SERIAL = BigInteger().with_variant(Integer(), "sqlite")
"""An autoincrement key: SQLite's ``INTEGER PRIMARY KEY AUTOINCREMENT`` (only INTEGER may be one), else BIGINT."""


def _serial_key(name: str = "id") -> Column[int]:
    return Column(name, _SERIAL, primary_key=True, autoincrement=True)


jobs = Table(
    "jobs", metadata,
    Column("job_id", Text, primary_key=True),
    Column("operation", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("progress", Integer, nullable=False, server_default=text("0")),
    Column("message", Text, nullable=False, server_default=text("''")),
    Column("input", Text),
    Column("result", Text),
    Column("error", Text),
    Column("created_at", Text, nullable=False),
    Column("started_at", Text),
    Column("completed_at", Text),
    Column("key_id", Text),
    Column("idempotency_key", Text),
    Column("request_id", Text),
    Index("jobs_status", "status"),
    Index("jobs_created", "created_at"),
    # Partial (WHERE idempotency_key IS NOT NULL) on both dialects, as the migrations make it
    # (migrations/versions/0001_release.*.sql). Not declared here: no statement names it, and a postgresql_* keyword
    # makes SQLAlchemy load its PostgreSQL dialect with every driver's module (asyncpg, pg8000, psycopg: 19
    # modules, ~22 ms of every start) to check the keyword, on a SQLite server too.
    Index("jobs_idempotency", "key_id", "idempotency_key", unique=True),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("caller", Text, nullable=False),
    Column("idempotency_key", Text, nullable=False),
    Column("operation", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("lease_until", BigInteger, nullable=False),
    Column("status", Integer),
    Column("headers", Text),
    Column("body", LargeBinary),
    Column("created_at", Text, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("caller", "idempotency_key"),
    Index("idempotency_keys_expiry", "expires_at"),
)
"""The ``Idempotency-Key`` of each changing runtime call (:mod:`engineering_api.lib.idempotency`), per caller (a
runtime user or an API key id): the operation, a SHA-256 of the request (never the request), ``inFlight`` or
``done`` with the stored answer, the claiming process (``owner``) and its lease, and the expiry (ms since 1970)."""

api_keys = Table(
    "api_keys", metadata,
    Column("key_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("key_hash", Text, nullable=False, unique=True),  # its index serves every authenticated request's lookup
    Column("prefix", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text),
    Column("last_used_at", Text),
)

audit = Table(
    "audit", metadata,
    _serial_key(),
    Column("at", Text, nullable=False),
    Column("key_id", Text),
    Column("role", Text),
    Column("client", Text),
    Column("method", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("job_id", Text),
    Column("count", Integer, nullable=False, server_default=text("1")),
    Column("last_at", Text),
    Column("via", Text, nullable=False, server_default=text("'rest'")),
    Column("session_id", Text),
    sqlite_autoincrement=True,
)

kv = Table(
    "kv", metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

runtime_users = Table(
    "runtime_users", metadata,
    Column("user_id", Text, primary_key=True),
    Column("username", Text, nullable=False),
    Column("username_key", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

runtime_sessions = Table(
    "runtime_sessions", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("client", Text),
    Index("runtime_sessions_user", "user_id"),
)

runtime_alarm_defs = Table(
    "runtime_alarm_defs", metadata,
    Column("name_key", Text, primary_key=True),
    Column("body", Text, nullable=False),
)

runtime_alarms = Table(
    "runtime_alarms", metadata,
    _serial_key("alarm_id"),
    Column("source_key", Text, nullable=False),
    Column("closed", Integer, nullable=False, server_default=text("0")),
    Column("body", Text, nullable=False),
    Index("runtime_alarms_open", "closed", "source_key"),
    sqlite_autoincrement=True,
)

runtime_alarm_log = Table(
    "runtime_alarm_log", metadata,
    _serial_key(),
    Column("alarm_id", Integer, nullable=False),
    Column("at", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("class", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("body", Text, nullable=False),
    Index("runtime_alarm_log_at", "at"),
    sqlite_autoincrement=True,
)

runtime_history = Table(
    "runtime_history", metadata,
    # ``id`` orders the samples of one millisecond as they were logged (continuation paging counts them); on SQLite
    # it is the rowid itself (INTEGER PRIMARY KEY, no AUTOINCREMENT: the cheapest insert)
    Column("id", _SERIAL, primary_key=True, autoincrement=True),
    Column("tag", Text, nullable=False),
    Column("t", BigInteger, nullable=False),
    Column("value", Float, nullable=False),
    Index("runtime_history_tag_t", "tag", "t"),
)
"""Logged tag values (:mod:`engineering_api.runtime.tag_logging`): the tag's canonical name, ms since 1970, the
value."""

runtime_push_outbox = Table(
    "runtime_push_outbox", metadata,
    _serial_key(),
    Column("push_id", Text, nullable=False),
    Column("period_start", BigInteger, nullable=False),
    Column("period_end", BigInteger, nullable=False),
    Column("idempotency_key", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", BigInteger, nullable=False),
    Column("last_error", Text),
    Column("response_code", Integer),
    Column("payload", Text),
    Column("created_at", Text, nullable=False),
    Column("delivered_at", Text),
    UniqueConstraint("push_id", "period_end"),
    Index("runtime_push_outbox_due", "status", "next_attempt_at"),
    sqlite_autoincrement=True,
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", Text, primary_key=True),
    Column("project_path", Text, nullable=False),
    Column("device", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("object_type", Text, nullable=False, server_default=text("''")),
    Column("folder", Text, nullable=False, server_default=text("''")),
    Column("reason", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("comment", Text),
    Column("created_at", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Index("snapshots_object", "project_path", "device", "kind", "name", "created_at"),
    Index("snapshots_created", "created_at"),
)

assistant_history = Table(
    "assistant_history", metadata,
    _serial_key(),
    Column("key_id", Text, nullable=False),
    Column("project_key", Text),
    Column("role", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("tool_calls", Text),
    Index("assistant_history_key", "key_id", "project_key"),
    sqlite_autoincrement=True,
)

client_events = Table(
    "client_events", metadata,
    _serial_key(),
    Column("at", Text, nullable=False),
    Column("key_id", Text),
    Column("event", Text, nullable=False),
    sqlite_autoincrement=True,
)


def _job_store(name: str) -> Table:
    # APScheduler 3's SQLAlchemyJobStore table, as that store declares it (id, next_run_time, job_state): the
    # migrations make it, so the store's own create_all finds it there.
    return Table(
        name, metadata,
        Column("id", Unicode(191), primary_key=True),
        Column("next_run_time", Float(25), index=True),
        Column("job_state", LargeBinary, nullable=False),
    )


pipeline_schedules = _job_store("pipeline_schedules")
"""Each scheduled pipeline's trigger and next run time (APScheduler's job store), shared by every node."""

push_schedules = _job_store("push_schedules")
"""Each scheduled push's trigger and next run time (APScheduler's job store), shared by every node."""
