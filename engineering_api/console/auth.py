"""Signing in and out of the console, the guard of every console page, and the console's audit records.

The console's routes are public to the REST guard (they carry no X-API-Key): this guard authenticates them by the
session cookie instead, with the REST roles (a read needs viewer, a change engineer) and the REST rate limits, and
every change made from the console is audited here, by the key behind the session.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, cast

from litestar.enums import MediaType
from litestar import Request, post
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, TooManyRequestsException
from litestar.response import Redirect, Template

from engineering_api.console.session import COOKIE, SessionStore
from engineering_api.lib.forwarded import client_address
from engineering_api.lib.middleware import required_role
from engineering_api.lib.security import Role
from engineering_api.services import services_of

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

    from engineering_api.services import Services

__all__ = ("CSRF_COOKIE", "audit", "audit_completion", "console_guard", "sessions_of", "sign_in", "sign_out")

_SESSIONS = "console.sessions"
CSRF_COOKIE = "console_csrf"
"""The cookie of Litestar's CSRF middleware (configured in :mod:`engineering_api.console`)."""
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RECORD = "audit_record"
"""Where the guard keeps the id of a change's audit record for :func:`audit` (the request's state)."""


def sessions_of(services: Services) -> SessionStore:
    """The console's session store (one per service container)."""
    store = services.notes.get(_SESSIONS)
    if store is None:
        store = services.notes[_SESSIONS] = SessionStore(services.db,
                                                         services.settings.console_session_hours * 3600)
    return store


def _client(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The client's address (behind a trusted proxy, the one it forwarded), for the audit and the sign-in limit."""
    return client_address(connection.scope, services_of(connection).settings.trusted_proxies) or ""


def console_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Admit a request with a live session whose key has the role the route needs.

    Raises:
        NotAuthorizedException: no session (the page answers with the sign-in form).
        PermissionDeniedException: the key's role is too low.
        TooManyRequestsException: the key is past its rate limit (shared with its REST calls).
    """
    if handler.opt.get("console_public"):
        return
    services = services_of(connection)
    found = sessions_of(services).resolve(connection.cookies.get(COOKIE))
    if found is None:
        raise NotAuthorizedException("Sign in with an API key")
    session, principal = found
    connection.scope["user"] = principal
    connection.scope["auth"] = session.session_id
    connection.state.console_session = session
    method = cast("HTTPScope", connection.scope)["method"]  # the console's routes are all HTTP
    if method not in _SAFE_METHODS and not secrets.compare_digest(
            connection.cookies.get(CSRF_COOKIE, "").encode(), session.csrf_cookie.encode()):
        # Litestar's CSRF check pairs the form's token with the browser's CSRF cookie; this pairs that cookie with
        # the session, so a token and cookie planted from another session are refused.
        raise PermissionDeniedException("The form's CSRF token does not belong to this session; reload the page.")
    per_minute = services.settings.rate_limit_per_minute
    if services.limiter.requests.take(principal.key_id, per_minute):
        raise TooManyRequestsException(f"Rate limit of {per_minute} requests per minute exceeded")
    role = handler.opt.get("console_role")
    needed = Role(role) if role else required_role(method, {})
    if needed is not None and not principal.role.allows(needed):
        raise PermissionDeniedException(
            f"This needs the {needed.value} role; you signed in with a {principal.role.value} key")
    if method not in _SAFE_METHODS and handler.opt.get("console_audit") is not False:
        # As on REST: a change's record is written before it runs, and one whose record cannot be written does
        # not run (AuditLog.begin raises DatabaseUnavailableError or InsufficientStorageError, saying so).
        connection.state[_RECORD] = services.audit.begin(
            method=method, path=connection.url.path, key_id=principal.key_id, role=principal.role.value,
            client=_client(connection), via="console", session_id=session.session_id)


def audit_completion(app: ASGIApp) -> ASGIApp:
    """Complete the record of a console change its handler did not complete with :func:`audit` (an unexpected
    exception, Litestar's 400 for a malformed form), with the status sent, 500 when none was: as the REST
    middleware does, so no change's record stays "started". It runs outside the route's exception handler, so
    it sees the status a raised exception was answered with."""

    async def complete(scope: Scope, receive: Receive, send: Send) -> None:
        sent = {"status": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            record_id = (scope.get("state") or {}).pop(_RECORD, None)  # the handler's audit() popped it: done
            if record_id is not None:
                request: Request[Any, Any, Any] = Request(scope)
                services_of(request).audit.finish(record_id, status=sent["status"], job_id=None,
                                                  call=f"{request.method} {request.url.path}")

    return complete


def audit(request: Request[Any, Any, Any], status: int, *, job_id: str | None = None,
          outcome: str | None = None) -> None:
    """Complete the record of a console change with how it ended (the guard wrote it before the change ran), or
    record a refused change, like a REST call; never raises, as the answer is decided (AuditLog's rule)."""
    services = services_of(request)
    record_id = request.state.pop(_RECORD, None)
    if record_id is not None:
        services.audit.finish(record_id, status=status, job_id=job_id, outcome=outcome,
                              call=f"{request.method} {request.url.path}")
        return
    who = request.scope.get("user")
    services.audit.record_refusal(
        method=request.method, path=request.url.path, status=status, key_id=who.key_id if who else None,
        role=who.role.value if who else None, client=_client(request), job_id=job_id, via="console",
        session_id=request.scope.get("auth") if isinstance(request.scope.get("auth"), str) else None,
        outcome=outcome,
    )


@post("/console/signin", opt={"console_public": True}, status_code=303)
async def sign_in(request: Request[Any, Any, Any]) -> Any:
    """Trade an API key for a session cookie (HttpOnly, SameSite=Strict); the key itself is never stored."""
    services = services_of(request)
    form = await request.form()
    presented = str(form.get("apiKey") or "").strip()
    address = _client(request)
    budget = services.settings.auth_failures_per_minute
    # A valid key is always served, as on REST: the address's budget of wrong keys cannot lock out its right one.
    principal = services.keys.verify(presented) if presented else None
    if principal is None:
        wait = services.limiter.auth_failures.wait(address, budget)
        if wait:
            audit(request, 429)
            return Template("signin.html", media_type=MediaType.HTML, status_code=429,
                            context={"error": f"Too many failed sign-ins from this address; retry in {wait} s."})
        if presented:
            services.limiter.auth_failures.take(address, budget)
        services.audit.count_refusal(method="POST", path=request.url.path, status=401, key_id=None, role=None,
                                     client=address)
        return Template("signin.html", media_type=MediaType.HTML, status_code=401,
                        context={"error": "That API key is not valid."})
    token = sessions_of(services).create(principal, request.cookies.get(CSRF_COOKIE, ""))
    response = Redirect("/console/project", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


@post("/console/signout", status_code=303, opt={"console_role": "viewer", "console_audit": False})
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    """End the session on the server (the cookie is worthless after) and clear it in the browser."""
    sessions_of(services_of(request)).revoke(request.cookies.get(COOKIE))
    response = Redirect("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
