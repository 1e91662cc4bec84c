"""The app class: Litestar with its path -> method -> handler map kept up to date instead of rebuilt per path.

Litestar's ``Router.register`` looks up each registered path in ``route_handler_method_map``, a property that
builds the map of every route registered so far: with ~1,100 route handlers on ~600 paths, the server's start
spent ~0.2 s of CPU rebuilding it (quadratic in the routes). :class:`MappedLitestar` keeps the map and, when
asked, updates only the paths whose routes were added, replaced or removed since; what it answers is what the
property computes (``tests/lib/test_route_map.py`` compares them).

Litestar's ``Litestar.register`` also rebuilds its routing trie after each route handler it registers, walking
every route so far and validating the whole trie again: ~500 walks at start, 136,000 node validations, ~10% of
``create_app``'s CPU (measured 2026-11-27). :class:`MappedLitestar` builds the trie once, from every route the
constructor registered; a route registered later is added to it as Litestar does.

Each handler's signature model is made by its first request, not as it is registered
(:mod:`engineering_api.lib.route_signatures`).
"""

from __future__ import annotations

import operator
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from litestar import Litestar
from litestar.routes import HTTPRoute, WebSocketRoute

from engineering_api.lib.route_options import LeanRegistration
from engineering_api.lib.route_signatures import model_later, models_made

if TYPE_CHECKING:
    from litestar.handlers.http_handlers import HTTPRouteHandler
    from litestar.openapi.spec import OpenAPI
    from litestar.routes import BaseRoute
    from litestar.types import RouteHandlerMapItem

    from engineering_api.lib.route_signatures import ModelLater

__all__ = ("MappedLitestar",)


class MappedLitestar(Litestar, LeanRegistration):
    """Litestar whose ``route_handler_method_map`` is kept between lookups (see the module), and whose paths'
    automatic OPTIONS handlers are cheap to register and name every method of their path
    (:mod:`engineering_api.lib.route_options`), and whose handlers' signatures share their parameters'
    definitions (:mod:`engineering_api.lib.route_signatures`)."""

    # Litestar declares __slots__; a subclass without them gets a __dict__ for these two.
    _method_map: dict[str, RouteHandlerMapItem]
    _mapped_routes: list[BaseRoute]
    """The routes the map was made from, in order."""
    _trie_later: bool
    _models_later: list[ModelLater]
    """The handlers of the registration under way whose signature models wait for their first request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._trie_later = True  # the constructor's registrations: the trie is built once, below
        self._models_later = []
        try:
            super().__init__(*args, **kwargs)
        finally:
            self._trie_later = False
        self.asgi_router.construct_routing_trie()

    def register(self, value: Any) -> None:  # type: ignore[override]  # as Litestar.register
        """Litestar's registration, without the handlers' signature models (made by their first requests); while
        the constructor registers, without rebuilding the routing trie."""
        router = self.asgi_router
        if self._trie_later:
            self.asgi_router = _TrieLater(router)  # type: ignore[assignment]  # what register reads of the router
        try:
            super().register(value)
        finally:
            self.asgi_router = router
            for later in self._models_later:
                later.end()
            self._models_later.clear()

    def _handler_parsed(self, handler: HTTPRouteHandler) -> None:
        """Litestar's kwargs model of ``handler`` made from its parsed signature alone (``model_later``)."""
        later = model_later(handler)
        if later is not None:
            self._models_later.append(later)

    def signature_models_made(self) -> None:
        """Every handler's signature model made, as Litestar's OpenAPI generation needs before it runs
        (``route_signatures.models_made``): ``openapi_schema`` and ``update_openapi_schema`` call it, as does
        ``docs.openapi_document``, which builds the document the app serves."""
        models_made(self.routes)

    @property
    def openapi_schema(self) -> OpenAPI:
        """Litestar's document, built after every handler's signature model (:meth:`signature_models_made`)."""
        self.signature_models_made()
        return super().openapi_schema

    def update_openapi_schema(self) -> None:
        self.signature_models_made()
        super().update_openapi_schema()

    @property
    def route_handler_method_map(self) -> dict[str, RouteHandlerMapItem]:
        """Route paths to their handlers by method (``websocket``/``asgi`` for those routes), as Litestar's."""
        if "_method_map" not in self.__dict__:
            self._method_map, self._mapped_routes = {}, []
        self._remap()
        return self._method_map

    def _handler_replaced(self, path: str, old: HTTPRouteHandler, new: HTTPRouteHandler) -> None:
        """A path's automatic OPTIONS handler replaced in its route (``route_options.LeanRegistration``): the route is
        the same, so :meth:`_remap` would not see it."""
        entry: Any = self.__dict__.get("_method_map", {}).get(path)
        if entry is not None and entry.get("OPTIONS") is old:
            entry["OPTIONS"] = new

    def _remap(self) -> None:
        """Recompute the map's entries of the paths whose routes changed since the last call (in route order,
        as the property merges the routes of one path)."""
        routes, mapped = self.routes, self._mapped_routes
        kept = len(mapped)
        if len(routes) >= kept and all(map(operator.is_, routes[:kept], mapped)):  # nothing, or routes added
            if len(routes) == kept:
                return
            changed = {route.path for route in routes[kept:]}
        else:  # a route replaced (a path's handlers merged) or removed
            changed = {r.path for pair in zip_longest(routes, mapped) if pair[0] is not pair[1] for r in pair if r}
        self._mapped_routes = list(routes)
        for path in changed:
            self._method_map.pop(path, None)
        for route in routes:
            if route.path not in changed:
                continue
            entry: Any = self._method_map.setdefault(route.path, {})
            if isinstance(route, HTTPRoute):
                for handler in route.route_handlers:
                    for method in handler.http_methods:
                        entry[method] = handler
            else:
                entry["websocket" if isinstance(route, WebSocketRoute) else "asgi"] = route.route_handler


class _TrieLater:
    """The app's ASGI router as ``Litestar.register`` sees it while the constructor registers: its routing trie
    is built once afterwards (``MappedLitestar.__init__``)."""

    def __init__(self, router: Any) -> None:
        self._router = router

    def construct_routing_trie(self) -> None:
        """Nothing yet: the constructor builds the trie from every route at its end."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._router, name)
