"""A call without inputs of its own refuses a body field it would ignore (``{"save": true}`` to a close): the
client hears 422 naming the field before anything runs, instead of a success that did something else."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from engineering_api.app import registry
from engineering_api.web.route_shape import RouteShape
from tests.conftest import Headers, assert_error


def test_every_body_of_a_call_without_inputs_refuses_unknown_fields() -> None:
    shapes = [RouteShape.of(operation, spec, is_async) for operation in registry() if operation.input is None
              for spec, is_async in operation.routes()]
    bodies = [(shape.operation.name, body) for shape in shapes if (body := shape.body_type) is not None]
    assert bodies, "the destructive calls without inputs take dryRun in their body"
    lenient = [name for name, body in bodies if not body.__struct_config__.forbid_unknown_fields]
    assert lenient == []


def test_a_close_asked_to_save_is_refused_and_the_project_stays_open(client: TestClient[Any], admin_headers: Headers,
                                                                      project: Any) -> None:
    backend = client.app.state.services.backend
    answer = client.post("/api/projects/actions/close-sync", json={"save": True}, headers=admin_headers)
    assert_error(answer, 422, "VALIDATION_FAILED")
    assert "save" in answer.json()["message"]
    assert [p.name for p in backend.open_projects()] == ["Line1"], "nothing ran"
    assert client.post("/api/projects/actions/close-sync", json={}, headers=admin_headers).status_code == 200
    assert backend.open_projects() == []
