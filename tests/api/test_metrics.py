"""``GET /metrics`` (engineering_api.lib.metrics), parsed with ``prometheus_client``'s own text parser: requests by
route template and status with latency histograms, jobs by operation and state, and who may read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.conftest import assert_error, data, start_job, wait_job
from tests.api.metric_samples import TEST_CLIENT_ADDRESS, sample_value, scrape_metrics


def _client(tmp_path: Path, **settings: Any) -> TestClient[Any]:
    return TestClient(create_app(Settings.from_env(data_dir=tmp_path, **settings)))


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[TestClient[Any]]:
    """A client whose address may read the metrics."""
    with _client(tmp_path, metrics_clients=(TEST_CLIENT_ADDRESS,)) as client:
        yield client


def test_requests_are_counted_by_route_template_and_status_with_latencies(watched: TestClient[Any]) -> None:
    admin = {"X-API-Key": watched.app.state.services.settings.secret_path.read_text().strip()}
    for job_id in ("a", "b", "c"):
        watched.get(f"/api/jobs/{job_id}", headers=admin)  # 404 each: three ids, one route
    watched.get("/api/health")
    watched.get("/no/such/route/at-all", headers=admin)
    samples = scrape_metrics(watched)
    route = "/api/jobs/{jobId}"
    assert sample_value(samples, "engineering_api_requests_total", method="GET", route=route, status="404") == 3
    assert sample_value(samples, "engineering_api_requests_total", method="GET", route="/api/health", status="200") == 1
    assert sample_value(samples, "engineering_api_requests_total", method="GET", route="<unmatched>", status="404") == 1
    assert not [s for s in samples["engineering_api_requests_total"] if s.labels["route"].endswith(("/a", "/b"))]
    assert sample_value(samples, "engineering_api_request_duration_seconds_count", method="GET", route=route) == 3
    assert sample_value(samples, "engineering_api_request_duration_seconds_bucket", method="GET", route=route,
                        le="+Inf") == 3
    assert sample_value(samples, "engineering_api_request_duration_seconds_sum", method="GET", route=route) > 0


def test_jobs_are_counted_by_operation_and_state(watched: TestClient[Any]) -> None:
    admin = {"X-API-Key": watched.app.state.services.settings.secret_path.read_text().strip()}
    data(watched.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
    for _ in range(2):
        wait_job(watched, start_job(watched, "POST", "/api/projects/actions/save", admin), admin)
    samples = scrape_metrics(watched)
    assert sample_value(samples, "engineering_api_jobs", operation="projects.save", state="Completed") == 2


def test_metrics_are_loopback_only_by_default(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        admin = {"X-API-Key": client.app.state.services.settings.secret_path.read_text().strip()}
        # the test client's address is not loopback: it stands for a client on the network, and a key is no pass
        assert_error(client.get("/metrics"), 403, "METRICS_NOT_ALLOWED")
        assert_error(client.get("/metrics", headers=admin), 403, "METRICS_NOT_ALLOWED")
    assert Settings().metrics_clients == ("127.0.0.1", "::1")


def test_a_named_role_may_read_metrics_from_anywhere(tmp_path: Path) -> None:
    with _client(tmp_path, metrics_clients=(), metrics_role="engineer") as client:
        services = client.app.state.services
        engineer = {"X-API-Key": services.keys.create("scraper", "engineer")[1]}
        viewer = {"X-API-Key": services.keys.create("reader", "viewer")[1]}
        client.get("/api/health")
        samples = scrape_metrics(client, engineer)
        assert sample_value(samples, "engineering_api_requests_total", method="GET", route="/api/health",
                            status="200") == 1
        assert_error(client.get("/metrics", headers=viewer), 403, "METRICS_NOT_ALLOWED")
        assert_error(client.get("/metrics", headers={"X-API-Key": "eapi_wrong"}), 403, "METRICS_NOT_ALLOWED")
    with pytest.raises(ValueError, match="metricsRole"):
        Settings.from_env(metrics_role="root")


def test_metrics_clients_take_networks(tmp_path: Path) -> None:
    from engineering_api.lib.metrics import client_allowed

    settings = Settings.from_env(data_dir=tmp_path, metrics_clients=("10.1.0.0/16", "::1"))
    assert client_allowed(settings, "10.1.2.3") and client_allowed(settings, "::1")
    assert not client_allowed(settings, "10.2.0.1") and not client_allowed(settings, None)
