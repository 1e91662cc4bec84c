"""HEAD on every GET route: the GET's handler declared for HEAD too, and a HEAD answer sent without its body.

RFC 9110 §9.3.2: a server answers HEAD as it would GET, with the same header fields and no content. Litestar
serves HEAD only where a handler declares it (``@head``, or ``http_method=["GET", "HEAD"]``); none here did, so
every GET route answered HEAD with 405, and with that 405's JSON as content. Over HTTP/2 a HEAD answer that carries
DATA is a stream error, so ``curl -I`` failed (exit 92) even on a 404.

* Declared: :class:`HeadForGet` (the app's router) adds HEAD to the methods of a path's GET handler as it is
  registered, when no handler of the path declares HEAD itself, as ``http_method=["GET", "HEAD"]`` would. Litestar
  then routes HEAD to it like any method: the same guard (a read), the same answer, ``Allow`` naming HEAD (OPTIONS
  and 405).
* Documented once: a HEAD served by its GET's handler is that GET, not an operation of its own (the document
  would otherwise double, with every explicit ``operationId`` twice). :func:`documented_route` is the route as
  the OpenAPI generation reads it: without that HEAD.
* Sent without content: Litestar's responses send their body for any method (only ``File``, static files and a
  ``@head`` handler's ``None`` know HEAD), and so do error answers made before or outside routing (404, 401).
  :func:`head_answer` wraps the request's ``send`` once, outside everything (``lib/observability``): the answer's
  start goes out as made, its end right after it, and nothing the app sends later. A streaming answer (a job's
  events) ends there too: the app is told the client left, as when a client closes a stream.
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING

from litestar import Router
from litestar.handlers.http_handlers import HTTPRouteHandler

if TYPE_CHECKING:
    from litestar.routes import HTTPRoute
    from litestar.types import (
        HTTPDisconnectEvent, HTTPResponseBodyEvent, Message, Receive, ReceiveMessage, RouteHandlerMapItem,
        RouteHandlerType, Send,
    )

__all__ = ("HeadForGet", "documented_route", "head_answer")

_DISCONNECT: HTTPDisconnectEvent = {"type": "http.disconnect"}
_END: HTTPResponseBodyEvent = {"type": "http.response.body", "body": b"", "more_body": False}


class HeadForGet(Router):
    """A router (the app: mixed in after ``Litestar``) whose paths' GET handlers serve HEAD too (see the module)."""

    __slots__ = ()

    @classmethod
    def get_route_handler_map(cls, value: RouteHandlerType | Router) -> dict[str, RouteHandlerMapItem]:
        """Litestar's path -> method -> handler map of what is being registered, with HEAD served by a path's GET
        handler where no handler declares HEAD: decided here, before Litestar makes the path's route of them."""
        mapped = super().get_route_handler_map(value)
        for handlers in mapped.values():
            get = handlers.get("GET")
            if isinstance(get, HTTPRouteHandler) and "HEAD" not in handlers:
                if "HEAD" not in get.http_methods:
                    # a new set: the handler is Litestar's copy, but its set is still the decorated function's
                    get.http_methods = {*get.http_methods, "HEAD"}
                handlers["HEAD"] = get
        return mapped


def documented_route(route: HTTPRoute) -> HTTPRoute:
    """``route`` as its OpenAPI operations are made from it: without a HEAD its GET's handler serves (a view of its
    own when there is one; ``route`` itself otherwise)."""
    entry = route.route_handler_map.get("HEAD")
    if entry is None or "GET" not in entry[0].http_methods:
        return route
    shown = copy(route)
    shown.route_handler_map = {method: served for method, served in route.route_handler_map.items()
                               if method != "HEAD"}
    return shown


def head_answer(receive: Receive, send: Send) -> tuple[Receive, Send]:
    """``receive`` and ``send`` for a HEAD request (see the module): the answer ends with its start, and a
    ``receive`` once it ended says the client left."""
    ended = False

    async def sent(message: Message) -> None:
        nonlocal ended
        if message["type"] == "http.response.start" and not ended:
            ended = True
            await send(message)
            await send(_END)
        # the body, and anything after the end: a HEAD answer has no content

    async def received() -> ReceiveMessage:
        return _DISCONNECT if ended else await receive()

    return received, sent
