"""Request ids and the access log: what ties a request to the job it starts and to the server's log lines.

Every HTTP request gets an id: the client's ``X-Request-ID`` when it is well-formed (1-128 characters of
``A-Z a-z 0-9 . _ : -``, what proxies and tracing systems send), else a new one (32 hex digits: a random prefix
drawn once per process, then a counter; an id correlates, it grants nothing, so it need not be unguessable, and
drawing 16 random bytes per request was a system call on every request). The id is echoed in the
response's ``X-Request-ID``, stored on a job the request starts (``requestId`` on the job), and set on every log
record made while the request is served (``record.request_id``). With ``accessLog: json`` the server writes one
JSON line per request to the ``engineering_api.access`` logger: method, route template (never the raw path,
which may carry project and block names), status, duration, key id (never the key), request id and the client's
address (behind a trusted proxy, the address it forwarded: :func:`engineering_api.lib.forwarded.client_address`).
"""

from __future__ import annotations

import contextvars
import itertools
import json
import logging
import os
import re
import sys
import time
from typing import TYPE_CHECKING, Any, TypeVar

from litestar.enums import ScopeType

from engineering_api.errors import codes
from engineering_api.lib.encoded_paths import INVALID_PATH_MESSAGE, path_refused
from engineering_api.lib.forwarded import client_address
from engineering_api.lib.head_requests import head_answer
from engineering_api.lib.responses import send_problem

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

    from engineering_api.config import Settings

__all__ = (
    "ACCESS_LOGGER",
    "REQUEST_ID_HEADER",
    "UNMATCHED_ROUTE",
    "carrying_request_id",
    "configure_logging",
    "current_request_id",
    "install_request_id_records",
    "observe_requests",
    "request_id_from",
    "route_of",
    "run_attached",
    "well_formed_request_id",
)

REQUEST_ID_HEADER = "X-Request-ID"
ACCESS_LOGGER = "engineering_api.access"
UNMATCHED_ROUTE = "<unmatched>"
"""The route label of a request no route matched (a 404): the raw path would make one label per guess."""

_HEADER_NAME = REQUEST_ID_HEADER.lower().encode()
_WELL_FORMED = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
"""An incoming id is taken only when it is short and made of characters safe in a header, a URL and a log line."""

T = TypeVar("T")
Token = TypeVar("Token")

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "engineering_api_request_id", default=None)
"""The id of the request being served (None outside a request)."""

_id_prefix = ""
_FIRST_NUMBER = 1 << 64
"""Numbers count from here: ``hex(n)[3:]`` is then n's last 16 hex digits, zero-padded (``f"{n:016x}"`` parses a
format on every request and costs three times as much)."""
_id_numbers = itertools.count(_FIRST_NUMBER)


def _start_ids() -> None:
    """A new prefix and counter: at import, and in a forked child (which must not repeat its parent's ids)."""
    global _id_prefix, _id_numbers
    _id_prefix, _id_numbers = os.urandom(8).hex(), itertools.count(_FIRST_NUMBER)


_start_ids()
os.register_at_fork(after_in_child=_start_ids)


def request_id_from(headers: Any) -> str:
    """The client's well-formed ``X-Request-ID`` from ASGI ``headers``, else a new id (32 hex digits, unique in
    this process and, by its random prefix, across processes)."""
    for name, value in headers:
        if name == _HEADER_NAME:
            if _WELL_FORMED.fullmatch(value):
                return str(value.decode("ascii"))
            break
    return _id_prefix + hex(next(_id_numbers))[3:]


def well_formed_request_id(value: str) -> bool:
    """Whether ``value`` may be taken as a request id (what :func:`request_id_from` accepts from a client)."""
    return _WELL_FORMED.fullmatch(value.encode("utf-8", "replace")) is not None


def carrying_request_id(fn: Callable[[], T]) -> Callable[[], T]:
    """``fn``, run with the current request's id wherever it runs (the TIA worker thread has a context of its
    own, so the records a call logs there would otherwise name no request)."""
    request_id = current_request_id.get()
    return run_attached(fn, lambda: current_request_id.set(request_id), current_request_id.reset)


