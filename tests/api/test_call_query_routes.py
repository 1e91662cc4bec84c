"""The query string of a call's built route (engineering_api/web/call_routes.py): every GET or DELETE call that takes
query parameters documents each with its field's bounds, pattern, default and declared description, and refuses a
value past a bound before the call runs, as its hand-written route did (422 ``VALIDATION_FAILED`` naming the
parameter).

An operation's route (engineering_api/web/routes.py) does the same for its query parameters (RouteShape.parameters).
The cases are generated from the declarations, so a call added with a query is checked without a line here.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from engineering_api.app import registry
from engineering_api.jobs.operations import Operation
from engineering_api.web.route_shape import PATH_PARAMETER, InputField, RouteShape
from tools.openapi_document import openapi_document

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar import Litestar
    from litestar.testing import TestClient

    from tests.conftest import Headers

_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum",
           "min_length": "minLength", "max_length": "maxLength", "pattern": "pattern"}
"""A ``msgspec.Meta`` constraint and the OpenAPI keyword that documents it."""


def _query_calls() -> list[Operation[Any, Any]]:
    operations = registry()
    return [call for call in (*operations.runtime_calls(), *operations.service_calls())
            if call.built_route is not None and call.route is not None and call.route.method in ("GET", "DELETE")
            and _fields(call)]


def _fields(call: Operation[Any, Any]) -> dict[str, tuple[msgspec.structs.FieldInfo, dict[str, Any]]]:
    """The query fields of ``call``'s route by wire name, each with the Meta constraints of its type."""
    assert call.route is not None and call.built_route is not None
    struct = call.built_route.query or call.input
    if struct is None:
        return {}
    path = set(PATH_PARAMETER.findall(call.route.path))
    hints = typing.get_type_hints(struct, include_extras=True)
    return {info.encode_name: (info, _constraints(hints[info.name])) for info in msgspec.structs.fields(struct)
            if info.encode_name not in path}


def _constraints(hint: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in (hint, *typing.get_args(hint)):
        if typing.get_origin(part) is typing.Annotated:
            base, *extras = typing.get_args(part)
            found.update(_constraints(base))
            found.update({name: getattr(meta, name) for meta in extras if isinstance(meta, msgspec.Meta)
                          for name in _BOUNDS if getattr(meta, name) is not None})
    return found


CALLS = _query_calls()
BOUNDED = [call for call in CALLS if any(constraints for _, constraints in _fields(call).values())]
"""The calls with a query parameter that has a bound."""


def test_calls_with_a_query_have_their_routes_built() -> None:
    names = {call.name for call in CALLS}
    assert {"runtime.tags.list", "runtime.history.query", "system.audit", "runtime.pulls.runs.list"} <= names


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call.name)
def test_each_query_parameter_is_documented_as_its_field(call: Operation[Any, Any],
                                                          openapi: dict[str, Any]) -> None:
    assert call.route is not None and call.built_route is not None
    path = PATH_PARAMETER.sub(lambda m: "{" + m.group(1) + "}", call.route.path)
    entry = openapi["paths"][path][call.route.method.lower()]
    documented = {p["name"]: p for p in entry["parameters"] if p["in"] == "query"}
    fields = _fields(call)
    assert list(documented) == list(fields), "the query parameters are the fields, in their order"
    for wire, (info, constraints) in fields.items():
        parameter = documented[wire]
        schema = parameter["schema"]
        assert parameter["required"] is info.required, wire
        if not info.required and info.default is not None:
            assert schema["default"] == info.default, wire
        for name, value in constraints.items():
            assert schema[_BOUNDS[name]] == value, f"{wire}: {name}={value} is not documented"
        assert parameter.get("description") == call.built_route.query_docs.get(wire), wire


def _past_bounds(constraints: dict[str, Any]) -> list[str]:
    """Values just past each bound (in the query string's text)."""
    values = []
    if "ge" in constraints:
        values.append(str(constraints["ge"] - 1))
    if "le" in constraints:
        values.append(str(constraints["le"] + 1))
    if "max_length" in constraints:
        values.append("a" * (constraints["max_length"] + 1))
    if constraints.get("min_length"):
        values.append("")
    return values


