"""APScheduler's persistent job stores (pipeline and push schedules) in the service database.

Each store is a table of the service database (made by the migrations), so every node on one PostgreSQL sees the
same schedules and their next run times. The store runs its own transactions on the scheduler's threads, so it gets
an engine of its own (:meth:`Database.second_engine`), never the connection the stores share.

Releases before the migrations kept these rows in a per-node ``<data dir>/schedules.sqlite``: the first time a
table is found empty next to such a file, the file's rows are copied in (a schedule's next run time survives the
upgrade, so a run missed meanwhile is still noticed), and the file is left in place, unused.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from engineering_api.lib import tables

if TYPE_CHECKING:
    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from engineering_api.config import Settings
    from engineering_api.lib.db import Database

__all__ = ("LEGACY_FILE", "app_key", "claim", "job_store")

logger = logging.getLogger(__name__)

LEGACY_FILE = "schedules.sqlite"
"""The per-node job store file of releases before the migrations."""


def app_key(settings: Settings) -> str:
    """What a stored job names its app by (its first argument): the database, as it may be shown (no password).
    Every node on that database finds the job its own; a release before the migrations named the data dir."""
    return settings.database_shown


def claim(job: Job, key: str) -> None:
    """Make a stored job name ``key`` as its app (it named another node's, or a data dir), keeping its next run
    time, so a run missed meanwhile is still due here."""
    if job.args[:1] != (key,):
        job.modify(args=(key, *job.args[1:]))


def job_store(db: Database, settings: Settings, table: str, legacy_table: str) -> SQLAlchemyJobStore:
    """The job store on the service database's ``table`` (``pipeline_schedules`` or ``push_schedules``);
    ``legacy_table`` names the same rows in an old ``schedules.sqlite`` of the data dir."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    _adopt_legacy_rows(db, settings, tables.metadata.tables[table], legacy_table)
    return SQLAlchemyJobStore(engine=db.second_engine(), tablename=table)


def _adopt_legacy_rows(db: Database, settings: Settings, table: tables.Table, legacy_table: str) -> None:
    legacy = settings.data_dir.resolve() / LEGACY_FILE
    if not legacy.is_file():
        return
    count = db.one(select(func.count().label("n")).select_from(table))
    if count is not None and count["n"]:
        return
    with closing(sqlite3.connect(f"file:{legacy}?mode=ro", uri=True)) as old:
        known = old.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (legacy_table,))
        if known.fetchone() is None:
            return
        rows = old.execute(f'SELECT id, next_run_time, job_state FROM "{legacy_table}"').fetchall()
    with db.transaction() as conn:
        for job_id, next_run_time, job_state in rows:
            conn.execute(table.insert().values(id=job_id, next_run_time=next_run_time, job_state=job_state))
    if rows:
        logger.warning("%d schedule(s) moved from %s into the service database (table %s)", len(rows), legacy,
                       table.name)
