"""``/metrics`` stays bounded whatever clients send (engineering_api.lib.metrics): every label value of the request
families comes from a closed set. Methods outside RFC 9110 (and PATCH) count as ``_OTHER`` (OpenTelemetry's HTTP
conventions), paths as their route template or ``<unmatched>``, statuses as the IANA registry's codes.

The requests go straight through ASGI (``tools.work_count.AsgiDriver``, from 127.0.0.1, a metrics client by
default): thousands of them take a second or two.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.lib.db import Database
from engineering_api.lib.metrics import KNOWN_METHODS, OTHER, Metrics
from tools.work_count import AsgiDriver

REQUEST_FAMILIES = ("engineering_api_requests", "engineering_api_request_duration_seconds")
PATHS = ("/api/health", "/api/jobs/{}", "/api/projects/{}/x", "/{}", "/console/{}", "/mcp/{}", "/metrics/{}",
         "/api/runtime/{}", "/schema/{}", "/api/%2F{}")


def _series(exposition: bytes) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    """The request families' series (sample name and labels) in an exposition."""
    return {(sample.name, tuple(sorted(sample.labels.items())))
            for family in text_string_to_metric_families(exposition.decode())
            if family.name in REQUEST_FAMILIES for sample in family.samples}


def _invented_method(rng: random.Random) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!#$%&'*+.^`|~"
    return "".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))


async def _send_invented(tmp_path: Path, seed: int, rounds: int) -> tuple[set[Any], set[Any], dict[str, int]]:
    rng = random.Random(seed)
    app = create_app(Settings.from_env(data_dir=tmp_path))
    driver = AsgiDriver(app)
    statuses: dict[str, int] = {}
    async with driver.running():
        key = {"x-api-key": (tmp_path / "api.secret").read_text(encoding="utf-8").strip()}

        async def burst(count: int) -> None:
            for _ in range(count):
                method = rng.choice((_invented_method(rng), _invented_method(rng).upper(), rng.choice(
                    sorted(KNOWN_METHODS))))
                path = rng.choice(PATHS).format(f"{rng.getrandbits(48):x}")
                status, _ = await driver.call_raw(method, path, key if rng.random() < 0.8 else {})
                statuses[str(status)] = statuses.get(str(status), 0) + 1

        # every route and status the inventions can reach, once...
        for path in PATHS:
            for method in (*sorted(KNOWN_METHODS), "INVENTED"):
                for headers in (key, {}):
                    await driver.call_raw(method, path.format("seen"), headers)
        await driver.call_raw("GET", "/metrics")  # a scrape is counted too, once it answered
        scraped = await driver.call_raw("GET", "/metrics")
        assert scraped[0] == 200, scraped
        before = _series(scraped[1])
        await burst(rounds)  # ...then thousands more inventions: no new series
        scraped = await driver.call_raw("GET", "/metrics")
        assert scraped[0] == 200, scraped
        after = _series(scraped[1])
    return before, after, statuses


def test_invented_methods_and_paths_add_no_series(tmp_path: Path) -> None:
    before, after, statuses = asyncio.run(_send_invented(tmp_path, seed=68, rounds=2000))
    assert after == before, sorted(after - before)[:20]
    methods = {dict(labels)["method"] for _, labels in after}
    assert methods <= KNOWN_METHODS | {OTHER}, methods
    assert OTHER in methods and "GET" in methods
    assert len(before) < 2000, len(before)  # a few per route, not per request
    assert sum(statuses.values()) == 2000


def _no_database() -> Database:
    raise AssertionError("no scrape of the jobs here")


def test_a_status_outside_the_registry_counts_as_other() -> None:
    metrics = Metrics(_no_database, lambda: {})  # no scrape of the jobs here
    metrics.observe("GET", "/api/health", 200, 0.002)
    metrics.observe("GET", "/api/health", 299, 0.002)
    metrics.observe("get", "/api/health", 200, 0.002)
    metrics.observe("BREW", "/api/health", 799, 0.002)
    counts = {tuple(sorted(sample.labels.items())): sample.value
              for family in metrics.requests.collect() if family.name == "engineering_api_requests"
              for sample in family.samples if sample.name.endswith("_total")}
    route = ("route", "/api/health")
    assert counts == {
        (("method", "GET"), route, ("status", "200")): 1.0,
        (("method", "GET"), route, ("status", OTHER)): 1.0,
        (("method", OTHER), route, ("status", "200")): 1.0,
        (("method", OTHER), route, ("status", OTHER)): 1.0,
    }
