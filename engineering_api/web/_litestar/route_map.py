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
(:mod:`engineering_api.web._litestar.route_signatures`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, SupportsIndex

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin  # the app's document cache; Litestar exports no other name
from litestar.routes import HTTPRoute, WebSocketRoute

from engineering_api.lib.head_requests import documented_route
from engineering_api.web._litestar.route_options import LeanRegistration
from engineering_api.web._litestar.route_signatures import model_later, models_made

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TypeAlias

    from litestar.handlers.http_handlers import HTTPRouteHandler
    from litestar.openapi.spec import OpenAPI
    from litestar.routes import ASGIRoute
    from litestar.types import ControllerRouterHandler, RouteHandlerMapItem

    from engineering_api.web._litestar.route_signatures import ModelLater

    Route: TypeAlias = HTTPRoute | ASGIRoute | WebSocketRoute

__all__ = ("MappedLitestar",)


class MappedLitestar(Litestar, LeanRegistration):
    """Litestar whose ``route_handler_method_map`` is kept between lookups (see the module), and whose paths'
    automatic OPTIONS handlers are cheap to register and name every method of their path
    (:mod:`engineering_api.web._litestar.route_options`), and whose handlers' signatures share their parameters'
    definitions (:mod:`engineering_api.web._litestar.route_signatures`)."""

    # Litestar declares __slots__; a subclass without them gets a __dict__ for these.
    _method_map: dict[str, RouteHandlerMapItem]
    _routes: _Routes
    _mapped: tuple[_Routes, int]
    """The routes the map was made from, and how many of them (the first ones) it maps."""
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

    # None where Router.register returns the routes: Litestar.register's own signature, and its own ignore
    def register(self, value: ControllerRouterHandler) -> None:  # type: ignore[override]
        """Litestar's registration, without the handlers' signature models (made by their first requests); while
        the constructor registers, without rebuilding the routing trie."""
        router = self.asgi_router
        if self._trie_later:
            # a stand-in for the duration of the call: Litestar.register reads only construct_routing_trie of it
            setattr(self, "asgi_router", _TrieLater(router))
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

    def openapi_prepared(self) -> None:
        """What Litestar's OpenAPI generation reads made ready: every handler's signature model, and the routes the
        document is made from without the HEAD their GET's handler serves (``head_requests.documented_route``).
        ``openapi_schema``, ``update_openapi_schema`` and ``docs.openapi_document`` call it."""
        self.signature_models_made()
        plugin = self.plugins.get(OpenAPIPlugin)
        plugin.included_routes = {path: documented_route(route) for path, route in plugin.included_routes.items()}

    @property
    def openapi_schema(self) -> OpenAPI:
        """Litestar's document, built from what :meth:`openapi_prepared` made ready."""
        self.openapi_prepared()
        return super().openapi_schema

    def update_openapi_schema(self) -> None:
        self.openapi_prepared()
        super().update_openapi_schema()

    @property
    def routes(self) -> list[Route]:
        """The app's routes, as Litestar's attribute holds them (:class:`_Routes`: a list that notes what a change
        other than an addition at its end changed)."""
        return self._routes

    @routes.setter
    def routes(self, routes: list[Route]) -> None:
        self._routes = _Routes(routes)

    @property
    def route_handler_method_map(self) -> dict[str, RouteHandlerMapItem]:
        """Route paths to their handlers by method (``websocket``/``asgi`` for those routes), as Litestar's."""
        if "_method_map" not in self.__dict__:
            self._method_map, self._mapped = {}, (_Routes(), 0)
        self._remap()
        return self._method_map

    def _handler_replaced(self, path: str, old: HTTPRouteHandler, new: HTTPRouteHandler) -> None:
        """A path's automatic OPTIONS handler replaced in its route (``route_options.LeanRegistration``): the route is
        the same, so :meth:`_remap` would not see it."""
        entry: Any = self.__dict__.get("_method_map", {}).get(path)
        if entry is not None and entry.get("OPTIONS") is old:
            entry["OPTIONS"] = new

    def _remap(self) -> None:
        """Bring the map up to date with the routes changed since the last call, in route order (as the property
        merges the routes of one path): the routes added at the end merged into their paths' entries, the entries of
        the paths whose routes were replaced (a path's handlers merged) made again. Only a change the routes could
        not say (a route removed, the list replaced) makes the whole map again. Compared with the routes mapped
        before, at each of ~560 lookups, the routes took ~2.5% of ``create_app``'s CPU (issue 71)."""
        routes, (mapped, kept) = self._routes, self._mapped
        if routes is not mapped or routes.rewritten is None or len(routes) < kept:
            self._method_map.clear()
            rewritten, kept = {route.path for route in routes}, 0
        else:
            rewritten = routes.rewritten
            for path in rewritten:
                self._method_map.pop(path, None)
        routes.rewritten = set()
        self._mapped = (routes, len(routes))
        if rewritten:
            self._map(route for route in routes if route.path in rewritten)
        self._map(route for route in routes[kept:] if route.path not in rewritten)

    def _map(self, routes: Iterable[Route]) -> None:
        """Merge ``routes``, in their order, into the entries of their paths."""
        for route in routes:
            entry: Any = self._method_map.setdefault(route.path, {})
            if isinstance(route, HTTPRoute):
                for handler in route.route_handlers:
                    for method in handler.http_methods:
                        entry[method] = handler
            else:
                entry["websocket" if isinstance(route, WebSocketRoute) else "asgi"] = route.route_handler


class _Routes(list["Route"]):
    """The app's routes, noting the paths whose routes a change other than an addition at the end replaced
    (:attr:`rewritten`; None: changed otherwise, a route removed or moved). Litestar adds a route at the end, or puts
    the merged route of a path in the place of the path's route."""

    __slots__ = ("rewritten",)

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        super().__init__(routes)
        self.rewritten: set[str] | None = set()

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice) or self.rewritten is None:
            self.rewritten = None
        else:
            self.rewritten.update((self[index].path, value.path))
        super().__setitem__(index, value)

    def _moved(self) -> None:
        self.rewritten = None

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._moved()

    def insert(self, index: Any, value: Any) -> None:
        super().insert(index, value)
        self._moved()

    def pop(self, index: Any = -1) -> Any:
        self._moved()
        return super().pop(index)

    def remove(self, value: Any) -> None:
        super().remove(value)
        self._moved()

    def clear(self) -> None:
        super().clear()
        self._moved()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        super().sort(*args, **kwargs)
        self._moved()

    def reverse(self) -> None:
        super().reverse()
        self._moved()

    def __imul__(self, times: SupportsIndex) -> Self:
        super().__imul__(times)
        self._moved()
        return self


class _TrieLater:
    """The app's ASGI router as ``Litestar.register`` sees it while the constructor registers: its routing trie
    is built once afterwards (``MappedLitestar.__init__``)."""

    def __init__(self, router: Any) -> None:
        self._router = router

    def construct_routing_trie(self) -> None:
        """Nothing yet: the constructor builds the trie from every route at its end."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._router, name)
