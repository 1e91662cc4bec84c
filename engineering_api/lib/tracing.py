"""OpenTelemetry traces, optional and off by default (setting ``tracing``; the ``tracing`` extra installs them).

With ``tracing`` on, the spans of one request nest: the request (Litestar's OpenTelemetry plugin, named by method
and route template), the job it starts (``job <operation>``, on the TIA worker thread), each port call
(``port <method>``, embedded or in farm mode), and in farm mode the farm call that carries it (``farm call
<method>``, whose message carries the trace context to the agent) and the agent's run of it (``agent <method>``,
when the agent traces too). Each span
has the request id (``engineering_api.request_id``). Spans go to the process's tracer provider: the operator
configures the SDK and its exporter (``opentelemetry-instrument``, or a provider set before the app is built).

A part that may trace holds a :class:`Tracing` (``Tracing.OFF`` unless the app turns it on): off, every call is one
attribute test, so a server without traces does no work for them.
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, MutableMapping

T = TypeVar("T")

__all__ = ("REQUEST_ID_ATTRIBUTE", "Tracing", "trace_port_calls", "tracing_available")

REQUEST_ID_ATTRIBUTE = "engineering_api.request_id"
"""The span attribute with the request id (``X-Request-ID``)."""


def tracing_available() -> bool:
    """Whether the ``tracing`` extra is installed."""
    try:
        import opentelemetry.sdk
        import opentelemetry.instrumentation.asgi  # noqa: F401
    except ImportError:
        return False
    return True


class Tracing:
    """Spans of one app's parts, or nothing when off."""

    OFF: Tracing

    def __init__(self, tracer: Any | None) -> None:
        self._tracer = tracer

    @classmethod
    def on(cls) -> Tracing:
        """Spans through the process's tracer provider."""
        from opentelemetry import trace

        return cls(trace.get_tracer("engineering_api"))

    @property
    def enabled(self) -> bool:
        """Whether spans are made."""
        return self._tracer is not None

    def context(self) -> Any:
        """The current trace context, to continue on another thread (None when off)."""
        if self._tracer is None:
            return None
        from opentelemetry import context

        return context.get_current()

    @contextlib.contextmanager
    def span(self, name: str, attributes: dict[str, Any], parent: Any = None) -> Iterator[None]:
        """A span named ``name`` around the block (a child of ``parent``, a :meth:`context`, when given); attributes
        that are None are left out."""
        if self._tracer is None:
            yield
            return
        values = {key: value for key, value in attributes.items() if value is not None}
        with self._tracer.start_as_current_span(name, context=parent, attributes=values):
            yield

    def carrying(self, fn: Callable[[], T]) -> Callable[[], T]:
        """``fn``, run in the current trace context wherever it runs (the TIA worker thread has a context of its
        own); ``fn`` itself when off."""
        if self._tracer is None:
            return fn
        from opentelemetry import context

        from engineering_api.lib.observability import run_attached

        captured = context.get_current()
        return run_attached(fn, lambda: context.attach(captured), context.detach)

    def inject(self, carrier: MutableMapping[str, str]) -> None:
        """Put the current trace context into ``carrier`` (a message's headers: ``traceparent``)."""
        if self._tracer is None:
            return
        from opentelemetry import propagate

        propagate.inject(carrier)

    def extracted(self, carrier: dict[str, Any]) -> Any:
        """The trace context a message's headers carry (None when off)."""
        if self._tracer is None:
            return None
        from opentelemetry import propagate

        return propagate.extract(carrier)


Tracing.OFF = Tracing(None)

_NOT_PORT_CALLS = frozenset({"on_worker_thread_started", "close"})
"""Methods of the port that the service calls for itself, not for a request."""


def trace_port_calls(tracing: Tracing, target: Any, port: type, prefix: str = "") -> None:
    """Each call of ``target``'s methods that ``port`` declares in a ``port <prefix><method>`` span with the
    request id (a child of the job's or request's span): an embedded backend's port calls, as a farm's are. Nothing
    when tracing is off: the methods are wrapped on the instance only then, so a server without traces calls them as
    they are."""
    if not tracing.enabled:
        return
    for name in dir(port):
        if not name.startswith("_") and name not in _NOT_PORT_CALLS and callable(getattr(port, name)):
            setattr(target, name, _in_span(tracing, f"port {prefix}{name}", getattr(target, name)))


def _in_span(tracing: Tracing, span: str, method: Callable[..., T]) -> Callable[..., T]:
    from engineering_api.lib.observability import current_request_id

    @functools.wraps(method)
    def spanned(*args: Any, **kwargs: Any) -> T:
        with tracing.span(span, {REQUEST_ID_ATTRIBUTE: current_request_id.get()}):
            return method(*args, **kwargs)

    return spanned


_SERVER_SPAN = "engineering_api.server_span"
"""Where the request's span waits in the ASGI scope until routing has named the route."""


def request_span_plugin() -> Any:
    """Litestar's OpenTelemetry plugin for the request span: named ``<method> <route template>`` (never the raw path,
    which carries project and block names: ``<method>`` alone for a request no route matched), with the request id."""
    from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

    from engineering_api.lib.observability import UNMATCHED_ROUTE, current_request_id, route_of

    def name(scope: Any) -> tuple[str, dict[str, Any]]:
        return str(scope.get("method", scope["type"])), {}

    def started(span: Any, scope: Any) -> None:
        scope[_SERVER_SPAN] = span
        request_id = current_request_id.get()
        if request_id is not None and span.is_recording():
            span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)

    def answered(_: Any, scope: Any, message: Any) -> None:
        span = scope.get(_SERVER_SPAN)
        if message.get("type") != "http.response.start" or span is None or not span.is_recording():
            return
        route = route_of(scope)
        if route != UNMATCHED_ROUTE:
            span.update_name(f"{scope['method']} {route}")
            span.set_attribute("http.route", route)

    return OpenTelemetryPlugin(OpenTelemetryConfig(
        scope_span_details_extractor=name, server_request_hook_handler=started,
        client_response_hook_handler=answered, exclude_spans=["receive"]))
