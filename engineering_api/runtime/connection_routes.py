"""Admin routes of the real-PLC data sources: connections, their tag mappings, and which source the API reads.

``/api/runtime/connections`` (CRUD), ``/api/runtime/connections/{connectionId}/tags`` (GET, PUT replaces the
connection's mappings, POST ``.../tags/import`` maps a project PLC's released tags), ``/api/runtime/tag-source``
(GET|PUT ``{source: simulated|connections}``). Engineering admin key, like the runtime users: a connection reaches a
real PLC. Passwords are write-only. Each route but the import serves a call of
:data:`~engineering_api.runtime.connection_calls.CONNECTION_OPERATIONS`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.lib.responses import Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import NoInput
from engineering_api.runtime.call_routes import declared, run_call, runtime_from
from engineering_api.runtime.connection_calls import ConnectionEdit, ConnectionId, ConnectionMappings, TagMappings
from engineering_api.runtime.connections import ConnectionInput, TagSourceChoice
from engineering_api.runtime.plc_links import RuntimeConnection, TagMapping
from engineering_api.runtime.tag_import import ImportedTags, released_project_tags

__all__ = ("ConnectionController",)

_ONE = "/connections/{connectionId:str}"


class TagImport(CamelStruct):
    """The project PLC whose released tags become the connection's tags."""

    device: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    """The PLC device in the open project (``PLC_1``)."""
    namespace_index: Annotated[int, msgspec.Meta(ge=0, le=65535)] = 3
    """OPC UA: the index of ``http://www.siemens.com/simatic-s7-opcua`` on that PLC's server (3 by default)."""
    replace: bool = False
    """False (the default): the imported tags are added to the connection's (one of the same name is updated) and
    none is removed. True: they become the connection's only tags; ``removed`` names the ones that went."""


class ListRuntimeConnectionsResponse(Envelope[list[RuntimeConnection]]): ...


class RuntimeConnectionResponse(Envelope[RuntimeConnection]): ...


class RuntimeTagMappingsResponse(Envelope[list[TagMapping]]): ...


class RuntimeTagSourceResponse(Envelope[TagSourceChoice]): ...


class ImportRuntimeConnectionTagsResponse(Envelope[ImportedTags]): ...


