"""Prometheus metrics at ``GET /metrics`` (the text exposition format, from ``prometheus_client``).

- ``engineering_api_requests_total{method,route,status}`` and
  ``engineering_api_request_duration_seconds{method,route}``: every HTTP request. Every label value comes from a
  closed set, so no client can add series: the method is one of RFC 9110's (and PATCH, RFC 5789), any other is
  ``_OTHER`` (as OpenTelemetry's HTTP conventions record it); the route is the route's template (never the raw
  path, which would make one series per project or block name, ``<unmatched>`` when no route matched); the status
  is one of the IANA registry's codes (:class:`http.HTTPStatus`), any other ``_OTHER``;
- ``engineering_api_jobs{operation,state}``: the jobs the database holds, by operation and state, and
  ``engineering_api_job_queue_depth`` (the Pending ones), read at each scrape;
- ``engineering_api_job_queue_seconds{operation}`` and ``engineering_api_job_duration_seconds{operation,state}``:
  how long each job waited and ran, observed as it ends;
- families the app adds with :meth:`Metrics.add_scraped` (MCP, runtime pushes and pump, farm agents): read from
  where they are kept at each scrape, so serving a request does no work for them.

Each app has a registry of its own (a test builds many apps in one process). Who may read it is a setting
(``metricsClients``: client addresses, loopback only by default; ``metricsRole``: a role whose API key may read it
from anywhere); the client address is the one a trusted proxy forwarded (``trustedProxies``,
:func:`engineering_api.lib.forwarded.client_address`). With neither, ``/metrics`` answers 403.
docs/operations.md describes both.
"""

from __future__ import annotations

import ipaddress
import time
from bisect import bisect_left
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol

from litestar import Request, Response, get
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client import metrics as prometheus_metrics
from prometheus_client.utils import floatToGoString
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.samples import Sample
from sqlalchemy import func, select

from engineering_api.errors import codes
from engineering_api.lib.forwarded import client_address
from engineering_api.lib.middleware import request_services
from engineering_api.lib.responses import error_response
from engineering_api.lib.security import Role
from engineering_api.lib.tables import jobs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from prometheus_client.metrics_core import Metric

    from engineering_api.config import Settings
    from engineering_api.lib.db import Database

__all__ = ("KNOWN_METHODS", "METRICS_PATH", "OTHER", "STATE_KEY", "LiveJob", "Metrics", "client_allowed",
           "metrics_route")

METRICS_PATH = "/metrics"
STATE_KEY = "metrics"
"""Where an app's :class:`Metrics` sit in the app's state."""
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
"""Request latencies from a cached read (about a millisecond) to a synchronous TIA call (a minute or two)."""
_BUCKET_LABELS = (*(floatToGoString(bound) for bound in _BUCKETS), "+Inf")
"""The ``le`` labels of the request latency buckets, as ``prometheus_client`` writes them."""
_JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
"""Job waits and run times, from a fake's save (milliseconds) to a TIA import or download (up to the hour)."""
_JOB_BUCKET_LABELS = (*(floatToGoString(bound) for bound in _JOB_BUCKETS), "+Inf")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
"""The methods recorded by name: RFC 9110's (section 9) and PATCH (RFC 5789); method names are case-sensitive."""
OTHER = "_OTHER"
"""The label of a method or status outside its closed set (OpenTelemetry's HTTP semantic conventions)."""
_METHOD_LABELS = {method: method for method in KNOWN_METHODS}
_STATUS_LABELS = {int(status): str(int(status)) for status in HTTPStatus}


