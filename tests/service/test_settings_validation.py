"""Settings are validated, never lock out the loopback interface, and the environment wins (issue 12, failure 8)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from engineering_api.config import LOOPBACK_HOSTS, Settings
from engineering_api.lib.db import Database, KeyValueStore
from tests.conftest import assert_error, data
from tests.service.conftest import make_client

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]", "localhost:9000", "[::1]:9000"]


@pytest.mark.parametrize(
    "body",
    [
        {"snapshotRetentionDays": 1.37e99},
        {"snapshotRetentionDays": -1},
        {"snapshotMaxPerObject": 2**70},
        {"rateLimitPerMinute": 2**70},
        {"callTimeoutSeconds": 1e300},
        {"jobTimeoutSeconds": 0},
        {"jobRetentionHours": 1e17},
        {"autoSnapshot": "yes please"},
        {"allowedHosts": ["two words"]},
        {"allowedHosts": ["plant.example:9000"]},
        {"allowedHosts": [""]},
        {"allowedHosts": ["x"] * 65},
        {"corsOrigins": ["javascript:alert(1)"]},
        {"corsOrigins": ["https://hmi.plant.local/path"]},
    ],
)
def test_invalid_setting_values_are_422_naming_the_field(client, admin, body: dict[str, Any]) -> None:
    before = data(client.get("/api/settings", headers=admin))
    error = assert_error(client.post("/api/settings", json=body, headers=admin), 422)
    assert next(iter(body)) in error["message"]
    assert data(client.get("/api/settings", headers=admin)) == before


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"fileRoots": ["/"]}, ["fileRoots"]),
        ({"maxBodyBytes": 1}, ["maxBodyBytes"]),
        ({"debug": True}, ["debug"]),
        ({"host": "0.0.0.0", "colour": "red", "rateLimitPerMinute": 5}, ["host", "colour"]),
    ],
)
def test_a_field_that_is_unknown_or_fixed_at_start_is_422_naming_it_and_nothing_is_saved(
    client, admin, body: dict[str, Any], named: list[str],
) -> None:
    before = data(client.get("/api/settings", headers=admin))
    error = assert_error(client.post("/api/settings", json=body, headers=admin), 422, "SETTING_NOT_CHANGEABLE")
    assert all(name in error["message"] for name in named), error["message"]
    assert sorted(error["details"]["notChangeable"] + error["details"]["unknown"]) == sorted(named)
    assert data(client.get("/api/settings", headers=admin)) == before


def test_the_object_from_get_can_be_sent_back_with_a_change(client, admin) -> None:
    view = data(client.get("/api/settings", headers=admin))
    saved = data(client.post("/api/settings", json={**view, "rateLimitPerMinute": 321}, headers=admin))
    assert saved["rateLimitPerMinute"] == 321 and saved["fileRoots"] == view["fileRoots"]


def test_valid_settings_at_their_bounds_are_saved(client, admin) -> None:
    body = {"snapshotRetentionDays": 36_500, "snapshotMaxPerObject": 0, "callTimeoutSeconds": 86_400,
            "corsOrigins": ["https://hmi.plant.local:8443", "http://[fd00::1]"]}
    view = data(client.post("/api/settings", json=body, headers=admin))
    assert {k: view[k] for k in body} == body


def test_a_host_list_that_would_lock_out_this_client_is_refused(client, admin) -> None:
    error = assert_error(
        client.post("/api/settings", json={"allowedHosts": ["nothing.invalid"]}, headers=admin), 422, "HOST_LOCKOUT"
    )
    assert "testserver.local" in error["message"]
    assert data(client.get("/api/health"))["status"]


def test_loopback_is_never_locked_out_even_after_a_restart(data_dir) -> None:
    """The reproduction: allowedHosts without any host in use made every request 421, across restarts."""
    with make_client(data_dir) as first:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip(), "Host": "127.0.0.1:9000"}
        view = data(first.post("/api/settings", json={"allowedHosts": ["nothing.invalid"]}, headers=admin))
        assert view["allowedHosts"] == ["nothing.invalid", *LOOPBACK_HOSTS]
        for host in LOCAL_HOSTS:
            assert first.get("/api/health", headers={"Host": host}).status_code == 200, host
        assert_error(first.get("/api/health"), 421, "HOST_NOT_ALLOWED")  # testserver.local is no longer allowed
    with make_client(data_dir) as second:
        for host in LOCAL_HOSTS:
            assert second.get("/api/health", headers={"Host": host}).status_code == 200, host
        view = data(second.get("/api/settings", headers=admin))
        assert view["allowedHosts"] == ["nothing.invalid", *LOOPBACK_HOSTS]


def test_loopback_names_are_always_in_the_allowed_hosts() -> None:
    assert Settings(allowed_hosts=("plant.example",)).allowed_hosts == ("plant.example", *LOOPBACK_HOSTS)
    assert Settings(allowed_hosts=("127.0.0.1", "plant.example")).allowed_hosts == (
        "127.0.0.1", "plant.example", "localhost", "[::1]",
    )


def test_the_environment_wins_over_saved_allowed_hosts(data_dir, monkeypatch) -> None:
    with make_client(data_dir) as first:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip(), "Host": "localhost"}
        data(first.post("/api/settings", json={"allowedHosts": ["nothing.invalid"], "rateLimitPerMinute": 500},
                        headers=admin))
    monkeypatch.setenv("ENGINEERING_API_ALLOWED_HOSTS", "plant.example,testserver.local")
    with make_client(data_dir) as second:
        admin["Host"] = "plant.example:9000"
        view = data(second.get("/api/settings", headers=admin))
        assert view["allowedHosts"] == ["plant.example", "testserver.local", *LOOPBACK_HOSTS]
        assert view["rateLimitPerMinute"] == 500  # saved settings the environment does not give still apply
        assert view["fromEnvironment"] == ["allowedHosts"] and "allowedHosts" not in view["changeable"]
        assert second.get("/api/health").status_code == 200  # testserver.local, from the environment
        error = assert_error(
            second.post("/api/settings", json={"allowedHosts": ["plant.example"]}, headers=admin),
            409, "SETTING_FROM_ENVIRONMENT",
        )
        assert "ENGINEERING_API_ALLOWED_HOSTS" in error["message"]
        # Sending the whole settings object back, as clients do, is fine: the value is unchanged.
        view["rateLimitPerMinute"] = 600
        saved = data(second.post("/api/settings", json=view, headers=admin))
        assert saved["rateLimitPerMinute"] == 600 and saved["allowedHosts"] == view["allowedHosts"]


def test_invalid_saved_settings_are_ignored_at_start_up(data_dir, caplog) -> None:
    """Values stored before settings were checked no longer break cleanups (1.37e99 days was stored)."""
    data_dir.mkdir(parents=True)
    db = Database(Settings.from_env(data_dir=data_dir).database_path)
    KeyValueStore(db).set("settings", {"snapshot_retention_days": 1.37e99, "rate_limit_per_minute": 700,
                                       "allowed_hosts": ["nothing.invalid"], "no_such_setting": 1})
    db.close()
    with caplog.at_level(logging.WARNING), make_client(data_dir) as client:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip(), "Host": "[::1]:9000"}
        view = data(client.get("/api/settings", headers=admin))
        assert view["snapshotRetentionDays"] == 30.0 and view["rateLimitPerMinute"] == 700
        assert view["allowedHosts"] == ["nothing.invalid", *LOOPBACK_HOSTS]
        assert data(client.post("/api/history/actions/cleanup", json={}, headers=admin))["deleted"] == 0
        # Saving again drops the invalid value from the store for good.
        data(client.post("/api/settings", json={"autoSnapshot": True}, headers=admin))
        store = KeyValueStore(client.app.state.services.db).get("settings")
        assert "snapshot_retention_days" not in store and store["auto_snapshot"] is True
    assert "snapshotRetentionDays" in caplog.text and "noSuchSetting" in caplog.text
