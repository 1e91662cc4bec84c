"""Issue 12, failure 12: one token bucket per key across all routes; wrong keys limited per address and counted.

The limiter and the audit run on a frozen clock here, so no bucket refills while a test runs, however slow the
machine; a test moves the clock on when it wants a refill.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from engineering_api.lib.audit import AuditLog
from engineering_api.lib.db import Database
from engineering_api.lib.ratelimit import RateLimiter, TokenBuckets
from tests.service.conftest import make_client

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from litestar.testing import TestClient

__all__ = ()

ROUTES = ("/api/projects", "/api/instance/status", "/api/command/list", "/api/settings")


class FrozenClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(name="clock")
def fx_clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(name="limited")
def fx_limited(tmp_path: Path, clock: FrozenClock) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app at 5 requests a minute per key and the default budget of wrong keys, on the frozen clock."""
    data_dir = tmp_path / "var"
    with make_client(data_dir, rate_limit_per_minute=5) as client:
        services = client.app.state.services
        services.limiter = RateLimiter(clock)
        services.audit = AuditLog(services.db, clock)
        yield client, {"X-API-Key": (data_dir / "api.secret").read_text().strip()}


def test_the_limit_counts_a_key_across_all_routes(limited: tuple[TestClient, dict[str, str]]) -> None:
    """At 5 a minute, 4 routes gave 20 successes: Litestar builds a middleware per route, each had its buckets."""
    client, admin = limited
    statuses = [client.get(route, headers=admin).status_code for _ in range(5) for route in ROUTES]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 15
    throttled = client.get("/api/projects", headers=admin)
    assert throttled.json()["code"] == "RATE_LIMITED" and int(throttled.headers["retry-after"]) >= 1


def test_a_key_refills_and_other_keys_have_their_own_budget(
    limited: tuple[TestClient, dict[str, str]], clock: FrozenClock
) -> None:
    client, admin = limited
    assert [client.get(r, headers=admin).status_code for r in ROUTES * 2][4:] == [200, 429, 429, 429]
    _, other = client.app.state.services.keys.create("other", "viewer")
    assert client.get("/api/projects", headers={"X-API-Key": other}).status_code == 200
    clock.now += 12  # one token at 5 a minute
    assert [client.get("/api/projects", headers=admin).status_code for _ in range(2)] == [200, 429]


def test_wrong_keys_past_the_budget_get_429_and_valid_keys_still_pass(
    limited: tuple[TestClient, dict[str, str]], clock: FrozenClock
) -> None:
    """6,601 wrong-key requests in 5 s went through unlimited, each written as an audit row; then 30 wrong keys
    from one address locked the valid keys of that address out too (issue 33, 7): one local process could deny
    everyone on the host."""
    client, admin = limited
    services = client.app.state.services
    _, viewer = services.keys.create("viewer", "viewer")
    wrong = {"X-API-Key": "eapi_guess"}
    statuses = [  # reads and writes alike
        client.get(ROUTES[i % 4], headers=wrong).status_code
        if i % 2
        else client.post("/api/projects/actions/index", headers=wrong).status_code
        for i in range(50)
    ]
    assert statuses == [401] * 30 + [429] * 20  # the default budget, authFailuresPerMinute = 30
    blocked = client.get("/api/projects", headers=wrong)
    assert blocked.status_code == 429 and blocked.json()["code"] == "TOO_MANY_FAILED_AUTHENTICATIONS"
    assert 1 <= int(blocked.headers["retry-after"]) <= 2
    # The address is throttled for guesses, not for keys: both valid keys are served, reads and writes.
    assert client.get("/api/projects", headers=admin).status_code == 200
    assert client.get("/api/projects", headers={"X-API-Key": viewer}).status_code == 200
    assert client.post("/api/projects/actions/create-sync", json={"name": "Still"}, headers=admin).status_code == 200
    assert client.get("/api/projects", headers=wrong).status_code == 429  # and guesses still are not

    rows = [dict(r) for r in services.db.all("SELECT status, count, client, key_id FROM audit WHERE key_id IS NULL "
                                             "ORDER BY id")]
    assert rows == [
        {"status": 401, "count": 30, "client": "testclient", "key_id": None},
        {"status": 429, "count": 22, "client": "testclient", "key_id": None},
    ]
    clock.now += 2  # one wrong key's worth of budget back
    page = client.get("/api/audit", params={"outcome": "denied"}, headers=admin).json()["data"]
    assert [(r["count"], r["status"]) for r in page["records"]] == [(30, 401)]
    assert page["records"][0]["lastAt"] >= page["records"][0]["at"]


def test_a_new_minute_opens_a_new_counted_row(limited: tuple[TestClient, dict[str, str]], clock: FrozenClock) -> None:
    client, _ = limited
    wrong = {"X-API-Key": "eapi_guess"}
    for _ in range(3):
        client.post("/api/projects/actions/index", headers=wrong)
    clock.now += 61
    client.post("/api/projects/actions/index", headers=wrong)
    counts = [r["count"] for r in client.app.state.services.db.all("SELECT count FROM audit ORDER BY id")]
    assert counts == [3, 1]


def test_missing_keys_are_refused_but_not_counted_against_the_address(
    limited: tuple[TestClient, dict[str, str]],
) -> None:
    """A request without a key guesses nothing; a client without its key configured must not lock others out."""
    client, admin = limited
    assert {client.get("/api/projects").status_code for _ in range(50)} == {401}
    assert client.get("/api/projects", headers=admin).status_code == 200
    assert [dict(r)["count"] for r in client.app.state.services.db.all("SELECT count FROM audit")] == [50]


def test_the_wrong_key_budget_is_a_validated_setting(tmp_path: Path) -> None:
    with make_client(tmp_path / "var", auth_failures_per_minute=2) as client:
        admin = {"X-API-Key": (tmp_path / "var" / "api.secret").read_text().strip()}
        view = client.get("/api/settings", headers=admin).json()["data"]
        assert view["authFailuresPerMinute"] == 2 and "authFailuresPerMinute" in view["changeable"]
        for bad in (0, -1, 10**7, "many"):
            response = client.post("/api/settings", json={**view, "authFailuresPerMinute": bad}, headers=admin)
            assert response.status_code == 422, bad
        saved = client.post("/api/settings", json={**view, "authFailuresPerMinute": 40}, headers=admin)
        assert saved.status_code == 200 and saved.json()["data"]["authFailuresPerMinute"] == 40


def test_token_buckets_wait_does_not_take(clock: FrozenClock) -> None:
    buckets = TokenBuckets(clock)
    assert buckets.wait("a", 2) == 0
    assert [buckets.take("a", 2) for _ in range(3)] == [0, 0, 30]
    assert buckets.wait("a", 2) == 30
    clock.now += 30
    assert buckets.wait("a", 2) == 0 and buckets.take("a", 2) == 0 and buckets.take("a", 2) == 30


def test_an_older_database_gets_the_audit_count_columns(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / "old.sqlite3")
    old.execute(
        "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, key_id TEXT, role TEXT, "
        "client TEXT, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL, outcome TEXT NOT NULL, "
        "job_id TEXT)"
    )
    old.execute("INSERT INTO audit(at, method, path, status, outcome) VALUES ('t', 'POST', '/x', 200, 'succeeded')")
    old.commit()
    old.close()
    page = AuditLog(Database(tmp_path / "old.sqlite3")).page()
    assert [(r.path, r.count, r.last_at) for r in page.records] == [("/x", 1, None)]
