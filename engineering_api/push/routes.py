"""Legacy ASP.NET SignalR (2.x) over long polling, as the T-IA Connect VS Code client speaks it (src/api/signalr.ts).

The wire follows ASP.NET SignalR 2's PersistentConnection (github.com/SignalR/SignalR,
src/Microsoft.AspNet.SignalR.Core/PersistentConnection.cs ProcessNegotiationRequest and ProcessStartRequest;
Transports/LongPollingTransport.cs; Messaging/PersistentResponse.cs for ``C``, ``G`` and ``M``; Hubs/HubResponse
for ``{H, M, A}``):

- ``POST /signalr/negotiate?connectionData=[{"name":"jobhub"},...]`` answers ``{Url, ConnectionToken,
  ConnectionId, KeepAliveTimeout, DisconnectTimeout, ConnectionTimeout, TryWebSockets, ProtocolVersion,
  TransportConnectTimeout, LongPollDelay}`` (PascalCase: the client does not normalise these keys);
- ``GET /signalr/start?transport=longPolling&connectionToken=`` answers ``{Response: "started"}``;
- ``GET /signalr/poll?transport=longPolling&connectionToken=&messageId=`` waits up to ``PushHub.poll_seconds`` for
  a message and answers ``{C, M: [{H, M, A}]}``; ``C`` is the id to send back as ``messageId``;
- ``POST /signalr/abort`` closes the connection; ``GET /signalr/ping`` answers ``{Response: "pong"}``.

Only long polling is offered (``TryWebSockets: false``), the transport this client uses. Every route needs a key
(viewer); a connection belongs to the key that negotiated it: another key gets 403, an unknown or expired token
404. The guard middleware audits negotiate and abort (the POSTs); the token travels in the query string, which
the audit does not record. These routes are not in the OpenAPI document: they are a transport protocol with its
own bodies, not REST operations (as for the MCP event stream).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request, Response, get, post

from engineering_api.backend.errors import NotFoundError, PermissionDeniedError, ValidationError
from engineering_api.errors import codes
from engineering_api.push.hub import HUBS, hub_of

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler

    from engineering_api.lib.security import Principal
    from engineering_api.push.hub import Connection, PushHub

__all__ = ("PROTOCOL_VERSION", "signalr_routes")

PROTOCOL_VERSION = "1.5"
"""The highest protocol of ASP.NET SignalR 2.x; this client sends no clientProtocol and accepts any."""
_VIEWER = {"role": "viewer"}


def _hub(request: Request[Any, Any, Any]) -> PushHub:
    return hub_of(request.app.state.services)


def _hubs(raw: str | None) -> frozenset[str]:
    """The hub names of ``connectionData`` (JSON ``[{"name": ...}]``); none given means every hub.

    Raises:
        ValidationError: not that JSON shape, or a hub this server does not have.
    """
    if raw is None or not raw.strip():
        return HUBS
    try:
        items = msgspec.json.decode(raw.encode(), type=list[dict[str, Any]])
    except msgspec.DecodeError as exc:
        raise ValidationError(f"connectionData must be JSON like [{{\"name\":\"jobhub\"}}]: {exc}",
                              code=codes.INVALID_CONNECTION_DATA) from None
    names = set()
    for item in items:
        name = next((v for k, v in item.items() if k.lower() == "name"), None)
        if not isinstance(name, str) or name.lower() not in HUBS:
            raise ValidationError(f"Hub {name!r} could not be resolved; this server has {', '.join(sorted(HUBS))}",
                                  code=codes.UNKNOWN_HUB, details={"hubs": sorted(HUBS)})
        names.add(name.lower())
    if not names:
        raise ValidationError("connectionData names no hub", code=codes.INVALID_CONNECTION_DATA)
    return frozenset(names)


def _connection(request: Request[Any, Any, Any]) -> Connection:
    """The caller's connection named by ``connectionToken``.

    Raises:
        ValidationError: no connectionToken, or a transport other than longPolling.
        NotFoundError: SIGNALR_CONNECTION_NOT_FOUND: unknown, aborted or expired (not polled) connection.
        PermissionDeniedError: the connection belongs to another key.
    """
    transport = request.query_params.get("transport")
    if transport is not None and transport != "longPolling":
        raise ValidationError(f"transport {transport!r} is not offered; this server speaks longPolling only",
                              code=codes.TRANSPORT_NOT_SUPPORTED)
    token = request.query_params.get("connectionToken")
    if not token:
        raise ValidationError("connectionToken is required (from /signalr/negotiate)",
                              code=codes.INVALID_CONNECTION_TOKEN)
    connection = _hub(request).find(token)
    if connection is None:
        raise NotFoundError("No such SignalR connection (aborted, or expired because it was not polled); negotiate "
                            "again", code=codes.SIGNALR_CONNECTION_NOT_FOUND)
    caller: Principal = request.scope["user"]
    if connection.key_id != caller.key_id:
        raise PermissionDeniedError("This SignalR connection belongs to another API key", code=codes.FORBIDDEN)
    return connection


# not an operation: SignalR 2's own transport protocol (PascalCase bodies, no envelope), as the client speaks it
@post("/signalr/negotiate", operation_id="SignalRNegotiate", status_code=200, opt=_VIEWER, include_in_schema=False)
async def negotiate(request: Request[Any, Any, Any]) -> Response[Any]:
    """Open a connection for the caller's key on the hubs of ``connectionData``.

    Raises ValidationError (422) for a malformed connectionData or an unknown hub."""
    hub = _hub(request)
    caller: Principal = request.scope["user"]
    connection = hub.open(caller.key_id, _hubs(request.query_params.get("connectionData")))
    return Response({
        "Url": "/signalr",
        "ConnectionToken": connection.token,
        "ConnectionId": connection.connection_id,
        "KeepAliveTimeout": None,  # no keep-alive frames: long polling answers empty polls instead
        "DisconnectTimeout": hub.idle_seconds,
        "ConnectionTimeout": hub.poll_seconds,
        "TryWebSockets": False,
        "ProtocolVersion": PROTOCOL_VERSION,
        "TransportConnectTimeout": 5.0,
        "LongPollDelay": 0.0,
    })


# not an operation: a step of SignalR 2's long-polling transport, answered in its own shape
@get("/signalr/start", operation_id="SignalRStart", opt=_VIEWER, include_in_schema=False)
async def start(request: Request[Any, Any, Any]) -> Response[Any]:
    """Mark the connection started. Raises the errors of :func:`_connection`."""
    _connection(request).started = True
    return Response({"Response": "started"})


# not an operation: a long poll, a stream of hub messages in SignalR 2's {C, M} frames
@get("/signalr/poll", operation_id="SignalRPoll", opt=_VIEWER, include_in_schema=False)
async def poll(request: Request[Any, Any, Any]) -> Response[Any]:
    """Wait for the messages after ``messageId`` and answer them as ``{C, M}``.

    Raises ValidationError (422) for a messageId that is not a number, and the errors of :func:`_connection`."""
    connection = _connection(request)
    raw = request.query_params.get("messageId") or "0"
    try:
        seen = int(raw)
    except ValueError:
        raise ValidationError(f"messageId must be the C value of the previous poll, not {raw!r}",
                              code=codes.INVALID_MESSAGE_ID) from None
    hub = _hub(request)
    messages = await hub.wait(connection, seen, hub.poll_seconds)
    last = messages[-1][0] if messages else connection.next_id - 1
    return Response({"C": str(last), "M": [message for _, message in messages]})


# not an operation: closes a SignalR 2 transport connection, answered in its own shape
@post("/signalr/abort", operation_id="SignalRAbort", status_code=200, opt=_VIEWER, include_in_schema=False)
async def abort(request: Request[Any, Any, Any]) -> Response[Any]:
    """Close the connection (audited by the guard like any POST). Raises the errors of :func:`_connection`."""
    connection = _connection(request)
    _hub(request).close(connection)
    return Response({"Response": "aborted"})


# not an operation: SignalR 2's transport keep-alive, answered in its own shape
@get("/signalr/ping", operation_id="SignalRPing", opt=_VIEWER, include_in_schema=False)
async def ping() -> Response[Any]:
    """Keep-alive check of ASP.NET SignalR clients."""
    return Response({"Response": "pong"})


def signalr_routes() -> list[HTTPRouteHandler]:
    """The /signalr/* route handlers."""
    return [negotiate, start, poll, abort, ping]
