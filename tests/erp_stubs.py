"""ERPs on loopback for the runtime pulls' tests: one that answers (:class:`Erp`), one that never does
(:class:`Hanging`)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ("LOOPBACK", "Erp", "Hanging")

LOOPBACK = ("127.0.0.1", "::1")
"""The ERPs listen on loopback: a host a pull fetches from only when the settings allow it."""


class Erp:
    """An ERP's HTTP API: answers the queued (status, body) pairs, then its document; records what it was sent."""

    def __init__(self) -> None:
        self.document: bytes = b"{}"
        self.content_type = "application/json"
        self.queued: list[tuple[int, bytes]] = []
        self.seen: list[dict[str, str]] = []
        erp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                erp.seen.append(dict(self.headers))
                status, body = erp.queued.pop(0) if erp.queued else (200, erp.document)
                self.send_response(status)
                self.send_header("Content-Type", erp.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/orders/current"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Hanging:
    """An ERP that accepts every connection and never answers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/api/orders/current"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            while True:
                self.accepted.append(self.listener.accept()[0])
        except OSError:  # closed at the end of the test
            pass

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()