class ConnectionController(Controller):
    """Connections to real PLCs (OPC UA, S7) and the runtime tags mapped to them."""

    tags = ["Runtime API"]
    path = "/api/runtime"

    @get("/connections", operation_id="ListRuntimeConnections", **declared("runtime.connections.list"))
    async def list_connections(self, request: Request[Any, Any, Any]) -> Response[ListRuntimeConnectionsResponse]:
        """Every connection by name; passwords only as ``passwordSet``."""
        return ok(run_call(request, "runtime.connections.list", NoInput()))

    @post("/connections", operation_id="CreateRuntimeConnection", status_code=201,
          **declared("runtime.connections.create", body=True))
    async def create_connection(
        self, request: Request[Any, Any, Any], data: JSONBody[ConnectionInput],
    ) -> Response[RuntimeConnectionResponse]:
        """Add an OPC UA or S7 connection (ValidationError: fields missing for its kind, name taken)."""
        made = run_call(request, "runtime.connections.create", data)
        return ok(made, f"runtime connection {made.name} created", status_code=201)

    @get(_ONE, operation_id="GetRuntimeConnection", **declared("runtime.connections.get", params=True))
    async def get_connection(
        self, request: Request[Any, Any, Any], connectionId: FromPath[str],
    ) -> Response[RuntimeConnectionResponse]:
        """One connection (NotFoundError: CONNECTION_NOT_FOUND)."""
        return ok(run_call(request, "runtime.connections.get", ConnectionId(connection_id=connectionId)))

    @put(_ONE, operation_id="UpdateRuntimeConnection", **declared("runtime.connections.update", body=True, params=True))
    async def update_connection(
        self, request: Request[Any, Any, Any], connectionId: FromPath[str],
        data: JSONBody[ConnectionInput],
    ) -> Response[RuntimeConnectionResponse]:
        """Replace a connection; an omitted password stays for the same endpoint (NotFoundError, ValidationError)."""
        edit = ConnectionEdit(**msgspec.structs.asdict(data), connection_id=connectionId)
        saved = run_call(request, "runtime.connections.update", edit)
        return ok(saved, f"runtime connection {saved.name} saved")

    @delete(_ONE, operation_id="DeleteRuntimeConnection", status_code=200,
            **declared("runtime.connections.delete", params=True))
    async def delete_connection(
        self, request: Request[Any, Any, Any], connectionId: FromPath[str],
    ) -> Response[RuntimeConnectionResponse]:
        """Delete a connection and the tags mapped to it (NotFoundError)."""
        gone = run_call(request, "runtime.connections.delete", ConnectionId(connection_id=connectionId))
        return ok(gone, f"runtime connection {gone.name} and its tags deleted")

    @get(f"{_ONE}/tags", operation_id="ListRuntimeConnectionTags",
         **declared("runtime.connections.tags.list", params=True))
    async def list_mappings(
        self, request: Request[Any, Any, Any], connectionId: FromPath[str],
    ) -> Response[RuntimeTagMappingsResponse]:
        """The runtime tags mapped to a connection (NotFoundError)."""
        return ok(run_call(request, "runtime.connections.tags.list", ConnectionId(connection_id=connectionId)))

    @put(f"{_ONE}/tags", operation_id="ReplaceRuntimeConnectionTags",
         **declared("runtime.connections.tags.replace", body=True, params=True))
    async def replace_mappings(
        self, request: Request[Any, Any, Any], connectionId: FromPath[str],
        data: JSONBody[TagMappings],
    ) -> Response[RuntimeTagMappingsResponse]:
        """Make these the connection's tags: OPC UA ``nodeId`` or S7 ``address`` plus ``dataType`` (NotFoundError;
        ValidationError: MAPPING_INVALID, TAG_NAME_TAKEN; nothing changes then)."""
        new = ConnectionMappings(tags=data.tags, connection_id=connectionId)
        saved = run_call(request, "runtime.connections.tags.replace", new)
        return ok(saved, f"{len(saved)} tag(s) mapped")

    # Not an operation, by decision: it reads the project PLC through the default engineering session on the TIA
    # worker (the project the admin edits). A runtime call runs off the worker and would read through the runtime's
    # session (runtime settings' engineeringSession: in a farm another session's portal): a behaviour change.
    @post(f"{_ONE}/tags/import", operation_id="ImportRuntimeConnectionTags", opt={"role": "admin"}, status_code=200,
          responses=problem_responses("admin", body=True, params=True, errors=(NotFoundError, ValidationError)))
    async def import_tags(
        self, request: Request[Any, Any, Any], connectionId: FromPath[str],
        data: JSONBody[TagImport],
    ) -> Response[ImportRuntimeConnectionTagsResponse]:
        """Map the released tags of a project PLC to this connection: OPC UA node ids as the S7-1500 names them, or
        S7 absolute addresses of PLC tags and of DBs without optimized access (global and instance DBs); what
        cannot be mapped is listed in ``skipped`` with the reason. The connection's other tags stay unless
        ``replace`` is true (then ``removed`` names those that went). NotFoundError: connection or device;
        ValidationError: no PLC software, TAG_NAME_TAKEN by another connection."""
        services = request.app.state.services
        store = runtime_from(request).connections
        kind = store.get(connectionId).kind
        found = await services.worker.call(
            lambda: released_project_tags(services.backend, data.device, kind, data.namespace_index),
            timeout=120, description="read the released tags of a PLC")
        saved, removed = store.put_mappings(connectionId, found.tags, replace=data.replace)
        return ok(ImportedTags(tags=saved, skipped=found.skipped, removed=removed),
                  f"{len(found.tags)} released tag(s) of {data.device} mapped, {len(found.skipped)} left out, "
                  f"{len(removed)} earlier mapping(s) removed")

    @get("/tag-source", operation_id="GetRuntimeTagSource", **declared("runtime.tag-source.get"))
    async def get_tag_source(self, request: Request[Any, Any, Any]) -> Response[RuntimeTagSourceResponse]:
        """Where the runtime API's tags come from: simulated PLCs or the mapped real ones."""
        return ok(run_call(request, "runtime.tag-source.get", NoInput()))

    @put("/tag-source", operation_id="SetRuntimeTagSource", **declared("runtime.tag-source.set", body=True))
    async def set_tag_source(
        self, request: Request[Any, Any, Any], data: JSONBody[TagSourceChoice],
    ) -> Response[RuntimeTagSourceResponse]:
        """Switch the runtime API's tags between the simulated PLCs and the connections (applies at once)."""
        return ok(run_call(request, "runtime.tag-source.set", data), f"runtime tags now come from {data.source}")
