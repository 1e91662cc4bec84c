"""The runtime API: runtime users and bearer sessions, released tags and their values.

Our own design, shaped by the seed documents' tag API and the habits of real runtime APIs (a result per item
in bulk calls, values with quality and timestamp, limit plus continuation-point paging); not WinCC's API.
Values come from a :class:`~engineering_api.runtime.sources.TagSource`; alarms, history and subscriptions from the
simulated CPU's monitored items and Program_Alarm events (:mod:`engineering_api.runtime.monitor`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.runtime.call_routes import build_runtime_routes
from engineering_api.runtime.connection_routes import ConnectionController
from engineering_api.runtime.event_routes import EVENT_ROUTES
from engineering_api.runtime.pulls.routes import PULL_ROUTES
from engineering_api.runtime.routes import ROUTES as _TAG_ROUTES
from engineering_api.runtime.service import RuntimeService, runtime_of

if TYPE_CHECKING:
    from litestar import Controller
    from litestar.handlers import HTTPRouteHandler

ROUTES: tuple[type[Controller] | HTTPRouteHandler, ...] = (
    *_TAG_ROUTES, ConnectionController, *EVENT_ROUTES, *PULL_ROUTES,
    *build_runtime_routes(),
)
"""Every runtime API route: the controllers of the routes written by hand (sessions and tags, routes.py;
connections; history, subscriptions; the pulls' webhook), then those built from their calls'
declarations (:mod:`.call_routes`). In this order: a controller registered after a route of its path would bring
that path a second OPTIONS handler, which Litestar refuses."""

__all__ = ("ROUTES", "RuntimeService", "runtime_of")
