"""A simulated PLC as an OPC UA server (``asyncua``): real OPC UA clients (UaExpert, Ignition, Node-RED, this
API's own OPC UA source) connect to a running PLCSim instance as they would to an S7-1500's built-in server.

What it serves is a :class:`~engineering_api.runtime.sources.TagSource` of one instance: only released tags (TIA's
"accessible from HMI/OPC UA/Web API"), writable only where released writable (``ExternalWritable``; the variable's
AccessLevel says so, and a write to another one answers ``BadNotWritable``). Every read of a Value attribute reads
the CPU between two scans through the source (the process image and DBs, never a copy), every write writes it, so
a client sees exactly what the runtime API sees. Node ids and data types as an S7-1500 names them
(:mod:`engineering_api.runtime.opcua.names`), below ``Objects/<instance>`` (``ns=3;s=PLC``): ``DataBlocksGlobal``
and ``Tags``.

The server listens on 127.0.0.1 only, without security (SecurityPolicy None, anonymous): it is a development
stand-in for a PLC on this machine, not a plant-facing endpoint. Each server runs its own asyncio loop in its own
thread, so an OPC UA client's requests never wait for the web server's loop. The address space follows a new
download (checked every :data:`REFRESH_SECONDS`, and on :meth:`SimulatedOpcUaServer.refresh`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from asyncua import Server, ua

from engineering_api.backend.errors import ConflictError, EngineeringError
from engineering_api.errors import codes
from engineering_api.runtime.opcua.names import (
    S7_NAMESPACE,
    S7_NAMESPACE_INDEX,
    node_path,
    plc_value,
    variant_type_name,
    variant_value,
)
from engineering_api.runtime.sources import TagWrite

if TYPE_CHECKING:
    from engineering_api.runtime.sources import RuntimeTag, TagReading, TagSource

__all__ = ("REFRESH_SECONDS", "SAMPLE_SECONDS", "SimulatedOpcUaServer", "free_port")

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 1.0
"""How often a server compares its address space with the released tags of the downloaded program."""
SAMPLE_SECONDS = 0.1
"""How often a server reads the variables that clients monitor, to report their changes (subscriptions)."""
_HANG_BOUND = 300.0
"""How long a start or stop waits for the server's thread before giving up on it: a guard against a server that
hangs, not a measure of speed. The thread reports both success and failure, so a start waits for that event;
asyncua's start (its standard address space) costs ~2 s of CPU, many times that in wall time on a loaded machine
(a 20 s bound failed starts under a busy CI run)."""
_DI_NAMESPACE = "http://opcfoundation.org/UA/DI/"
"""Registered before Siemens' namespace, as on an S7-1500, so that one gets its default index 3."""

