"""The runtime API's routes under ``/api/runtime``: users (engineering admin key), login, tags (bearer token).

Routes with ``opt["runtime"]`` take a runtime user's ``Authorization: Bearer`` token instead of an API key; the
guard middleware (:mod:`engineering_api.lib.middleware`) checks it and the role named there (``any`` for every
logged-in user, ``login`` for the login itself, which needs no token). Bulk reads change nothing and are not
audited; every write is, with the runtime user as the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from engineering_api.lib.forwarded import client_address
from engineering_api.lib.responses import Envelope, error_body, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import (
    RUNTIME_OPERATIONS, SECTION, NoInput, TagNamesRead, TagPageQuery, call_context,
)
from engineering_api.runtime.user_calls import (
    USER_OPERATIONS, RuntimeUserEdit, RuntimeUserId, TagByName, TagValueWrite,
)
from engineering_api.runtime.connection_routes import ConnectionController
from engineering_api.runtime.opcua_servers import OpcUaServerController
from engineering_api.runtime.schemas import (
    BulkRead,
    BulkWrite,
    CurrentUser,
    LoginAnswer,
    LoginRequest,
    NewRuntimeUser,
    RuntimeUserChange,
    TagList,
    TagValue,
    TagValueResult,
    ValueWrite,
)
from engineering_api.runtime.service import LoginRefused, RuntimeSettings, principal_of, runtime_of
from engineering_api.runtime.users import RuntimeUser

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = ("ROUTES", "RuntimeAuthController", "RuntimeTagController", "RuntimeUserController", "declared", "run_call")

_BEARER: list[dict[str, list[str]]] = [{"RuntimeBearer": []}]
_BEARER_ANSWERS = {
    401: "Missing, invalid or expired bearer token",
    429: "Too many requests for this runtime user, or failed authentications from this address",
}


def _bearer_responses(role: str | None, *, body: bool = False, params: bool = False,
                      errors: tuple[Any, ...] = ()) -> dict[int, Any]:
    extra = dict(_BEARER_ANSWERS)
    if role is not None:
        extra[403] = f"The runtime user lacks the {role} role"
    return problem_responses(None, body=body, params=params, errors=errors, extra=extra)


_CALLS: dict[str, Operation[Any, Any]] = {call.name: call for call in (*RUNTIME_OPERATIONS, *USER_OPERATIONS)}


def declared(name: str, *, body: bool = False, params: bool = False) -> dict[str, Any]:
    """The route options of the runtime call ``name`` from its declaration (:data:`RUNTIME_OPERATIONS`): the guard's
    ``opt`` (bearer token and runtime role, or the API key role), the security scheme and the documented answers."""
    call = _CALLS[name]
    if call.auth == "bearer":
        return {"opt": call.route_options(), "security": _BEARER,
                "responses": _bearer_responses(call.runtime_role, body=body, params=params, errors=call.errors)}
    return {"opt": call.route_options(),
            "responses": problem_responses(call.required_role.value, body=body, params=params, errors=call.errors)}


def run_call(request: Request[Any, Any, Any], name: str, data: Any) -> Any:
    """Run the runtime call ``name`` with ``data`` as its MCP tool does, in the name of the request's caller (the
    runtime user of a bearer route, else the API key)."""
    call = _CALLS[name]
    if call.auth == "bearer":
        caller = principal_of(request.scope).username
    else:
        key = request.scope.get("user")
        caller = f"apikey:{getattr(key, 'name', '')}"
    return call.handler(call_context(request.app.state.services, caller), data)


def _runtime(request: Request[Any, Any, Any]) -> RuntimeService:
    return runtime_of(request.app.state.services)


def _client(request: Request[Any, Any, Any]) -> str | None:
    """The client's address (behind a trusted proxy, the one it forwarded), for the login limit by address."""
    return client_address(request.scope, request.app.state.services.settings.trusted_proxies)


class ListRuntimeUsersResponse(Envelope[list[RuntimeUser]]): ...


class RuntimeUserResponse(Envelope[RuntimeUser]): ...


class RuntimeSettingsResponse(Envelope[RuntimeSettings]): ...


class RuntimeLoginResponse(Envelope[LoginAnswer]): ...


class RuntimeCurrentUserResponse(Envelope[CurrentUser]): ...


class RuntimeTagListResponse(Envelope[TagList]): ...


