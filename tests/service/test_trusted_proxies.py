"""``trustedProxies``: behind a TLS proxy the console's session cookie is Secure and redirects stay on https; the
header from anyone else changes nothing (issue 48 item 6)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from engineering_api.config import Settings
from tests.console.conftest import csrf_of
from tests.peer_client import client_from


def _sign_in(client: TestClient[Litestar], data_dir: Path, forwarded: str | None) -> httpx.Response:
    headers = {"X-Forwarded-Proto": forwarded} if forwarded else {}
    token = csrf_of(client.get("/", headers=headers).text)
    key = (data_dir / "api.secret").read_text().strip()
    return client.post("/console/signin", data={"apiKey": key, "_csrf_token": token}, headers=headers,
                       follow_redirects=False)


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "secure"), [
    (("10.0.0.0/8",), "10.1.2.3", "https", True),
    (("10.1.2.3",), "10.1.2.3", "http, https", True),
    (("10.1.2.3",), "10.9.9.9", "https", False),  # not the proxy: a client cannot claim https
    ((), "10.1.2.3", "https", False),  # no proxy configured: the header is ignored
    (("10.0.0.0/8",), "10.1.2.3", None, False),
])
def test_the_session_cookie_is_secure_behind_a_trusted_tls_proxy(tmp_path: Path, trusted: tuple[str, ...],
                                                                 peer: str, forwarded: str | None,
                                                                 secure: bool) -> None:
    data_dir = tmp_path / "var"
    with client_from(data_dir, peer, trusted_proxies=trusted) as client:
        answer = _sign_in(client, data_dir, forwarded)
    assert answer.status_code == 303, answer.text
    assert ("Secure" in answer.headers["set-cookie"]) is secure, answer.headers["set-cookie"]
    location = answer.headers["location"]  # relative (the browser keeps https), or absolute with the right scheme
    assert location == "/console/project" or location.startswith("https://" if secure else "http://")


def test_a_wrong_proxy_entry_stops_the_start_with_its_reason(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not-an-address"):
        Settings.from_env(data_dir=tmp_path, trusted_proxies=("not-an-address",))
