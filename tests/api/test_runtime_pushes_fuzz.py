"""Schemathesis over the scheduled-push routes with the admin key and a saved push (half of the cases name it): no
5xx, and every answer is documented (status, content type, body schema)."""

from __future__ import annotations

import tempfile
from pathlib import Path
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

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.api.test_runtime_pushes import COUNT, MATERIAL, PUSHES, _push
from tests.conftest import data

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemathesis import Case

SEED = 20261123
SAVED = "saved-push"
"""Stands for the saved push's id (made by the fixture, after the schema is loaded)."""


def _document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings.from_env(data_dir=Path(scratch)))
        document = app.openapi_schema.to_schema()
        app.state.services.db.close()
    return document


schema = schemathesis.openapi.from_dict(
    _document(),
    config=schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": 6, "deterministic": True, "no-shrink": True},
        "phases": {"coverage": {"enabled": True}, "stateful": {"enabled": False}},
    }),
).include(path_regex=r"^/api/runtime/pushes")


@schema.hook("flatmap_path_parameters")
def _saved_push(context: Any, path_parameters: dict[str, Any]) -> Any:
    if "pushId" not in (path_parameters or {}):
        return st.just(path_parameters)
    return st.one_of(st.just({**path_parameters, "pushId": SAVED}), st.just(path_parameters))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], dict[str, str], str]]:
    data_dir = tmp_path_factory.mktemp("push-fuzz")
    with TestClient(create_app(Settings.from_env(data_dir=data_dir)), raise_server_exceptions=False) as client:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        for tag in (COUNT, MATERIAL):
            data(client.put("/api/runtime/history/settings", json={"tag": tag, "mode": "onChange"}, headers=admin))
        # a target nobody listens on: a re-send the fuzzer queues fails fast, on this machine
        push_id = data(client.post(PUSHES, json=_push("http://127.0.0.1:9/erp"), headers=admin), 201)["pushId"]
        yield client, admin, push_id


def no_server_error(ctx: Any, response: Any, case: Case) -> None:
    """Nothing >= 500 (the saved push aggregates history only, so a dry run needs no PLC)."""
    if response.status_code >= 500:
        raise ServerError(operation=case.operation.label, status_code=response.status_code)


@schema.parametrize()
@settings(max_examples=6, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_push_route_answers_as_documented(case: Case, served: tuple[TestClient[Any], dict[str, str], str]) -> None:
    client, admin, push_id = served
    if (case.path_parameters or {}).get("pushId") == SAVED:
        case.path_parameters = {**case.path_parameters, "pushId": push_id}
    kwargs = case.as_transport_kwargs(base_url="http://testserver.local", headers=admin)
    request: dict[str, Any] = {"method": kwargs["method"], "url": kwargs["url"], "headers": kwargs.get("headers"),
                               "params": kwargs.get("params") or None}
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    if isinstance(kwargs.get("data"), (bytes, str)):
        request["content"] = kwargs["data"]
    response = client.request(**request)
    case.validate_response(response, checks=[no_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
