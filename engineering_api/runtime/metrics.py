"""The runtime's metric families, read at each scrape (:mod:`engineering_api.lib.metrics`).

- ``engineering_api_runtime_push_deliveries{state}``: the scheduled pushes' outbox by state (``pending``: waiting
  for their first or next attempt; ``failed``: refused by the target, re-sent only by hand; ``delivered``);
- ``engineering_api_runtime_pump_lag_seconds``: how long ago the runtime's pump last drained the CPU into the
  history, alarms and subscriptions (about a second while it runs: :data:`engineering_api.runtime.monitor.PUMP_SECONDS`;
  growing when it is stuck); absent while no pump runs;
- ``engineering_api_runtime_oauth_jwks_failures_total{reason}``: failed fetches of the OAuth issuer's keys
  (``unreachable``, ``status``, ``too_large``, ``slow``, ``not_json``, ``invalid``), each refusing the tokens that
  waited on it with 401 and the reason (:mod:`engineering_api.runtime.jwks`); absent without an issuer.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from engineering_api.runtime.pushes.outbox import outbox_of
from engineering_api.runtime.service import existing_runtime

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.metrics_core import Metric

    from engineering_api.services import Services

__all__ = ("DELIVERY_STATES", "runtime_families")

DELIVERY_STATES = ("pending", "failed", "delivered")


def runtime_families(services: Services) -> Callable[[], Iterator[Metric]]:
    """The read that builds the runtime's families from ``services`` at each scrape."""

    def read() -> Iterator[Metric]:
        deliveries = GaugeMetricFamily("engineering_api_runtime_push_deliveries", "Scheduled pushes' deliveries by "
                                       "state (pending, failed, delivered)", labels=["state"])
        outbox_of(services)  # its table exists once the outbox does (the app's start makes it)
        counts = dict.fromkeys(DELIVERY_STATES, 0)
        for row in services.db.all("SELECT status, COUNT(*) AS n FROM runtime_push_outbox GROUP BY status"):
            counts[str(row["status"])] = int(row["n"])
        for state, count in counts.items():
            deliveries.add_metric([state], count)
        yield deliveries
        lag = GaugeMetricFamily("engineering_api_runtime_pump_lag_seconds", "Seconds since the runtime's pump last "
                                "drained the CPU into history, alarms and subscriptions")
        runtime = existing_runtime(services)
        pumped_at = runtime.monitor.pumped_at if runtime is not None and runtime.monitor.running else None
        if pumped_at is not None:
            lag.add_metric([], time.monotonic() - pumped_at)
        yield lag
        if runtime is not None and runtime.oauth is not None:
            failures = CounterMetricFamily("engineering_api_runtime_oauth_jwks_failures", "Failed fetches of the "
                                           "OAuth issuer's keys (JWKS) by reason", labels=["reason"])
            for reason, count in sorted(runtime.oauth.keys.failures.items()):
                failures.add_metric([reason], count)
            yield failures

    return read
