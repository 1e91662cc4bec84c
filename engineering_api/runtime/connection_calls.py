"""The runtime API's connection calls: connections to real PLCs, their tag mappings, and where the tags come from.

Each is an operation of the one registry like :data:`~engineering_api.runtime.user_calls.USER_OPERATIONS`: the
runtime's admin role, which an engineering admin key holds, and REST-only, with why. The routes
(:mod:`engineering_api.runtime.connection_routes`) take their options from these declarations and run their handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.jobs.operations import CallRoute, RouteSpec
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import NoInput, runtime_call
from engineering_api.runtime.connections import ConnectionInput, TagSourceChoice
from engineering_api.runtime.plc_links import RuntimeConnection, TagMapping
from engineering_api.runtime.users import RuntimeRole

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = ("CONNECTION_OPERATIONS", "ConnectionEdit", "ConnectionId", "ConnectionMappings", "TagMappings")

_PLC_ACCESS = "a connection carries a real PLC's address and credentials, which only an admin on REST configures"
_CONNECTIONS, _SOURCE = "/api/runtime/connections", "/api/runtime/tag-source"
_ONE = _CONNECTIONS + "/{connectionId}"
_ConnectionId = Annotated[str, msgspec.Meta(max_length=256)]


class ConnectionId(CamelStruct):
    """The connection, by id."""

    connection_id: _ConnectionId


class ConnectionEdit(ConnectionInput):
    """A connection's new settings (an omitted password stays for the same endpoint)."""

    connection_id: _ConnectionId = ""


class TagMappings(CamelStruct):
    """A connection's tags (replaces the ones it had)."""

    tags: Annotated[list[TagMapping], msgspec.Meta(max_length=10000)]


class ConnectionMappings(TagMappings):
    """The tags that become the connection's only tags."""

    connection_id: _ConnectionId = ""