class RuntimeTagValueResponse(Envelope[TagValue]): ...


class RuntimeTagValuesResponse(Envelope[list[TagValueResult]]): ...


class LoggedOut(CamelStruct):
    """Nothing more to say: the session of the token has ended (``data`` is null)."""


# data is always null; declared "LoggedOut or null", since a bare "type": "null" schema makes openapi-generator's
# python target refuse the whole document.
class RuntimeLogoutResponse(Envelope[LoggedOut | None]): ...


class RuntimeUserController(Controller):
    """Runtime users and the runtime API's settings, managed with an engineering admin key."""

    tags = [SECTION]
    path = "/api/runtime"

    @get("/users", operation_id="ListRuntimeUsers", **declared("runtime.users.list"))
    async def list_users(self, request: Request[Any, Any, Any]) -> Response[ListRuntimeUsersResponse]:
        """Every runtime user by name; never a password or its hash."""
        return ok(run_call(request, "runtime.users.list", NoInput()))

    @post("/users", operation_id="CreateRuntimeUser", status_code=201, sync_to_thread=True,
          **declared("runtime.users.create", body=True))
    def create_user(self, request: Request[Any, Any, Any],
                    data: JSONBody[NewRuntimeUser]) -> Response[RuntimeUserResponse]:
        """Create a runtime user (ValidationError: weak password or bad name; AlreadyExistsError: name taken)."""
        user = run_call(request, "runtime.users.create", data)
        return ok(user, f"runtime user {user.username} created", status_code=201)

    @get("/users/{userId:str}", operation_id="GetRuntimeUser", **declared("runtime.users.get", params=True))
    async def get_user(self, request: Request[Any, Any, Any], userId: FromPath[str]) -> Response[RuntimeUserResponse]:
        """One runtime user (NotFoundError: no such user)."""
        return ok(run_call(request, "runtime.users.get", RuntimeUserId(user_id=userId)))

    @patch("/users/{userId:str}", operation_id="UpdateRuntimeUser", sync_to_thread=True,
           **declared("runtime.users.update", body=True, params=True))
    def update_user(
        self, request: Request[Any, Any, Any], userId: FromPath[str], data: JSONBody[RuntimeUserChange],
    ) -> Response[RuntimeUserResponse]:
        """Change a user's password and/or roles; ends its sessions (NotFoundError, ValidationError)."""
        edit = RuntimeUserEdit(user_id=userId, password=data.password, roles=data.roles)
        user = run_call(request, "runtime.users.update", edit)
        return ok(user, f"runtime user {user.username} changed; its sessions ended")

    @delete("/users/{userId:str}", operation_id="DeleteRuntimeUser", status_code=200,
            **declared("runtime.users.delete", params=True))
    async def delete_user(self, request: Request[Any, Any, Any],
                          userId: FromPath[str]) -> Response[RuntimeUserResponse]:
        """Delete a runtime user and end its sessions (NotFoundError: no such user)."""
        user = run_call(request, "runtime.users.delete", RuntimeUserId(user_id=userId))
        return ok(user, f"runtime user {user.username} deleted")

    @get("/settings", operation_id="GetRuntimeSettings", **declared("runtime.settings.get"))
    async def get_settings(self, request: Request[Any, Any, Any]) -> Response[RuntimeSettingsResponse]:
        """Token lifetime and login failure limits of the runtime API."""
        return ok(run_call(request, "runtime.settings.get", NoInput()))

    @put("/settings", operation_id="UpdateRuntimeSettings", sync_to_thread=True,
         **declared("runtime.settings.save", body=True))
    def put_settings(
        self, request: Request[Any, Any, Any], data: JSONBody[RuntimeSettings]
    ) -> Response[RuntimeSettingsResponse]:
        """Replace the runtime settings; tokens already issued keep their expiry (ValidationError: an
        engineeringSession on an embedded server, or naming no active API key)."""
        return ok(run_call(request, "runtime.settings.save", data), "runtime settings saved")


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
            user, token, expires_at = _runtime(request).login(data.username, data.password, _client(request))
        except LoginRefused as refused:
            r = refused.refusal
            problem: Response[Any] = Response(
                error_body(r.status, r.code, r.message, instance=request.url.path), status_code=r.status,
                media_type="application/problem+json", headers=r.headers,
            )
            return problem
        return ok(LoginAnswer(token=token, expires_at=expires_at, user=user), f"{user.username} logged in")

    # Not an operation (logout, current user): they act on the presented token's own session.
    @post("/auth/logout", operation_id="RuntimeLogout", opt={"runtime": "any"}, security=_BEARER, status_code=200,
          responses=_bearer_responses(None))
    async def logout(self, request: Request[Any, Any, Any]) -> Response[RuntimeLogoutResponse]:
        """End the session of the presented token."""
        _scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        _runtime(request).users.end_session(token.strip())
        return ok(None, "logged out")

    @get("/users/current", operation_id="GetRuntimeCurrentUser", opt={"runtime": "any"}, security=_BEARER,
         responses=_bearer_responses(None))
    async def current_user(self, request: Request[Any, Any, Any]) -> Response[RuntimeCurrentUserResponse]:
        """The runtime user of the presented token, with its roles and the token's expiry."""
        p = principal_of(request.scope)
        return ok(CurrentUser(user_id=p.user_id, username=p.username, roles=sorted(p.roles), expires_at=p.expires_at))


