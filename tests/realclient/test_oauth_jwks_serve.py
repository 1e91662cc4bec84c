"""OAuth trust with an end, through a real ``engineering-api serve`` and an issuer on loopback (issue 88).

A key the issuer withdraws from its JWKS is refused once the cache time (a setting, small here) has passed; a JWKS
that is not JSON, or one without end, is a 401 naming the reason, the endless one read no further than its cap; a
stalled JWKS holds none of the threads other requests need: the ERP's webhook (a login token, its run on a worker
thread of anyio's default limiter, as every synchronous route's) answers while more tokens than that limiter's 40
threads still wait on the one shared fetch, and the tokens pass once the issuer answers. When each token's check ran
on one of those threads (``anyio.to_thread.run_sync`` until 8cdea9dc), the webhook waited until token checks gave
theirs up at their fetch's timeout.
"""

from __future__ import annotations

import selectors
import socket
import threading
from typing import TYPE_CHECKING, Any, cast

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.oauth_issuer import AUDIENCE, Issuer
from tests.realclient.conftest import serve
from tools.bounds import HANG_GUARD_S, until

if TYPE_CHECKING:
    from collections.abc import Iterator
    from http.server import BaseHTTPRequestHandler
    from pathlib import Path

    from tests.realclient.conftest import Served

CURRENT = "/api/runtime/users/current"
ENDLESS_STOP_BYTES = 128 * 1024 * 1024
"""Where the test's endless JWKS gives up (so a server without a cap fails the test instead of the machine)."""
READ_AT_MOST_BYTES = 24 * 1024 * 1024
"""The cap (1 MB) plus what loopback's socket buffers hold, with room to spare."""
WAITING_TOKENS = 48
"""More requests with tokens than the worker threads that sync routes and the webhook's run share (anyio's
default limiter: 40)."""


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    running = Issuer()
    yield running
    running.server.shutdown()


def _served(tmp_path: Path, issuer: Issuer, **settings: str) -> Iterator[Served]:
    # the fetch's deadline is the hang guard: what is tested is the reason, never the speed of a loaded machine
    env = {"ENGINEERING_API_OAUTH_ISSUER": issuer.url, "ENGINEERING_API_OAUTH_AUDIENCE": AUDIENCE,
           "ENGINEERING_API_OAUTH_JWKS_TIMEOUT_SECONDS": str(HANG_GUARD_S),
           **{f"ENGINEERING_API_OAUTH_{k.upper()}": v for k, v in settings.items()}}
    yield from serve(tmp_path / "data", env=env)


def _get(served: Served, token: str) -> httpx.Response:
    return httpx.get(f"{served.base}{CURRENT}", headers={"Authorization": f"Bearer {token}"}, timeout=HANG_GUARD_S)


def test_a_withdrawn_key_is_refused_after_the_cache_time(tmp_path: Path, issuer: Issuer) -> None:
    for served in _served(tmp_path, issuer, jwks_cache_seconds="1"):
        old = issuer.token()
        assert _get(served, old).status_code == 200
        issuer.keys = {"k2": _new_key()}  # k1 withdrawn, k2 published
        refused = until(lambda: _refused(served, old), "the withdrawn key k1 refused")
        assert refused is not None
        assert "does not publish" in refused.headers["www-authenticate"], refused.headers
        assert _get(served, issuer.token(kid="k2")).status_code == 200


def _refused(served: Served, token: str) -> httpx.Response | None:
    answer = _get(served, token)
    return answer if answer.status_code == 401 else None


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_a_jwks_that_is_not_json_is_401_with_the_reason_and_a_metric(tmp_path: Path, issuer: Issuer) -> None:
    def not_json(handler: BaseHTTPRequestHandler) -> None:
        raw = b"<html>login page</html>"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    issuer.jwks_answer = not_json
    for served in _served(tmp_path, issuer):
        answer = _get(served, issuer.token())
        assert answer.status_code == 401, answer.text
        assert "JWKS) is not JSON" in answer.headers["www-authenticate"], answer.headers
        metrics = httpx.get(f"{served.base}/metrics", timeout=HANG_GUARD_S).text
        assert 'engineering_api_runtime_oauth_jwks_failures_total{reason="not_json"} 1.0' in metrics, metrics


