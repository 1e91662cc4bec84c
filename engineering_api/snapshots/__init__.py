"""History & snapshots of blocks, UDTs and tag tables, kept in the service database.

* :mod:`.store`: the ``snapshots`` table of the service database (:mod:`engineering_api.lib.tables`), so
  snapshots survive closing the project and restarting the server;
* :mod:`.service`: taking, diffing and restoring through the backend port, and autoSnapshot
  (:meth:`SnapshotService.before_change`, called by the job manager before operations that declare
  ``snapshot_targets``);
* the cleanup job (retention days, max per object) scheduled on APScheduler.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from engineering_api.lib.scheduler_pools import HOUSEKEEPING
from engineering_api.snapshots.service import SnapshotService, register, service_for
from engineering_api.snapshots.store import SnapshotStore

if TYPE_CHECKING:
    from engineering_api.jobs.operations import SnapshotTaker
    from engineering_api.services import Services

__all__ = ("SnapshotService", "SnapshotStore", "create_snapshot_service", "schedule_snapshot_cleanup", "service_for")

logger = logging.getLogger(__name__)

CLEANUP_JOB_ID = "snapshot-cleanup"


def create_snapshot_service(services: Services) -> SnapshotTaker | None:
    """The snapshot service of this app: it takes automatic snapshots and serves the history routes."""
    service = SnapshotService(SnapshotStore(services.db), lambda: services.settings)
    register(services.jobs.state, service)
    services.notes["snapshots"] = service
    return service


def run_cleanup(services: Services) -> Any:
    """One scheduled cleanup with the policy in force now (settings may change at runtime)."""
    service = services.notes.get("snapshots")
    if not isinstance(service, SnapshotService):
        return None
    try:
        return service.cleanup()
    except Exception:  # a failed run must not stop the scheduler
        logger.exception("snapshot cleanup failed")
        return None


def schedule_snapshot_cleanup(scheduler: Any, services: Services) -> None:
    """Add the snapshot cleanup job to the APScheduler scheduler (every ``snapshot_cleanup_interval_hours``)."""
    hours = services.settings.snapshot_cleanup_interval_hours
    if hours <= 0:
        return
    scheduler.add_job(
        run_cleanup, "interval", args=[services], hours=hours, id=CLEANUP_JOB_ID, replace_existing=True,
        coalesce=True, max_instances=1, executor=HOUSEKEEPING,
    )
