"""The runtime API's calls that are REST-only: runtime users and settings (engineering admin key), one tag by path.

Each is an operation of the one registry like :data:`~engineering_api.runtime.actions.RUNTIME_OPERATIONS`, with why
it is no MCP tool. Their routes are built from these declarations
(:func:`engineering_api.runtime.call_routes.build_runtime_routes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import (
    AlreadyExistsError, EngineeringError, NotFoundError, PermissionDeniedError, ValidationError,
)
from engineering_api.jobs.operations import CallRoute, RouteSpec
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import SOURCE_ERRORS, NoInput, runtime_call
from engineering_api.runtime.schemas import NewRuntimeUser, RuntimeUserChange, TagName, TagValue, ValueWrite
from engineering_api.runtime.service import RuntimeSettings
from engineering_api.runtime.sources import RuntimeFaultError, RuntimeNotRunningError, TagWrite
from engineering_api.runtime.users import RuntimeRole, RuntimeUser

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService
    from engineering_api.runtime.sources import ItemError, TagReading

__all__ = (
    "USER_OPERATIONS", "ListRuntimeUsersResponse", "RuntimeSettingsResponse", "RuntimeTagValueResponse",
    "RuntimeUserEdit", "RuntimeUserId", "RuntimeUserResponse", "TagByName", "TagValueWrite",
)

_SECRETS = "it manages runtime users' passwords and sessions, which MCP never carries"
_ONE_TAG = "the MCP tools read and write tags in bulk (runtime_tags_read, runtime_tags_write)"
_USERS, _SETTINGS = "/api/runtime/users", "/api/runtime/settings"
_TAG = "/api/runtime/tags/{tagName}/value"


class RuntimeUserId(CamelStruct):
    """The runtime user, by id."""

    user_id: Annotated[str, msgspec.Meta(max_length=256)]


class RuntimeUserEdit(RuntimeUserChange):
    """A runtime user's new password and/or roles."""

    user_id: Annotated[str, msgspec.Meta(max_length=256)] = ""


class TagByName(CamelStruct):
    """One released tag, by name as the PLC spells it."""

    tag_name: TagName


class TagValueWrite(CamelStruct):
    """A value for one writable released tag."""

    tag_name: TagName
    value: Any


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


