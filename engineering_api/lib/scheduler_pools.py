"""The scheduler's thread pools: one per kind of scheduled job, so a kind that waits on a hanging endpoint holds its
own threads only.

APScheduler's asyncio scheduler runs a plain function on the event loop's default executor, the pool every
``asyncio.to_thread`` of the app shares (``min(32, CPUs + 4)`` threads: six on two cores). Eight scheduled pulls
waiting on an ERP that accepts and never answers held all of them, and every other scheduled job (another ERP's
pull, a minutely push, the job sweep) and the app's own threaded calls waited behind them. Each kind now runs on a
pool of its own (the alias names it in ``add_job(executor=...)``):

- :data:`PULLS`: ERP pulls; a source can hold at most ``PER_SOURCE`` of them at once
  (:mod:`engineering_api.runtime.pulls.runner`), so one hanging ERP leaves the pool to the others; each run is
  bounded by its source's timeout (per attempt, three attempts) and ends its wait at the server's stop
  (:mod:`engineering_api.runtime.pulls.stop`);
- :data:`PUSHES`: scheduled pushes' firings (they queue outbox rows; the outbox sends on threads of its own);
- :data:`HOUSEKEEPING`: the job sweep, snapshot cleanup and the farm's session sweep.

Coroutine jobs (pipeline schedules) stay on the default executor: they run on the event loop and hold no thread.
"""

from __future__ import annotations

from typing import Any

__all__ = ("HOUSEKEEPING", "PULLS", "PULL_THREADS", "PUSHES", "executors")

PULLS = "pulls"
PUSHES = "pushes"
HOUSEKEEPING = "housekeeping"
PULL_THREADS = 8
"""Pulls running at once (each source at most ``pulls_runner.PER_SOURCE`` of them)."""
_THREADS = {PULLS: PULL_THREADS, PUSHES: 2, HOUSEKEEPING: 2}


def executors() -> dict[str, Any]:
    """The pools by alias, for the scheduler's ``executors`` (the default executor is APScheduler's own)."""
    from apscheduler.executors.pool import ThreadPoolExecutor

    return {alias: ThreadPoolExecutor(threads) for alias, threads in _THREADS.items()}
