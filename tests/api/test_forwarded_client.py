"""The audit and the limit on failed authentications go by the client's address as ``/metrics`` and the access log
do: behind a proxy named in ``trustedProxies``, the address it forwarded (``X-Forwarded-For``); from any other peer
the header is ignored, so a client can neither hide behind a made-up address nor spread its guesses over many."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.peer_client import client_from
from tests.conftest import data

PROXY = "10.0.0.1"
CLIENT = "203.0.113.9"


@pytest.mark.parametrize(("peer", "recorded"), [(PROXY, CLIENT), ("10.9.9.9", "10.9.9.9")])
def test_the_audit_records_the_client_a_trusted_proxy_forwarded(tmp_path: Path, peer: str, recorded: str) -> None:
    with client_from(tmp_path, peer, trusted_proxies=(PROXY,)) as client:
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
        data(client.post("/api/projects/actions/create-sync", json={"name": "Forwarded"},
                         headers={**admin, "X-Forwarded-For": CLIENT}))
        assert client.get("/api/projects", headers={"X-API-Key": "eapi_wrong", "X-Forwarded-For": CLIENT}
                          ).status_code == 401
        records = data(client.get("/api/audit", headers=admin))["records"]
        assert {(r["path"], r["status"], r["client"]) for r in records} == {
            ("/api/projects/actions/create-sync", 200, recorded), ("/api/projects", 401, recorded)}


def _attempts(client: TestClient[Litestar], *addresses: str) -> list[int]:
    """The statuses of a wrong key's requests, each forwarded for the next address."""
    return [client.get("/api/projects", headers={"X-API-Key": "eapi_wrong", "X-Forwarded-For": address}).status_code
            for address in addresses]


def test_failed_authentications_are_limited_per_forwarded_client(tmp_path: Path) -> None:
    with client_from(tmp_path, PROXY, trusted_proxies=(PROXY,), auth_failures_per_minute=2) as client:
        assert _attempts(client, CLIENT, CLIENT, CLIENT) == [401, 401, 429]
        assert _attempts(client, "203.0.113.10") == [401], "another client behind the proxy is not locked out"


def test_an_untrusted_peer_cannot_spread_its_guesses_over_forwarded_addresses(tmp_path: Path) -> None:
    with client_from(tmp_path, "10.9.9.9", trusted_proxies=(PROXY,), auth_failures_per_minute=2) as client:
        assert _attempts(client, "203.0.113.1", "203.0.113.2", "203.0.113.3") == [401, 401, 429]
