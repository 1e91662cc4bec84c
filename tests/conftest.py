"""Shared fixtures: a fresh app per test (own data directory), a client with the lifespan running,
keys of every role, and helpers for jobs, projects and devices.

The fake backend auto-launches and attaches a V19 portal at start-up, so a test starts with a
portal and no project.
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from engineering_api import config
from engineering_api.app import create_app, create_services
from engineering_api.config import Settings
from engineering_api.lib.db import Database
from engineering_api.rules.compiler import project as compiler_project
from engineering_api.services import Services
from fakes.backend import FakeBackend
from simatic_xml import parse_bytes
from simatic_xml.interface import Interface
from simatic_xml.objects import Block, PlcStruct
from simatic_xml.sw_base import SwObject
from tools.bounds import HANG_GUARD_S
from tests.hypothesis_constants import without_local_constants
from tests.pgserver import PostgresServer, postgres_binaries
from tests.lib.outcomes import data, skip_or_fail
from tests.lib.shared_corpus import missing_shared_reason

# the collection guard (items sharing a node id stop the run); the PLCSim Simulation app the simulation tests share
pytest_plugins = ("tests.collection_guard", "tests.lib.collector_policy", "tests.simulation_app")

TEST_HOST = "testserver.local"
"""The Host Litestar's test client sends. Production accepts only loopback names unless configured; the suite's
settings accept this one too, as an operator's allowedHosts would."""
config.DEFAULT_ALLOWED_HOSTS = (*config.LOOPBACK_HOSTS, TEST_HOST)

# `serve` records itself in T-IA Connect's instance registry under APPDATA (or ~/AppData/Roaming): the servers the
# suite starts write into a folder of this run, never the user's real registry, and it goes with the run.
_APPDATA = tempfile.TemporaryDirectory(prefix="engineering-api-appdata-")
os.environ["APPDATA"] = _APPDATA.name
atexit.register(_APPDATA.cleanup)

CPU = "6ES7 516-3AN02-0AB0"
"""CPU 1516-3 PN/DP (S7-1500), firmware up to V3.1."""
IM = "6ES7 155-6AU01-0BN0"
"""ET 200SP IM 155-6 PN ST (an IO device)."""
HMI = "6AV2 124-0GC01-0AX0"
"""TP700 Comfort."""
DI_1500 = "6ES7 521-1BH00-0AB0"
"""S7-1500 DI 16x24VDC HF (a module)."""

TERMINAL = ("Completed", "Failed", "Canceled")
Headers = dict[str, str]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(data_dir=tmp_path)


class _CurrentServices:
    """Stands for the services of the test that holds a shared app: every attribute is theirs.

    Handlers, the guard middleware and the lifespan reach services through this object, so one built app
    serves test after test while each test still gets its own data directory, database, keys, worker and
    backend (see :func:`shared_app`).
    """

    def __init__(self, target: Services) -> None:
        object.__setattr__(self, "target", target)

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "target"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "target"), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(object.__getattribute__(self, "target"), name)


_SHARED_APPS: dict[tuple[Any, ...], tuple[Litestar, _CurrentServices, list[bool]]] = {}
"""Per xdist worker: one app per combination of the settings that shape an app when it is built."""


@contextmanager
def shared_app(settings: Settings) -> Iterator[Litestar]:
    """An app over fresh services for ``settings``, as ``create_app(settings)`` builds it.

    Building an app (Litestar registering ~600 route handlers) costs far more than a test, and the result
    depends only on CORS origins, the body size limit and debug; the state a test touches is all in
    ``Services``. So the app is built once per worker for those settings and given this test's fresh
    services. A second request for the same shape while one is in use (a test holding two apps) gets a
    newly built app.
    """
    _seed_database(settings)
    services = create_services(settings)
    key = (settings.cors_origins, settings.max_body_bytes, settings.debug)
    entry = _SHARED_APPS.get(key)
    if entry is None:
        current = _CurrentServices(services)
        # a Services to every reader: the proxy forwards each attribute to the current test's Services
        proxied = cast(Services, current)
        entry = _SHARED_APPS[key] = (create_app(settings, services=proxied), current, [False])
    built, current, busy = entry
    if busy[0]:
        yield create_app(settings, services=services)
        return
    object.__setattr__(current, "target", services)
    busy[0] = True
    try:
        yield built
    finally:
        busy[0] = False  # the services stay the target until the next test, for late monkeypatch undo


@contextmanager
def served(settings: Settings) -> Iterator[TestClient[Litestar]]:
    """A client of :func:`shared_app`'s app for ``settings``, its lifespan running: one start of the service over
    fresh services. Entered again with the same data directory, it is a restart of the service on that directory."""
    with shared_app(settings) as built, TestClient(built) as client:
        yield client


