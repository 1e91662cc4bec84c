"""The runtime API's OPC UA server calls: list, start and stop the OPC UA servers of the simulated PLCs.

Operations of the one registry like :data:`~engineering_api.runtime.connection_calls.CONNECTION_OPERATIONS`: the
runtime's admin role, which an engineering admin key holds, and REST-only, with why. Their routes are built from
these declarations (:func:`~engineering_api.runtime.call_routes.build_runtime_routes`): ``GET`` lists the servers;
``PUT .../{instance}`` starts one for a powered-on PLCSim instance (``{"port": 4840}``, or no port: a free one), or
restarts it on another port, and answers 201 or 200 as the server was started or already listening; ``DELETE``
stops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import ConflictError, NotFoundError, NotSupportedError
from engineering_api.jobs.operations import CallRoute, RouteSpec
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import NoInput, runtime_call
from engineering_api.runtime.opcua.servers import OpcUaServerInfo, OpcUaServerStart, opcua_servers_of
from engineering_api.runtime.users import RuntimeRole

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = ("OPCUA_OPERATIONS", "OpcUaServerStarted", "OpcUaServerTarget", "SimulatedInstance")

_OPEN_PLC = "a server lets any local OPC UA client read and write the PLC: an admin starts one on REST"
_SERVERS = "/api/runtime/opcua-servers"
_Instance = Annotated[str, msgspec.Meta(max_length=256)]


class SimulatedInstance(CamelStruct):
    """The simulated PLC (PLCSim instance), by name."""

    instance: _Instance


class OpcUaServerTarget(OpcUaServerStart):
    """The simulated PLC to serve, and the port."""

    instance: _Instance = ""


class OpcUaServerStarted(CamelStruct):
    """The server, and whether this call started it (false: it was already listening on that port)."""

    server: OpcUaServerInfo
    started: bool


def _list(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[OpcUaServerInfo]:
    return opcua_servers_of(runtime.services).list()


def _start(runtime: RuntimeService, target: OpcUaServerTarget, _caller: str) -> OpcUaServerStarted:
    server, started = opcua_servers_of(runtime.services).start(target.instance, target.port)
    return OpcUaServerStarted(server=server, started=started)


def _started_message(answer: OpcUaServerStarted) -> str:
    info = answer.server
    listening = "listening" if answer.started else "already listening"
    return f"OPC UA server of {info.instance} {listening} on {info.endpoint_url}"


def _stop(runtime: RuntimeService, target: SimulatedInstance, _caller: str) -> OpcUaServerInfo:
    return opcua_servers_of(runtime.services).stop(target.instance)


class ListOpcUaServersResponse(Envelope[list[OpcUaServerInfo]]): ...


class OpcUaServerResponse(Envelope[OpcUaServerInfo]): ...


_ADMIN = RuntimeRole.ADMIN
OPCUA_OPERATIONS: tuple[Operation[Any, Any], ...] = (
    runtime_call("runtime.opcua-servers.list", "The running OPC UA servers of simulated PLCs, with their endpoint "
                 "URLs.", NoInput, list[OpcUaServerInfo], _ADMIN, _list, RouteSpec("GET", _SERVERS),
                 no_mcp_tool=_OPEN_PLC,
                 built_route=CallRoute("ListSimulatedOpcUaServers", ListOpcUaServersResponse),
                 description="The running OPC UA servers of simulated PLCs, with their endpoint URLs."),
    runtime_call("runtime.opcua-servers.start", "Serve a powered-on simulated PLC over OPC UA on 127.0.0.1 (or "
                 "restart its server on another port).", OpcUaServerTarget, OpcUaServerStarted, _ADMIN, _start,
                 RouteSpec("PUT", _SERVERS + "/{instance}"), (NotFoundError, ConflictError, NotSupportedError),
                 mutating=True, no_mcp_tool=_OPEN_PLC,
                 built_route=CallRoute("StartSimulatedOpcUaServer", OpcUaServerResponse, body=OpcUaServerStart,
                                       outcome=lambda answer: (answer.server, 201 if answer.started else 200)),
                 description="Serve a powered-on simulated PLC over OPC UA on 127.0.0.1 (NotFoundError: no such "
                             "instance;\nConflictError: INSTANCE_OFF, OPCUA_SERVER_FAILED when the port is taken).",
                 message=_started_message),
    runtime_call("runtime.opcua-servers.stop", "Stop a simulated PLC's OPC UA server; its clients are disconnected.",
                 SimulatedInstance, OpcUaServerInfo, _ADMIN, _stop, RouteSpec("DELETE", _SERVERS + "/{instance}"),
                 (NotFoundError,), mutating=True, no_mcp_tool=_OPEN_PLC,
                 built_route=CallRoute("StopSimulatedOpcUaServer", OpcUaServerResponse),
                 description="Stop a simulated PLC's OPC UA server; its clients are disconnected (NotFoundError: "
                             "none runs).",
                 message=lambda info: f"OPC UA server of {info.instance} stopped"),
)
"""Registered by :func:`engineering_api.app.registry` with the other runtime calls."""
