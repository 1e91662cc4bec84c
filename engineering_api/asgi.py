"""ASGI entry for servers: ``engineering_api.asgi:create`` (factory), configured by environment."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import TYPE_CHECKING

from engineering_api.lib import collector
from engineering_api.lib.collector import YOUNG_COLLECTION_EVERY

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar

__all__ = ("SERVE_PID_VARIABLE", "STOP_GRACE_SECONDS", "StartEnded", "create",
           "held_start", "hold_collections")

SERVE_PID_VARIABLE = "ENGINEERING_API_SERVE_PID"
"""Set by ``engineering-api serve`` to its own pid: the process that started this granian worker."""
PARENT_CHECK_SECONDS = 1.0
STOP_GRACE_SECONDS = 15.0
"""How long a worker told to stop may take to finish its requests and shut down before it is ended hard (by
granian's main process, or by itself when that process is gone): a request waiting on a long TIA call must
not keep the server from stopping."""
logger = logging.getLogger("engineering_api")


def create() -> Litestar:
    """The app from ``ENGINEERING_API_*`` settings."""
    return held_start(_build)[0]


def _build() -> Litestar:
    # pydantic looks for plugins (entry points of the group "pydantic") as its first model is made, the MCP SDK's at
    # start: one scan of every installed distribution's metadata, ~11 ms of the start's CPU (measured 2026-11-28).
    # The service uses none; its documented switch turns the search off unless the environment says otherwise.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from engineering_api.app import create_app
    from engineering_api.config import Settings
    from engineering_api.lib.observability import configure_logging
    from engineering_api.lib.scheduler_import import asyncio_scheduler
    from engineering_api.mcp.runtime import import_sse_starlette, load_sdk_ahead

    # The OpenAPI document is not built here: the first request that needs it builds it off the event loop
    # (docs.openapi_document), so a CI job that never reads it never pays for it.
    # Both change process-wide state while they import (lib.scheduler_import, mcp.runtime): done before any
    # thread of the start exists.
    asyncio_scheduler()
    import_sse_starlette()
    _exit_with_serve()
    _install_stopper()
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    load_sdk_ahead()  # while create_app waits on the new database's writes (mcp.runtime.load_sdk_ahead)
    return create_app(settings)


def held_start(build: Callable[[], Litestar]) -> tuple[Litestar, StartEnded]:
    """The app ``build`` makes, made and started with the collector held (:func:`hold_collections`), and the start's
    end, which the app calls after the lifespan's start-up (the last of the start). A build that fails ends the hold:
    the collector is left as it was found. An app that never starts never ends its hold: its owner calls the end
    (``serving=False``) when it gives the app up (a second call changes nothing)."""
    start_ended = hold_collections()
    try:
        app = build()
    except BaseException:
        start_ended(serving=False)
        raise
    app.on_startup.append(lambda: start_ended())
    return app, start_ended


def hold_collections() -> StartEnded:
    """Hold the garbage collector for the start; the start's end (:class:`StartEnded`) to call once it is over.

    The start (the app's import, ``create_app``, the lifespan with the MCP warm-up) makes ~370,000 objects the
    collector tracks; ~260,000 of them live as long as the process (modules, route handlers, signature models) and
    are frozen at the end of the lifespan's start-up (``app.lifespan``), so no collection walks them again. Each
    collection during the start walks them anyway: 4 full collections took ~0.4 s of the start's ~3 s of CPU
    (measured 2026-11-27 at load 12, ``gc.callbacks``), and with those held, the ~600 young collections still took
    ~0.11 s of ~1.5 s (gen 0: 0.055 s, gen 1: 0.057 s, measured 2026-11-27 at load 1.5, ``gc.callbacks`` and
    ``time.thread_time``); held as well, the start's CPU fell by ~0.07 s (6 paired starts in process, load 4-6).
    What that leaves: the start's garbage in reference cycles (~116,000 objects, ~2 MB of a worker's ~146 MB) is
    frozen with the rest instead of freed. Collecting it before the freeze would cost more than it saves (one
    collection of the young generations then walks every object the start made: ~0.15 s).
    """
    return StartEnded(collector.hold_collections())


class StartEnded:
    """The end of one start's hold (:func:`hold_collections`): the collector back on, after the lifespan's start-up
    (Litestar enters the lifespan managers before the ``on_startup`` hooks), which froze the start's objects
    (``app.lifespan``): no collection traverses them again, as no request makes them garbage. The hold is one of the
    process's counted holds (:mod:`engineering_api.lib.collector`: another start, a source's generation): the last
    to end restores the thresholds the first found, a serving app's young generation collected every
    :data:`~engineering_api.lib.collector.YOUNG_COLLECTION_EVERY` allocations at most once this start has ended.
    Each hold ends once: a second call (an app started again runs its ``on_startup`` hooks again) changes nothing,
    and cannot end another hold."""

    def __init__(self, end: collector.HoldEnd) -> None:
        self._end = end

    def __call__(self, *, serving: bool = True) -> None:
        self._end(young_at_least=YOUNG_COLLECTION_EVERY if serving else 0)


def _install_stopper() -> None:
    """Let ``POST /api/health/shutdown`` stop the server as Ctrl+C does (POSIX only, see domain.health).

    Started by ``engineering-api serve``, the stop goes to that process, so granian stops its worker gracefully
    and exits; under another ASGI server (``uvicorn engineering_api.asgi:create --factory``) to this process. On
    Windows a signal cannot stop a process gracefully, so no stopper is installed there.
    """
    from engineering_api.domain.health import Stopper, install_stopper

    if os.name == "nt":
        return
    serve_pid = os.environ.get(SERVE_PID_VARIABLE)
    by_serve = serve_pid == str(os.getppid())
    pid = int(serve_pid) if by_serve and serve_pid else os.getpid()
    how = f"SIGTERM to engineering-api serve (pid {pid})" if by_serve else f"SIGTERM to this server process (pid {pid})"
    install_stopper(Stopper(pid=pid, how=how, grace_seconds=STOP_GRACE_SECONDS,
                            stop=lambda: os.kill(pid, signal.SIGTERM)))


def _exit_with_serve() -> None:
    """Stop this worker when the ``serve`` process that started it is killed.

    granian's worker outlives a main process killed with SIGKILL and goes on holding the port, so the restart
    would find it taken for good. On POSIX an orphan's parent changes; on Windows it does not (no check there).
    """
    serve_pid = os.environ.get(SERVE_PID_VARIABLE)
    if os.name == "nt" or serve_pid != str(os.getppid()):
        return

    def watch() -> None:
        while os.getppid() == int(serve_pid):
            time.sleep(PARENT_CHECK_SECONDS)
        logger.warning("the serve process %s is gone; this worker shuts down", serve_pid)
        os.kill(os.getpid(), signal.SIGTERM)  # granian's graceful stop, with the app's shutdown
        time.sleep(STOP_GRACE_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="serve-watch", daemon=True).start()