@functools.cache
def _migrated_database() -> bytes:
    """The file of a service database the service itself created and brought to the current schema, made once
    per process (in a directory removed at once: nothing is left behind when a worker is stopped)."""
    with tempfile.TemporaryDirectory(prefix="migrated-db-") as scratch:
        path = Path(scratch) / "engineering-api.sqlite3"
        Database(path, data_dir=Path(scratch)).close()
        return path.read_bytes()


def _seed_database(settings: Settings) -> None:
    """Give an empty data directory a copy of :func:`_migrated_database`, as a second start of the service finds it.

    Migrating a new SQLite file costs ~14 ms of CPU, paid by every test that starts an app; the migrations have
    tests of their own (tests/db). The copy gets the mode the service gives its database (0600). A data directory
    that holds anything (a test's legacy files, another service database) or a PostgreSQL ``db`` is left to the
    service."""
    data_dir = settings.data_dir
    if settings.db is not None or (data_dir.exists() and any(data_dir.iterdir())):
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(os.open(settings.database_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as copy:
        copy.write(_migrated_database())


@pytest.fixture
def app(settings: Settings) -> Iterator[Litestar]:
    with shared_app(settings) as built:
        yield built


@pytest.fixture
def fresh_program_views() -> Iterator[None]:
    """The process's program views (``rules/compiler/project._READS``) empty at the test's start and end: a test that
    counts what a compile reads counts its own compiles, not what an earlier test (in any fake: equal bytes share a
    view) left behind, and leaves nothing to a later one."""
    compiler_project._READS.clear()
    yield
    compiler_project._READS.clear()


@pytest.fixture
def services(app: Litestar) -> Services:
    shared = app.state.services
    return object.__getattribute__(shared, "target") if isinstance(shared, _CurrentServices) else shared


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def workspace(settings: Settings) -> Path:
    """The default file root; request paths are relative to it."""
    return settings.roots[0]


@pytest.fixture
def admin_headers(client: TestClient[Litestar], settings: Settings) -> Headers:
    key = settings.secret_path.read_text(encoding="utf-8").strip()
    return {"X-API-Key": key}


@pytest.fixture
def make_key(client: TestClient[Litestar], services: Services) -> Callable[[str], Headers]:
    """``make_key("viewer")`` → headers with a fresh key of that role."""

    def make(role: str, name: str | None = None) -> Headers:
        _, secret = services.keys.create(name or f"test-{role}", role)
        return {"X-API-Key": secret}

    return make


@pytest.fixture
def viewer_headers(make_key: Callable[[str], Headers]) -> Headers:
    return make_key("viewer")


@pytest.fixture
def engineer_headers(make_key: Callable[[str], Headers]) -> Headers:
    return make_key("engineer")


def fake_backend(services: Services) -> FakeBackend:
    """The app's backend as the fake, for tests that reach its own models (its simulated PLCs) directly."""
    backend = services.backend
    assert isinstance(backend, FakeBackend), f"this test needs the fake backend, not {type(backend).__name__}"
    return backend


def wait_job(client: TestClient[Any], job_id: str, headers: Headers, timeout: float = HANG_GUARD_S) -> dict[str, Any]:
    """Poll ``GET /api/jobs/{id}`` until the job ends; returns the job record (``data``)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/api/jobs/{job_id}", headers=headers)
        assert response.status_code == 200, response.text
        record = response.json()["data"]
        if record["status"] in TERMINAL:
            return record
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} did not finish in {timeout}s: {record}")
        time.sleep(0.01)


def start_job(client: TestClient[Any], method: str, path: str, headers: Headers, **kwargs: Any) -> str:
    """Call an async route, check the 202 contract, and return the job id."""
    response = client.request(method, path, headers=headers, **kwargs)
    assert response.status_code == 202, response.text
    body = response.json()
    job_id = body["data"]["jobId"]
    assert response.headers["location"] == f"/api/jobs/{job_id}"
    assert body["success"] is True
    return job_id


def run_job(client: TestClient[Any], method: str, path: str, headers: Headers, **kwargs: Any) -> dict[str, Any]:
    """Start an async route and wait for its job; returns the terminal job record."""
    return wait_job(client, start_job(client, method, path, headers, **kwargs), headers)


def job_error(record: dict[str, Any]) -> dict[str, Any]:
    """A failed job's error as ``{code, status, message}``.

    Jobs carry ``error`` (the message, as T-IA Connect clients show it) with ``errorCode`` and
    ``errorStatus`` beside it.
    """
    return {"code": record.get("errorCode"), "status": record.get("errorStatus"), "message": record.get("error")}


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an error body with ``status`` (and ``code``); returns the body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["status"] == status
    assert body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


ObjectT = TypeVar("ObjectT", bound=SwObject)


def simaticml_object(xml: bytes, kind: type[ObjectT]) -> ObjectT:
    """The object of a SimaticML document, checked to be the ``kind`` the test expects."""
    obj = parse_bytes(xml).object
    assert isinstance(obj, kind), f"{type(obj).__name__} is not a {kind.__name__}"
    return obj


def interface_of(obj: Block | PlcStruct) -> Interface:
    """The interface of a block or UDT, checked to be there."""
    assert obj.interface is not None, f"{obj.name} has no interface"
    return obj.interface


@pytest.fixture
def gate(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Makes ``save_project`` wait until the test opens the gate (the first event), so a job can be caught queued
    or running; the second event is set once the save has started."""
    opened, entered = threading.Event(), threading.Event()
    original = services.backend.save_project

    def slow_save() -> Any:
        entered.set()
        opened.wait(HANG_GUARD_S)
        return original()

    monkeypatch.setattr(services.backend, "save_project", slow_save)
    yield opened, entered
    opened.set()


@pytest.fixture
def project(client: TestClient[Litestar], admin_headers: Headers) -> dict[str, Any]:
    """A new open project ``Line1`` (saved by creation)."""
    return data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin_headers))


