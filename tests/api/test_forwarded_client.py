"""The audit and the limit on failed authentications go by the client's address as ``/metrics`` and the access log
do: behind a proxy named in ``trustedProxies``, the address it forwarded (``X-Forwarded-For``); from any other peer
the header is ignored, so a client can neither hide behind a made-up address nor spread its guesses over many."""

from __future__ import annotations

import ipaddress
import random
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from engineering_api.lib.forwarded import hop_address
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


# ----- the forms proxies write -----------------------------------------------------------------------------------
def _forms(address: str, port: int) -> list[str]:
    """Every form a proxy writes ``address`` in (X-Forwarded-For entries and RFC 7239 ``for=`` values)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return [address, f"{address}:{port}", f'"{address}:{port}"']
    return [address, f"[{address}]", f"[{address}]:{port}", f'"[{address}]:{port}"', f"[{address}]:_hidden"]


_ADDRESSES = [str(ipaddress.ip_address(random.Random(seed).getrandbits(32))) for seed in range(40)] + [
    str(ipaddress.ip_address(random.Random(seed).getrandbits(128))) for seed in range(40)] + [
    "203.0.113.9", "2001:db8::1", "::ffff:192.0.2.1", "::1"]


@pytest.mark.parametrize("address", _ADDRESSES)
def test_every_form_of_an_address_reads_as_that_address(address: str) -> None:
    port = random.Random(address).randint(1, 65535)
    for form in _forms(address, port):
        assert hop_address(form) == str(ipaddress.ip_address(address)), form
    # what no proxy writes is no address: a stray bracket, a second port, a host name, a port past the colon
    for mutant in (f"[{address}", f"{address}]", f"[{address}]:{port}:1", f"{address}:{port}:x", "host.example",
                   f"[{address}]x", f"{address}:", "unknown", "_hidden"):
        if mutant != address and ":" not in mutant.removeprefix(f"{address}"):  # "2001:db8::1:" would be IPv6
            assert hop_address(mutant) is None, mutant


def _audited(client: TestClient[Litestar], admin: dict[str, str], headers: dict[str, str]) -> str:
    data(client.post("/api/projects/actions/create-sync", json={"name": "Fwd"}, headers={**admin, **headers}))
    records = data(client.get("/api/audit", params={"limit": 1}, headers=admin))["records"]
    return str(records[0]["client"])


@pytest.mark.parametrize(("headers", "recorded"), [
    ({"X-Forwarded-For": "203.0.113.9:4711"}, "203.0.113.9"),  # Azure Application Gateway's form
    ({"X-Forwarded-For": "[2001:db8::17]:4711"}, "2001:db8::17"),
    ({"Forwarded": 'for="[2001:db8::17]:4711";proto=https, for=127.0.0.1'}, "2001:db8::17"),
    ({"Forwarded": "for=203.0.113.9;proto=https"}, "203.0.113.9"),
    ({"Forwarded": "for=unknown"}, "unknown"),
    ({"X-Forwarded-For": "not-an-address"}, "unknown"),
    # a client's own header beside the proxy's, naming someone else: no address can be trusted
    ({"X-Forwarded-For": "203.0.113.9", "Forwarded": "for=198.51.100.1"}, "unknown"),
])
def test_the_audit_records_the_forwarded_client_in_every_standard_form(tmp_path: Path, headers: dict[str, str],
                                                                        recorded: str) -> None:
    with client_from(tmp_path, "127.0.0.1", trusted_proxies=("127.0.0.1",)) as client:
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
        assert _audited(client, admin, headers) == recorded


@pytest.mark.parametrize("forwarded", ["203.0.113.9:4711", "[2001:db8::17]:4711", "garbage", "203.0.113.9, junk"])
def test_a_loopback_proxy_writing_ports_or_junk_never_passes_its_own_address_on(tmp_path: Path,
                                                                               forwarded: str) -> None:
    """Before, an entry with a port stopped the walk at the proxy's 127.0.0.1: every remote client could read
    /metrics, and all of them shared one wrong-key budget."""
    with client_from(tmp_path, "127.0.0.1", trusted_proxies=("127.0.0.1",), auth_failures_per_minute=2) as client:
        assert client.get("/metrics", headers={"X-Forwarded-For": forwarded}).status_code == 403
        assert client.get("/metrics").status_code == 200  # the proxy's own scrape


def test_clients_behind_a_proxy_that_appends_ports_have_budgets_of_their_own(tmp_path: Path) -> None:
    with client_from(tmp_path, PROXY, trusted_proxies=(PROXY,), auth_failures_per_minute=2) as client:
        assert _attempts(client, "203.0.113.9:1000", "203.0.113.9:1001", "203.0.113.9:1002") == [401, 401, 429]
        assert _attempts(client, "203.0.113.10:1000") == [401], "another client behind the proxy is not locked out"
