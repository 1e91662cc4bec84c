"""OpenTelemetry traces (issue 52 item 3), recorded with the SDK's in-memory exporter: off by default; on, the
request's span (Litestar's plugin, named by route template) is the parent of its job's span, both with the
request id, and on an embedded server each port call the job makes is a span under the job's. The farm's spans (port
call, farm call, agent) are in tests/farm/test_farm_operator.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.lib.tracing import REQUEST_ID_ATTRIBUTE
from tests.conftest import data, served, start_job, wait_job

_EXPORTER = InMemorySpanExporter()
_ATTACHED: list[TracerProvider] = []


def _admin(client: TestClient[Any]) -> dict[str, str]:
    return {"X-API-Key": client.app.state.services.settings.secret_path.read_text().strip()}


def test_a_request_and_its_job_are_one_trace_with_the_request_id(tmp_path: Path,
                                                                 spans: InMemorySpanExporter) -> None:
    with TestClient(create_app(Settings.from_env(data_dir=tmp_path, tracing=True))) as client:
        admin = _admin(client)
        data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
        job_id = start_job(client, "POST", "/api/projects/actions/save", {**admin, "X-Request-ID": "trace-save-1"})
        wait_job(client, job_id, admin)
        client.get("/api/jobs/no-such-job", headers={**admin, "X-Request-ID": "trace-read-2"})
    finished = spans.get_finished_spans()
    job = next(s for s in finished if s.name == "job projects.save")
    request = next(s for s in finished if s.attributes and s.attributes.get(REQUEST_ID_ATTRIBUTE) == "trace-save-1"
                   and s.name.startswith("POST"))
    assert request.name == "POST /api/projects/actions/save", request.name
    assert job.attributes is not None and job.attributes[REQUEST_ID_ATTRIBUTE] == "trace-save-1"
    assert job.attributes["engineering_api.job_id"] == job_id
    assert job.parent is not None and job.parent.span_id == request.context.span_id
    assert job.context.trace_id == request.context.trace_id
    read = next(s for s in finished if s.attributes and s.attributes.get(REQUEST_ID_ATTRIBUTE) == "trace-read-2"
                and s.parent is None)
    assert read.name == "GET /api/jobs/{jobId}"  # the route template, never the raw path
    assert not [s for s in finished if "no-such-job" in s.name]


def test_tracing_is_off_by_default(tmp_path: Path, spans: InMemorySpanExporter) -> None:
    assert Settings().tracing is False
    with served(Settings.from_env(data_dir=tmp_path)) as client:  # the app a default configuration builds
        admin = _admin(client)
        data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
        wait_job(client, start_job(client, "POST", "/api/projects/actions/save", admin), admin)
    assert spans.get_finished_spans() == ()


def test_an_embedded_servers_port_calls_are_spans_of_their_job(tmp_path: Path, spans: InMemorySpanExporter) -> None:
    with TestClient(create_app(Settings.from_env(data_dir=tmp_path, tracing=True))) as client:
        admin = _admin(client)
        data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
        job_id = start_job(client, "POST", "/api/projects/actions/save", {**admin, "X-Request-ID": "trace-port-3"})
        wait_job(client, job_id, admin)
    finished = spans.get_finished_spans()
    job = next(s for s in finished if s.name == "job projects.save")
    ports = [s for s in finished if s.name.startswith("port ") and s.parent is not None
             and s.parent.span_id == job.context.span_id]
    assert "port save_project" in [s.name for s in ports], [s.name for s in finished]
    assert all(s.attributes is not None and s.attributes[REQUEST_ID_ATTRIBUTE] == "trace-port-3" for s in ports)
