"""The wire contract: the success envelope, the error body and the one error-to-HTTP mapping.

Success: ``{success: true, message, data, timestamp}``. Errors: a real HTTP status and an RFC 9457
problem document that also carries ``success: false``, ``message`` and a stable ``code``, so both
T-IA Connect clients (which read ``message``) and problem-details clients are served.

Every route documents its error answers with :func:`problem_responses` (``responses=problem_responses(...)`` on
a Litestar route decorator): the statuses the guard middleware and Litestar answer for any route of that kind
(Host check, Origin, key, role, rate limit, body limit, malformed body, validation) plus the route's own
domain errors, all as ``application/problem+json`` with :class:`ErrorBody`. New hand-written routes use it
too, so the OpenAPI document names every status a route can answer.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec
from litestar import Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.exceptions import ValidationException as LitestarValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from engineering_api.backend import errors as domain
from engineering_api.errors import codes
from engineering_api.errors.registry import note_code, type_uri
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.segment_slash import shown_path

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from litestar import Request
    from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = (
    "ALL_DOMAIN_ERRORS",
    "BODY_TOO_LARGE",
    "ErrorBody",
    "PROBLEM_JSON",
    "envelope_type",
    "error_response",
    "exception_handlers",
    "ok",
    "problem_responses",
    "send_problem",
    "status_for",
)

logger = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"

_STATUS: dict[type[domain.EngineeringError], int] = {
    domain.NotFoundError: 404,
    domain.AlreadyExistsError: 409,
    domain.ConflictError: 409,
    domain.ValidationError: 422,
    domain.LockedError: 423,
    domain.BusyError: 409,
    domain.PermissionDeniedError: 403,
    domain.NotSupportedError: 501,
    domain.PortalUnavailableError: 503,
    domain.DatabaseUnavailableError: 503,
    domain.OperationTimeoutError: 504,
    domain.OperationCanceledError: 409,
    domain.InsufficientStorageError: 507,
}

ALL_DOMAIN_ERRORS: tuple[type[domain.EngineeringError], ...] = tuple(_STATUS)
"""Every mapped domain error, for routes that run any operation (``execute-sync``)."""

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    421: "Misdirected Request",
    422: "Unprocessable Content",
    423: "Locked",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    507: "Insufficient Storage",
}

_HTTP_CODES = {
    400: codes.BAD_REQUEST,
    401: codes.UNAUTHORIZED,
    403: codes.FORBIDDEN,
    404: codes.ROUTE_NOT_FOUND,
    405: codes.METHOD_NOT_ALLOWED,
    413: codes.BODY_TOO_LARGE,
    415: codes.UNSUPPORTED_MEDIA_TYPE,
    422: codes.VALIDATION_FAILED,
    429: codes.RATE_LIMITED,
    500: codes.INTERNAL_ERROR,
    503: codes.SERVICE_UNAVAILABLE,
}


def status_for(error: domain.EngineeringError) -> int:
    """The HTTP status of a domain error (the nearest mapped class in its MRO)."""
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return HTTP_500_INTERNAL_SERVER_ERROR


class ErrorBody(CamelStruct, omit_defaults=True):
    """Error body: RFC 9457 fields plus the T-IA Connect envelope fields."""

    success: bool
    message: str
    code: str
    type: str
    title: str
    status: int
    detail: str
    instance: str
    timestamp: str
    errors: list[dict[str, Any]] | None = None
    details: dict[str, Any] | None = None
    job_id: str | None = None


def error_body(
    status: int, code: str, message: str, *, instance: str = "", details: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None, job_id: str | None = None,
) -> ErrorBody:
    """Build an error body (its code noted against the registry, :func:`~engineering_api.errors.registry.note_code`)."""
    note_code(code)
    return ErrorBody(
        success=False,
        message=message,
        code=code,
        type=type_uri(code),
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=message,
        instance=shown_path(instance),
        timestamp=utc_now(),
        errors=errors,
        details=details or None,
        job_id=job_id,
    )


def error_response(
    status: int, code: str, message: str, *, instance: str = "", details: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None, job_id: str | None = None,
) -> Response[ErrorBody]:
    """An error response with the problem+json media type."""
    body = error_body(status, code, message, instance=instance, details=details, errors=errors, job_id=job_id)
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def send_problem(
    send: Send, status: int, code: str, message: str, path: str, headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Answer an error through raw ASGI (middleware, before a handler runs); returns ``status``."""
    body = msgspec.json.encode(error_body(status, code, message, instance=path, details=details))
    raw_headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return status


