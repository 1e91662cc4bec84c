"""The runtime pushes' routes and a receiver of their deliveries, with helpers to push and read the log."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from litestar.testing import TestClient

from engineering_api.runtime.service import runtime_of
from tests.conftest import Headers, data

if TYPE_CHECKING:
    from pathlib import Path

    from litestar import Litestar

__all__ = ("COUNT", "MATERIAL", "PUSHES", "Receiver", "TOKEN", "UTC", "admin_key", "list_deliveries", "log_shift",
           "push_body", "resend_shift")

PUSHES = "/api/runtime/pushes"

COUNT, MATERIAL = '"Line_DB".Count', '"Line_DB".Material'

TOKEN = "erp-bearer-s3cr3t-value"

UTC = dt.UTC


class Receiver:
    """A tiny ERP: records every request and answers the next scripted status (200 when the script is done)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[int] = []
        self.echo_headers: list[str] = []
        self.retry_after: str | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                status = receiver.script.pop(0) if receiver.script else 200
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "status": status})
                answer = json.dumps({h: self.headers[h] for h in receiver.echo_headers}) if receiver.echo_headers \
                    else "ok"
                self.send_response(status)
                if receiver.retry_after and status != 200:
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer.encode())

            def do_GET(self) -> None:  # a pull's source: a small JSON document
                answer = b'{"order": {"setpoint": 4.5}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._handler = Handler
        probe = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = probe.server_address[1]
        probe.server_close()  # the port is known; the receiver is down until start()
        self._server: ThreadingHTTPServer | None = None
        self.scheme = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/erp/shift"

    def start(self, tls: ssl.SSLContext | None = None) -> None:
        """Serve; over HTTPS with ``tls`` (a server context with its certificate)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler)
        if tls is not None:
            self.scheme = "https"
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def admin_key(data_dir: Path) -> Headers:
    return {"X-API-Key": (data_dir / "api.secret").read_text().strip()}


def resend_shift(client: TestClient[Litestar], headers: Headers, push_id: str) -> None:
    """Queue the period that ended 2026-01-05 13:00 UTC (the 06:00-14:00 Berlin shift) again: 202."""
    data(client.post(f"{PUSHES}/{push_id}/deliveries/resend", json={"periodEnd": "2026-01-05T13:00:00Z"},
                     headers=headers), 202)


def log_shift(client: TestClient[Litestar], headers: Headers) -> None:
    """Log Count and Material, and fill the 06:00-14:00 (Berlin) shift of 5 January with samples."""
    for tag in (COUNT, MATERIAL):
        data(client.put("/api/runtime/history/settings", json={"tag": tag, "mode": "onChange"}, headers=headers))
    history = runtime_of(client.app.state.services).history
    shift_start = dt.datetime(2026, 1, 5, 5, 0, tzinfo=UTC)  # 06:00 in Berlin
    samples = []
    for minute in range(0, 480, 60):
        stamp = (shift_start + dt.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        samples += [(COUNT, stamp, 1000 + minute), (MATERIAL, stamp, 2.5)]
    samples.append((COUNT, "2026-01-05T13:30:00.000Z", 99_999))  # the next shift: not in this push
    history.log(samples)


def push_body(url: str, **overrides: Any) -> dict[str, Any]:
    template = {"shiftStart": "${periodStart}", "shiftEnd": "${periodEnd}", "produced": f"${{delta({COUNT})}}",
                "material": f"${{sum({MATERIAL})}}", "materialAvg": f"${{avg({MATERIAL})}}",
                "samples": f"${{count({COUNT})}}", "note": "line 1 (${pushName})"}
    return {"name": "Shift report", "schedule": {"shifts": ["06:00", "14:00", "22:00"], "timezone": "Europe/Berlin"},
            "format": "json", "template": json.dumps(template),
            "target": {"url": url, "headers": {"X-Plant": "P1"}, "auth": {"type": "bearer", "token": TOKEN}},
            **overrides}


def list_deliveries(client: TestClient[Litestar], headers: Headers, push_id: str) -> list[dict[str, Any]]:
    return data(client.get(f"{PUSHES}/{push_id}/deliveries", headers=headers))
