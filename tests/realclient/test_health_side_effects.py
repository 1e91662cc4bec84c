"""Health without side effects, across processes (issue 88): a real ``engineering-api serve`` probed on
``/api/health`` as every load balancer does, beside ``engineering-api keys`` commands on the same data directory.

A health probe that opened the SQLite file and closed it again released every lock the server held on the file
(POSIX locks belong to the process): the next CLI command believed it was alone, checkpointed and deleted the
``-wal`` and ``-shm`` the server still used, and from then on the two no longer saw each other's writes. The file
replaced by another database under a running server is told by the probe, and a write answers 503 with the cause.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.config import Settings
from tests import live_http
from tests.conftest import assert_error
from tests.realclient.conftest import cli, serve

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realclient.conftest import Served

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks: Windows locks are the handle's")

KEYS = "/api/security/keys"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path / "data")


def _cli(served: Served, *args: str) -> str:
    """``engineering-api keys …`` in a process of its own on the server's data directory."""
    return cli(served.data_dir, "keys", *args)


def _status(served: Served, key: str, method: str = "GET", path: str = "/api/jobs", **kwargs: Any) -> int:
    call = getattr(live_http, method.lower())
    return int(call(f"{served.base}{path}", headers={"X-API-Key": key}, **kwargs).status_code)


def _health(served: Served) -> dict[str, Any]:
    answer = live_http.get(f"{served.base}/api/health")
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["data"])


def test_after_health_probes_the_cli_and_the_server_still_see_each_others_keys(server: Served):
    for _ in range(3):
        assert _health(server)["status"] == "Healthy"
    made = live_http.post(f"{server.base}{KEYS}", headers={"X-API-Key": server.admin_key},
                          json={"name": "by-the-server", "role": "viewer"})
    assert made.status_code == 201, made.text
    by_server = made.json()["data"]
    assert _status(server, by_server["secret"]) == 200
    # a key the CLI creates is served at once ...
    created = _cli(server, "create", "--role", "viewer", "--name", "by-the-cli")
    printed = re.search(r"created key (\w+) .*\n(\S+)", created)
    assert printed is not None, created
    key_id, secret = printed.groups()
    assert _health(server)["status"] == "Healthy"
    assert _status(server, secret) == 200
    # ... and a key the CLI revokes is refused from the server's next request, the key the server made and used too
    _cli(server, "revoke", key_id)
    assert _status(server, secret) == 401
    _cli(server, "revoke", by_server["key"]["keyId"])
    assert _status(server, by_server["secret"]) == 401
    assert {"by-the-server", "by-the-cli"} <= set(_cli(server, "list").split())


def test_a_database_file_replaced_under_the_server_is_degraded_and_writes_answer_503(server: Served):
    assert _health(server)["status"] == "Healthy"
    database = Settings.from_env(data_dir=server.data_dir).database_path
    other = database.with_name("other.db")
    with sqlite3.connect(other) as conn:  # another program's database, written elsewhere and moved in
        conn.execute("CREATE TABLE things (name TEXT)")
    conn.close()
    other.replace(database)
    health = _health(server)
    assert health["status"] == "Degraded" and health["databaseReachable"] is False, health
    assert any("replaced" in reason and "restart" in reason for reason in health["reasons"]), health
    write = live_http.post(f"{server.base}{KEYS}", headers={"X-API-Key": server.admin_key},
                           json={"name": "lost", "role": "viewer"})
    assert "replaced" in assert_error(write, 503, "DATABASE_UNAVAILABLE")["message"]
