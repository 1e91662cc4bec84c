"""OAuth trust with an end, through a real ``engineering-api serve`` and an issuer on loopback (issue 88).

A key the issuer withdraws from its JWKS is refused once the cache time (a setting, small here) has passed; a JWKS
that is not JSON, or one without end, is a 401 naming the reason, the endless one read no further than its cap; a
stalled JWKS holds none of the threads other requests need: a key-authenticated call answers while every token
still waits on the one shared fetch, and the tokens pass once the issuer answers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

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
"""More requests with tokens than the worker threads (anyio's 40) that sync routes run on."""


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


def test_a_stalled_jwks_holds_no_thread_other_requests_need(tmp_path: Path, issuer: Issuer) -> None:
    stalled, release = threading.Event(), threading.Event()
    answered = [0]
    sent = threading.Semaphore(0)

    def stall(handler: BaseHTTPRequestHandler) -> None:
        stalled.set()
        release.wait(HANG_GUARD_S)
        issuer.send_jwks(handler)

    def call(token: str) -> int:
        sent.release()
        status = _get(served, token).status_code
        answered[0] += 1
        return status

    issuer.jwks_answer = stall
    # the tokens wait on the issuer for longer than the test runs: what answers first shows who holds what
    for served in _served(tmp_path, issuer):
        token = issuer.token()
        with ThreadPoolExecutor(WAITING_TOKENS) as pool:
            calls = [pool.submit(call, token) for _ in range(WAITING_TOKENS)]
            for _ in range(WAITING_TOKENS):
                assert sent.acquire(timeout=HANG_GUARD_S)
            assert stalled.wait(HANG_GUARD_S), "no fetch of the JWKS"
            try:
                keyed = httpx.get(f"{served.base}/api/jobs", headers={"X-API-Key": served.admin_key},
                                  timeout=HANG_GUARD_S)
                health = httpx.get(f"{served.base}/api/health", timeout=HANG_GUARD_S)
                assert keyed.status_code == 200 and health.status_code == 200, (keyed.text, health.text)
                assert answered[0] == 0, f"{answered[0]} token checks ended before the key-authenticated call"
            finally:
                release.set()
            assert [c.result(HANG_GUARD_S) for c in calls] == [200] * WAITING_TOKENS
        assert issuer.fetches["jwks"] == 1, issuer.fetches  # one fetch shared by every waiting token
