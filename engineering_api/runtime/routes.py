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

from engineering_api.backend.errors import (
    AlreadyExistsError,
    EngineeringError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from engineering_api.lib.forwarded import client_address
from engineering_api.lib.responses import Envelope, error_body, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import SOURCE_ERRORS, TagPageQuery, read_values, tag_page, write_values
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
from engineering_api.runtime.sources import RuntimeFaultError, RuntimeNotRunningError, TagWrite
from engineering_api.runtime.users import RuntimeUser

if TYPE_CHECKING:
    from engineering_api.runtime.sources import ItemError, TagReading
    from engineering_api.runtime.service import RuntimeService

__all__ = ("ROUTES", "RuntimeAuthController", "RuntimeTagController", "RuntimeUserController")

SECTION = "Runtime API"
_ADMIN = {"role": "admin"}
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

    @get("/users", operation_id="ListRuntimeUsers", opt=_ADMIN, responses=problem_responses("admin"))
    async def list_users(self, request: Request[Any, Any, Any]) -> Response[ListRuntimeUsersResponse]:
        """Every runtime user by name; never a password or its hash."""
        return ok(_runtime(request).users.list())

    @post("/users", operation_id="CreateRuntimeUser", opt=_ADMIN, status_code=201, sync_to_thread=True,
          responses=problem_responses("admin", body=True, errors=(ValidationError, AlreadyExistsError)))
    def create_user(self, request: Request[Any, Any, Any], data: JSONBody[NewRuntimeUser]) -> Response[RuntimeUserResponse]:
        """Create a runtime user (ValidationError: weak password or bad name; AlreadyExistsError: name taken)."""
        user = _runtime(request).users.create(data.username, data.password, data.roles)
        return ok(user, f"runtime user {user.username} created", status_code=201)

    @get("/users/{userId:str}", operation_id="GetRuntimeUser", opt=_ADMIN,
         responses=problem_responses("admin", params=True, errors=(NotFoundError,)))
    async def get_user(self, request: Request[Any, Any, Any], userId: FromPath[str]) -> Response[RuntimeUserResponse]:  # noqa: N803
        """One runtime user (NotFoundError: no such user)."""
        return ok(_runtime(request).users.get(userId))

    @patch("/users/{userId:str}", operation_id="UpdateRuntimeUser", opt=_ADMIN, sync_to_thread=True,
           responses=problem_responses("admin", body=True, params=True, errors=(NotFoundError, ValidationError)))
    def update_user(
        self, request: Request[Any, Any, Any], userId: FromPath[str], data: JSONBody[RuntimeUserChange],  # noqa: N803
    ) -> Response[RuntimeUserResponse]:
        """Change a user's password and/or roles; ends its sessions (NotFoundError, ValidationError)."""
        user = _runtime(request).users.update(userId, password=data.password, roles=data.roles)
        return ok(user, f"runtime user {user.username} changed; its sessions ended")

    @delete("/users/{userId:str}", operation_id="DeleteRuntimeUser", opt=_ADMIN, status_code=200,
            responses=problem_responses("admin", params=True, errors=(NotFoundError,)))
    async def delete_user(self, request: Request[Any, Any, Any], userId: FromPath[str]) -> Response[RuntimeUserResponse]:  # noqa: N803
        """Delete a runtime user and end its sessions (NotFoundError: no such user)."""
        user = _runtime(request).users.delete(userId)
        return ok(user, f"runtime user {user.username} deleted")

    @get("/settings", operation_id="GetRuntimeSettings", opt=_ADMIN, responses=problem_responses("admin"))
    async def get_settings(self, request: Request[Any, Any, Any]) -> Response[RuntimeSettingsResponse]:
        """Token lifetime and login failure limits of the runtime API."""
        return ok(_runtime(request).settings())

    @put("/settings", operation_id="UpdateRuntimeSettings", opt=_ADMIN, sync_to_thread=True,
         responses=problem_responses("admin", body=True, errors=(ValidationError,)))
    def put_settings(
        self, request: Request[Any, Any, Any], data: JSONBody[RuntimeSettings]
    ) -> Response[RuntimeSettingsResponse]:
        """Replace the runtime settings; tokens already issued keep their expiry (ValidationError: an
        engineeringSession on an embedded server, or naming no active API key)."""
        return ok(_runtime(request).save_settings(data), "runtime settings saved")


class RuntimeAuthController(Controller):
    """Runtime sessions: login, logout, the current user."""

    tags = [SECTION]
    path = "/api/runtime"

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


def _item_error(error: ItemError) -> EngineeringError:
    """The single-item routes answer an item's error as the HTTP status of the seed's table."""
    kinds: dict[int, type[EngineeringError]] = {404: NotFoundError, 403: PermissionDeniedError, 422: ValidationError,
                                         503: RuntimeNotRunningError}
    return kinds.get(error.status, RuntimeFaultError)(error.description, code=error.code)


def _value(reading: TagReading) -> TagValue:
    if reading.error is not None:
        raise _item_error(reading.error)
    return TagValue(name=reading.name, value=reading.value, data_type=reading.data_type, quality=reading.quality,
                    timestamp=reading.timestamp)


_TAG_PATH = "/tags/{tagName:str}/value"


class RuntimeTagController(Controller):
    """Released tags of the PLC runtime and their values."""

    tags = [SECTION]
    path = "/api/runtime"

    @get("/tags", operation_id="ListRuntimeTags", opt={"runtime": "read"}, security=_BEARER, sync_to_thread=True,
         responses=_bearer_responses("read", params=True, errors=(*SOURCE_ERRORS, ValidationError)))
    def list_tags(
        self, request: Request[Any, Any, Any],
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="Tags per page")] = 100,
        continuationPoint: Annotated[str | None, QueryParameter(  # noqa: N803
            max_length=4096, description="From the previous page's continuationPoint")] = None,
    ) -> Response[RuntimeTagListResponse]:
        """Released tags (names, data types, access), paged by limit and continuation point.

        Raises RuntimeNotRunningError (503), ValidationError (a continuation point this server did not give).
        """
        return ok(tag_page(_runtime(request), TagPageQuery(limit=limit, continuation_point=continuationPoint)))

    @get(_TAG_PATH, operation_id="ReadRuntimeTag", opt={"runtime": "read"}, security=_BEARER, sync_to_thread=True,
         responses=_bearer_responses("read", params=True, errors=(*SOURCE_ERRORS, NotFoundError, ValidationError)))
    def read_tag(self, request: Request[Any, Any, Any], tagName: FromPath[str]) -> Response[RuntimeTagValueResponse]:  # noqa: N803
        """One released tag's value, quality and timestamp (NotFoundError: unknown or unreleased tag)."""
        return ok(_value(_runtime(request).source.read([tagName])[0]))

    @put(_TAG_PATH, operation_id="WriteRuntimeTag", opt={"runtime": "write"}, security=_BEARER, sync_to_thread=True,
         responses=_bearer_responses("write", body=True, params=True,
                                     errors=(*SOURCE_ERRORS, NotFoundError, ValidationError)))
    def write_tag(
        self, request: Request[Any, Any, Any], tagName: FromPath[str], data: JSONBody[ValueWrite],  # noqa: N803
    ) -> Response[RuntimeTagValueResponse]:
        """Write one writable released tag; answers the value read back (NotFoundError, PermissionDeniedError:
        read-only tag, ValidationError: wrong type or range)."""
        return ok(_value(_runtime(request).source.write([TagWrite(tagName, data.value)])[0]))

    @post("/tags/values", operation_id="ReadRuntimeTagValues", opt={"runtime": "read", "audit": False},
          security=_BEARER, sync_to_thread=True, status_code=200,
          responses=_bearer_responses("read", body=True, errors=SOURCE_ERRORS))
    def read_values(self, request: Request[Any, Any, Any], data: JSONBody[BulkRead]) -> Response[RuntimeTagValuesResponse]:
        """Read tags in bulk from one PLC cycle: 200 with one result per name, each with its own error."""
        return ok(read_values(_runtime(request), data.wanted))

    @put("/tags/values", operation_id="WriteRuntimeTagValues", opt={"runtime": "write"}, security=_BEARER,
         sync_to_thread=True, responses=_bearer_responses("write", body=True, errors=SOURCE_ERRORS))
    def write_values(self, request: Request[Any, Any, Any], data: JSONBody[BulkWrite]) -> Response[RuntimeTagValuesResponse]:
        """Write tags in bulk, in order: 200 with one result per item (the value read back, or its error)."""
        return ok(write_values(_runtime(request), data))


ROUTES = (RuntimeUserController, RuntimeAuthController, RuntimeTagController, OpcUaServerController,
          ConnectionController)
"""The runtime API's controllers, for :func:`engineering_api.app.create_app`."""
