"""Schemathesis over the scheduled-push routes with the admin key and a saved push (half of the cases name it): no
5xx, and every answer is documented (status, content type, body schema). The service-wide gate
(tests/service/test_schemathesis_gate.py) sends these routes only unknown push ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.api.runtime_fuzzing import answers_as_documented, load_runtime_schema, runtime_schema
from tests.api.runtime_pushes import COUNT, MATERIAL, PUSHES, push_body
from tests.conftest import data

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemathesis import Case
    from schemathesis.schemas import BaseSchema

SAVED = "saved-push"
"""Stands for the saved push's id (made by the fixture, after the schema is loaded)."""

schema = runtime_schema(r"^/api/runtime/pushes")


def _saved_push(context: Any, path_parameters: dict[str, Any]) -> Any:
    if "pushId" not in (path_parameters or {}):
        return st.just(path_parameters)
    return st.one_of(st.just({**path_parameters, "pushId": SAVED}), st.just(path_parameters))


@pytest.fixture(scope="module")
def runtime_fuzz_schema() -> BaseSchema:
    return load_runtime_schema(_saved_push)


@pytest.fixture(scope="module")
def pushes_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], dict[str, str], str]]:
    data_dir = tmp_path_factory.mktemp("push-fuzz")
    with TestClient(create_app(Settings.from_env(data_dir=data_dir)), raise_server_exceptions=False) as client:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        for tag in (COUNT, MATERIAL):
            data(client.put("/api/runtime/history/settings", json={"tag": tag, "mode": "onChange"}, headers=admin))
        # a target nobody listens on: a re-send the fuzzer queues fails fast, on this machine; the saved push
        # aggregates history only, so its dry run needs no PLC
        push_id = data(client.post(PUSHES, json=push_body("http://127.0.0.1:9/erp"), headers=admin), 201)["pushId"]
        yield client, admin, push_id


@schema.parametrize()
@settings(max_examples=6, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_push_route_answers_as_documented(
    case: Case, pushes_served: tuple[TestClient[Any], dict[str, str], str],
) -> None:
    client, admin, push_id = pushes_served
    if (case.path_parameters or {}).get("pushId") == SAVED:
        case.path_parameters = {**case.path_parameters, "pushId": push_id}
    answers_as_documented(case, (client, admin), handler_reached=False)  # an API key, not a runtime token