def _list(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[RuntimeConnection]:
    return runtime.connections.list()


def _create(runtime: RuntimeService, new: ConnectionInput, _caller: str) -> RuntimeConnection:
    return runtime.connections.save(new)


def _get(runtime: RuntimeService, query: ConnectionId, _caller: str) -> RuntimeConnection:
    return runtime.connections.get(query.connection_id)


def _update(runtime: RuntimeService, edit: ConnectionEdit, _caller: str) -> RuntimeConnection:
    return runtime.connections.save(edit, edit.connection_id)  # the stored record takes its id from the argument


def _delete(runtime: RuntimeService, query: ConnectionId, _caller: str) -> RuntimeConnection:
    return runtime.connections.delete(query.connection_id)


def _mappings(runtime: RuntimeService, query: ConnectionId, _caller: str) -> list[TagMapping]:
    runtime.connections.get(query.connection_id)
    return [mapping for _cid, mapping in runtime.connections.mappings(query.connection_id)]


def _replace_mappings(runtime: RuntimeService, new: ConnectionMappings, _caller: str) -> list[TagMapping]:
    return runtime.connections.replace_mappings(new.connection_id, list(new.tags))


def _tag_source(runtime: RuntimeService, _query: NoInput, _caller: str) -> TagSourceChoice:
    return runtime.connections.tag_source()


def _choose_tag_source(runtime: RuntimeService, choice: TagSourceChoice, _caller: str) -> TagSourceChoice:
    return runtime.connections.choose_tag_source(choice)


class ListRuntimeConnectionsResponse(Envelope[list[RuntimeConnection]]): ...


class RuntimeConnectionResponse(Envelope[RuntimeConnection]): ...


class RuntimeTagMappingsResponse(Envelope[list[TagMapping]]): ...


class RuntimeTagSourceResponse(Envelope[TagSourceChoice]): ...


_ADMIN = RuntimeRole.ADMIN
CONNECTION_OPERATIONS: tuple[Operation[Any, Any], ...] = (
    runtime_call("runtime.connections.list", "Every connection by name; passwords only as passwordSet.", NoInput,
                 list[RuntimeConnection], _ADMIN, _list, RouteSpec("GET", _CONNECTIONS), no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("ListRuntimeConnections", ListRuntimeConnectionsResponse),
                 description="Every connection by name; passwords only as ``passwordSet``."),
    runtime_call("runtime.connections.create", "Add an OPC UA or S7 connection.", ConnectionInput, RuntimeConnection,
                 _ADMIN, _create, RouteSpec("POST", _CONNECTIONS), (ValidationError,), mutating=True,
                 no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("CreateRuntimeConnection", RuntimeConnectionResponse, 201),
                 description="Add an OPC UA or S7 connection (ValidationError: fields missing for its kind, name "
                             "taken).",
                 message=lambda made: f"runtime connection {made.name} created"),
    runtime_call("runtime.connections.get", "One connection.", ConnectionId, RuntimeConnection, _ADMIN, _get,
                 RouteSpec("GET", _ONE), (NotFoundError,), no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("GetRuntimeConnection", RuntimeConnectionResponse),
                 description="One connection (NotFoundError: CONNECTION_NOT_FOUND)."),
    runtime_call("runtime.connections.update", "Replace a connection; an omitted password stays for the same "
                 "endpoint.", ConnectionEdit, RuntimeConnection, _ADMIN, _update, RouteSpec("PUT", _ONE),
                 (NotFoundError, ValidationError), mutating=True, no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("UpdateRuntimeConnection", RuntimeConnectionResponse, body=ConnectionInput),
                 description="Replace a connection; an omitted password stays for the same endpoint (NotFoundError, "
                             "ValidationError).",
                 message=lambda saved: f"runtime connection {saved.name} saved"),
    runtime_call("runtime.connections.delete", "Delete a connection and the tags mapped to it.", ConnectionId,
                 RuntimeConnection, _ADMIN, _delete, RouteSpec("DELETE", _ONE), (NotFoundError,), mutating=True,
                 no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("DeleteRuntimeConnection", RuntimeConnectionResponse),
                 description="Delete a connection and the tags mapped to it (NotFoundError).",
                 message=lambda gone: f"runtime connection {gone.name} and its tags deleted"),
    runtime_call("runtime.connections.tags.list", "The runtime tags mapped to a connection.", ConnectionId,
                 list[TagMapping], _ADMIN, _mappings, RouteSpec("GET", _ONE + "/tags"), (NotFoundError,),
                 no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("ListRuntimeConnectionTags", RuntimeTagMappingsResponse),
                 description="The runtime tags mapped to a connection (NotFoundError)."),
    runtime_call("runtime.connections.tags.replace", "Make these the connection's tags (OPC UA nodeId or S7 address "
                 "plus dataType); nothing changes on an error.", ConnectionMappings, list[TagMapping], _ADMIN,
                 _replace_mappings, RouteSpec("PUT", _ONE + "/tags"), (NotFoundError, ValidationError),
                 mutating=True, no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("ReplaceRuntimeConnectionTags", RuntimeTagMappingsResponse, body=TagMappings),
                 description="Make these the connection's tags: OPC UA ``nodeId`` or S7 ``address`` plus ``dataType`` "
                             "(NotFoundError; ValidationError: MAPPING_INVALID, TAG_NAME_TAKEN; nothing changes then).",
                 message=lambda saved: f"{len(saved)} tag(s) mapped"),
    runtime_call("runtime.tag-source.get", "Where the runtime API's tags come from: simulated PLCs or the mapped "
                 "real ones.", NoInput, TagSourceChoice, _ADMIN, _tag_source, RouteSpec("GET", _SOURCE),
                 no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("GetRuntimeTagSource", RuntimeTagSourceResponse)),
    runtime_call("runtime.tag-source.set", "Switch the runtime API's tags between the simulated PLCs and the "
                 "connections (applies at once).", TagSourceChoice, TagSourceChoice, _ADMIN, _choose_tag_source,
                 RouteSpec("PUT", _SOURCE), mutating=True, no_mcp_tool=_PLC_ACCESS,
                 built_route=CallRoute("SetRuntimeTagSource", RuntimeTagSourceResponse),
                 message=lambda choice: f"runtime tags now come from {choice.source}"),
)
"""Registered by :func:`engineering_api.app.registry` with the other runtime calls."""
