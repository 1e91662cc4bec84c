"""APScheduler's asyncio scheduler, imported with its plugin aliases read from APScheduler's own metadata.

APScheduler 3's ``BaseScheduler`` reads the entry points of three groups as its class is made (``apscheduler.triggers``,
``apscheduler.executors``, ``apscheduler.jobstores``), each with ``importlib.metadata.entry_points(group=...)``, which
on Python 3.11 reads the metadata of every installed distribution anew: three scans of the ~180 distributions of a
development environment, 30-45 ms of the served start's CPU, where APScheduler's own metadata takes ~2 ms (measured
2026-11-28 on the pipeline's start, ``time.thread_time``). This service names one of APScheduler's own aliases
(``"interval"``) and hands its cron triggers, job stores and executors over as objects, so while the scheduler module
is imported those three groups are answered from APScheduler's own distribution; any other group, and every other
call, goes to ``importlib.metadata`` as before. A plugin another distribution registers under those groups is not
seen by the alias (its class can still be passed as an object).

``importlib.metadata.entry_points`` is process-wide: a served start imports the module before it starts any thread
(``asgi.create``), so nothing else runs while it is replaced; an app built by ``create_app`` alone (tests, the
command line) imports it as its scheduler starts, where a module another thread imports meanwhile may bind the
replacement, which answers as the original does for every group but those three.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

__all__ = ("PLUGIN_GROUPS", "asyncio_scheduler")

PLUGIN_GROUPS = frozenset({"apscheduler.triggers", "apscheduler.executors", "apscheduler.jobstores"})
"""The entry-point groups APScheduler's scheduler reads as its class is made."""
_DISTRIBUTION = "APScheduler"
_MODULE = "apscheduler.schedulers.asyncio"
_importing = threading.Lock()


def asyncio_scheduler() -> type[AsyncIOScheduler]:
    """The ``AsyncIOScheduler`` class, its module imported (once) with :data:`PLUGIN_GROUPS` read from APScheduler's
    own metadata (without it, the plain import)."""
    loaded = sys.modules.get(_MODULE)
    if loaded is not None:  # every call after the first (the module's import lock makes a racing call wait)
        return importlib.import_module(_MODULE).AsyncIOScheduler
    with _importing:  # one replacement of entry_points at a time
        try:
            own = importlib.metadata.distribution(_DISTRIBUTION).entry_points
        except importlib.metadata.PackageNotFoundError:  # installed without its metadata: the plain import
            return importlib.import_module(_MODULE).AsyncIOScheduler
        scan_all = importlib.metadata.entry_points

        def entry_points(**params: Any) -> Any:
            if params.keys() == {"group"} and params["group"] in PLUGIN_GROUPS:
                return own.select(**params)
            return scan_all(**params)

        # The scheduler module binds the name at its import (``from importlib.metadata import entry_points``), and
        # so does any module another thread imports meanwhile: both get a function that answers like the original
        # for everything but the three groups.
        importlib.metadata.entry_points = entry_points
        try:
            return importlib.import_module(_MODULE).AsyncIOScheduler
        finally:
            importlib.metadata.entry_points = scan_all
