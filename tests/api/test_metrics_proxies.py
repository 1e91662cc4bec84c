"""``trustedProxies`` for ``/metrics`` and the access log (issue 52 item 2): behind a trusted proxy the client is the
address the proxy forwarded (``X-Forwarded-For``), so a proxy on the server's own host does not publish the metrics
to every client it relays; from anyone else the header is ignored."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from engineering_api.lib.forwarded import client_address
from tests.peer_client import client_from

PROXY = "127.0.0.1"
"""A reverse proxy on the server's own host: its peer address is loopback, which may read /metrics by default."""


def _scope(peer: str, *forwarded: str) -> Any:
    return {"client": (peer, 1), "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "client"), [
    ((), "10.0.0.1", ("203.0.113.9",), "10.0.0.1"),  # no proxy configured: the header is ignored
    (("10.0.0.1",), "10.9.9.9", ("127.0.0.1",), "10.9.9.9"),  # not from the proxy: a client cannot claim loopback
    (("10.0.0.1",), "10.0.0.1", ("203.0.113.9",), "203.0.113.9"),
    (("10.0.0.1",), "10.0.0.1", (), "10.0.0.1"),  # the proxy's own request
    (("10.0.0.0/8",), "10.0.0.1", ("127.0.0.1, 203.0.113.9, 10.0.0.7",), "203.0.113.9"),  # the nearest untrusted hop
    (("10.0.0.0/8",), "10.0.0.1", ("127.0.0.1", "203.0.113.9"), "203.0.113.9"),  # two header lines, in order
    (("10.0.0.0/8",), "10.0.0.1", ("10.0.0.5, 10.0.0.6",), "10.0.0.5"),  # all trusted: the farthest
    (("10.0.0.0/8",), "10.0.0.1", ("127.0.0.1, junk, 10.0.0.6",), "unknown"),  # junk: unknown, never a proxy
    (("::1",), "::1", ("2001:db8::5",), "2001:db8::5"),
])
def test_the_client_address_is_the_one_a_trusted_proxy_forwarded(trusted: tuple[str, ...], peer: str,
                                                                forwarded: tuple[str, ...], client: str) -> None:
    assert client_address(_scope(peer, *forwarded), trusted) == client
    assert client_address(_scope(peer) | {"client": None}, trusted) is None


def test_a_loopback_proxy_does_not_publish_the_metrics_to_the_clients_it_relays(tmp_path: Path) -> None:
    remote = {"X-Forwarded-For": "203.0.113.9"}
    with client_from(tmp_path, PROXY, trusted_proxies=(PROXY,)) as client:
        assert client.get("/metrics", headers=remote).status_code == 403
        assert client.get("/metrics").status_code == 200  # the proxy's own scrape (no forwarded client)
    with client_from(tmp_path, PROXY, trusted_proxies=(PROXY,), metrics_clients=("203.0.113.0/24",)) as client:
        assert client.get("/metrics", headers=remote).status_code == 200
        assert client.get("/metrics").status_code == 403


def test_a_client_that_is_no_trusted_proxy_cannot_claim_an_address(tmp_path: Path) -> None:
    with client_from(tmp_path, "10.9.9.9", trusted_proxies=(PROXY,), metrics_clients=("127.0.0.1",)) as client:
        assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 403


def test_the_access_log_names_the_forwarded_client(tmp_path: Path,
                                                  access_lines: list[logging.LogRecord]) -> None:
    with client_from(tmp_path, PROXY, trusted_proxies=(PROXY,), access_log="json") as client:
        client.get("/api/health", headers={"X-Forwarded-For": "203.0.113.9"})
        client.get("/api/health", headers={"X-Forwarded-For": "bogus"})
    with client_from(tmp_path, "10.9.9.9", trusted_proxies=(PROXY,), access_log="json") as client:
        client.get("/api/health", headers={"X-Forwarded-For": "203.0.113.9"})
    assert [json.loads(record.getMessage())["client"] for record in access_lines] == [
        "203.0.113.9", "unknown", "10.9.9.9"]  # a bogus entry names no client, and never the proxy
