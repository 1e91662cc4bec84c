"""Schemathesis over the runtime API's alarm, history and subscription routes with a logged-in runtime user and a
running simulated PLC: no 5xx, and every answer as documented (status, content type, body schema). The admin-key
routes (alarm definitions, logging settings) are in the service-wide gate (tests/service/test_schemathesis_gate.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.api.runtime_fuzzing import answers_as_documented, load_runtime_schema, runtime_schema

if TYPE_CHECKING:
    from litestar.testing import TestClient
    from schemathesis import Case
    from schemathesis.schemas import BaseSchema

__all__ = ("runtime_fuzz_schema",)


@pytest.fixture(scope="module")
def runtime_fuzz_schema() -> BaseSchema:
    return load_runtime_schema()


schema = runtime_schema(r"^/api/runtime/(alarms/|history/?$|subscriptions)")


@schema.parametrize()
@settings(max_examples=6, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_runtime_event_route_answers_as_documented(case: Case, fuzz_served: tuple[TestClient[Any], dict[str,
                                                                                                        str]]) -> None:
    answers_as_documented(case, fuzz_served, handler_reached=False)  # some 401s are the route's own (no such stream)
