"""PLCSim Simulation operations: the runtime manager, virtual PLC instances, the session and their tags.

Reference routes of T-IA Connect's "PLCSim Simulation" section, plus extensions (summaries start with
"Extension:"): stepping virtual time, the diagnostic buffer, snapshots of a CPU's state, and applying a saved
profile.
"""

from __future__ import annotations

from typing import Any

from engineering_api.domain.simulation import instances, session, snapshots
from engineering_api.jobs.operations import Operation

__all__ = ("OPERATIONS",)

OPERATIONS: tuple[Operation[Any, Any], ...] = (*instances.OPERATIONS, *snapshots.OPERATIONS, *session.OPERATIONS)
