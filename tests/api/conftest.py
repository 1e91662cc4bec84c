"""Fixtures shared by the API test modules (each names the module it was first written for)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.lib.observability import ACCESS_LOGGER
from engineering_api.services import Services
from tests.api.hmi_support import TP700
from tests.api.log_records import RecordingHandler
from tests.api.alarm_plant import download_line
from tests.api.runtime_users import login, make_user
from tests.api.partner_servers import OpcUaTestServer
from tests.api.runtime_pushes import Receiver
from tests.api.runtime_tag_program import PROGRAM, SIM, TAGS
from tests.conftest import Headers, add_device, data

if TYPE_CHECKING:
    from fakes.runtime.image import ProgramImage


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    """Admin headers; the project has PLC_1 and a TP700 Comfort ``HMI_1``."""
    add_device(client, admin_headers, TP700, "HMI_1")
    return admin_headers


@pytest.fixture
def access_lines() -> Iterator[list[logging.LogRecord]]:
    handler = RecordingHandler()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def opcua_server() -> Iterator[OpcUaTestServer]:
    with OpcUaTestServer() as server:
        yield server


@pytest.fixture(scope="module")
def fuzz_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], dict[str, str]]]:
    engine = pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine has not landed")
    from tools.plc_software import software_from_scl

    data_dir = tmp_path_factory.mktemp("runtime-fuzz")
    with TestClient(create_app(Settings.from_env(data_dir=data_dir)), raise_server_exceptions=False) as client:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        data(client.post("/api/simulation/instances/create", json={"name": "Fz", "operatingMode": "SingleStep"},
                         headers=admin))
        data(client.post("/api/simulation/instances/Fz/power-on", headers=admin))
        image = engine.build_image(software_from_scl(PROGRAM, TAGS), "PLC_1")
        client.app.state.services.backend.plcsim.get("Fz").load(image, device="PLC_1")
        data(client.post("/api/simulation/start", json={"instanceName": "Fz"}, headers=admin))
        make_user(client, admin, "fuzzer", ["admin"])
        yield client, login(client, "fuzzer")


@pytest.fixture(scope="module")
def image() -> ProgramImage:
    engine = pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine has not landed")
    from tools.plc_software import software_from_scl

    return engine.build_image(software_from_scl(PROGRAM, TAGS), "PLC_1")


@pytest.fixture
def running_plc(client: TestClient[Any], engineer_headers: Headers, image: ProgramImage) -> Iterator[str]:
    """An instance ``Rt`` in SingleStep mode with the program, powered on, connected, in RUN."""
    data(client.post(f"{SIM}/instances/create", json={"name": "Rt", "operatingMode": "SingleStep"},
                     headers=engineer_headers))
    data(client.post(f"{SIM}/instances/Rt/power-on", headers=engineer_headers))
    runtime = client.app.state.services.backend.plcsim
    runtime.get("Rt").load(image, device="PLC_1")
    data(client.post(f"{SIM}/start", json={"instanceName": "Rt"}, headers=engineer_headers))
    yield "Rt"
    runtime.disconnect()
    for cpu in list(runtime.instances.values()):
        cpu.power_off()
        runtime.delete(cpu.name)


@pytest.fixture
def users(client: TestClient[Any], admin_headers: Headers) -> dict[str, Headers]:
    make_user(client, admin_headers, "reader", ["read"])
    make_user(client, admin_headers, "writer", ["read", "write"])
    return {"reader": login(client, "reader"), "writer": login(client, "writer")}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.stop()


@pytest.fixture
def line(client: Any, admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    """The program downloaded to a running SingleStep instance with 1 s cycles; the admin key's headers."""
    return download_line(client, admin_headers)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    """One app for the module (building an app costs ~2 s); :func:`api` empties the harness between tests."""
    app = create_app(Settings.from_env(data_dir=tmp_path_factory.mktemp("harness")))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def api(shared: TestClient[Litestar]) -> TestClient[Litestar]:
    """The shared client, with no test case and no run stored."""
    state = shared.app.state.services.jobs.state
    for run_id in state.get("testharness:runs") or []:
        state.delete(f"testharness:run:{run_id}")
    state.delete("testharness:runs")
    state.delete("testharness:cases")
    return shared


@pytest.fixture(scope="module")
def keys(shared: TestClient[Litestar]) -> dict[str, Headers]:
    services: Services = shared.app.state.services
    return {role: {"X-API-Key": services.keys.create(f"harness-{role}", role)[1]} for role in ("viewer", "engineer")}
