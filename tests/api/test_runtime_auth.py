"""The runtime API's users and sessions over HTTP: user CRUD with an admin key, login/logout/expiry, login rate
limits per user and per address, bearer checks, and passwords never returned, stored or logged in clear."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import assert_error, data
from tests.api.runtime_users import PASSWORD, RT, login, make_user

if TYPE_CHECKING:
    from litestar.testing import TestClient

Headers = dict[str, str]


def test_user_crud_needs_an_admin_key_and_never_shows_a_password(
    client: TestClient[Any], admin_headers: Headers, engineer_headers: Headers, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert_error(client.get(f"{RT}/users", headers=engineer_headers), 403, "FORBIDDEN")
    assert_error(client.post(f"{RT}/users", json={"username": "x", "password": PASSWORD, "roles": ["read"]},
                             headers=engineer_headers), 403, "FORBIDDEN")
    user = make_user(client, admin_headers, "erp", ["read", "write"])
    assert user["roles"] == ["read", "write"] and "password" not in str(user).lower()
    assert_error(client.post(f"{RT}/users", json={"username": "ERP", "password": PASSWORD, "roles": ["read"]},
                             headers=admin_headers), 409, "RUNTIME_USER_EXISTS")
    assert_error(client.post(f"{RT}/users", json={"username": "short", "password": "1234567", "roles": ["read"]},
                             headers=admin_headers), 422, "WEAK_PASSWORD")
    assert_error(client.post(f"{RT}/users", json={"username": "r", "password": PASSWORD, "roles": ["root"]},
                             headers=admin_headers), 422)
    listed = data(client.get(f"{RT}/users", headers=admin_headers))
    assert [u["username"] for u in listed] == ["erp"]
    assert data(client.get(f"{RT}/users/{user['userId']}", headers=admin_headers))["username"] == "erp"
    changed = data(client.patch(f"{RT}/users/{user['userId']}", json={"roles": ["read"]}, headers=admin_headers))
    assert changed["roles"] == ["read"]
    assert data(client.delete(f"{RT}/users/{user['userId']}", headers=admin_headers))["username"] == "erp"
    assert_error(client.get(f"{RT}/users/{user['userId']}", headers=admin_headers), 404, "RUNTIME_USER_NOT_FOUND")

    services = client.app.state.services
    stored = " ".join(str(v) for table in ("runtime_users", "audit")
                      for row in services.db.all(f"SELECT * FROM {table}") for v in dict(row).values())
    assert PASSWORD not in stored and PASSWORD not in caplog.text


def test_login_current_user_logout(client: TestClient[Any], admin_headers: Headers) -> None:
    make_user(client, admin_headers, "dash", ["read"])
    answer = data(client.post(f"{RT}/auth/login", json={"username": "dash", "password": PASSWORD}))
    assert answer["token"].startswith("rt_") and answer["expiresAt"].endswith("Z")
    assert answer["user"]["username"] == "dash"
    bearer = {"Authorization": f"Bearer {answer['token']}"}
    me = data(client.get(f"{RT}/users/current", headers=bearer))
    assert me["username"] == "dash" and me["roles"] == ["read"] and me["expiresAt"] == answer["expiresAt"]
    # the token is stored hashed only
    rows = client.app.state.services.db.all("SELECT token_hash FROM runtime_sessions")
    assert rows and answer["token"] not in str([dict(r) for r in rows])
    # an API key is not a runtime credential, and a bearer token is not an API key
    assert_error(client.get(f"{RT}/users/current", headers=admin_headers), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/projects", headers=bearer), 401, "UNAUTHORIZED")
    assert data(client.post(f"{RT}/auth/logout", headers=bearer)) is None
    assert_error(client.get(f"{RT}/users/current", headers=bearer), 401, "UNAUTHORIZED")


def test_wrong_credentials_are_401_and_the_same_for_unknown_users(client: TestClient[Any],
                                                                  admin_headers: Headers) -> None:
    make_user(client, admin_headers, "mes", ["read"])
    wrong = assert_error(client.post(f"{RT}/auth/login", json={"username": "mes", "password": "not it at all"}),
                         401, "INVALID_CREDENTIALS")
    unknown = assert_error(client.post(f"{RT}/auth/login", json={"username": "nobody", "password": PASSWORD}),
                           401, "INVALID_CREDENTIALS")
    assert wrong["message"] == unknown["message"]
    assert_error(client.post(f"{RT}/auth/login", json={"username": "mes"}), 422)
    assert_error(client.get(f"{RT}/users/current", headers={"Authorization": "Bearer rt_guess"}), 401)
    assert_error(client.get(f"{RT}/users/current", headers={"Authorization": "Basic bWVzOng="}), 401)


def test_tokens_expire(client: TestClient[Any], admin_headers: Headers, monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(client, admin_headers, "phone", ["read"])
    settings = data(client.get(f"{RT}/settings", headers=admin_headers))
    assert settings["tokenLifetimeSeconds"] == 3600
    settings["tokenLifetimeSeconds"] = 60
    data(client.put(f"{RT}/settings", json=settings, headers=admin_headers))
    assert_error(client.put(f"{RT}/settings", json={**settings, "tokenLifetimeSeconds": 5}, headers=admin_headers),
                 422)
    # a farm session means nothing on an embedded server (one portal for every session)
    assert_error(client.put(f"{RT}/settings", json={**settings, "engineeringSession": "ci/line1"},
                            headers=admin_headers), 422, "NOT_A_FARM")
    bearer = login(client, "phone")
    assert data(client.get(f"{RT}/users/current", headers=bearer))["username"] == "phone"
    from engineering_api.runtime import runtime_of

    users = runtime_of(client.app.state.services).users
    now = users._clock()
    monkeypatch.setattr(users, "_clock", lambda: now + 61)
    assert_error(client.get(f"{RT}/users/current", headers=bearer), 401, "UNAUTHORIZED")


def test_changing_a_password_ends_sessions(client: TestClient[Any], admin_headers: Headers) -> None:
    user = make_user(client, admin_headers, "ops", ["read"])
    bearer = login(client, "ops")
    data(client.patch(f"{RT}/users/{user['userId']}", json={"password": "another secret 1"}, headers=admin_headers))
    assert_error(client.get(f"{RT}/users/current", headers=bearer), 401)
    assert_error(client.post(f"{RT}/auth/login", json={"username": "ops", "password": PASSWORD}), 401)
    assert login(client, "ops", "another secret 1")


def test_login_failures_are_limited_per_user_and_per_address(client: TestClient[Any], admin_headers: Headers) -> None:
    make_user(client, admin_headers, "target", ["read"])
    make_user(client, admin_headers, "other", ["read"])
    data(client.put(f"{RT}/settings", json={"tokenLifetimeSeconds": 3600, "loginFailuresPerUser": 3,
                                            "loginFailuresPerAddress": 5}, headers=admin_headers))
    for _ in range(3):
        assert_error(client.post(f"{RT}/auth/login", json={"username": "target", "password": "wrong pass"}), 401)
    # the user is blocked now, even with the right password; the answer says when to retry
    blocked = client.post(f"{RT}/auth/login", json={"username": "target", "password": PASSWORD})
    assert_error(blocked, 429, "TOO_MANY_LOGIN_FAILURES")
    assert int(blocked.headers["retry-after"]) >= 1
    # another user from the same address still logs in (the address has budget left) ...
    assert login(client, "other")
    for _ in range(2):
        assert_error(client.post(f"{RT}/auth/login", json={"username": "other", "password": "wrong pass"}), 401)
    # ... until the address's budget is spent: then every name is refused from it
    assert_error(client.post(f"{RT}/auth/login", json={"username": "other", "password": PASSWORD}), 429,
                 "TOO_MANY_LOGIN_FAILURES")
    audit = client.app.state.services.db.all("SELECT path, status FROM audit WHERE path LIKE '/api/runtime/auth%'")
    assert {row["status"] for row in audit} >= {200, 401, 429}


@pytest.mark.parametrize("password", ["short", "x" * 1500])
def test_refused_passwords_are_not_echoed(client: TestClient[Any], admin_headers: Headers, password: str) -> None:
    created = client.post(f"{RT}/users", json={"username": "echo", "password": password, "roles": ["read"]},
                          headers=admin_headers)
    logged = client.post(f"{RT}/auth/login", json={"username": "echo", "password": password})
    assert created.status_code == 422 and logged.status_code in (401, 422)
    assert password not in created.text and password not in logged.text


def test_wrong_tokens_from_an_address_never_lock_out_a_valid_token(client: TestClient[Any],
                                                                   admin_headers: Headers) -> None:
    make_user(client, admin_headers, "panel", ["read"])
    bearer = login(client, "panel")
    limit = client.app.state.services.settings.auth_failures_per_minute
    for _ in range(limit):
        assert_error(client.get(f"{RT}/users/current", headers={"Authorization": "Bearer rt_wrong"}), 401,
                     "UNAUTHORIZED")
    # past the address's budget a wrong token is throttled, a valid one is still served
    assert_error(client.get(f"{RT}/users/current", headers={"Authorization": "Bearer rt_wrong"}), 429,
                 "TOO_MANY_FAILED_AUTHENTICATIONS")
    assert data(client.get(f"{RT}/users/current", headers=bearer))["username"] == "panel"


def test_an_unknown_user_costs_one_scrypt_with_a_password_s_parameters_and_the_start_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stand-in hash an unknown name is checked against has the stored hashes' scrypt parameters (the same
    time as a wrong password), matches no password, and is not computed when the module is imported."""
    import hashlib
    import subprocess
    import sys

    from engineering_api.runtime import users

    assert users._DUMMY_HASH.split("$")[:4] == users.hash_password("x" * 8).split("$")[:4]
    calls: list[dict[str, Any]] = []
    scrypt = hashlib.scrypt

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(kwargs)
        return scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    assert not users.verify_password(PASSWORD, users._DUMMY_HASH)
    assert [(c["n"], c["r"], c["p"]) for c in calls] == [(2**14, 8, 1)]
    check = ("import hashlib, sys\ncalls = []\nhashlib.scrypt = lambda *a, **k: calls.append(k)\n"
             "import engineering_api.runtime.users\nsys.exit(len(calls))")
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