_TAG_PATH = "/tags/{tagName:str}/value"


class RuntimeTagController(Controller):
    """Released tags of the PLC runtime and their values."""

    tags = [SECTION]
    path = "/api/runtime"

    @get("/tags", operation_id="ListRuntimeTags", sync_to_thread=True, **declared("runtime.tags.list", params=True))
    def list_tags(
        self, request: Request[Any, Any, Any],
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="Tags per page")] = 100,
        continuationPoint: Annotated[str | None, QueryParameter(
            max_length=4096, description="From the previous page's continuationPoint")] = None,
    ) -> Response[RuntimeTagListResponse]:
        """Released tags (names, data types, access), paged by limit and continuation point.

        Raises RuntimeNotRunningError (503), ValidationError (a continuation point this server did not give).
        """
        query = TagPageQuery(limit=limit, continuation_point=continuationPoint)
        return ok(run_call(request, "runtime.tags.list", query))

    @get(_TAG_PATH, operation_id="ReadRuntimeTag", sync_to_thread=True,
         **declared("runtime.tags.value.read", params=True))
    def read_tag(self, request: Request[Any, Any, Any], tagName: FromPath[str]) -> Response[RuntimeTagValueResponse]:
        """One released tag's value, quality and timestamp (NotFoundError: unknown or unreleased tag)."""
        return ok(run_call(request, "runtime.tags.value.read", TagByName(tag_name=tagName)))

    @put(_TAG_PATH, operation_id="WriteRuntimeTag", sync_to_thread=True,
         **declared("runtime.tags.value.write", body=True, params=True))
    def write_tag(
        self, request: Request[Any, Any, Any], tagName: FromPath[str], data: JSONBody[ValueWrite],
    ) -> Response[RuntimeTagValueResponse]:
        """Write one writable released tag; answers the value read back (NotFoundError, PermissionDeniedError:
        read-only tag, ValidationError: wrong type or range)."""
        return ok(run_call(request, "runtime.tags.value.write", TagValueWrite(tag_name=tagName, value=data.value)))

    @post("/tags/values", operation_id="ReadRuntimeTagValues", sync_to_thread=True, status_code=200,
          **declared("runtime.tags.read", body=True))
    def read_values(self, request: Request[Any, Any, Any],
                    data: JSONBody[BulkRead]) -> Response[RuntimeTagValuesResponse]:
        """Read tags in bulk from one PLC cycle: 200 with one result per name, each with its own error."""
        return ok(run_call(request, "runtime.tags.read", TagNamesRead(tag_names=data.wanted)))

    @put("/tags/values", operation_id="WriteRuntimeTagValues", sync_to_thread=True,
         **declared("runtime.tags.write", body=True))
    def write_values(self, request: Request[Any, Any, Any],
                     data: JSONBody[BulkWrite]) -> Response[RuntimeTagValuesResponse]:
        """Write tags in bulk, in order: 200 with one result per item (the value read back, or its error)."""
        return ok(run_call(request, "runtime.tags.write", data))


ROUTES = (RuntimeUserController, RuntimeAuthController, RuntimeTagController, OpcUaServerController,
          ConnectionController)
"""The runtime API's controllers, for :func:`engineering_api.app.create_app`."""