@pytest.fixture
def cpu(client: TestClient[Litestar], admin_headers: Headers, project: dict[str, Any]) -> dict[str, Any]:
    """A CPU 1516-3 PN/DP named ``PLC_1`` in the open project."""
    return data(
        client.post(
            "/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"}, headers=admin_headers
        )
    )


def add_device(client: TestClient[Any], headers: Headers, order_number: str, name: str, **extra: Any) -> dict[str, Any]:
    """Add a device through the sync route and return it."""
    return data(
        client.post(
            "/api/projects/devices/actions/add-sync",
            json={"orderNumber": order_number, "name": name, **extra}, headers=headers,
        )
    )


def configure(client: TestClient[Any], headers: Headers, device: str, ip: str, **extra: Any) -> Any:
    """Configure a device's first interface; returns the raw response."""
    return client.post(
        f"/api/devices/{device}/actions/configure-network-sync", json={"ipAddress": ip, **extra}, headers=headers
    )


@pytest.fixture(scope="session", autouse=True)
def _hypothesis_inputs_of_their_own() -> Iterator[None]:
    """Hypothesis' inputs do not depend on the modules a worker loaded before (tests/hypothesis_constants.py)."""
    with without_local_constants():
        yield


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--backend``: which adapters the contract suite (tests/contract) runs against."""
    parser.addoption(
        "--backend", action="store", default="fake,bridge",
        help="comma-separated contract-suite adapters: fake (the TIA model), bridge (the Openness bridge over the C# "
        "stand-in under Mono), openness (the Openness bridge over the real TIA Portal of this Windows machine). "
        "Default: fake,bridge.",
    )
    parser.addoption("--farm-fault-seconds", action="store", type=float, default=60.0,
                     help="how long the farm's fault-schedule test injects faults "
                          "(tests/farm/test_farm_fault_schedule.py)")
    parser.addoption("--farm-fault-seed", action="store", type=int, default=None,
                     help="replay one schedule of the farm's fault-schedule test (its seed is printed)")


_UNGROUPED = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)  # after xdist's own hook, which adds the group to the node id
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` (``make test``), fail the grouped tests when xdist's grouping silently stopped.

    xdist groups the tests marked ``xdist_group`` (the farm's, which share one broker and one set of agents) by a
    suffix it adds to their node ids. With pytest 9.2 that suffix no longer takes (pytest-dev/pytest-xdist#1386):
    nothing fails, the farm's tests spread over every worker, each worker starts its own broker and agents, and the
    suite slows down. pyproject.toml keeps pytest below 9.2 for that; this catches the next such change.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid:
            item.stash[_UNGROUPED] = (
                "--dist loadgroup did not group this test marked xdist_group: this pytest/pytest-xdist pair lost "
                "the grouping (see pytest-dev/pytest-xdist#1386); install a pair that keeps it")


@pytest.hookimpl(tryfirst=True)  # before pytest's own skip marks: in CI a missing ../shared fails, never skips
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _UNGROUPED in item.stash:
        pytest.fail(item.stash[_UNGROUPED], pytrace=False)
    missing = missing_shared_reason(item)
    if missing is not None:
        skip_or_fail(missing, "the corpus tests")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop the .NET runtime's exit handlers when a test loaded it (the bridge's tests, under Mono).

    ``pythonnet.load`` registers ``pythonnet.unload`` with atexit: Python.NET's full shutdown, which collects the
    garbage of the whole process again and again (pythonnet/pythonnet#2008); clr_loader registers
    ``mono._release``, whose ``mono_jit_cleanup`` collects the Mono heap once more. In a test process that grew to
    gigabytes (tests/api in one process: 2.1 GB) the first ran for over three minutes of CPU before the process
    could end; in a small one the second takes seconds. Both exist so that a process can go on, or load a runtime
    again; this one is ending, and its memory goes with it. What a test needed from them ran in the test.
    """
    del config
    for module, handler in (("pythonnet", "unload"), ("clr_loader.mono", "_release")):
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, handler):
            atexit.unregister(getattr(loaded, handler))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """A test fails when the server answered it with an error code not declared in
    ``engineering_api/errors/codes/`` (the problem-response writer notes each code it sends)."""
    from engineering_api.errors.registry import take_undeclared

    take_undeclared()
    result = yield
    undeclared = take_undeclared()
    if undeclared:
        raise AssertionError(f"answered with error codes not declared in engineering_api/errors/codes/: "
                             f"{sorted(undeclared)} (python -m tools.error_code_scan --stub drafts their lines)")
    return result