def test_an_endless_jwks_is_401_and_read_no_further_than_its_cap(tmp_path: Path, issuer: Issuer) -> None:
    sent = [0]
    hung_up = threading.Event()

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)  # HTTP/1.0 without a length: the body ends when the server closes
        handler.end_headers()
        chunk = b'{"keys": [' + b" " * 65_526
        try:
            while sent[0] < ENDLESS_STOP_BYTES:
                handler.wfile.write(chunk)
                sent[0] += len(chunk)
        except OSError:
            pass  # the reader hung up
        hung_up.set()

    issuer.jwks_answer = endless
    for served in _served(tmp_path, issuer):
        answer = _get(served, issuer.token())
        assert answer.status_code == 401, answer.text
        assert "larger than" in answer.headers["www-authenticate"], answer.headers
        until(hung_up.is_set, "the endless JWKS's reader to hang up")
        assert sent[0] < READ_AT_MOST_BYTES, f"the server read {sent[0]} bytes of an endless JWKS"


def test_a_stalled_jwks_holds_no_thread_the_erps_webhook_needs(tmp_path: Path, issuer: Issuer) -> None:
    from tests.api.runtime_users import login, make_user

    stalled, release = threading.Event(), threading.Event()

    def stall(handler: BaseHTTPRequestHandler) -> None:
        stalled.set()
        release.wait(HANG_GUARD_S)
        issuer.send_jwks(handler)

    issuer.jwks_answer = stall
    # the tokens wait on the issuer for longer than the test runs: what answers first shows who holds what
    for served in _served(tmp_path, issuer):
        with httpx.Client(base_url=served.base, timeout=HANG_GUARD_S) as client:
            admin = {"X-API-Key": served.admin_key}
            make_user(cast("Any", client), admin, "erp", ["read", "write"])  # it takes the test client
            erp = login(client, "erp")
            pull = client.post("/api/runtime/pulls", headers=admin, json={
                "name": "Orders in", "acceptWebhook": True,
                "mapping": [{"tag": '"Line_DB".Setpoint', "path": "order.setpoint"}]})
            assert pull.status_code == 201, pull.text
            token = issuer.token()
            # every token's request is in the server's socket before the webhook's connection is opened
            waiting = [_send_get(served, CURRENT, token) for _ in range(WAITING_TOKENS)]
            try:
                assert stalled.wait(HANG_GUARD_S), "no fetch of the JWKS"
                hook = client.post(f"/api/runtime/pulls/{pull.json()['data']['pullId']}/webhook",
                                   json={"order": {"setpoint": 1.5}}, headers=erp)
                ended = _readable_now(waiting)
            finally:
                release.set()
            # the pull ran on a worker thread and answered (no PLC runs here, so its write is refused: a cheap run)
            assert hook.status_code == 422 and "PLC cannot be written" in hook.json()["message"], hook.text
            assert not ended, f"{len(ended)} token checks ended before the webhook was answered"
            assert [_status(answer) for answer in waiting] == [200] * WAITING_TOKENS
        assert issuer.fetches["jwks"] == 1, issuer.fetches  # one fetch shared by every waiting token


def _send_get(served: Served, path: str, token: str) -> socket.socket:
    """A connection that has sent ``GET path`` with ``token`` (its answer is read by :func:`_status`)."""
    connection = socket.create_connection(("127.0.0.1", int(served.base.rsplit(":", 1)[1])), timeout=HANG_GUARD_S)
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                       "Connection: close\r\n\r\n".encode())
    return connection


def _status(connection: socket.socket) -> int:
    """The status of the answer ``connection`` receives (the connection is closed)."""
    with connection:
        head = b""
        while b"\r\n" not in head:
            chunk = connection.recv(4096)
            if not chunk:
                return 0  # closed without an answer
            head += chunk
    return int(head.split(b" ", 2)[1])


def _readable_now(sockets: list[socket.socket]) -> list[socket.socket]:
    """The sockets with an answer (or an end) to read now, without waiting."""
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        return [cast("socket.socket", key.fileobj) for key, _ in selector.select(0)]
