"""The runtime API's changes honour ``Idempotency-Key`` (engineering_api.lib.idempotency), as the derived routes do: a
retry after a lost answer gets the stored answer and the work is not done again; the same key with another request is
422; a retry while the first runs is 409; a body over the limit is 413 and claims nothing; a key whose process died
before storing its answer is 503 IDEMPOTENT_OUTCOME_UNKNOWN once its lease lapsed; the stored answer outlives a
restart; secrets are not stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.testing import TestClient
from sqlalchemy import update

from engineering_api.config import Settings
from engineering_api.lib.idempotency import REPLAYED_HEADER, IdempotencyKeys, request_hash
from engineering_api.lib.tables import idempotency_keys
from tests.api.runtime_users import PASSWORD, RT
from tests.api.runtime_tag_program import value_path
from tests.conftest import assert_error, data, served

if TYPE_CHECKING:
    from engineering_api.services import Services

Headers = dict[str, str]
USERS = f"{RT}/users"
COUNT = '"Motor_DB".count'


def _audited(services: Services, path: str) -> list[tuple[int, str]]:
    rows = services.db.all("SELECT status, outcome FROM audit WHERE path LIKE ? ORDER BY id", (path,))
    return [(r["status"], r["outcome"]) for r in rows]


def test_a_retried_tag_write_with_the_same_key_writes_once(client: TestClient[Any], running_plc: str,
                                                           engineer_headers: Headers,
                                                           users: dict[str, Headers]) -> None:
    writer = {**users["writer"], "Idempotency-Key": "write-count-1"}
    first = client.put(value_path(COUNT), json={"value": 5}, headers=writer)
    assert data(first)["value"] == 5 and REPLAYED_HEADER not in first.headers
    # The program adds one per cycle: a second write of 5 would set the count back.
    data(client.post("/api/simulation/instances/Rt/actions/step", json={"cycles": 1}, headers=engineer_headers))
    again = client.put(value_path(COUNT), json={"value": 5}, headers=writer)
    assert again.status_code == 200 and again.headers[REPLAYED_HEADER] == "true"
    assert again.json() == first.json()
    assert data(client.get(value_path(COUNT), headers=users["reader"]))["value"] == 6
    path = "/api/runtime/tags/%Motor_DB%.count/value"
    assert _audited(client.app.state.services, path) == [(200, "succeeded"), (200, "replayed")]
    # A read ignores the key: it simply reads again.
    read = client.get(value_path(COUNT), headers={**users["reader"], "Idempotency-Key": "write-count-1"})
    assert data(read)["value"] == 6 and REPLAYED_HEADER not in read.headers


def test_the_same_key_with_another_request_is_422_and_runs_nothing(client: TestClient[Any],
                                                                   admin_headers: Headers) -> None:
    keyed = {**admin_headers, "Idempotency-Key": "user-1"}
    made = data(client.post(USERS, json={"username": "op1", "password": PASSWORD, "roles": ["read"]},
                            headers=keyed), 201)
    assert_error(client.post(USERS, json={"username": "op2", "password": PASSWORD, "roles": ["read"]},
                             headers=keyed), 422, "IDEMPOTENCY_KEY_REUSED")
    assert [u["username"] for u in data(client.get(USERS, headers=admin_headers))] == ["op1"]
    replayed = client.post(USERS, json={"username": "op1", "password": PASSWORD, "roles": ["read"]}, headers=keyed)
    assert replayed.status_code == 201 and replayed.headers[REPLAYED_HEADER] == "true"
    assert replayed.json()["data"] == made
    # The password is in no stored column: the request is kept as a hash, the answer never held it.
    rows = client.app.state.services.db.all("SELECT * FROM idempotency_keys")
    assert len(rows) == 1 and PASSWORD.encode() not in json.dumps([str(v) for v in rows[0]]).encode()
    assert_error(client.post(USERS, json={"username": "op3", "password": PASSWORD, "roles": ["read"]},
                             headers={**admin_headers, "Idempotency-Key": " "}), 400, "INVALID_IDEMPOTENCY_KEY")


def test_a_keyed_body_over_the_limit_is_413_and_leaves_the_key_free(client: TestClient[Any],
                                                                     admin_headers: Headers) -> None:
    # The keyed path reads the body itself, before Litestar's limit: it must stop at the limit, not buffer it all.
    services = client.app.state.services
    keyed = {**admin_headers, "Idempotency-Key": "user-big", "Content-Type": "application/json"}
    huge = b'{"username": "op1", "password": "' + b"x" * services.settings.max_body_bytes + b'"}'
    assert_error(client.post(USERS, content=huge, headers=keyed), 413, "BODY_TOO_LARGE")
    assert services.db.all("SELECT * FROM idempotency_keys") == []
    assert data(client.get(USERS, headers=admin_headers)) == []
    data(client.post(USERS, json={"username": "op1", "password": PASSWORD, "roles": ["read"]}, headers=keyed), 201)


def test_an_echoed_secret_is_not_stored(services: Services) -> None:
    from engineering_api.lib.idempotency import StoredAnswer

    store = IdempotencyKeys(services.db, 1)
    assert store.claim("me", "k", "runtime.x", "h") is None
    body = json.dumps({"data": {"user": "u", "password": PASSWORD}}).encode()
    assert store.finish("me", "k", StoredAnswer(200, [("content-type", "application/json")], body))
    row = services.db.one("SELECT body FROM idempotency_keys")
    assert row is not None and PASSWORD.encode() not in bytes(row["body"])


def _key_id(services: Services, headers: Headers) -> str:
    principal = services.keys.verify(headers["X-API-Key"])
    assert principal is not None
    return principal.key_id


def _claim_elsewhere(services: Services, caller: str, key: str, body: bytes) -> IdempotencyKeys:
    """The key claimed for ``POST /api/runtime/users`` by another process (another node, or one that died)."""
    other = IdempotencyKeys(services.db, 1)
    assert other.claim(caller, key, "runtime.users.create", request_hash("POST", USERS, b"", body)) is None
    return other


def test_a_retry_while_the_first_runs_is_409(client: TestClient[Any], admin_headers: Headers) -> None:
    services: Services = client.app.state.services
    body = json.dumps({"username": "op1", "password": PASSWORD, "roles": ["read"]}).encode()
    caller = _key_id(services, admin_headers)
    _claim_elsewhere(services, caller, "busy", body)
    headers = {**admin_headers, "Idempotency-Key": "busy", "Content-Type": "application/json"}
    answer = client.post(USERS, content=body, headers=headers)
    assert_error(answer, 409, "IDEMPOTENCY_KEY_IN_FLIGHT")
    assert answer.headers["Retry-After"] == "1"
    assert data(client.get(USERS, headers=admin_headers)) == []


def test_a_key_whose_process_died_mid_call_is_outcome_unknown_once_its_lease_lapsed(
        client: TestClient[Any], admin_headers: Headers) -> None:
    services: Services = client.app.state.services
    body = json.dumps({"username": "op1", "password": PASSWORD, "roles": ["read"]}).encode()
    caller = _key_id(services, admin_headers)
    _claim_elsewhere(services, caller, "orphan", body)
    services.db.execute(update(idempotency_keys).values(lease_until=0))  # its process stopped renewing it
    headers = {**admin_headers, "Idempotency-Key": "orphan", "Content-Type": "application/json"}
    for _ in range(2):  # settled once, then the stored answer
        unknown = client.post(USERS, content=body, headers=headers)
        assert assert_error(unknown, 503, "IDEMPOTENT_OUTCOME_UNKNOWN")["details"]["operation"] == \
            "runtime.users.create"
        assert unknown.headers[REPLAYED_HEADER] == "true"
    assert data(client.get(USERS, headers=admin_headers)) == [], "never run again, never claimed done"
    data(client.post(USERS, content=body, headers={**headers, "Idempotency-Key": "fresh"}), 201)


def test_the_stored_answer_outlives_a_restart(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path)
    new_user = {"username": "op1", "password": PASSWORD, "roles": ["read"]}
    with served(settings) as client:
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip(), "Idempotency-Key": "restart-1"}
        made = data(client.post(USERS, json=new_user, headers=admin), 201)
    with served(settings) as client:
        again = client.post(USERS, json=new_user, headers=admin)
        assert again.status_code == 201 and again.headers[REPLAYED_HEADER] == "true"
        assert again.json()["data"] == made
        assert len(data(client.get(USERS, headers=admin))) == 1


def test_the_document_lists_the_key_and_its_answers_on_each_runtime_change() -> None:
    """The guard reads the header, not the handler: the OpenAPI document still names it, and the guard's answers,
    on the route of every runtime call that changes something, and on no read (a bulk read is a POST)."""
    from engineering_api.app import registry
    from tools.openapi_document import openapi_document

    paths = openapi_document()["paths"]
    calls = registry().runtime_calls()
    for call in calls:
        assert call.route is not None
        operation = paths[call.route.path][call.route.method.lower()]
        label = f"{call.name}: {call.route.method} {call.route.path}"
        keyed = any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation.get("parameters", ()))
        assert keyed is call.mutating, label
        if call.mutating:
            assert {"409", "422", "503"} <= operation["responses"].keys(), label
            assert "IDEMPOTENT_OUTCOME_UNKNOWN" in operation["responses"]["503"]["description"], label
    assert sum(call.mutating for call in calls) > 20