@pytest.fixture
def plc(client: Any, admin_headers: dict[str, str], cpu: Any, services: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """PLC_1 at 192.168.0.10 with the counter program, simulation support on, its powered-on instance."""
    from tests.api.download_sources import import_scl
    from tests.contract.stub_engine import SCL, make_instance, use_stub_engine

    simulation = services.backend.plcsim
    use_stub_engine(simulation, monkeypatch)
    assert configure(client, admin_headers, "PLC_1", "192.168.0.10").status_code == 200
    import_scl(client, admin_headers, SCL)
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=admin_headers))
    return make_instance(simulation, "Sim_PLC_1", "192.168.0.10")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the test process (a fresh schema per test: :func:`fresh_db`)."""
    import shutil

    if postgres_binaries() is None:
        reason = "PostgreSQL tests need Debian's postgresql package (initdb, postgres)"
        skip_or_fail(reason, "the PostgreSQL tests")
    # Not under pytest's tmp dir: as root, the cluster runs as the postgres user, who cannot enter root's 0700 dirs.
    workdir = Path(tempfile.mkdtemp(prefix="engineering-api-pg-"))
    server = PostgresServer(workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def fresh_db(postgres: PostgresServer) -> str:
    import psycopg

    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return postgres.url


@pytest.fixture
def viewer(keys: dict[str, Headers]) -> Headers:
    return keys["viewer"]


@pytest.fixture
def engineer(keys: dict[str, Headers]) -> Headers:
    return keys["engineer"]


_SPAN_EXPORTERS: list[Any] = []
"""The one in-memory exporter :func:`spans` adds to the process's tracer provider (OpenTelemetry keeps the first
provider set, so the exporter is attached once per process)."""


@pytest.fixture
def spans() -> Iterator[Any]:
    """The process's tracer provider, an SDK one, writing to an in-memory exporter too; emptied around the test."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider) and not _SPAN_EXPORTERS:
        _SPAN_EXPORTERS.append(InMemorySpanExporter())
        provider.add_span_processor(SimpleSpanProcessor(_SPAN_EXPORTERS[0]))
    exporter = _SPAN_EXPORTERS[0]
    exporter.clear()
    yield exporter
    exporter.clear()


@pytest.fixture(scope="module")
def node_ready() -> str:
    """node, the client's source and esbuild are there (else skip with the driver's reason)."""
    import subprocess

    from tests.realclient.vendor_client import CHECK_TIMEOUT_S, DRIVER, node_path

    node = node_path()
    check = subprocess.run([node, str(DRIVER), "--check"], capture_output=True, text=True, timeout=CHECK_TIMEOUT_S,
                           check=False)
    if check.returncode == 3:
        reason = check.stdout.strip() or "the vendor client cannot be loaded"
        print(reason)
        pytest.skip(reason)
    assert check.returncode == 0, check.stdout + check.stderr
    return node


@pytest.fixture
def bridge_client(tmp_path: Path) -> Iterator[tuple[TestClient[Any], dict[str, str]]]:
    """The service over the Openness bridge (the C# stand-in), with its admin key; the stand-in's control classes
    (``StandIn.Control``) can be imported once it runs."""
    from openness_bridge.standin import standin_backend
    from tests.bridge.conftest import require_standin

    require_standin()
    settings = Settings.from_env(data_dir=tmp_path, backend="openness")
    services = create_services(settings, backend=standin_backend(tmp_path / "bridge-state"))
    with TestClient(create_app(settings, services=services), base_url="http://127.0.0.1") as client:
        yield client, {"X-API-Key": settings.secret_path.read_text(encoding="utf-8").strip()}
