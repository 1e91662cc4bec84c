"""A test client whose requests come from a chosen peer address: Litestar's test client sends ``testclient``,
which is no IP address, and the ``trustedProxies`` and ``metricsClients`` rules decide by the peer's address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient
from litestar.types import Receive, Scope, Send

from engineering_api.app import create_app
from engineering_api.config import Settings

__all__ = ("client_from",)


@contextmanager
def client_from(data_dir: Path, peer: str, **settings: object) -> Iterator[TestClient[Litestar]]:
    """A client of a service in ``data_dir`` (with ``settings``) whose every request comes from ``peer``."""
    app = create_app(Settings.from_env(data_dir=data_dir, **settings))
    original = app.asgi_handler

    async def from_peer(scope: Scope, receive: Receive, send: Send) -> None:
        scope["client"] = (peer, 40000)
        await original(scope, receive, send)

    app.asgi_handler = from_peer
    with TestClient(app) as client:
        yield client
