"""The backend port for the runtime API's threads: every call queued to the TIA worker, as every route's is.

The runtime API's tag routes run in Litestar's thread pool, its monitor pumps in a thread of its own and each OPC UA
server in its own thread and event loop; the port promises adapters one worker thread and no concurrent calls
(Openness objects are bound to their thread; the fake has no locks of its own). So those threads do not call the
backend: they call this object, which hands each call to the worker on the app's event loop and waits for it (with
the call timeout of every route). In a farm the call goes to the worker of the session the runtime settings name
(``engineeringSession``), the default session unless an admin chose another.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from engineering_api.backend.port import AREAS
from engineering_api.backend.worker import on_a_worker_thread
from engineering_api.lib.caller import current_caller

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.services import Services

__all__ = ("APP_LOOP", "WorkerBackend")

APP_LOOP = "app.loop"
"""``services.notes`` key of the app's event loop, set when the app starts (:func:`engineering_api.app.running`)."""


class WorkerBackend:
    """Duck-types the backend port: ``name`` and every method, each call run on the TIA worker."""

    def __init__(self, services: Services, session: Callable[[], str | None] = lambda: None) -> None:
        self._services = services
        self._session = session
        """In a farm, the session whose worker (so agent and PLCSim instances) the calls go to; None: default."""

    @property
    def name(self) -> str:
        """The adapter's name."""
        return self._services.backend.name

    def __getattr__(self, method: str) -> Any:
        if method in AREAS:  # a held area (backend.simulation): its methods are queued like the backend's own
            return _WorkerArea(self, method)
        target = getattr(self._services.backend, method)
        return self.queued(method, target) if callable(target) else target

    def queued(self, method: str, target: Callable[..., Any]) -> Callable[..., Any]:
        """``target`` (the port method named ``method``, ``area.method`` for a held area's) as a call that runs on
        the TIA worker of the runtime's session and waits for it."""
        services = self._services

        def on_worker(*args: Any, **kwargs: Any) -> Any:
            if on_a_worker_thread():  # already where the port runs (an operation's handler): queueing would deadlock
                return target(*args, **kwargs)
            loop: asyncio.AbstractEventLoop | None = services.notes.get(APP_LOOP)
            if loop is None or loop.is_closed():
                raise RuntimeError("the app is not running: no TIA worker to run the call on")
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                raise RuntimeError(f"{method} was called on the event loop's thread; await the worker instead")
            session = self._session()

            async def call() -> Any:
                if session is not None:  # this task's own copy of the context: the farm dispatcher reads it
                    current_caller.set(session)
                return await services.worker.call(lambda: target(*args, **kwargs),
                                                  timeout=services.settings.call_timeout_seconds,
                                                  description=f"runtime: {method}")

            return asyncio.run_coroutine_threadsafe(call(), loop).result()

        return on_worker


class _WorkerArea:
    """A held area of the port seen through :class:`WorkerBackend`: each method queued to the worker, as the
    backend's own are (handing out the adapter's area object would run its calls on the calling thread, and in a
    farm in no session's context)."""

    def __init__(self, owner: WorkerBackend, area: str) -> None:
        self._owner = owner
        self._area = area

    def __getattr__(self, method: str) -> Any:
        target = getattr(getattr(self._owner._services.backend, self._area), method)
        return self._owner.queued(f"{self._area}.{method}", target) if callable(target) else target
