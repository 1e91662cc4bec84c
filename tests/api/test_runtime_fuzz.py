"""Schemathesis over the runtime tag routes with a logged-in runtime user and a running simulated PLC: no 5xx
(the PLC runs, so 503 is no excuse), and every answer is documented (status, content type, body schema).

The service-wide gate (tests/service/test_schemathesis_gate.py) sends an API key, which the runtime routes refuse
with 401 before any input is read; this module reaches their handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from tests.api.runtime_fuzzing import answers_as_documented, load_runtime_schema, runtime_schema

if TYPE_CHECKING:
    from schemathesis import Case
    from schemathesis.schemas import BaseSchema

TAG_NAMES = ('"Motor_DB".speed', '"Motor_DB".count', '"Motor_DB".limit', '"Motor_DB".secret', '"Start"')


def _known_tags(context: Any, path_parameters: dict[str, Any]) -> Any:
    if "tagName" not in (path_parameters or {}):
        return st.just(path_parameters)
    named = st.sampled_from(TAG_NAMES).map(lambda name: {**path_parameters, "tagName": name})
    return st.one_of(named, st.just(path_parameters))


schema = runtime_schema(r"^/api/runtime/(tags|users/current)")


@pytest.fixture(scope="module")
def runtime_fuzz_schema() -> BaseSchema:
    return load_runtime_schema(_known_tags)


@schema.parametrize()
@settings(max_examples=6, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_runtime_route_answers_as_documented(case: Case, fuzz_served: tuple[TestClient[Any], dict[str, str]]) -> None:
    answers_as_documented(case, fuzz_served, handler_reached=True)


