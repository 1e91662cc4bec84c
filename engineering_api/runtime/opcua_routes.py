"""Admin routes of the simulated PLCs' OPC UA servers under ``/api/runtime/opcua-servers``.

``GET`` lists them; ``PUT .../{instance}`` starts one for a powered-on PLCSim instance (``{"port": 4840}``, or no
port: a free one), or restarts it on another port; ``DELETE`` stops it. Each route serves a call of
:data:`~engineering_api.runtime.opcua_calls.OPCUA_OPERATIONS` (engineering admin key: a server lets any local OPC UA
client read and write the PLC); the list and the stop are built from their declarations, the start is written here
(it answers 201 or 200, as the server was started or already listening).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, put
from litestar.params import FromPath, JSONBody

from engineering_api.lib.responses import ok
from engineering_api.runtime.actions import SECTION
from engineering_api.runtime.call_routes import declared, run_call_off_loop
from engineering_api.runtime.opcua_calls import OpcUaServerResponse, OpcUaServerTarget
from engineering_api.runtime.opcua_servers import OpcUaServerStart

__all__ = ("OpcUaServerController",)


class OpcUaServerController(Controller):
    """OPC UA servers of the simulated PLCs (engineering admin key)."""

    tags = [SECTION]
    path = "/api/runtime/opcua-servers"

    @put("/{instance:str}", operation_id="StartSimulatedOpcUaServer",
         **declared("runtime.opcua-servers.start", body=True, params=True))
    async def start_server(
        self, request: Request[Any, Any, Any], instance: FromPath[str], data: JSONBody[OpcUaServerStart],
    ) -> Response[OpcUaServerResponse]:
        """Serve a powered-on simulated PLC over OPC UA on 127.0.0.1 (NotFoundError: no such instance;
        ConflictError: INSTANCE_OFF, OPCUA_SERVER_FAILED when the port is taken)."""
        target = OpcUaServerTarget(port=data.port, instance=instance)
        answer = await run_call_off_loop(request, "runtime.opcua-servers.start", target)
        info = answer.server
        message = f"OPC UA server of {info.instance} listening on {info.endpoint_url}" if answer.started else \
            f"OPC UA server of {info.instance} already listening on {info.endpoint_url}"
        return ok(info, message, status_code=201 if answer.started else 200)
