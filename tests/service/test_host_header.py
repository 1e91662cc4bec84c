"""The Host header check (issue 33, 6): names compared case-insensitively, the port parsed, no test name in
production's allow-list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engineering_api import config
from engineering_api.config import LOOPBACK_HOSTS, Settings
from engineering_api.lib.middleware import host_name

if TYPE_CHECKING:
    from litestar.testing import TestClient

__all__ = ()


@pytest.mark.parametrize("host", ["LOCALHOST", "LocalHost:9000", "127.0.0.1:9000", "[::1]:9000", "[::1]",
                                  "TESTSERVER.LOCAL"])
def test_allowed_names_pass_in_any_case_with_or_without_a_port(
    client: TestClient, admin: dict[str, str], host: str
) -> None:
    answer = client.get("/api/projects", headers={**admin, "Host": host})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("host", ["127.0.0.1:1@evil.example", "localhost:9000:1", "localhost:http", "local host",
                                  "localhost/x", "localhost:99999", "[::1", "user@localhost", "localhost:"])
def test_a_malformed_host_header_is_refused_before_anything_else(
    client: TestClient, admin: dict[str, str], host: str
) -> None:
    answer = client.get("/api/projects", headers={**admin, "Host": host})
    assert answer.status_code == 400, (host, answer.text)
    # Litestar's router refuses a space or a slash itself; the guard refuses the rest by name.
    assert answer.json()["code"] in (("BAD_REQUEST", "INVALID_HOST_HEADER") if set(host) & {" ", "/"}
                                     else ("INVALID_HOST_HEADER",))


def test_a_foreign_name_is_still_421(client: TestClient, admin: dict[str, str]) -> None:
    for host in ("evil.example", "EVIL.example:9000", "127.0.0.2"):
        answer = client.get("/api/projects", headers={**admin, "Host": host})
        assert answer.status_code == 421 and answer.json()["code"] == "HOST_NOT_ALLOWED", host


def test_production_defaults_allow_only_loopback_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """``testserver.local`` is what Litestar's test client sends; only the test suite adds it."""
    monkeypatch.setattr(config, "DEFAULT_ALLOWED_HOSTS", LOOPBACK_HOSTS)
    assert Settings().allowed_hosts == LOOPBACK_HOSTS
    assert Settings.from_env().allowed_hosts == LOOPBACK_HOSTS


def test_host_names_are_parsed_not_split() -> None:
    assert host_name("LOCALHOST:9000") == "localhost"
    assert host_name("[::1]:9000") == "[::1]"
    assert host_name("127.0.0.1:1@evil.example") is None
    assert host_name("") is None


def test_a_host_that_passed_is_refused_once_the_settings_no_longer_allow_it(
    client: TestClient, admin: dict[str, str]
) -> None:
    """The guard remembers the Host headers that passed its check; a change of allowedHosts forgets them."""
    plant = {**admin, "Host": "plant.example:9000"}
    assert client.get("/api/projects", headers=plant).status_code == 421
    saved = client.post("/api/settings", json={"allowedHosts": ["plant.example"]},
                        headers={**admin, "Host": "localhost"})
    assert saved.status_code == 200, saved.text
    assert client.get("/api/projects", headers=plant).status_code == 200  # remembered by this route's guard now
    saved = client.post("/api/settings", json={"allowedHosts": ["testserver.local"]},
                        headers={**admin, "Host": "localhost"})
    assert saved.status_code == 200, saved.text
    answer = client.get("/api/projects", headers=plant)
    assert answer.status_code == 421, answer.text
    assert answer.json()["code"] == "HOST_NOT_ALLOWED"
