"""A route with nothing for Litestar to do around its handler, called directly by the guard.

Litestar serves a request by making a ``Request``, resolving the handler's guards, ``before_request`` hook and
arguments, entering an exit stack for its dependencies, calling the handler, then turning its answer into an ASGI
response through a response handler that applies the layered headers, cookies, ``after_request`` hook and
background task. A listing (``engineering_api.web.routes``: no parameters, no request, an
:class:`~engineering_api.lib.responses.EnvelopeResponse` back) needs none of it, and those steps cost a fast read
more than its own work. :func:`direct_handlers` gives, for such a route and method, an ASGI app that awaits the
handler and sends its envelope; for any other route it gives None and Litestar serves it as always. What a client
sees is the same: the envelope's two messages, and an error raised by the handler answered by the app's exception
layer (the guard calls this only where it calls the route under Litestar's per-route exception layer). An answer
that is not an envelope is turned into a response by Litestar's own ``to_response``. Given the guard's gzip layer,
it gives a second app, worked out by the same one check; for a client that accepts gzip the guard calls it, and it
sends the handler's answer through the ``send`` the app's gzip layer
(``engineering_api.console.compression``) chooses for it: an envelope's length is known before it is sent, so a
small one (most answers: the REST threshold is 16 KiB) goes out as to any other client, with no wrapped ``send``,
and a large one compressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from litestar.routes import HTTPRoute

from engineering_api.lib.responses import EnvelopeResponse

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from litestar.handlers import BaseRouteHandler
    from litestar.types import ASGIApp, Method, Receive, Scope, Send

__all__ = ("GzipLayer", "direct_handlers")


class GzipLayer(Protocol):
    """The app's gzip layer around one route (``engineering_api.console.compression``), for a client that accepts
    gzip: an ASGI app, and the ``send`` it would give an answer."""

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]: ...

    def answer_send(self, scope: Scope, send: Send, length: int | None = None) -> Send:
        """``send`` for an answer the layer's rule sends plain, else the compressing ``send``; ``length``: the
        body's length as sent, when the answer is JSON of a known length."""
        ...

    def plain_below(self, route_handler: BaseRouteHandler) -> int:
        """The length under which an answer of JSON on the route of ``route_handler`` is sent plain: what
        :meth:`answer_send` decides for such a length, worked out once per route."""
        ...


def direct_handlers(route_app: Any, method: str,
                    gzip: GzipLayer | None = None) -> tuple[ASGIApp, ASGIApp | None] | None:
    """An ASGI app calling the handler of ``route_app`` (Litestar's ``HTTPRoute.handle``) for ``method`` directly,
    with the app doing so for a client that accepts gzip when ``gzip`` (the app's gzip layer around the route: only
    its :meth:`~GzipLayer.answer_send` is asked) is given, else None; or None when Litestar has something to do for
    the route (see the module)."""
    route = getattr(route_app, "__self__", None)
    if not isinstance(route, HTTPRoute) or getattr(route_app, "__func__", None) is not HTTPRoute.handle:
        return None
    entry = route.route_handler_map.get(cast("Method", method))
    if entry is None:
        return None
    handler, parameters = entry
    if (parameters.has_kwargs or handler.has_sync_callable or handler.cache or handler.background is not None
            or handler.resolve_guards() or handler.resolve_before_request() or handler.resolve_after_response()
            or handler.resolve_response_headers() or handler.resolve_response_cookies()
            or handler.resolve_return_dto() or any(layer.after_request for layer in handler.ownership_layers)):
        return None
    fn = handler.fn

    async def other_answer(answer: Any, scope: Scope, receive: Receive, send: Send) -> None:
        """An answer that is not an envelope, made a response by Litestar's own ``to_response``."""
        request = handler.resolve_request_class()(scope=scope, receive=receive, send=send)
        response = await handler.to_response(app=scope["litestar_app"], data=answer, request=request)
        await response(scope, receive, send)

    async def direct(scope: Scope, receive: Receive, send: Send) -> None:
        answer = await fn()
        if type(answer) is EnvelopeResponse:
            await answer.to_asgi_response(scope["litestar_app"], None)(scope, receive, send)
            return
        await other_answer(answer, scope, receive, send)

    if gzip is None:
        return direct, None
    plain_below = gzip.plain_below(handler)

    async def direct_gzip(scope: Scope, receive: Receive, send: Send) -> None:
        # The handler first, then the gzip layer's send for its answer: an envelope the rule sends plain (a small
        # answer, the layer's length asked once for the route above; a HEAD answer, with no body) goes out on the
        # client's own send, with no call to the layer. An error the handler raises reaches the app's exception
        # layer as from ``direct``, before any send was wrapped (problem answers are never compressed).
        answer = await fn()
        if type(answer) is EnvelopeResponse:
            length = 0 if scope.get("method") == "HEAD" else len(answer.body)
            sent = send if length < plain_below else gzip.answer_send(scope, send, length)
            await answer.to_asgi_response(scope["litestar_app"], None)(scope, receive, sent)
            return
        await other_answer(answer, scope, receive, gzip.answer_send(scope, send))

    return direct, direct_gzip
