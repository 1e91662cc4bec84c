"""ASGI targets for the benchmarks (imported by granian/uvicorn with ``bench/`` on ``PYTHONPATH``).

* ``bench_apps:bare_app`` — a bare Litestar app with one GET route returning a small JSON body:
  the baseline every other number is divided by.
* ``bench_apps:engineering_app`` — factory for the real service (fake backend) on the data directory
  named by ``BENCH_DATA_DIR``; every other setting comes from ``ENGINEERING_API_*`` variables.
  ``BENCH_WHAT_IF=no-hop,no-guard,...`` monkeypatches parts away (see ``what_if_patches``) to
  measure what they cost; never set in a normal run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from litestar import Litestar, get


@get("/bare", sync_to_thread=False)
def bare() -> dict[str, object]:
    """About the size of a small envelope, without any of the service's machinery."""
    return {"success": True, "message": "ok", "data": {"name": "PLC_1"}}


bare_app = Litestar(route_handlers=[bare], openapi_config=None)


def engineering_app() -> Litestar:
    """The service as ``engineering-api`` would serve it, on a throw-away data directory; with ``BENCH_TREE`` set,
    the service of that checkout (an export of another commit: a before/after pair in one run)."""
    tree = os.environ.get("BENCH_TREE")
    if tree:
        sys.path.insert(0, tree)  # before anything of the service is imported
    from engineering_api.app import create_app
    from engineering_api.config import Settings

    apply_what_if(os.environ.get("BENCH_WHAT_IF", ""))
    data_dir = os.environ.get("BENCH_DATA_DIR")
    if not data_dir:
        raise RuntimeError("set BENCH_DATA_DIR to a temporary directory")
    return create_app(Settings.from_env(data_dir=data_dir))


# ----- what-if patches (measurement only: they show what a part costs, they are not proposals) -----


async def _guard_passthrough(self, scope, receive, send):
    from engineering_api.lib.middleware import request_services

    # What a listing's handler reads instead of a request; without it every read answered 500, and the what-if
    # timed the error path.
    request_services.set(self.services)
    # the route itself, as the guard calls it for a read (without the route's exception layer; no direct call)
    await getattr(self, "_plain", self.app)(scope, receive, send)


async def _inline_on_loop(self, operation, data):
    from engineering_api.jobs.operations import OperationContext

    extra = {"state": self.state} if hasattr(self, "state") else {}  # newer managers pass their state store
    return operation.handler(OperationContext(self._backend, self.settings, self._paths, **extra), data)


async def _wait_direct(self, handle, *, timeout):
    return await handle.future


def _set_attr(owner: object, attr: str, value: object) -> Callable[[], Callable[[], None]]:
    def apply() -> Callable[[], None]:
        old = getattr(owner, attr)
        setattr(owner, attr, value)
        return lambda: setattr(owner, attr, old)

    return apply


def _switch_interval(seconds: float) -> Callable[[], Callable[[], None]]:
    def apply() -> Callable[[], None]:
        old = sys.getswitchinterval()
        sys.setswitchinterval(seconds)
        return lambda: sys.setswitchinterval(old)

    return apply


def what_if_patches() -> dict[str, Callable[[], Callable[[], None]]]:
    """name -> apply(), which patches and returns the undo."""
    from engineering_api.backend.worker import TiaWorker
    from engineering_api.jobs.manager import JobManager
    from engineering_api.lib.middleware import GuardMiddleware

    return {
        "no-guard": _set_attr(GuardMiddleware, "__call__", _guard_passthrough),
        "no-hop": _set_attr(JobManager, "run_inline", _inline_on_loop),
        "no-wait-for": _set_attr(TiaWorker, "wait", _wait_direct),
        "switch-1ms": _switch_interval(0.001),
        "switch-0.1ms": _switch_interval(0.0001),
    }


def apply_what_if(names: str) -> list[Callable[[], None]]:
    """Apply the comma-separated patches; returns the undo functions."""
    patches = what_if_patches()
    undo = []
    for name in filter(None, (n.strip() for n in names.split(","))):
        if name not in patches:
            raise ValueError(f"unknown what-if {name!r}; use {', '.join(patches)}")
        undo.append(patches[name]())
    return undo
