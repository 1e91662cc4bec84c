"""One ASGI middleware for the request guards: Host/Origin check, API key, role, rate limit, audit.

Doing them in one pass keeps the per-request overhead small; a TIA call already costs milliseconds,
the wrapper around it should cost microseconds. It is the route's one layer: the app's gzip and the runtime API's
XML answers are layers it puts around the route or around itself only for the requests they can change (see
:class:`GuardMiddleware`), so a plain read passes through no layer but this one.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

from litestar import Response
from litestar.enums import ScopeType
from litestar.middleware._internal.exceptions import ExceptionHandlerMiddleware  # Litestar exports no other name
from litestar.response.base import ASGIResponse

from engineering_api.errors import codes
from engineering_api.lib.audit import NOT_WRITTEN, AuditLog
from engineering_api.lib.caller import DEFAULT_SESSION, SESSION_HEADER, caller_id, current_caller
from engineering_api.web._litestar.direct_route import GzipLayer, direct_handlers
from engineering_api.lib.encoded_paths import SLASHES_KEPT, restore_slashes
from engineering_api.lib.forwarded import apply_forwarded_proto, client_address
from engineering_api.lib.idempotency import REPLAYED_HEADER, run_keyed
from engineering_api.lib.responses import send_problem, status_for
from engineering_api.lib.security import Principal, Role

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Request
    from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

    from engineering_api.config import Settings
    from engineering_api.lib.idempotency import IdempotencyKeys
    from engineering_api.services import Services

__all__ = ("GuardMiddleware", "host_name", "request_services", "required_role", "unknown_route_handler")


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REPLAYED = REPLAYED_HEADER.lower().encode()
_HOSTS_KEPT = 16
"""Allowed Host headers a guard remembers (per route handler; clients send one or two)."""

request_services: contextvars.ContextVar[Services] = contextvars.ContextVar("engineering_api_services")
"""The services of the app serving the request, set by the guard: a route handler that takes no request (a
listing, see engineering_api.web.routes) finds them here."""


def required_role(method: str, opt: dict[str, Any]) -> Role | None:
    """The role a route needs: its ``opt['role']``, else viewer for reads and engineer for writes.

    ``None`` means the route is public (``opt['public']``).
    """
    if opt.get("public"):
        return None
    role = opt.get("role")
    if role is not None:
        return Role(role)
    return Role.VIEWER if method in _READ_METHODS else Role.ENGINEER


class GuardMiddleware:
    """Rejects what must not reach a handler, and audits every mutating call.

    Litestar builds one instance per route handler, so nothing here may hold state that must be shared across
    routes: rate limits live on ``services.limiter``.

    It is the route's only middleware, and the other layers are made here, used only where they act:

    * ``gzip``, the app's compression, is put around the route and used only when the client accepts gzip (as a
      Litestar ``compression_config`` it was a layer every request of every route went through); a listing's
      direct call (web/_litestar/direct_route.py) asks this guard's gzip layer for its answer's ``send``, so a gzip
      client's read skips Litestar's steps too, and a small answer goes out on the client's own ``send``;
    * ``converted``, ``(path prefix, layer)``, is put around this guard for the requests under the prefix: the
      runtime API's XML answers (``/api/runtime``), which convert the guard's own refusals too;
    * Litestar puts its exception layer around the route as soon as a route has middleware, so that an error
      answer passes through the middleware's ``send`` wrappers. A request whose ``send`` this guard does not wrap
      (no audit, no ``Idempotency-Key``, no gzip) calls the route under it: an error is answered by the app's own
      exception layer, with the same handlers (the router names the route's) through the same ``send``. A
      listing's direct call skips that layer with or without gzip, so an error its handler raises is answered by
      the app's exception layer uncompressed (problem answers are far below the compression threshold).
    """

    def __init__(self, app: ASGIApp, services: Services, gzip: Callable[[ASGIApp], GzipLayer] | None = None,
                 converted: tuple[str, Callable[[ASGIApp], ASGIApp]] | None = None, *,
                 send_wrapped: bool = False) -> None:
        self.app = app
        """The route under Litestar's exception layer: for every request whose ``send`` is wrapped."""
        self._plain = app if send_wrapped or not isinstance(app, ExceptionHandlerMiddleware) else app.app
        """The route itself: for a request whose ``send`` is not wrapped (``send_wrapped``: a layer around this
        guard wraps every request's, so every request keeps the exception layer)."""
        self._gzip_layer = gzip
        self._gzip = gzip(app) if gzip is not None else None
        self._converted = converted
        self._converting: ASGIApp | None = None
        """``converted``'s layer around a guard of this route, made on the first request under its prefix."""
        self.services = services
        self._rules: dict[str, _RouteRule] = {}
        """What the guard does per method of its one route handler."""
        self._hosts: set[str] = set()
        """Host headers that passed the checks of :meth:`_host_allowed` under the settings :attr:`_hosts_of`."""
        self._hosts_of: Settings | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        converted = self._converted
        if converted is not None and scope["path"].startswith(converted[0]):
            await (self._converting or self._converting_layer())(scope, receive, send)
            return
        if SLASHES_KEPT in scope:  # a path with an escaped slash (rare): checked here, not by a call per request
            restore_slashes(scope)
        services = self.services
        request_services.set(services)
        settings = services.settings
        if settings.trusted_proxies:
            apply_forwarded_proto(scope, settings.trusted_proxies)
        host, origin, presented, session, gzip = _wanted_headers(scope["headers"])
        method = scope["method"]
        mutating = method not in _READ_METHODS

        if settings is not self._hosts_of or host not in self._hosts:
            if not await self._host_allowed(send, settings, host, scope["path"]):
                return
        if origin and origin not in settings.cors_origins and not _same_origin(origin, host):
            await send_problem(send, 403, codes.ORIGIN_NOT_ALLOWED, f"Origin {origin!r} is not allowed", scope["path"])
            return

        rule = self._rules.get(method) or self._rule_for(scope.get("route_handler"), method)
        runtime_role, needed = rule.runtime_role, rule.needed
        principal = None
        if runtime_role is not None and runtime_role != "login":
            # A runtime route (engineering_api.runtime): a runtime user's bearer token instead of an API key.
            principal = await self._bearer(scope, send, runtime_role, mutating, _client(scope, settings))
            if principal is None:
                return
            scope["user"] = principal
            scope["auth"] = principal.key_id
        elif needed is not None:
            # The checks of _authenticate, in line: a request that passes them awaits no coroutine of its own.
            principal = services.keys.verify(presented) if presented else None
            retry_after = services.limiter.requests.take(principal.key_id, settings.rate_limit_per_minute) \
                if principal is not None else 0
            if principal is None or retry_after or principal.role not in rule.allowed:
                await self._refuse(scope, send, presented, principal, retry_after, needed, mutating,
                                   _client(scope, settings))
                return
            scope["user"] = principal
            scope["auth"] = principal.key_id

        if principal is not None:
            # caller_id of the headers, read in the one pass above: most requests name no session.
            current_caller.set(DEFAULT_SESSION if session is None
                               else caller_id(principal.key_id, ((SESSION_HEADER, session),)))
        # An MCP transport's POSTs carry tool calls, which the tool layer audits one by one by tool name.
        gzipped = self._gzip if gzip else None
        if not mutating or not rule.audited and rule.idempotent is None:
            # no send of ours wraps it (see the class); a listing's handler is called directly
            # (web/_litestar/direct_route.py), with the gzip layer's send for a client that accepts gzip (browsers,
            # httpx and the vendor's client do)
            await ((rule.direct_gzip if gzip else rule.direct) or gzipped or self._plain)(scope, receive, send)
            return
        app = gzipped or self.app
        if rule.idempotent is not None and services.idempotency is not None:
            app = functools.partial(self._keyed, app, services.idempotency, rule.idempotent, settings.max_body_bytes)
        if not rule.audited:
            await app(scope, receive, send)
            return

        # The record is written before the call runs: a change whose record cannot be written does not run.
        path = scope["path"]
        client_addr = _client(scope, settings)
        try:
            record_id = services.audit.begin(
                method=method, path=path, key_id=principal.key_id if principal else None,
                role=_audit_role(principal), client=client_addr,
            )
        except NOT_WRITTEN as exc:  # the change does not run; the message says so
            await send_problem(send, status_for(exc), exc.code, exc.message, path, details=exc.details)
            return
        captured: dict[str, Any] = {"status": 500, "job_id": None, "replayed": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-job-id":
                        captured["job_id"] = value.decode("latin-1")
                    elif name.lower() == REPLAYED:
                        captured["replayed"] = True
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            # A dry run (``dryRun: true`` on a destructive route, see engineering_api.web.routes) changed nothing:
            # it is recorded as such, not as a change that succeeded or failed; nor did a retry answered from its
            # Idempotency-Key (engineering_api.lib.idempotency).
            outcome = None
            if scope.get("state", {}).get("dry_run"):
                outcome = "dry run" if captured["status"] < 400 else "dry run failed"
            elif captured["replayed"]:
                outcome = "replayed"
            # never raises: a completion the database refuses is logged, counted and written later (audit's rule)
            services.audit.finish(record_id, status=captured["status"], job_id=captured["job_id"], outcome=outcome,
                                  call=f"{method} {path}")

    @staticmethod
    async def _keyed(app: ASGIApp, store: IdempotencyKeys, operation: str, max_body: int, scope: Scope,
                     receive: Receive, send: Send) -> None:
        await run_keyed(app, store, operation, scope, receive, send, max_body=max_body)

    def _converting_layer(self) -> ASGIApp:
        """``converted``'s layer around a guard of this route without it (made once)."""
        assert self._converted is not None  # only asked for when there is one
        # the converting layer wraps send: an error must pass through it as an answer, so the inner guard keeps the
        # route's exception layer for every request (an error raised past it would be answered as JSON)
        self._converting = self._converted[1](
            GuardMiddleware(self.app, self.services, self._gzip_layer, send_wrapped=True))
        return self._converting

    async def _host_allowed(self, send: Send, settings: Settings, host: str, path: str) -> bool:
        """Whether the Host header names an allowed host; else False once the 400 or 421 has been sent. An
        allowed header is remembered until the settings change (a client sends one or two)."""
        name = host_name(host)
        if name is None:
            await send_problem(send, 400, codes.INVALID_HOST_HEADER,
                          f"Host {host!r} is not a host name or address with an optional port", path)
            return False
        if name not in _lower_case(settings.allowed_hosts):
            await send_problem(send, 421, codes.HOST_NOT_ALLOWED,
                               f"Host {host!r} is not allowed; see settings.allowedHosts", path)
            return False
        if settings is not self._hosts_of:
            self._hosts, self._hosts_of = set(), settings
        if len(self._hosts) < _HOSTS_KEPT:
            self._hosts.add(host)
        return True

    def _rule_for(self, handler: Any, method: str) -> _RouteRule:
        """The rule of a route and method, worked out on its first request and kept."""
        opt = handler.opt if handler is not None else {}
        runtime_role = opt.get("runtime")
        needed = None if runtime_role is not None else required_role(method, opt)
        # one check of the route for both clients; a gzip client's asks the guard's own gzip layer for its send
        direct, direct_gzip = direct_handlers(self._plain, method, self._gzip) or (None, None)
        rule = _RouteRule(
            runtime_role=runtime_role,
            needed=needed,
            allowed=frozenset(role for role in Role if needed is not None and role.allows(needed)),
            direct=direct,
            direct_gzip=direct_gzip,
            audited=opt.get("audit") is not False,
            idempotent=opt.get("idempotent"),
        )
        self._rules[method] = rule
        return rule

    @staticmethod
    def _audit(
        audit: AuditLog, mutating: bool, method: str, path: str, status: int, principal: Any, client: str | None,
        job_id: str | None, outcome: str | None = None,
    ) -> None:
        if not mutating:
            return
        audit.record_refusal(
            method=method, path=path, status=status, key_id=principal.key_id if principal else None,
            role=_audit_role(principal), client=client, job_id=job_id, outcome=outcome,
        )

    async def _bearer(self, scope: HTTPScope, send: Send, needed: str, mutating: bool, client: str | None) -> Any:
        """The runtime user of the request's bearer token with the runtime role ``needed``, or None once the
        401, 403 or 429 has been sent (refusals counted in the audit as for API keys)."""
        from engineering_api.runtime.service import Refusal, runtime_of  # the runtime package imports this one

        services = self.services
        settings = services.settings
        authorization = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None)
        handler = scope.get("route_handler")
        ticket = _ticket(scope) if authorization is None and handler is not None and handler.opt.get("ticket") else None
        if ticket is not None:  # a browser's EventSource cannot send a header (engineering_api.runtime.subscriptions)
            answer = runtime_of(services).check_ticket(
                str(scope.get("path_params", {}).get("subscriptionId", "")), ticket, needed, client,
                settings.rate_limit_per_minute, settings.auth_failures_per_minute)
        else:
            runtime = runtime_of(services)
            scheme, _, token = (authorization or "").strip().partition(" ")
            if runtime.oauth is not None and scheme.lower() == "bearer" and token.count(".") == 2:
                # an OAuth access token may need its issuer's keys: waited for here, on the loop, holding none of
                # the worker threads other requests need (one fetch shared by all, bounded: runtime.jwks)
                await runtime.oauth.wait_for_keys(token.strip())
            answer = runtime.check_bearer(authorization, needed, client, settings.rate_limit_per_minute,
                                          settings.auth_failures_per_minute, wait_for_issuer=False)
        if not isinstance(answer, Refusal):
            return answer
        method, path = scope["method"], scope["path"]
        status = await send_problem(send, answer.status, answer.code, answer.message, path, headers=answer.headers)
        if answer.caller is not None:  # a known user without the role: audited like a key's 403
            self._audit(services.audit, mutating, method, path, status, answer.caller, client, None)
        else:
            services.audit.count_refusal(method=method, path=path, status=status, key_id=None, role=None,
                                         client=client)
        return None

    async def _authenticate(
        self, scope: HTTPScope, send: Send, presented: str | None, needed: Role, mutating: bool, client: str | None
    ) -> Principal | None:
        """The caller's principal, or None once a 401, 403 or 429 has been sent (and audited).

        A valid key is always served, whatever else its address sent: one local process guessing keys must not
        lock everyone on the host out. Wrong keys past the address's budget get 429 instead of 401 (counted, not
        one audit row each); checking one costs a hash and an index lookup. A key's requests are limited across
        all routes before its role is checked, so a flood of 403s is limited too.
        """
        services = self.services
        principal = services.keys.verify(presented) if presented else None
        retry_after = services.limiter.requests.take(principal.key_id, services.settings.rate_limit_per_minute) \
            if principal is not None else 0
        if principal is not None and not retry_after and principal.role.allows(needed):
            return principal
        await self._refuse(scope, send, presented, principal, retry_after, needed, mutating, client)
        return None

    async def _refuse(
        self, scope: HTTPScope, send: Send, presented: str | None, principal: Principal | None, retry_after: int,
        needed: Role, mutating: bool, client: str | None,
    ) -> None:
        """Send and audit the refusal of a request that failed :meth:`_authenticate`'s checks: no valid key
        (``principal`` None), over its rate limit (``retry_after`` seconds) or without the ``needed`` role."""
        services = self.services
        settings = services.settings
        limiter = services.limiter
        method, path = scope["method"], scope["path"]
        if principal is None:
            if presented is not None:  # a guess; a missing key costs no hash and guesses nothing
                budget = settings.auth_failures_per_minute
                blocked_for = limiter.auth_failures.take(client or "", budget)
                if blocked_for:
                    await send_problem(
                        send, 429, codes.TOO_MANY_FAILED_AUTHENTICATIONS,
                        f"More than {budget} failed authentications a minute from this address; retry after "
                        f"{blocked_for} s with a valid X-API-Key",
                        path, headers=_retry_headers(blocked_for),
                    )
                    services.audit.count_refusal(method=method, path=path, status=429, key_id=None, role=None,
                                                 client=client)
                    return
            await send_problem(
                send, 401, codes.UNAUTHORIZED,
                "A valid X-API-Key header is required" if presented is None else "The API key is not valid", path,
            )
            services.audit.count_refusal(method=method, path=path, status=401, key_id=None, role=None, client=client)
            return
        # A valid key refused (over its rate limit, or without the role): the access log names its id, as it does for
        # the key's answered requests, so an operator sees whose key it was (the route does not run under it)
        scope["auth"] = principal.key_id
        if retry_after:
            per_minute = settings.rate_limit_per_minute
            await send_problem(
                send, 429, codes.RATE_LIMITED, f"Rate limit of {per_minute} requests per minute exceeded", path,
                headers=_retry_headers(retry_after),
            )
            if mutating:
                services.audit.count_refusal(
                    method=method, path=path, status=429, key_id=principal.key_id, role=principal.role.value,
                    client=client,
                )
            return
        status = await send_problem(
            send, 403, codes.FORBIDDEN,
            f"This operation needs the {needed.value} role; your key has the {principal.role.value} role", path,
        )
        self._audit(services.audit, mutating, method, path, status, principal, client, None)


@dataclass(frozen=True, slots=True)
class _RouteRule:
    """What the guard checks on one route and method (from the route handler's ``opt``)."""

    runtime_role: str | None
    """``opt['runtime']``: a runtime route's role for a bearer token (``login`` needs none), else None."""
    needed: Role | None
    """The API key role needed (:func:`required_role`); None on runtime and public routes."""
    allowed: frozenset[Role]
    """The roles that include :attr:`needed` (worked out once: every request asks)."""
    direct: ASGIApp | None
    """The route's handler called without Litestar's steps around it, when it needs none of them (a listing:
    :func:`engineering_api.web._litestar.direct_route.direct_handlers`), else None."""
    direct_gzip: ASGIApp | None
    """:attr:`direct` for a client that accepts gzip: the answer sent through the send the guard's gzip layer
    chooses for it (a small envelope: the client's own; an error raised by the handler reaches the app's
    exception layer as from :attr:`direct`), else None."""
    audited: bool
    """Whether a mutating call is audited here (an MCP transport's tool calls are audited by the tool layer)."""
    idempotent: str | None
    """``opt['idempotent']``: the inline call whose ``Idempotency-Key`` the guard keeps, else None."""


def unknown_route_handler(
    services: Services, answer: Callable[[Request[Any, Any, Any], Exception], Response[Any]]
) -> Callable[[Request[Any, Any, Any], Exception], Response[Any]]:
    """The app's handler for 404s: a path no route serves is answered like every route, key first.

    Litestar raises that 404 before any route's middleware runs, so the guard never sees it; without this an
    unknown path answers 404 to a caller with no key, and clients read that as "no such feature" where every
    known route says 401 (the VS Code client switches its telemetry off on 404). Without a valid key it is 401
    (or 429, counted like any failed authentication); with one, ``answer``'s 404. A 404 a route raised itself
    (``route_handler`` is set) passes through.
    """

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        response = answer(request, exc)
        if request.scope.get("route_handler") is not None:
            return response
        return _KeyFirst(response, services)

    return handle


class _KeyFirst(Response[Any]):
    """A 404 sent only after the caller's key passed the guard's check (viewer, the least role)."""

    def __init__(self, inner: Response[Any], services: Services) -> None:
        super().__init__(content=None, status_code=inner.status_code)
        self._inner = inner
        self._services = services

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> ASGIResponse:
        inner = self._inner.to_asgi_response(app, request, **kwargs)
        return _KeyFirstAnswer(inner, GuardMiddleware(inner, self._services))


class _KeyFirstAnswer(ASGIResponse):
    """:class:`_KeyFirst` as Litestar sends it: the inner answer, once the guard passed the caller's key."""

    def __init__(self, inner: ASGIResponse, guard: GuardMiddleware) -> None:
        super().__init__(status_code=inner.status_code)
        self._inner = inner
        self._guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("HTTPScope", scope)  # a 404 of a route lookup: an HTTP request's
        presented = _wanted_headers(http["headers"])[2]
        mutating = http["method"] not in _READ_METHODS
        client = _client(http, self._guard.services.settings)
        if await self._guard._authenticate(http, send, presented, Role.VIEWER, mutating, client):
            await self._inner(scope, receive, send)


def _audit_role(principal: Any) -> str | None:
    """The audit's role column: an API key's role, or a runtime user's roles (``runtime:read,write``)."""
    if principal is None:
        return None
    return principal.role.value if isinstance(principal, Principal) else getattr(principal, "audit_role", None)


def _retry_headers(seconds: int) -> dict[str, str]:
    return {"retry-after": str(seconds), "x-ratelimit-reset": str(int(time.time()) + seconds)}


def _ticket(scope: Any) -> str | None:
    """The ``ticket`` query parameter of a stream request, if any."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("ticket")
    return values[0] if values else None


def _wanted_headers(raw: Any) -> tuple[str, str | None, str | None, bytes | None, bool]:
    """Host, Origin, X-API-Key and X-Engineering-Session from the raw header list (ASGI names are lower-case
    bytes), and whether an Accept-Encoding names gzip (the gzip layer's own test, made in the same pass). ``find``,
    not ``in``: CPython's ``bytes.__contains__`` first tries its operand as an integer, and for bytes raises, formats
    and clears a TypeError (~1,850 instructions under callgrind, bench/instructions_read.py)."""
    host, origin, key, session, gzip = "", None, None, None, False
    for name, value in raw:
        if name == b"host":
            host = value.decode("latin-1")
        elif name == b"x-api-key":
            key = value.decode("latin-1")
        elif name == b"origin":
            origin = value.decode("latin-1")
        elif name == SESSION_HEADER:
            session = value
        elif name == b"accept-encoding" and value.find(b"gzip") >= 0:  # not `in`: see the docstring
            gzip = True
    return host, origin, key, session, gzip


def _client(scope: Any, settings: Settings) -> str | None:
    """The client's address, for the audit and the limit on failed authentications: behind a proxy named in
    ``trustedProxies``, the address it forwarded (``X-Forwarded-For``); else the peer's."""
    return client_address(scope, settings.trusted_proxies)


_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?::(?P<port>[0-9]{1,5}))?")
"""A Host header (RFC 9110, 7.2): a name, an IPv4 address or a bracketed IPv6 address, and an optional port. No
user information, path or second port: ``127.0.0.1:1@evil.example`` is no host of ours."""
_host_names: dict[str, str | None] = {}


def host_name(host: str) -> str | None:
    """The lower-case host name of a Host header without its port, or None when the header is malformed
    (host names are case-insensitive, RFC 9110, 4.2.3). Remembered per header value: clients send few."""
    try:
        return _host_names[host]
    except KeyError:
        pass
    match = _HOST.fullmatch(host)
    name = match["name"].lower() if match and int(match["port"] or 0) <= 65535 else None
    if len(_host_names) < 256:
        _host_names[host] = name
    return name


@functools.lru_cache(maxsize=8)
def _lower_case(hosts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(host.lower() for host in hosts)


def _same_origin(origin: str, host: str) -> bool:
    return origin.split("://", 1)[-1].rstrip("/") == host