class _Buckets:
    """One labelled histogram kept as plain numbers: a count per bucket of its bounds (the last is +Inf), the sum and
    when the series began (the job histograms write it as ``prometheus_client``'s ``Histogram`` did, the ``_created``
    gauge)."""

    __slots__ = ("counts", "created", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0
        self.created = time.time()

    def add_to(self, family: HistogramMetricFamily, labels: list[str], bound_labels: tuple[str, ...]) -> None:
        """Add this series to ``family`` as ``prometheus_client``'s ``Histogram`` writes it: cumulative buckets labelled
        ``bound_labels`` (its bounds as that ``Histogram`` writes them), the count and the sum."""
        cumulative, buckets = 0, []
        for bound, count in zip(bound_labels, list(self.counts)):
            cumulative += count
            buckets.append((bound, cumulative))
        family.add_metric(labels, buckets, self.total)


def _created_series() -> bool:
    """Whether the ``_created`` series are written: ``prometheus_client``'s own switch, so they are left out exactly
    when its metrics leave them out (``PROMETHEUS_DISABLE_CREATED_SERIES`` set to ``true``, ``1`` or ``t`` when it was
    imported, or ``disable_created_metrics()``), read at each scrape as its metrics read it."""
    return bool(prometheus_metrics._use_created)


class _Series:
    """One (method, route, status)'s request count, its creation time and its (method, route)'s histogram."""

    __slots__ = ("count", "created", "latency")

    def __init__(self, latency: _Buckets) -> None:
        self.count = 0
        self.created = time.time()
        self.latency = latency


class _RequestCollector:
    """``engineering_api_requests_total`` and ``engineering_api_request_duration_seconds``, kept as plain numbers.

    A request is observed on the event loop with a dictionary lookup, two additions and a bisection
    (``prometheus_client``'s labelled metrics take a lock and several calls for each); the families are built from
    the numbers at each scrape.
    """

    def __init__(self) -> None:
        self._by_request: dict[tuple[str, str, int], _Series] = {}
        """Each series by the request's own (method, route, status), for those whose method and status are in
        their closed sets: the lookup of every request. Bounded like the labels."""
        self._series: dict[tuple[str, str, str], _Series] = {}
        """Each series by its labels."""
        self._latencies: dict[tuple[str, str], _Buckets] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request: ``method`` as the client sent it, ``route`` the template that served it (from the
        app's routes), ``status`` as the app answered."""
        series = self._by_request.get((method, route, status))
        if series is None:
            series = self._labelled(method, route, status)
        series.count += 1
        latency = series.latency
        latency.counts[bisect_left(_BUCKETS, seconds)] += 1
        latency.total += seconds

    def _labelled(self, method: str, route: str, status: int) -> _Series:
        """The series of labels not looked up before: an invented method or status counts in the ``_OTHER``
        series, and is not remembered under its own value (which would let clients grow the map)."""
        method_label = _METHOD_LABELS.get(method, OTHER)
        status_label = _STATUS_LABELS.get(status, OTHER)
        series = self._series.get((method_label, route, status_label))
        if series is None:
            latency = self._latencies.get((method_label, route))
            if latency is None:
                latency = self._latencies[(method_label, route)] = _Buckets(_BUCKETS)
            series = self._series[(method_label, route, status_label)] = _Series(latency)
        if method_label != OTHER and status_label != OTHER:
            self._by_request[(method, route, status)] = series
        return series

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily("engineering_api_requests", "HTTP requests by method, route template and status",
                                       labels=["method", "route", "status"])
        latency = HistogramMetricFamily("engineering_api_request_duration_seconds",
                                        "HTTP request latency by method and route template", labels=["method", "route"])
        created = _created_series()
        for labels, series in sorted(self._series.items()):
            requests.add_metric(list(labels), series.count, created=series.created if created else None)
        for (method, route), histogram in sorted(self._latencies.items()):
            histogram.add_to(latency, [method, route], _BUCKET_LABELS)
        yield requests
        yield latency

    def describe(self) -> list[Metric]:
        """Nothing up front (as the other collectors)."""
        return []




class _JobTimes:
    """``engineering_api_job_queue_seconds{operation}`` and ``engineering_api_job_duration_seconds{operation,state}``,
    kept as plain numbers as the request histograms are (:class:`_RequestCollector`): a ``prometheus_client``
    ``Histogram`` took a lock and a dozen calls per observation, two per ended job on the event loop (each ``-sync``
    call's). Each scrape writes them as that ``Histogram`` did, ``_created`` gauges included unless they are turned off
    (:func:`_created_series`; ``tests/api/test_metrics_parts.py`` compares the two expositions)."""

    def __init__(self) -> None:
        self._waits: dict[tuple[str, ...], _Buckets] = {}
        self._runs: dict[tuple[str, ...], _Buckets] = {}
        """By labels, in the order first seen (operations and states are the registry's: bounded maps)."""

    def observe(self, operation: str, state: str, waited: float, ran: float) -> None:
        self._count(self._waits, (operation,), waited)
        self._count(self._runs, (operation, state), ran)

    @staticmethod
    def _count(series: dict[tuple[str, ...], _Buckets], labels: tuple[str, ...], seconds: float) -> None:
        buckets = series.get(labels)
        if buckets is None:
            buckets = series[labels] = _Buckets(_JOB_BUCKETS)
        buckets.counts[bisect_left(_JOB_BUCKETS, seconds)] += 1  # the first bound >= the time, as Histogram.observe
        buckets.total += seconds

    def collect(self) -> Iterator[Metric]:
        yield _histogram("engineering_api_job_queue_seconds", "How long ended jobs waited before they ran, by "
                         "operation", ["operation"], self._waits)
        yield _histogram("engineering_api_job_duration_seconds", "How long ended jobs ran, by operation and final "
                         "state", ["operation", "state"], self._runs)

    def describe(self) -> list[Metric]:
        """Nothing up front (as the other collectors)."""
        return []


def _histogram(name: str, documentation: str, labels: list[str], series: dict[tuple[str, ...], _Buckets]) -> Metric:
    family = HistogramMetricFamily(name, documentation, labels=labels)
    created = _created_series()
    for values, timed in list(series.items()):
        timed.add_to(family, list(values), _JOB_BUCKET_LABELS)
        if created:
            family.samples.append(Sample(f"{name}_created", dict(zip(labels, values)), timed.created))
    return family


class LiveJob(Protocol):
    """What the job counts read of a job this process runs (a :class:`~engineering_api.jobs.records.JobRecord`)."""

    @property
    def operation(self) -> str: ...

    @property
    def status(self) -> str: ...


class _JobsCollector:
    """``engineering_api_jobs{operation,state}``, counted at each scrape: the jobs this process runs by their live
    records (their rows may still say Pending, :meth:`~engineering_api.jobs.manager.JobManager.live_records`), the
    others by their rows in the database."""

    def __init__(self, database: Callable[[], Database], live: Callable[[], Mapping[str, LiveJob]]) -> None:
        self._database = database
        self._live = live

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("engineering_api_jobs", "Jobs the service holds, by operation and state "
                                   "(state Pending: the queue's depth)", labels=["operation", "state"])
        depth = GaugeMetricFamily("engineering_api_job_queue_depth", "Jobs waiting for the TIA worker (Pending)")
        live = self._live()
        counted = select(jobs.c.operation, jobs.c.status, func.count().label("n")).group_by(jobs.c.operation,
                                                                                             jobs.c.status)
        if live:
            counted = counted.where(jobs.c.job_id.not_in(list(live)))
        counts: dict[tuple[str, str], int] = {}
        for row in self._database().all(counted):
            counts[(row["operation"], row["status"])] = int(row["n"])
        for record in live.values():
            key = (record.operation, record.status)
            counts[key] = counts.get(key, 0) + 1
        for (operation, status), n in sorted(counts.items()):
            family.add_metric([operation, status], n)
        depth.add_metric([], sum(n for (_, status), n in counts.items() if status == "Pending"))
        yield family
        yield depth

    def describe(self) -> list[Metric]:
        """Nothing up front: registering must not read the database (the app is being built)."""
        return []


class _Scraped:
    """Families built by a function at each scrape (the app's parts keep the figures; nothing runs in between)."""

    def __init__(self, read: Callable[[], Iterable[Metric]]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        yield from self._read()

    def describe(self) -> list[Metric]:
        """Nothing up front: registering must not run ``read`` (the app is being built, Redis may be away)."""
        return []


class Metrics:
    """One app's metrics registry and the observer that counts its requests."""

    def __init__(self, database: Callable[[], Database], live_jobs: Callable[[], Mapping[str, LiveJob]]) -> None:
        """``database``: the service database, asked at each scrape (a test's shared app changes it per test);
        ``live_jobs``: the jobs this process runs by id, whose live status counts over their rows'."""
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = _RequestCollector()
        self.registry.register(self.requests)
        self.registry.register(_JobsCollector(database, live_jobs))
        self._jobs_ended = _JobTimes()
        self.registry.register(self._jobs_ended)
        self.observe = self.requests.observe
        """Count one request: ``observe(method, route template, status, seconds)`` (called by
        :func:`engineering_api.lib.observability.observe_requests` for every HTTP request)."""

    def job_ended(self, operation: str, state: str, waited: float, ran: float) -> None:
        """Observe one ended job (a listener of :meth:`engineering_api.jobs.manager.JobManager.on_ended`)."""
        self._jobs_ended.observe(operation, state, waited, ran)

    def add_scraped(self, read: Callable[[], Iterable[Metric]]) -> None:
        """Families ``read`` builds at each scrape from figures kept elsewhere."""
        self.registry.register(_Scraped(read))

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


def client_allowed(settings: Settings, client: str | None) -> bool:
    """Whether the client address ``client`` is one of ``settings.metrics_clients`` (addresses or networks)."""
    if client is None:
        return False
    for allowed in settings.metrics_clients:
        try:
            if ipaddress.ip_address(client) in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:  # a name (the test client's "testclient"), compared as it is
            if client == allowed:
                return True
    return False


def _key_allowed(request: Request[Any, Any, Any]) -> bool:
    services = request_services.get()
    needed = services.settings.metrics_role
    presented = request.headers.get("x-api-key")
    if needed is None or not presented:
        return False
    principal = services.keys.verify(presented)
    return principal is not None and principal.role.allows(Role(needed))


@get(METRICS_PATH, opt={"public": True, "audit": False}, include_in_schema=False, sync_to_thread=False)
def metrics_route(request: Request[Any, Any, Any]) -> Response[Any]:
    """The metrics, for a client address in ``metricsClients`` or a key of ``metricsRole``; else 403."""
    services = request_services.get()
    client = client_address(request.scope, services.settings.trusted_proxies)
    if not (client_allowed(services.settings, client) or _key_allowed(request)):
        return error_response(403, codes.METRICS_NOT_ALLOWED, "this client may not read /metrics; see the settings "
                              "metricsClients and metricsRole (docs/operations.md)", instance=METRICS_PATH)
    metrics: Metrics = request.app.state[STATE_KEY]
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
