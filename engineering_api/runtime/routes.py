"""The runtime API's routes under ``/api/runtime``: users (engineering admin key), login, tags (bearer token).

Routes with ``opt["runtime"]`` take a runtime user's ``Authorization: Bearer`` token instead of an API key; the
guard middleware (:mod:`engineering_api.lib.middleware`) checks it and the role named there (``any`` for every
logged-in user, ``login`` for the login itself, which needs no token). Bulk reads change nothing and are not
audited; every write is, with the runtime user as the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from engineering_api.lib.forwarded import client_address
from engineering_api.lib.responses import Envelope, error_body, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import (
    SECTION,
)
from engineering_api.runtime.call_routes import (
    BEARER, bearer_responses, runtime_from,
)
from engineering_api.runtime.schemas import (
    CurrentUser,
    LoginAnswer,
    LoginRequest,
)
from engineering_api.runtime.service import LoginRefused, principal_of

if TYPE_CHECKING:
    pass

__all__ = ("ROUTES", "RuntimeAuthController")

def _client(request: Request[Any, Any, Any]) -> str | None:
    """The client's address (behind a trusted proxy, the one it forwarded), for the login limit by address."""
    return client_address(request.scope, request.app.state.services.settings.trusted_proxies)


class RuntimeLoginResponse(Envelope[LoginAnswer]): ...


class RuntimeCurrentUserResponse(Envelope[CurrentUser]): ...


class LoggedOut(CamelStruct):
    """Nothing more to say: the session of the token has ended (``data`` is null)."""


# data is always null; declared "LoggedOut or null", since a bare "type": "null" schema makes openapi-generator's
# python target refuse the whole document.
class RuntimeLogoutResponse(Envelope[LoggedOut | None]): ...


class RuntimeAuthController(Controller):
    """Runtime sessions: login, logout, the current user."""

    tags = [SECTION]
    path = "/api/runtime"

    # Not an operation: it is the authentication itself (no key or token yet), and its answer is a secret.
    @post("/auth/login", operation_id="RuntimeLogin", opt={"runtime": "login"}, sync_to_thread=True,
          security=[{}], status_code=200,
          responses=problem_responses(None, body=True, extra={
              401: "Wrong user name or password",
              429: "Too many failed logins for this user name or from this address (Retry-After says when)"}))
    def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest]) -> Response[RuntimeLoginResponse]:
        """Log a runtime user in: a bearer token and its expiry (401 wrong credentials, 429 too many failures)."""
        try:
            user, token, expires_at = runtime_from(request).login(data.username, data.password, _client(request))
        except LoginRefused as refused:
            r = refused.refusal
            problem: Response[Any] = Response(
                error_body(r.status, r.code, r.message, instance=request.url.path), status_code=r.status,
                media_type="application/problem+json", headers=r.headers,
            )
            return problem
        return ok(LoginAnswer(token=token, expires_at=expires_at, user=user), f"{user.username} logged in")

    # Not an operation (logout, current user): they act on the presented token's own session.
    @post("/auth/logout", operation_id="RuntimeLogout", opt={"runtime": "any"}, security=BEARER, status_code=200,
          responses=bearer_responses(None))
    async def logout(self, request: Request[Any, Any, Any]) -> Response[RuntimeLogoutResponse]:
        """End the session of the presented token."""
        _scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        runtime_from(request).users.end_session(token.strip())
        return ok(None, "logged out")

    @get("/users/current", operation_id="GetRuntimeCurrentUser", opt={"runtime": "any"}, security=BEARER,
         responses=bearer_responses(None))
    async def current_user(self, request: Request[Any, Any, Any]) -> Response[RuntimeCurrentUserResponse]:
        """The runtime user of the presented token, with its roles and the token's expiry."""
        p = principal_of(request.scope)
        return ok(CurrentUser(user_id=p.user_id, username=p.username, roles=sorted(p.roles), expires_at=p.expires_at))


ROUTES = (RuntimeAuthController,)
"""The runtime API's controllers, for :func:`engineering_api.app.create_app`."""
