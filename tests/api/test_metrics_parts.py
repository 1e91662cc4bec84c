"""``GET /metrics`` beyond requests (issue 52): job queue depth and durations, runtime push deliveries and the
runtime pump's lag, parsed with ``prometheus_client``'s own text parser. MCP's families are tested over a live
server in tests/mcp/test_mcp_metrics.py, the farm's in tests/farm/test_farm_operator.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.jobs import runner
from engineering_api.runtime.service import runtime_of
from tests.api.metric_samples import TEST_CLIENT_ADDRESS, sample_value, scrape_metrics
from tests.conftest import data, start_job, wait_job
from tests.service.blocking_job import block_backend_method
from tools.bounds import HANG_GUARD_S


def _watched(tmp_path: Path) -> TestClient[Any]:
    return TestClient(create_app(Settings.from_env(data_dir=tmp_path, metrics_clients=(TEST_CLIENT_ADDRESS,))))


def test_ended_jobs_have_their_queue_wait_and_run_time_and_the_queue_its_depth(tmp_path: Path) -> None:
    with _watched(tmp_path) as client:
        admin = {"X-API-Key": client.app.state.services.settings.secret_path.read_text().strip()}
        data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
        for _ in range(2):
            wait_job(client, start_job(client, "POST", "/api/projects/actions/save", admin), admin)
        samples = scrape_metrics(client)
        assert sample_value(samples, "engineering_api_job_duration_seconds_count", operation="projects.save",
                            state="Completed") == 2
        assert sample_value(samples, "engineering_api_job_duration_seconds_bucket", operation="projects.save",
                            state="Completed", le="+Inf") == 2
        assert sample_value(samples, "engineering_api_job_duration_seconds_sum", operation="projects.save",
                            state="Completed") > 0
        assert sample_value(samples, "engineering_api_job_queue_seconds_count", operation="projects.save") == 2
        assert sample_value(samples, "engineering_api_job_queue_seconds_sum", operation="projects.save") >= 0
        assert sample_value(samples, "engineering_api_job_queue_depth") == 0
        # a Pending job in the database (one the worker has not taken yet) is the queue's depth
        client.app.state.services.db.execute(
            "INSERT INTO jobs(job_id, operation, status, progress, message, created_at) VALUES (?,?,?,?,?,?)",
            ("queued-1", "projects.save", "Pending", 0, "queued", "2026-11-25T00:00:00Z"))
        assert sample_value(scrape_metrics(client), "engineering_api_job_queue_depth") == 1


def test_a_running_job_is_counted_running_before_its_progress_is_written(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Its progress is written only after PROGRESS_WRITE_DELAY_SECONDS (held here); its start before it runs. The
    # counts take the live record of a job this process runs, and its row agrees on the status.
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", HANG_GUARD_S)
    with _watched(tmp_path) as client:
        admin = {"X-API-Key": client.app.state.services.settings.secret_path.read_text().strip()}
        data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
        gate = block_backend_method(client, "save_project")
        try:
            job_id = start_job(client, "POST", "/api/projects/actions/save", admin)
            deadline = time.monotonic() + HANG_GUARD_S
            while data(client.get(f"/api/jobs/{job_id}", headers=admin))["status"] != "Running":
                assert time.monotonic() < deadline, "the job never started"
                time.sleep(0.005)
            row = client.app.state.services.db.one("SELECT status FROM jobs WHERE job_id = ?", (job_id,))
            assert row is not None and row["status"] == "Running"  # its start, written before it ran
            samples = scrape_metrics(client)
            assert sample_value(samples, "engineering_api_job_queue_depth") == 0
            assert sample_value(samples, "engineering_api_jobs", operation="projects.save", state="Running") == 1
            assert not [s for s in samples["engineering_api_jobs"]
                        if s.labels == {"operation": "projects.save", "state": "Pending"}]
        finally:
            gate.set()
        wait_job(client, job_id, admin)
        samples = scrape_metrics(client)
        assert sample_value(samples, "engineering_api_jobs", operation="projects.save", state="Completed") == 1
        assert not [s for s in samples["engineering_api_jobs"] if s.labels["state"] in ("Pending", "Running")]


def test_push_deliveries_are_counted_by_state(tmp_path: Path) -> None:
    with _watched(tmp_path) as client:
        samples = scrape_metrics(client)
        for state in ("pending", "failed", "delivered"):
            assert sample_value(samples, "engineering_api_runtime_push_deliveries", state=state) == 0
        db = client.app.state.services.db
        for period, status in enumerate(("pending", "pending", "failed")):
            db.execute(
                "INSERT INTO runtime_push_outbox(push_id, period_start, period_end, idempotency_key, status, attempts,"
                " next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?)",
                ("p1", period, period + 1, f"k{period}", status, 0, 0, "2026-11-25T00:00:00Z"))
        samples = scrape_metrics(client)
        assert sample_value(samples, "engineering_api_runtime_push_deliveries", state="pending") == 2
        assert sample_value(samples, "engineering_api_runtime_push_deliveries", state="failed") == 1


def test_the_pump_lag_is_there_while_the_runtime_pump_runs(tmp_path: Path) -> None:
    with _watched(tmp_path) as client:
        assert "engineering_api_runtime_pump_lag_seconds" not in scrape_metrics(client)  # no pump runs yet
        runtime_of(client.app.state.services).monitor.pump()  # the first pump starts the background one
        lag = sample_value(scrape_metrics(client), "engineering_api_runtime_pump_lag_seconds")
        assert lag >= 0


def _job_expositions() -> tuple[str, str]:
    """The exposition of the job times kept as plain numbers (``lib/metrics.py`` ``_JobTimes``) and the one a
    ``prometheus_client`` ``Histogram`` with the same name, labels and buckets writes for the same observations, on
    and between the bucket bounds, over a few operations and states in any order (the ``_created`` times aside)."""
    import random
    import re

    from prometheus_client import CollectorRegistry, Histogram, generate_latest

    from engineering_api.lib import metrics as metrics_module

    rng = random.Random(52)  # bounded, reproducible
    ours = metrics_module._JobTimes()
    theirs = CollectorRegistry(auto_describe=True)
    waits = Histogram("engineering_api_job_queue_seconds", "How long ended jobs waited before they ran, by operation",
                      ["operation"], buckets=metrics_module._JOB_BUCKETS, registry=theirs)
    runs = Histogram("engineering_api_job_duration_seconds", "How long ended jobs ran, by operation and final state",
                     ["operation", "state"], buckets=metrics_module._JOB_BUCKETS, registry=theirs)
    times = [*metrics_module._JOB_BUCKETS, 0.0, 5000.0, *(rng.uniform(0, 4000) for _ in range(40))]
    for _ in range(300):
        operation = rng.choice(["blocks.export", "projects.save", "devices.download"])
        state = rng.choice(["Completed", "Failed", "Canceled"])
        waited, ran = rng.choice(times), rng.choice(times)
        ours.observe(operation, state, waited, ran)
        waits.labels(operation).observe(waited)
        runs.labels(operation, state).observe(ran)
    mine = CollectorRegistry(auto_describe=True)
    mine.register(ours)

    def shown(registry: CollectorRegistry) -> str:
        return re.sub(r"(_created\{[^}]*\}) \S+", r"\1 T", generate_latest(registry).decode())

    return shown(mine), shown(theirs)


def test_the_job_histograms_write_what_prometheus_clients_histogram_writes() -> None:
    mine, theirs = _job_expositions()
    assert mine == theirs
    assert "_created{" in mine


def test_without_created_series_they_are_left_out_as_prometheus_client_leaves_them_out() -> None:
    """``PROMETHEUS_DISABLE_CREATED_SERIES=true`` (read by ``prometheus_client`` as it is imported, hence a process
    of its own): the job histograms and the request counter write no ``_created`` series, as its metrics write none."""
    script = (
        "from prometheus_client import CollectorRegistry, generate_latest\n"
        "from engineering_api.lib.metrics import _RequestCollector\n"
        "from tests.api.test_metrics_parts import _job_expositions\n"
        "requests = _RequestCollector()\n"
        "requests.observe('GET', '/api/health', 200, 0.01)\n"
        "registry = CollectorRegistry()\n"
        "registry.register(requests)\n"
        "mine, theirs = _job_expositions()\n"
        "print(mine == theirs, '_created' in mine, '_created' in generate_latest(registry).decode(),\n"
        "      'engineering_api_requests_total{' in generate_latest(registry).decode())\n"
    )
    env = {**os.environ, "PROMETHEUS_DISABLE_CREATED_SERIES": "True"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=HANG_GUARD_S, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "False", "True"]