def _list_users(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[RuntimeUser]:
    return runtime.users.list()


def _create_user(runtime: RuntimeService, new: NewRuntimeUser, _caller: str) -> RuntimeUser:
    return runtime.users.create(new.username, new.password, new.roles)


def _get_user(runtime: RuntimeService, query: RuntimeUserId, _caller: str) -> RuntimeUser:
    return runtime.users.get(query.user_id)


def _update_user(runtime: RuntimeService, edit: RuntimeUserEdit, _caller: str) -> RuntimeUser:
    return runtime.users.update(edit.user_id, password=edit.password, roles=edit.roles)


def _delete_user(runtime: RuntimeService, query: RuntimeUserId, _caller: str) -> RuntimeUser:
    return runtime.users.delete(query.user_id)


def _settings(runtime: RuntimeService, _query: NoInput, _caller: str) -> RuntimeSettings:
    return runtime.settings()


def _save_settings(runtime: RuntimeService, new: RuntimeSettings, _caller: str) -> RuntimeSettings:
    return runtime.save_settings(new)


def _read_tag(runtime: RuntimeService, query: TagByName, _caller: str) -> TagValue:
    return _value(runtime.source.read([query.tag_name])[0])


def _write_tag(runtime: RuntimeService, query: TagValueWrite, _caller: str) -> TagValue:
    return _value(runtime.source.write([TagWrite(query.tag_name, query.value)])[0])


class ListRuntimeUsersResponse(Envelope[list[RuntimeUser]]): ...


class RuntimeUserResponse(Envelope[RuntimeUser]): ...


class RuntimeSettingsResponse(Envelope[RuntimeSettings]): ...


class RuntimeTagValueResponse(Envelope[TagValue]): ...


_ADMIN = RuntimeRole.ADMIN
USER_OPERATIONS: tuple[Operation[Any, Any], ...] = (
    runtime_call("runtime.users.list", "Every runtime user by name; never a password or its hash.", NoInput,
                 list[RuntimeUser], _ADMIN, _list_users, RouteSpec("GET", _USERS), no_mcp_tool=_SECRETS,
                 built_route=CallRoute("ListRuntimeUsers", ListRuntimeUsersResponse)),
    runtime_call("runtime.users.create", "Create a runtime user.", NewRuntimeUser, RuntimeUser, _ADMIN, _create_user,
                 RouteSpec("POST", _USERS), (ValidationError, AlreadyExistsError), mutating=True,
                 no_mcp_tool=_SECRETS, built_route=CallRoute("CreateRuntimeUser", RuntimeUserResponse, 201),
                 description="Create a runtime user (ValidationError: weak password or bad name; AlreadyExistsError: "
                             "name taken).",
                 message=lambda user: f"runtime user {user.username} created"),
    runtime_call("runtime.users.get", "One runtime user.", RuntimeUserId, RuntimeUser, _ADMIN, _get_user,
                 RouteSpec("GET", _USERS + "/{userId}"), (NotFoundError,), no_mcp_tool=_SECRETS,
                 built_route=CallRoute("GetRuntimeUser", RuntimeUserResponse),
                 description="One runtime user (NotFoundError: no such user)."),
    runtime_call("runtime.users.update", "Change a runtime user's password and/or roles; ends its sessions.",
                 RuntimeUserEdit, RuntimeUser, _ADMIN, _update_user, RouteSpec("PATCH", _USERS + "/{userId}"),
                 (NotFoundError, ValidationError), mutating=True, no_mcp_tool=_SECRETS,
                 built_route=CallRoute("UpdateRuntimeUser", RuntimeUserResponse, body=RuntimeUserChange),
                 description="Change a user's password and/or roles; ends its sessions (NotFoundError, "
                             "ValidationError).",
                 message=lambda user: f"runtime user {user.username} changed; its sessions ended"),
    runtime_call("runtime.users.delete", "Delete a runtime user and end its sessions.", RuntimeUserId, RuntimeUser,
                 _ADMIN, _delete_user, RouteSpec("DELETE", _USERS + "/{userId}"), (NotFoundError,), mutating=True,
                 no_mcp_tool=_SECRETS, built_route=CallRoute("DeleteRuntimeUser", RuntimeUserResponse),
                 description="Delete a runtime user and end its sessions (NotFoundError: no such user).",
                 message=lambda user: f"runtime user {user.username} deleted"),
    runtime_call("runtime.settings.get", "Token lifetime and login failure limits of the runtime API.", NoInput,
                 RuntimeSettings, _ADMIN, _settings, RouteSpec("GET", _SETTINGS), no_mcp_tool=_SECRETS,
                 built_route=CallRoute("GetRuntimeSettings", RuntimeSettingsResponse)),
    runtime_call("runtime.settings.save", "Replace the runtime settings; tokens already issued keep their expiry.",
                 RuntimeSettings, RuntimeSettings, _ADMIN, _save_settings, RouteSpec("PUT", _SETTINGS),
                 (ValidationError,), mutating=True, no_mcp_tool=_SECRETS,
                 built_route=CallRoute("UpdateRuntimeSettings", RuntimeSettingsResponse),
                 description="Replace the runtime settings; tokens already issued keep their expiry (ValidationError: "
                             "an engineeringSession on an embedded server, or naming no active API key).",
                 message=lambda _settings: "runtime settings saved"),
    runtime_call("runtime.tags.value.read", "One released tag's value, quality and timestamp.", TagByName, TagValue,
                 RuntimeRole.READ, _read_tag, RouteSpec("GET", _TAG), (*SOURCE_ERRORS, NotFoundError, ValidationError),
                 no_mcp_tool=_ONE_TAG, built_route=CallRoute("ReadRuntimeTag", RuntimeTagValueResponse),
                 description="One released tag's value, quality and timestamp (NotFoundError: unknown or unreleased "
                             "tag)."),
    runtime_call("runtime.tags.value.write", "Write one writable released tag; answers the value read back.",
                 TagValueWrite, TagValue, RuntimeRole.WRITE, _write_tag, RouteSpec("PUT", _TAG),
                 (*SOURCE_ERRORS, NotFoundError, ValidationError), mutating=True, no_mcp_tool=_ONE_TAG,
                 built_route=CallRoute("WriteRuntimeTag", RuntimeTagValueResponse, body=ValueWrite),
                 description="Write one writable released tag; answers the value read back (NotFoundError, "
                             "PermissionDeniedError: read-only tag, ValidationError: wrong type or range)."),
)
"""Registered by :func:`engineering_api.app.registry` with the other runtime calls."""