def _domain_handler(request: Request[Any, Any, Any], exc: domain.EngineeringError) -> Response[ErrorBody]:
    return error_response(
        status_for(exc), exc.code, exc.message, instance=request.url.path, details=exc.details or None
    )


def _http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
    status = exc.status_code
    errors = None
    message = exc.detail
    if isinstance(exc, LitestarValidationException):
        status = 422
        errors = exc.extra if isinstance(exc.extra, list) else None
        message = _validation_message(exc)
    elif isinstance(exc, NotAuthorizedException):
        message = exc.detail if exc.detail != "Unauthorized" else "A valid X-API-Key header is required"
    elif isinstance(exc, PermissionDeniedException) and exc.detail == "Forbidden":
        message = "Your API key's role does not allow this operation"
    code = (exc.extra or {}).get("code") if isinstance(exc.extra, dict) else None
    return error_response(
        status,
        code or _HTTP_CODES.get(status, f"HTTP_{status}"),
        message,
        instance=request.url.path,
        errors=errors,
        headers=exc.headers,
    )


def _validation_message(exc: LitestarValidationException) -> str:
    if isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0]
        if isinstance(first, dict):
            key = first.get("key") or ""
            text = first.get("message") or exc.detail
            return f"invalid request: {key}: {text}" if key else f"invalid request: {text}"
    return f"invalid request: {exc.detail}"


def _unexpected_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    if domain.is_storage_full(exc):  # a full disk is named, with the path, not an internal error
        return _domain_handler(request, domain.InsufficientStorageError.at(getattr(exc, "filename", None)))
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, codes.INTERNAL_ERROR, "Internal server error; see the server log",
                          instance=request.url.path)


def exception_handlers() -> dict[type[Exception] | int, Any]:
    """Handlers for the app layer: every error becomes the same body."""
    return {
        domain.EngineeringError: _domain_handler,
        HTTPException: _http_handler,
        Exception: _unexpected_handler,
    }


@lru_cache(maxsize=None)
def envelope_type(data_type: Any, name: str) -> type[msgspec.Struct]:
    """A named success-envelope Struct whose ``data`` is typed, so OpenAPI shows the real payload."""
    return msgspec.defstruct(
        name,
        [("success", bool), ("message", str), ("data", data_type), ("timestamp", str)],
        kw_only=True,
    )


DataT = TypeVar("DataT")


class Envelope(msgspec.Struct, Generic[DataT], kw_only=True):
    """The success envelope. A route's answer type names its payload as a one-line subclass,
    ``class ListBlocksResponse(Envelope[list[BlockInfo]]): ...``: a named OpenAPI component whose ``data`` is the
    real payload (:class:`~engineering_api.web._litestar.struct_schemas.DocumentedStructSchemas` resolves the
    parameter)."""

    success: bool
    message: str
    data: DataT
    timestamp: str


_ENCODER = msgspec.json.Encoder()


class EnvelopeResponse(Response[Any]):
    """A success envelope, encoded once when built.

    Litestar's generic Response path (content negotiation, type encoders, header objects) costs more
    than the rest of a fast read; the envelope is always the same msgspec Struct, so it skips that, and its
    ASGI side (:func:`_send_envelope`) is two messages. Routes declare no layered headers or cookies of their
    own, so merging is kept minimal.
    """

    status_code: int
    """Always set here (Litestar's Response allows None for "the handler's default")."""

    body: bytes
    """The encoded envelope (its length decides whether a gzip client gets it compressed:
    web/_litestar/direct_route.py)."""

    def __init__(self, body: bytes, *, status_code: int, headers: dict[str, str] | None) -> None:
        self.body = body
        self.status_code = status_code
        self._extra = headers

    # Litestar only calls the answer as an ASGI app; a full ASGIResponse is the cost this class exists to skip.
    def to_asgi_response(  # type: ignore[override]  # returns a lighter ASGI app (see above)
        self, app: Any, request: Any, *, headers: dict[str, str] | None = None, **_: Any
    ) -> ASGIApp:
        merged = {**headers, **(self._extra or {})} if headers else self._extra
        raw = [(b"content-type", b"application/json"), (b"content-length", str(len(self.body)).encode())]
        if merged:
            raw += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in merged.items()]
        # a partial of the sending coroutine function: one call per answer (an object with __call__ cost two)
        return partial(_send_envelope, self.body, self.status_code, raw)


