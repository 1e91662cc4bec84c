"""Admin routes of the simulated PLCs' OPC UA servers under ``/api/runtime/opcua-servers``.

``GET`` lists them; ``PUT .../{instance}`` starts one for a powered-on PLCSim instance (``{"port": 4840}``, or no
port: a free one), or restarts it on another port; ``DELETE`` stops it. Each route serves a call of
:data:`~engineering_api.runtime.opcua_calls.OPCUA_OPERATIONS` (engineering admin key: a server lets any local OPC UA
client read and write the PLC).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, put
from litestar.params import FromPath, JSONBody

from engineering_api.lib.responses import Envelope, ok
from engineering_api.runtime.actions import SECTION, NoInput
from engineering_api.runtime.call_routes import declared, run_call
from engineering_api.runtime.opcua_calls import OpcUaServerTarget, SimulatedInstance
from engineering_api.runtime.opcua_servers import OpcUaServerInfo, OpcUaServerStart

__all__ = ("OpcUaServerController",)


class ListOpcUaServersResponse(Envelope[list[OpcUaServerInfo]]): ...


class OpcUaServerResponse(Envelope[OpcUaServerInfo]): ...


class OpcUaServerController(Controller):
    """OPC UA servers of the simulated PLCs (engineering admin key)."""

    tags = [SECTION]
    path = "/api/runtime/opcua-servers"

    @get("/", operation_id="ListSimulatedOpcUaServers", **declared("runtime.opcua-servers.list"))
    async def list_servers(self, request: Request[Any, Any, Any]) -> Response[ListOpcUaServersResponse]:
        """The running OPC UA servers of simulated PLCs, with their endpoint URLs."""
        return ok(run_call(request, "runtime.opcua-servers.list", NoInput()))

    @put("/{instance:str}", operation_id="StartSimulatedOpcUaServer", sync_to_thread=True,
         **declared("runtime.opcua-servers.start", body=True, params=True))
    def start_server(
        self, request: Request[Any, Any, Any], instance: FromPath[str], data: JSONBody[OpcUaServerStart],
    ) -> Response[OpcUaServerResponse]:
        """Serve a powered-on simulated PLC over OPC UA on 127.0.0.1 (NotFoundError: no such instance;
        ConflictError: INSTANCE_OFF, OPCUA_SERVER_FAILED when the port is taken)."""
        answer = run_call(request, "runtime.opcua-servers.start", OpcUaServerTarget(port=data.port, instance=instance))
        info = answer.server
        message = f"OPC UA server of {info.instance} listening on {info.endpoint_url}" if answer.started else \
            f"OPC UA server of {info.instance} already listening on {info.endpoint_url}"
        return ok(info, message, status_code=201 if answer.started else 200)

    @delete("/{instance:str}", operation_id="StopSimulatedOpcUaServer", status_code=200, sync_to_thread=True,
            **declared("runtime.opcua-servers.stop", params=True))
    def stop_server(self, request: Request[Any, Any, Any], instance: FromPath[str]) -> Response[OpcUaServerResponse]:
        """Stop a simulated PLC's OPC UA server; its clients are disconnected (NotFoundError: none runs)."""
        info = run_call(request, "runtime.opcua-servers.stop", SimulatedInstance(instance=instance))
        return ok(info, f"OPC UA server of {info.instance} stopped")
