"""History & snapshots of blocks, UDTs and tag tables, kept in SQLite (issue 4; filled in per area)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engineering_api.jobs.operations import SnapshotTaker
    from engineering_api.services import Services

__all__ = ("create_snapshot_service", "schedule_history")


def create_snapshot_service(services: Services) -> SnapshotTaker | None:
    """The service that takes automatic snapshots before changes; None until history is implemented."""
    return None


def schedule_history(scheduler: Any, services: Services) -> None:
    """Add the snapshot cleanup job to the APScheduler scheduler (nothing until history is implemented)."""
