"""Schemathesis over the runtime tag routes with a logged-in runtime user and a running simulated PLC: no 5xx
(the PLC runs, so 503 is no excuse), and every answer is documented (status, content type, body schema).

The service-wide gate (tests/service/test_schemathesis_gate.py) sends an API key, which the runtime routes refuse
with 401 before any input is read; this module reaches their handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
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

SEED = 20261123
_METHODS = {"GET", "PUT", "POST"}
TAG_NAMES = ('"Motor_DB".speed', '"Motor_DB".count', '"Motor_DB".limit', '"Motor_DB".secret', '"Start"')


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


schema = runtime_schema(r"^/api/runtime/(tags|users/current)")


def _known_tags(context: Any, path_parameters: dict[str, Any]) -> Any:
    if "tagName" not in (path_parameters or {}):
        return st.just(path_parameters)
    named = st.sampled_from(TAG_NAMES).map(lambda name: {**path_parameters, "tagName": name})
    return st.one_of(named, st.just(path_parameters))


@pytest.fixture(scope="module")
def runtime_fuzz_schema() -> BaseSchema:
    return load_runtime_schema(_known_tags)


def no_server_error(ctx: Any, response: Any, case: Case) -> None:
    """Nothing >= 500 (the PLC runs and the routes have no 501)."""
    if response.status_code >= 500:
        raise ServerError(operation=case.operation.label, status_code=response.status_code)


@schema.parametrize()
@settings(max_examples=6, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_runtime_route_answers_as_documented(case: Case, fuzz_served: tuple[TestClient[Any], dict[str, str]]) -> None:
    answers_as_documented(case, fuzz_served, handler_reached=True)


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

