"""Push to clients: legacy ASP.NET SignalR over long polling (hubs ``jobhub`` and ``assistanthub``)."""

from __future__ import annotations

from engineering_api.push.hub import PushHub, hub_of, stop_push
from engineering_api.push.routes import signalr_routes

__all__ = ("PushHub", "hub_of", "signalr_routes", "stop_push")
