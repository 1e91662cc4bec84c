"""Admin routes of the real-PLC data sources: connections, their tag mappings, and which source the API reads.

``/api/runtime/connections`` (CRUD), ``/api/runtime/connections/{connectionId}/tags`` (GET, PUT replaces the
connection's mappings, POST ``.../tags/import`` maps a project PLC's released tags), ``/api/runtime/tag-source``
(GET|PUT ``{source: simulated|connections}``). Engineering admin key, like the runtime users: a connection reaches a
real PLC. Passwords are write-only. The routes of the calls of
:data:`~engineering_api.runtime.connection_calls.CONNECTION_OPERATIONS` are built from them; this module holds the one
that is no call, the import.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import FromPath, JSONBody

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.lib.responses import Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.call_routes import runtime_from
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


class ImportRuntimeConnectionTagsResponse(Envelope[ImportedTags]): ...


class ConnectionController(Controller):
    """Connections to real PLCs (OPC UA, S7) and the runtime tags mapped to them."""

    tags = ["Runtime API"]
    path = "/api/runtime"

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