def run_attached(
    fn: Callable[[], T], attach: Callable[[], Token], detach: Callable[[Token], object],
) -> Callable[[], T]:
    """``fn``, run between ``attach()`` and ``detach`` of the token it returned: how a context captured on one thread
    (the request id here, the trace context in :mod:`engineering_api.lib.tracing`) goes with a call to another."""

    def carried() -> T:
        token = attach()
        try:
            return fn()
        finally:
            detach(token)

    return carried


def install_request_id_records() -> None:
    """Make every log record carry ``request_id`` (None outside a request), so a formatter can show it.

    Installed once per process; it wraps whatever record factory is in place.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id.get()
        return record

    setattr(factory, "adds_request_id", True)  # a mark on a function, read by getattr above
    logging.setLogRecordFactory(factory)


_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def configure_logging(level: str | None) -> None:
    """The process's log at ``level`` on stderr, each line with its record's request id (None outside a
    request); None leaves logging as it is. For ``serve`` and ``agent`` (``logLevel``, ``--log-level``), not for
    an app a test builds. Called again, it changes the level only."""
    if level is None:
        return
    install_request_id_records()
    root = logging.getLogger()
    if not any(getattr(handler, "engineering_api_log", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_LOG_FORMAT, defaults={"request_id": "-"}))
        setattr(handler, "engineering_api_log", True)  # a mark on a handler, read by getattr above
        root.addHandler(handler)
    root.setLevel(level)


def _access_logger() -> logging.Logger:
    """The access logger, writing bare JSON lines to stderr (set up once; a handler already given to it, e.g. by
    the process's logging configuration, is used instead). Its lines are INFO records whatever the root logger's
    level is."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False  # a line of its own, not again through the root logger's text format
    logger.setLevel(logging.INFO)
    return logger


def observe_requests(
    app: ASGIApp, settings: Settings, observe: Callable[[str, str, int, float], None],
) -> ASGIApp:
    """``app`` with request ids, the access log (when ``settings.access_log`` is ``json``) and ``observe`` called
    with each HTTP request's method, route template (after routing: :func:`route_of`), status and duration in
    seconds (:meth:`engineering_api.lib.metrics.Metrics.observe`). Nothing is computed for an access log that is
    off. The path is checked here too, before routing (:func:`engineering_api.lib.encoded_paths.path_refused`):
    one wrapper around Litestar's handler, not one per concern."""
    access = _access_logger() if settings.access_log == "json" else None
    clock = time.perf_counter
    set_id, reset_id = current_request_id.set, current_request_id.reset

    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_id = request_id_from(scope["headers"])
        echoed = (_HEADER_NAME, request_id.encode())
        token = set_id(request_id)
        started = clock()
        status = 500  # what the client gets if the app fails before it answers

        def answer(message: Message) -> Awaitable[None]:
            # A plain function handing on send's awaitable: no coroutine of its own for each message.
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            return send(message)

        try:
            raw_path = scope.get("raw_path")
            # most paths hold no escape; find, not `in` (which raises and clears a TypeError: lib/middleware.py)
            sent: Send = answer
            if scope["method"] == "HEAD":  # an answer without content, whoever makes it (lib/head_requests.py)
                receive, sent = head_answer(receive, answer)
            if (raw_path is None or raw_path.find(b"%") >= 0) and path_refused(scope):
                await send_problem(sent, 400, codes.INVALID_PATH, INVALID_PATH_MESSAGE, "")
            else:
                await app(scope, receive, sent)
        finally:
            elapsed = clock() - started
            reset_id(token)
            http = scope  # an HTTP scope: the check above returned for the others
            observe(http["method"], http.get("path_template") or UNMATCHED_ROUTE, status, elapsed)
            if access is not None:
                access.info(json.dumps({
                    "method": http["method"], "route": route_of(http), "status": status,
                    "durationMs": round(elapsed * 1000, 3), "keyId": http.get("auth"), "requestId": request_id,
                    "client": client_address(http, settings.trusted_proxies),
                }, separators=(",", ":")))

    return handler


def route_of(scope: HTTPScope) -> str:
    """The route template that served the request (``/api/jobs/{jobId}``), or :data:`UNMATCHED_ROUTE`."""
    return str(scope.get("path_template") or UNMATCHED_ROUTE)
