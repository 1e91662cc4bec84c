"""Reading the Prometheus exposition in the metrics tests: samples and one sample's value."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

__all__ = ("TEST_CLIENT_ADDRESS", "sample_value", "scrape_metrics")

TEST_CLIENT_ADDRESS = "testclient"
"""The client address Litestar's test client sends."""


def scrape_metrics(client: TestClient[Any], headers: dict[str, str] | None = None) -> dict[str, list[Any]]:
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def sample_value(samples: dict[str, list[Any]], name: str, **labels: str) -> float:
    found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (name, labels, samples.get(name))
    return float(found[0])