# An item's error in the runtime source, by the HTTP status the runtime API answers for it, as an OPC UA status.
_ITEM_STATUS = {
    404: ua.StatusCodes.BadNodeIdUnknown, 403: ua.StatusCodes.BadNotWritable, 422: ua.StatusCodes.BadTypeMismatch,
    503: ua.StatusCodes.BadResourceUnavailable,
}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class _WriteRefused(Exception):  # carries a status code back to the write service
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class SimulatedOpcUaServer:
    """One PLCSim instance's OPC UA server (see the module docstring)."""

    def __init__(self, instance: str, source: TagSource, port: int, host: str = "127.0.0.1") -> None:
        self.instance = instance
        self.port = port
        self.host = host
        self._source = source
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._server: Server | None = None
        self._served: tuple[tuple[str, str, bool], ...] | None = None
        self._names: dict[ua.NodeId, str] = {}
        self._watched: dict[int, tuple[ua.NodeId, Any]] = {}
        """Monitored items of clients on our variables: handle -> (node id, asyncua's data change callback)."""
        self._reported: dict[int, tuple[Any, Any]] = {}
        """What each monitored item was last told: (value, status code)."""
        self.started_at: str | None = None

    @property
    def endpoint_url(self) -> str:
        return f"opc.tcp://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def tag_count(self) -> int:
        return len(self._served or ())

    # ----- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        """Listen and serve; returns once clients can connect.

        Raises:
            ConflictError: ``OPCUA_SERVER_FAILED`` when the server cannot start (the port is taken).
        """
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(ready, failure), daemon=True,
                                        name=f"opcua-server-{self.instance}")
        self._thread.start()
        if not ready.wait(_HANG_BOUND) or failure:
            self.stop()
            reason = f"{failure[0]}" if failure else f"it did not start within {_HANG_BOUND:.0f} s"
            raise ConflictError(
                f"The OPC UA server of {self.instance} could not listen on {self.endpoint_url}: {reason}",
                code=codes.OPCUA_SERVER_FAILED)
        self.started_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")

    def stop(self) -> None:
        """Close the server and its client sessions; waits for its thread."""
        loop, stopped, thread = self._loop, self._stopped, self._thread
        if loop is not None and stopped is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended on its own
                loop.call_soon_threadsafe(stopped.set)
        if thread is not None and thread is not threading.current_thread():
            thread.join(_HANG_BOUND)
        self._thread = None

    def refresh(self) -> int:
        """Bring the address space in line with the released tags now; answers how many tags it serves."""
        loop = self._loop
        if loop is None or not self.running:
            return 0
        asyncio.run_coroutine_threadsafe(self._sync_nodes(), loop).result(_HANG_BOUND)
        return self.tag_count

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(ready))
        except BaseException as exc:  # reported to start(), or logged once running
            if not ready.is_set():
                failure.append(exc)
                ready.set()
            else:
                logger.exception("OPC UA server of %s ended", self.instance)
        finally:
            loop.close()

    async def _serve(self, ready: threading.Event) -> None:
        self._stopped = asyncio.Event()
        server = Server()
        await server.init()
        server.set_endpoint(f"{self.endpoint_url}/")
        server.set_server_name(f"Simulated S7-1500 {self.instance} (engineering-api)")
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        await server.register_namespace(_DI_NAMESPACE)
        index = await server.register_namespace(S7_NAMESPACE)
        if index != S7_NAMESPACE_INDEX:  # asyncua's own namespaces changed: clients would look in the wrong one
            raise RuntimeError(f"Siemens' namespace got index {index}, not {S7_NAMESPACE_INDEX}")
        self._server = server
        self._wrap_writes(server)
        self._track_monitored_items(server)
        await self._sync_nodes()
        async with server:
            ready.set()
            ticks = 0
            while not self._stopped.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), SAMPLE_SECONDS)
                if self._stopped.is_set():
                    break
                ticks += 1
                if ticks * SAMPLE_SECONDS >= REFRESH_SECONDS:
                    ticks = 0
                    await self._sync_nodes()
                await self._report_changes()

    # ----- the address space ----------------------------------------------------------------------------
    async def _sync_nodes(self) -> None:
        """Rebuild the instance's nodes when the released tags changed (a new download); keep them otherwise
        (a CPU powered off keeps its nodes, whose reads then answer Bad)."""
        server = self._server
        if server is None:
            return
        try:
            tags = self._source.browse()
        except EngineeringError:
            return
        served = tuple((t.name, t.data_type, t.writable) for t in tags)
        if served == self._served:
            return
        root_id = ua.NodeId("PLC", S7_NAMESPACE_INDEX)  # as an S7-1500 names its PLC object; browse name: instance
        with contextlib.suppress(ua.UaError):
            await server.delete_nodes([server.get_node(root_id)], recursive=True)
        self._names = {}
        root = await server.nodes.objects.add_object(root_id, ua.QualifiedName(self.instance, S7_NAMESPACE_INDEX))
        folders = {
            "db": await root.add_object(ua.NodeId("DataBlocksGlobal", S7_NAMESPACE_INDEX),
                                        ua.QualifiedName("DataBlocksGlobal", S7_NAMESPACE_INDEX)),
            "tags": await root.add_object(ua.NodeId("Tags", S7_NAMESPACE_INDEX),
                                          ua.QualifiedName("Tags", S7_NAMESPACE_INDEX)),
        }
        made: dict[str, Any] = {}
        for tag in tags:
            await self._add_tag(server, tag, folders, made)
        self._served = served

    async def _add_tag(self, server: Server, tag: RuntimeTag, folders: dict[str, Any], made: dict[str, Any]) -> None:
        try:
            path = node_path(tag.name)
        except ValueError:
            return
        type_name = variant_type_name(tag.data_type)
        if type_name is None:
            return  # not an elementary type OPC UA has a built-in type for (DTL, Date_And_Time, ...)
        parent = folders["db" if len(path) > 1 else "tags"]
        for ident in path[:-1]:
            key = ident.lower()
            if key not in made:
                made[key] = await parent.add_object(ua.NodeId(ident, S7_NAMESPACE_INDEX),
                                                    ua.QualifiedName(_browse_name(ident), S7_NAMESPACE_INDEX))
            parent = made[key]
        variant = getattr(ua.VariantType, type_name)
        node_id = ua.NodeId(path[-1], S7_NAMESPACE_INDEX)
        node = await parent.add_variable(node_id, ua.QualifiedName(_browse_name(path[-1]), S7_NAMESPACE_INDEX),
                                         ua.Variant(_initial(variant), variant), varianttype=variant)
        level = ua.AccessLevel.CurrentRead.mask | (ua.AccessLevel.CurrentWrite.mask if tag.writable else 0)
        await node.write_attribute(ua.AttributeIds.AccessLevel, ua.DataValue(ua.Variant(level, ua.VariantType.Byte)))
        await node.write_attribute(ua.AttributeIds.UserAccessLevel,
                                   ua.DataValue(ua.Variant(level, ua.VariantType.Byte)))
        self._names[node_id] = tag.name
        server.set_attribute_value_callback(node_id, self._read_value)
        server.set_attribute_value_setter(node_id, self._write_value)

    # ----- reads and writes -------------------------------------------------------------------------------
    def _read_value(self, node_id: ua.NodeId, _attr: ua.AttributeIds) -> ua.DataValue:
        name = self._names.get(node_id)
        if name is None:
            return ua.DataValue(StatusCode=ua.StatusCode(ua.StatusCodes.BadNodeIdUnknown))
        try:
            reading = self._source.read([name])[0]
        except EngineeringError:
            return ua.DataValue(StatusCode=ua.StatusCode(ua.StatusCodes.BadResourceUnavailable))
        return self._data_value(node_id, reading)

    def _write_value(self, node: Any, _attr: ua.AttributeIds, value: ua.DataValue) -> None:
        name = self._names.get(node.nodeid)
        if name is None:
            raise _WriteRefused(ua.StatusCodes.BadNodeIdUnknown)
        given = plc_value(value.Value.Value) if value.Value is not None else None
        try:
            result = self._source.write([TagWrite(name, given)])[0]
        except EngineeringError as exc:
            raise _WriteRefused(ua.StatusCodes.BadResourceUnavailable) from exc
        if result.error is not None:
            raise _WriteRefused(_ITEM_STATUS.get(result.error.status, ua.StatusCodes.BadInternalError))

    def _wrap_writes(self, server: Server) -> None:
        # asyncua lets a value setter only raise; a refused item must answer its own status code in the write's
        # results, not fault the whole service call (the other items of a multi-item write still apply).
        aspace = server.iserver.aspace
        original = aspace.write_attribute_value

        async def write_attribute_value(nodeid: ua.NodeId, attr: ua.AttributeIds, value: ua.DataValue) -> Any:
            try:
                return await original(nodeid, attr, value)
            except _WriteRefused as refused:
                return ua.StatusCode(refused.status)

        aspace.write_attribute_value = write_attribute_value
        service = server.iserver.attribute_service
        write = service.write

        async def checked_write(params: ua.WriteParameters, user: Any = None) -> list[ua.StatusCode]:
            items = params.NodesToWrite
            refused = {index: status for index, item in enumerate(items)
                       if (status := self._write_refusal(aspace, item)) is not None}
            passed = [item for index, item in enumerate(items) if index not in refused]
            done = iter(await write(ua.WriteParameters(NodesToWrite=passed), user=user) if passed else [])
            return [ua.StatusCode(refused[index]) if index in refused else next(done) for index in range(len(items))]

        service.write = checked_write

    def _write_refusal(self, aspace: Any, item: ua.WriteValue) -> int | None:
        """OPC UA's status for a write this server refuses for the node, not the user (OPC 10000-4, 5.10.4.4 Table
        61 with Table 178): ``Bad_NotWritable``, "the access level does not allow writing to the Node", when our
        variable's AccessLevel lacks CurrentWrite or another attribute of it is written (its WriteMask is 0).
        ``Bad_UserAccessDenied`` is for a node writable as such that the session's user may not write
        (UserAccessLevel); asyncua answers it for both, so these are answered before it looks."""
        if item.NodeId not in self._names:
            return None
        if item.AttributeId != ua.AttributeIds.Value:
            return int(ua.StatusCodes.BadNotWritable)
        level = aspace.read_attribute_value(item.NodeId, ua.AttributeIds.AccessLevel)
        if level.Value is None or not ua.ua_binary.test_bit(level.Value.Value, ua.AccessLevel.CurrentWrite):
            return int(ua.StatusCodes.BadNotWritable)
        return None

    def _track_monitored_items(self, server: Server) -> None:
        # Our variables take their values from the CPU on every read, so asyncua never sees them change and would
        # report nothing to a subscription; we keep the monitored items of our variables and report changes.
        aspace = server.iserver.aspace
        add, remove = aspace.add_datachange_callback, aspace.delete_datachange_callback

        def add_datachange_callback(nodeid: ua.NodeId, attr: ua.AttributeIds, callback: Any) -> Any:
            status, handle = add(nodeid, attr, callback)
            if status.is_good() and attr == ua.AttributeIds.Value and nodeid in self._names:
                self._watched[handle] = (nodeid, callback)
            return status, handle

        def delete_datachange_callback(handle: int) -> None:
            self._watched.pop(handle, None)
            self._reported.pop(handle, None)
            remove(handle)

        aspace.add_datachange_callback = add_datachange_callback
        aspace.delete_datachange_callback = delete_datachange_callback

    async def _report_changes(self) -> None:
        """Read the monitored variables (one read, one CPU cycle) and tell each monitored item what changed."""
        watched = [(h, nid, cb) for h, (nid, cb) in list(self._watched.items()) if nid in self._names]
        if not watched:
            return
        names = sorted({self._names[nid] for _h, nid, _cb in watched})
        try:
            readings = dict(zip(names, self._source.read(names), strict=True))
        except EngineeringError:
            return
        for handle, node_id, callback in watched:
            value = self._data_value(node_id, readings[self._names[node_id]])
            seen = (value.Value.Value if value.Value is not None else None, value.StatusCode)
            if self._reported.get(handle) == seen:
                continue
            self._reported[handle] = seen
            try:
                await callback(handle, value)
            except Exception:  # one client's broken subscription must not stop the others
                logger.exception("OPC UA server of %s: reporting a change failed", self.instance)

    def _data_value(self, node_id: ua.NodeId, reading: TagReading) -> ua.DataValue:
        if reading.error is not None:
            status = _ITEM_STATUS.get(reading.error.status, ua.StatusCodes.BadInternalError)
            return ua.DataValue(StatusCode=ua.StatusCode(status))
        variant = getattr(ua.VariantType, variant_type_name(reading.data_type or "") or "String")
        status = ua.StatusCodes.Good if reading.quality == "Good" else ua.StatusCodes.UncertainLastUsableValue
        try:
            value = variant_value(variant.name, reading.value)
        except (TypeError, ValueError):
            return ua.DataValue(StatusCode=ua.StatusCode(ua.StatusCodes.BadTypeMismatch))
        return ua.DataValue(ua.Variant(value, variant), StatusCode=ua.StatusCode(status),
                            SourceTimestamp=_when(reading.timestamp), ServerTimestamp=datetime.now(UTC))


def _browse_name(ident: str) -> str:
    """The last part of a node identifier without quotes: ``"DB"."a"[1]`` gives ``a[1]``."""
    tail = ident.rsplit('".', 1)[-1] if '".' in ident else ident
    return tail.replace('"', "")


def _initial(variant: ua.VariantType) -> Any:
    if variant == ua.VariantType.Boolean:
        return False
    if variant in (ua.VariantType.Float, ua.VariantType.Double):
        return 0.0
    if variant == ua.VariantType.DateTime:
        return variant_value("DateTime", 0)
    return "" if variant == ua.VariantType.String else 0


def _when(stamp: str) -> datetime:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