async def _send_envelope(body: bytes, status: int, headers: list[tuple[bytes, bytes]], scope: Scope,
                         receive: Receive, send: Send) -> None:
    """The ASGI side of an :class:`EnvelopeResponse`: start and body, nothing to negotiate (no body for HEAD)."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body,
                "more_body": False})


def ok(
    data: Any = None, message: str = "OK", *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response[Any]:
    """A success response in the envelope."""
    body = _ENCODER.encode(Envelope(success=True, message=message, data=data, timestamp=utc_now()))
    return EnvelopeResponse(body, status_code=status_code, headers=headers)


_PUBLIC_ANSWERS = {
    403: "Foreign Origin header (not in corsOrigins)",
    421: "Host header not in allowedHosts (DNS rebinding guard)",
    500: "Unexpected server error (a bug; the server log has the details)",
}
"""What the guard middleware and the app answer on any route, with or without a key."""
_KEYED_ANSWERS = {
    401: "Missing or invalid X-API-Key",
    429: "Rate limit exceeded (Retry-After and X-RateLimit-Reset say when to retry)",
}
_INPUT_ANSWERS = {
    400: "Malformed request (a body that is not JSON, invalid UTF-8 or nested too deep)",
    422: "Invalid input",
}
BODY_TOO_LARGE = "Request body too large"
_WORKER_ANSWERS = {
    503: "No TIA Portal attached, or it stopped answering",
    504: "The TIA call timed out",
}


def problem_responses(
    role: str | None,
    *,
    body: bool = False,
    params: bool = False,
    worker: bool = False,
    errors: Iterable[type[domain.EngineeringError]] = (),
    extra: Mapping[int, str] | None = None,
) -> dict[int, ResponseSpec]:
    """The ``application/problem+json`` answers of a route, for the ``responses=`` of its decorator.

    Args:
        role: the role the route needs (``viewer``, ``engineer``, ``admin``); None for a public route.
        body: the route reads a JSON body (400 malformed, 413 too large, 422 invalid).
        params: the route takes path or query parameters (400 malformed, 422 invalid).
        worker: the route calls TIA on the worker thread (503 no portal, 504 timeout).
        errors: the domain errors the route raises, each under its status with its docstring's first line.
        extra: further statuses with their descriptions.
    """
    return dict(_problem_answers(role, body, params, worker, tuple(errors), tuple((extra or {}).items())))


@cache
def _problem_answers(
    role: str | None, body: bool, params: bool, worker: bool, errors: tuple[type[domain.EngineeringError], ...],
    extra: tuple[tuple[int, str], ...],
) -> tuple[tuple[int, ResponseSpec], ...]:
    """:func:`problem_responses`' answers, made once per distinct route (the ~400 derived routes have ~140; each
    made took ~20 us of the start, issue 71). Litestar reads a route's response specs, never changes them: routes
    share them, each with a dict of its own."""
    answers: dict[int, list[str]] = {}

    def add(status: int, text: str) -> None:
        texts = answers.setdefault(status, [])
        if text not in texts:
            texts.append(text)

    for status, text in _PUBLIC_ANSWERS.items():
        add(status, text)
    if role is not None:
        for status, text in _KEYED_ANSWERS.items():
            add(status, text)
        if role != "viewer":
            add(403, f"The key's role is below {role}")
    if body:
        add(413, BODY_TOO_LARGE)
    if params or body:  # Litestar documents a 400 of its own (as application/json) for any route with input
        for status, text in _INPUT_ANSWERS.items():
            add(status, text)
    if worker:
        for status, text in _WORKER_ANSWERS.items():
            add(status, text)
    for error in errors:
        add(status_for(error("")), (error.__doc__ or error.__name__).strip().splitlines()[0])
    for status, text in extra:
        add(status, text)
    return tuple(
        (status, ResponseSpec(
            data_container=ErrorBody, description="; ".join(texts), media_type=PROBLEM_JSON, generate_examples=False,
        ))
        for status, texts in sorted(answers.items())
    )
