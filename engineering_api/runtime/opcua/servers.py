"""The OPC UA servers of the simulated PLCs: which run, and what starts and stops them (calls: :mod:`.calls`).

``GET /api/runtime/opcua-servers`` lists them; ``PUT /api/runtime/opcua-servers/{instance}`` starts one for a
powered-on PLCSim instance (``{"port": 4840}``, or no port: a free one), or restarts it on another port;
``DELETE`` stops it. Engineering admin key: a server lets any local OPC UA client read and write the PLC.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import ConflictError, NotFoundError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.on_worker import WorkerBackend
from engineering_api.runtime.simulated import SimulatedSource
from engineering_api.runtime.sources import RuntimeNotRunningError

if TYPE_CHECKING:
    from engineering_api.runtime.opcua.server import SimulatedOpcUaServer
    from engineering_api.services import Services

__all__ = ("OpcUaServerInfo", "OpcUaServerStart", "OpcUaServers", "opcua_servers_of", "stop_opcua_servers")

_NOTE = "runtime.opcua-servers"


class OpcUaServerStart(CamelStruct):
    """Where a simulated PLC's OPC UA server listens (always 127.0.0.1)."""

    port: Annotated[int, msgspec.Meta(ge=1024, le=65535)] | None = None
    """TCP port; none: a free port the OS picks (4840 is OPC UA's registered port)."""


class OpcUaServerInfo(CamelStruct):
    """A running OPC UA server of a simulated PLC."""

    instance: str
    endpoint_url: str
    port: int
    namespace_uri: str
    namespace_index: int
    tag_count: int
    """Released tags it serves as variables."""
    started_at: str | None


class OpcUaServers:
    """The running servers by lower-case instance name."""

    def __init__(self, services: Services) -> None:
        self._backend: Any = WorkerBackend(services)  # the port from the OPC UA servers' threads, on the worker
        self._lock = threading.Lock()
        self._servers: dict[str, SimulatedOpcUaServer] = {}

    def list(self) -> list[OpcUaServerInfo]:
        with self._lock:
            servers = sorted(self._servers.values(), key=lambda s: s.instance.lower())
        return [_info(s) for s in servers if s.running]

    def start(self, instance: str, port: int | None) -> tuple[OpcUaServerInfo, bool]:
        """Start (or restart on another port) the server of ``instance``; (info, whether it was started now).

        Raises:
            NotFoundError: ``SIM_INSTANCE_NOT_FOUND``.
            ConflictError: ``INSTANCE_OFF`` (not powered on), ``OPCUA_SERVER_FAILED`` (the port is taken).
            NotSupportedError: the backend has no simulated PLCs.
        """
        name = self._instance_name(instance)
        with self._lock:
            current = self._servers.get(name.lower())
            if current is not None and current.running and port in (None, current.port):
                current.refresh()
                return _info(current), False
            if current is not None:
                current.stop()
                del self._servers[name.lower()]
            source = SimulatedSource(self._backend, name)
            try:
                source.browse()
            except RuntimeNotRunningError as exc:
                raise ConflictError(f'The simulated PLC "{name}" is not powered on; power it on and download a '
                                    "program before serving it over OPC UA.", code=codes.INSTANCE_OFF) from exc
            # asyncua is imported with the first server, not with the app: it is a fifth of the app's start-up
            from engineering_api.runtime.opcua.server import SimulatedOpcUaServer, free_port

            server = SimulatedOpcUaServer(name, source, port or free_port())
            server.start()
            self._servers[name.lower()] = server
            return _info(server), True

    def stop(self, instance: str) -> OpcUaServerInfo:
        """Stop the server of ``instance``.

        Raises:
            NotFoundError: ``OPCUA_SERVER_NOT_FOUND``, no server runs for it.
        """
        with self._lock:
            server = self._servers.pop(instance.lower(), None)
        if server is None:
            raise NotFoundError(f'No OPC UA server runs for the simulated PLC "{instance}".',
                                code=codes.OPCUA_SERVER_NOT_FOUND)
        info = _info(server)
        server.stop()
        return info

    def stop_all(self) -> None:
        with self._lock:
            servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.stop()

    def _instance_name(self, instance: str) -> str:
        instances = self._backend.simulation.list_instances()
        found: str | None = next((i.name for i in instances if i.name.lower() == instance.strip().lower()), None)
        if found is None:
            raise NotFoundError(f'No simulated PLC "{instance}".', code=codes.SIM_INSTANCE_NOT_FOUND)
        return found


def _info(server: SimulatedOpcUaServer) -> OpcUaServerInfo:
    from engineering_api.runtime.opcua.names import S7_NAMESPACE, S7_NAMESPACE_INDEX

    return OpcUaServerInfo(instance=server.instance, endpoint_url=server.endpoint_url, port=server.port,
                           namespace_uri=S7_NAMESPACE, namespace_index=S7_NAMESPACE_INDEX,
                           tag_count=server.tag_count, started_at=server.started_at)


def opcua_servers_of(services: Services) -> OpcUaServers:
    """The app's OPC UA server registry, made on first use."""
    registry: OpcUaServers | None = services.notes.get(_NOTE)
    # setdefault is atomic: two first requests at once share one registry (making one is cheap).
    return registry if registry is not None else services.notes.setdefault(_NOTE, OpcUaServers(services))


def stop_opcua_servers(services: Services) -> None:
    """Stop every server (the app's shutdown)."""
    registry = services.notes.get(_NOTE)
    if registry is not None:
        registry.stop_all()