@pytest.mark.parametrize("call", BOUNDED, ids=lambda call: call.name)
def test_a_value_past_a_bound_is_refused_naming_the_parameter(
        call: Operation[Any, Any], served: tuple[TestClient[Litestar], Headers, Headers]) -> None:
    client, admin_headers, reader = served
    assert call.route is not None
    headers = reader if call.auth == "bearer" else admin_headers
    path = PATH_PARAMETER.sub("x", call.route.path)
    required = {wire: "1" for wire, (info, _) in _fields(call).items() if info.required}
    tried = 0
    for wire, (info, constraints) in _fields(call).items():
        for value in _past_bounds(constraints):
            answer = client.request(call.route.method, path, params={**required, wire: value}, headers=headers)
            assert answer.status_code == 422, (wire, value, answer.text)
            body = answer.json()
            # named as on the wire, or as its field where the wire name is a Python keyword (from_)
            assert body["code"] == "VALIDATION_FAILED", (wire, value, body)
            assert f"{wire}:" in body["detail"] or f"{info.name}:" in body["detail"], (wire, value, body)
            tried += 1
    assert tried


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Litestar], Headers, Headers]]:
    """One app for the module: its client, the admin key's headers and a runtime reader's bearer token."""
    from litestar.testing import TestClient

    from engineering_api.app import create_app
    from engineering_api.config import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("query"))
    with TestClient(create_app(settings)) as client:
        admin = {"X-API-Key": settings.secret_path.read_text(encoding="utf-8").strip()}
        user = {"username": "reader", "password": "correct horse battery", "roles": ["read"]}
        assert client.post("/api/runtime/users", json=user, headers=admin).status_code == 201
        token = client.post("/api/runtime/auth/login", json=user).json()["data"]["token"]
        yield client, admin, {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return openapi_document()


def test_history_tags_are_split_at_commas_outside_quotes() -> None:
    from engineering_api.runtime.actions import HistoryQueryString

    query = HistoryQueryString(tags='"A,B".x,C,"D"', from_="2026-01-01T00:00:00Z", to="2026-01-02T00:00:00Z").query()
    assert query.tag_names == ['"A,B".x', "C", '"D"'] and query.limit == 1000 and query.aggregation == "raw"


def test_a_history_query_string_takes_the_bounds_of_the_history_query() -> None:
    """``GET /api/runtime/history``'s query string and the JSON query (MCP, POST) bound each option they share alike:
    one declaration each, so REST and MCP cannot drift apart (a mutant that changes one alias fails here)."""
    from engineering_api.runtime.actions import HistoryQuery, HistoryQueryString

    body = typing.get_type_hints(HistoryQuery, include_extras=True)
    query = typing.get_type_hints(HistoryQueryString, include_extras=True)
    shared = set(body) & set(query)
    assert shared == {"from_", "to", "aggregation", "interval", "limit", "continuation_point"}
    assert {name: query[name] for name in shared} == {name: body[name] for name in shared}
    defaults = {info.name: info.default for info in msgspec.structs.fields(HistoryQuery)}
    assert all(defaults[info.name] == info.default for info in msgspec.structs.fields(HistoryQueryString)
               if info.name in shared)


def test_an_assistant_history_query_with_projectkey_keeps_one_conversation_even_an_empty_key(
        served: tuple[TestClient[Litestar], Headers, Headers]) -> None:
    from engineering_api.domain.assistant.routes import HistoryFilter

    assert HistoryFilter.query({}, HistoryFilter(project_key="")).only_project
    assert not HistoryFilter.query({}, HistoryFilter()).only_project
    from engineering_api.domain.assistant.conversations import conversations

    client, admin, _ = served
    services = client.app.state.services
    principal = services.keys.verify(admin["X-API-Key"])
    assert principal is not None
    history = conversations(services).history
    for project_key in (None, "", "Line7"):  # one message with no project key, one with an empty one, one of Line7
        history.add(principal.key_id, project_key, "user", "x")
    for params, rows in (({}, 3), ({"projectKey": ""}, 1), ({"projectKey": "Line7"}, 1)):
        answer = client.get("/api/assistant/history", params=params, headers=admin).json()["data"]
        assert len(answer) == rows, (params, answer)
        if params:
            assert {row.get("projectKey") for row in answer} == {params["projectKey"]}
    cleared = client.delete("/api/assistant/history?projectKey=", headers=admin)
    assert cleared.status_code == 200 and cleared.json()["data"]["deleted"] == 1
    left = client.get("/api/assistant/history", headers=admin).json()["data"]
    assert sorted(str(row.get("projectKey")) for row in left) == ["Line7", "None"]


def _operation_query_bounds() -> list[tuple[str, str, InputField, dict[str, str]]]:
    """(method, path, field, the route's other required query values) of each bounded query parameter of an
    operation's route (web/routes.py): the ``GET``/``DELETE`` input fields and the body fields a POST also reads
    from the query string."""
    found: list[tuple[str, str, InputField, dict[str, str]]] = []
    for operation in registry():
        for spec, is_async in operation.routes():
            shape = RouteShape.of(operation, spec, is_async)
            required = {field.wire: "1" for field in shape.query_fields if field.info.required}
            found += [(spec.method, spec.path, field, {k: v for k, v in required.items() if k != field.wire})
                      for field in (*shape.query_fields, *shape.also_query) if field.bounds]
    return found


OPERATION_BOUNDS = _operation_query_bounds()


def test_operation_routes_with_bounded_query_parameters_are_found() -> None:
    named = {(path, field.wire) for _, path, field, _ in OPERATION_BOUNDS}
    assert {("/api/testharness/runs", "limit"), ("/api/source-control/log", "count"),
            ("/api/source-control/file-content", "commitSha"), ("/api/source-control/diff", "from")} <= named


@pytest.mark.parametrize(("method", "path", "field", "required"), OPERATION_BOUNDS,
                         ids=lambda value: value.wire if isinstance(value, InputField) else str(value or ""))
def test_an_operation_routes_query_parameter_documents_and_keeps_its_fields_bounds(
        method: str, path: str, field: InputField, required: dict[str, str], openapi: dict[str, Any],
        served: tuple[TestClient[Litestar], Headers, Headers]) -> None:
    """Its bounds were validated (by the input's conversion) but missing from the OpenAPI document; a value past one
    is refused before the call runs, naming the parameter as on the wire."""
    documented = {p["name"]: p for p in openapi["paths"][PATH_PARAMETER.sub(r"{\1}", path)][method.lower()]
                  ["parameters"] if p["in"] == "query"}
    constraints = dict(field.bounds)
    for name, value in constraints.items():  # a bound of 0 too, which Litestar 2.25 leaves out by itself
        assert documented[field.wire]["schema"][_BOUNDS[name]] == value, (field.wire, name)
    client, admin, _ = served
    for value in _past_bounds(constraints):
        answer = client.request(method, PATH_PARAMETER.sub("x", path), params={**required, field.wire: value},
                                headers=admin)
        assert answer.status_code == 422 and answer.json()["code"] == "VALIDATION_FAILED", (value, answer.text)
        assert f"{field.wire}:" in answer.json()["detail"] or f"{field.info.name}:" in answer.json()["detail"], \
            answer.text
