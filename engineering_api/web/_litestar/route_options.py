"""Litestar's automatic OPTIONS handlers, one per path, made cheap to register and answering every method.

Litestar gives every HTTP path it registers an OPTIONS handler that answers 204 with ``Allow`` (its
``HTTPRoute.create_options_handler``). Each is a route handler of its own: registering one evaluates its function's
string annotations, builds a signature model (``msgspec.defstruct``) and a kwargs model, all the same for every
path. With ~490 paths that was ~560 handlers of the app's ~1,200 and ~20% of ``create_app``'s CPU (measured
2026-11-27). :class:`LeanRegistration` replaces each with a :class:`_PathOptions` handler, which shares the one
parsed signature, signature model and kwargs model when no layer above it declares what would make them differ
(dependencies, parameters, type decoders, a signature namespace); any that does gets its own, as Litestar makes it.

The handler's answer is Litestar's own function (the same status, ``Allow`` and name), made for the route that
serves the path at the end. Litestar 2 made it once, for the first route of the path, and kept it when a later
registration merged more handlers into the path: ``Allow`` then named only the first registration's methods
(litestar-org/litestar#4169, fixed in Litestar 3). Here it is made again for every route that replaces one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from litestar import Router
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.types.empty import Empty

from engineering_api.web._litestar.route_signatures import parse_signature

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar._kwargs import KwargsModel
    from litestar._signature import SignatureModel
    from litestar.routes import BaseRoute
    from litestar.types import ControllerRouterHandler
    from litestar.types.internal_types import PathParameterDefinition
    from litestar.utils.signature import ParsedSignature

__all__ = ("LeanRegistration", "is_litestar_options")

_LITESTAR_OPTIONS = f"{HTTPRoute.create_options_handler.__qualname__}.<locals>.options_handler"
"""The qualified name of the function Litestar's automatic OPTIONS handlers call."""

_LAYERED = ("dependencies", "parameters", "type_decoders", "signature_namespace")
"""What a layer (app, router, controller, handler) may declare that makes its handlers' models its own."""
_LITESTAR: Any = HTTPRouteHandler
"""Litestar's handler class, whose property getters make what :class:`_PathOptions` shares (as ``Any``: a type
checker reads a property looked up on its class as the getter's return type)."""
_shared: dict[str, Any] = {}
"""What every plain :class:`_PathOptions` shares (the same function code, the same module's annotations): its
parsed signature, signature model and kwargs model, made by the first one registered."""


def is_litestar_options(handler: Any) -> bool:
    """Whether ``handler`` is one of Litestar's automatic OPTIONS handlers (its own or a :class:`_PathOptions`)."""
    fn = getattr(handler, "_fn", None)
    return (isinstance(handler, HTTPRouteHandler) and getattr(fn, "__module__", None) == HTTPRoute.__module__
            and getattr(fn, "__qualname__", None) == _LITESTAR_OPTIONS)


class LeanRegistration(Router):
    """The app's router with each path's automatic OPTIONS handler made for its route as a :class:`_PathOptions`
    (see the module), and every other handler's signature parsed from shared parameters
    (:mod:`engineering_api.web._litestar.route_signatures`). Mixed in after ``Litestar``, so ``Litestar.register``
    registers the handlers it returns."""

    __slots__ = ()

    def register(self, value: ControllerRouterHandler) -> list[BaseRoute]:
        routes = super().register(value)
        for route in routes:
            if not isinstance(route, HTTPRoute):
                continue
            handlers = route.route_handlers
            for index, handler in enumerate(handlers):
                if is_litestar_options(handler):
                    handlers[index] = _path_options(route, handler)
                    self._handler_replaced(route.path, handler, handlers[index])
                else:
                    parse_signature(handler)
                    self._handler_parsed(handler)
        return routes

    def _handler_replaced(self, path: str, old: HTTPRouteHandler, new: HTTPRouteHandler) -> None:
        """``new`` serves ``path`` in place of ``old`` (for a subclass that keeps what the routes map)."""

    def _handler_parsed(self, handler: HTTPRouteHandler) -> None:
        """``handler``'s signature is parsed; Litestar makes its kwargs model next (for a subclass that lets it do
        so without the signature model: ``route_signatures.model_later``)."""


def _path_options(route: HTTPRoute, replaced: HTTPRouteHandler) -> _PathOptions:
    """Litestar's OPTIONS handler of ``route``, as a :class:`_PathOptions` with the owner (the layers it takes
    guards, middleware and options from) of ``replaced``, the one it replaces."""
    if _route_of(replaced.fn) is route and type(replaced) is HTTPRouteHandler:
        handler = replaced  # Litestar made it for this very route (3 of 4: HTTPRoute.__init__)
    else:  # made for the route this one replaced, or a router's: Litestar's made again, answering this route's methods
        handler = route.create_options_handler(route.path)
    # Litestar's handler, made as a _PathOptions would be (path, OPTIONS, out of the schema, not in a thread),
    # becomes one: _PathOptions adds no slot to its class's layout. Made again as one, each cost ~20 us.
    handler.__class__ = _PathOptions
    handler.owner = replaced.owner
    return cast("_PathOptions", handler)


def _route_of(answer: Callable[..., Any]) -> object:
    """The route whose methods Litestar's OPTIONS function ``answer`` names: the one its closure holds (3 of 4
    handlers Litestar made are for the very route being registered, and their function is kept)."""
    cells: tuple[Any, ...] = getattr(answer, "__closure__", None) or ()
    return cells[0].cell_contents if len(cells) == 1 else None


class _PathOptions(HTTPRouteHandler):
    """An automatic OPTIONS handler sharing its signature and kwargs models with the others when its layers are
    plain (see the module)."""

    __slots__ = ()

    @property
    def parsed_fn_signature(self) -> ParsedSignature:
        if self._parsed_fn_signature is Empty:
            self._parsed_fn_signature = self._shared("parsed", _LITESTAR.parsed_fn_signature.fget)
        return cast("ParsedSignature", self._parsed_fn_signature)

    @property
    def signature_model(self) -> type[SignatureModel]:
        if self._signature_model is Empty:
            make = _LITESTAR.signature_model.fget
            # a data DTO would shape the model's data field (this function has none, but a layer may declare one)
            self._signature_model = self._shared("signature", make) if self.resolve_data_dto() is None else make(self)
        return cast("type[SignatureModel]", self._signature_model)

    def create_kwargs_model(self, path_parameters: dict[str, PathParameterDefinition]) -> KwargsModel:
        # Litestar's function takes no path parameter: its kwargs model is the same for every path
        return cast("KwargsModel", self._shared(
            "kwargs", lambda handler: HTTPRouteHandler.create_kwargs_model(handler, path_parameters)))

    def _shared(self, name: str, make: Callable[[HTTPRouteHandler], Any] | None) -> Any:
        """What ``make`` makes of this handler: made once for every plain handler, or for this one alone."""
        assert make is not None  # Litestar's properties have getters
        if not self._plain():
            return make(self)
        if name not in _shared:
            _shared[name] = make(self)
        return _shared[name]

    def _plain(self) -> bool:
        """No layer declares what would make this handler's models differ from the others'. (Read from the layers,
        not through the handler's ``resolve_*`` methods: Litestar 2.25's ``resolve_signature_namespace`` answers
        nothing once ``resolve_layered_parameters`` has run, so calling them here would change what Litestar
        resolves later.)"""
        return not any(getattr(layer, name, None) for layer in self.ownership_layers for name in _LAYERED)
