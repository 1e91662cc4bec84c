"""Fuzzing the runtime routes from their OpenAPI description: the schema, its routes and the check of an answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import schemathesis
from litestar.testing import TestClient
from schemathesis.core.failures import ServerError
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.openapi_fuzz import fuzz_schema

if TYPE_CHECKING:
    from collections.abc import Callable

    from schemathesis import Case
    from schemathesis.pytest.lazy import LazySchema
    from schemathesis.schemas import BaseSchema

__all__ = ("SEED", "answers_as_documented", "load_runtime_schema", "no_server_error",
           "runtime_schema")

SEED = 20261123

_METHODS = {"GET", "PUT", "POST"}



def runtime_schema(path_regex: str) -> LazySchema:
    """The routes matching ``path_regex`` of the schema the calling module's ``runtime_fuzz_schema`` fixture
    gives, loaded when the test runs (see tests/openapi_fuzz.py)."""
    return schemathesis.pytest.from_fixture("runtime_fuzz_schema").include(path_regex=path_regex)


def load_runtime_schema(path_parameters: Callable[[Any, dict[str, Any]], Any] | None = None) -> BaseSchema:
    """The document as the runtime routes' fuzzing loads it: a fixed seed, six generated cases per operation;
    ``path_parameters``, when given, maps each generated set of path parameters to a strategy (names that exist)."""
    loaded = fuzz_schema(seed=SEED, max_examples=6)
    if path_parameters is not None:
        loaded.hook("flatmap_path_parameters")(path_parameters)
    return loaded


def no_server_error(ctx: Any, response: Any, case: Case) -> None:
    """Nothing >= 500 (the PLC runs and the routes have no 501)."""
    if response.status_code >= 500:
        raise ServerError(operation=case.operation.label, status_code=response.status_code)


def answers_as_documented(case: Case, fuzz_served: tuple[TestClient[Any], dict[str, str]], *,
                          handler_reached: bool) -> None:
    """Send ``case`` with the runtime user's token and check the answer; ``handler_reached``: a request with the
    token must get past the guard (not 401)."""
    client, bearer = fuzz_served
    kwargs = case.as_transport_kwargs(base_url="http://testserver.local", headers=bearer)
    request: dict[str, Any] = {"method": kwargs["method"], "url": kwargs["url"], "headers": kwargs.get("headers"),
                               "params": kwargs.get("params") or None}
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    if isinstance(kwargs.get("data"), (bytes, str)):
        request["content"] = kwargs["data"]
    response = client.request(**request)
    if handler_reached and (request["headers"] or {}).get("Authorization") == bearer["Authorization"] \
            and case.method in _METHODS:
        # The token reached the handler, not only the guard (the coverage phase also sends none or a wrong one).
        assert response.status_code != 401, response.text
    case.validate_response(response, checks=[no_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
