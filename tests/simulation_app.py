"""The PLCSim Simulation tests' app, as fixtures every test folder sees (a plugin of the root ``conftest.py``), and
their calls: creating an instance and acting on it.

A module using them takes ``simulation_client`` and ``simulation_keys`` under the names its tests use
(:func:`module_fixtures`; one app per module: starting one costs seconds on a loaded machine) and marks itself with
``clean_simulation``, so its tests do not see each other's instances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.config import Settings
from tests.conftest import Headers, data, served

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar import Litestar
    from litestar.testing import TestClient

__all__ = ("SIM", "act", "clean_simulation", "create", "module_fixtures", "simulation_client", "simulation_keys")

SIM = "/api/simulation"


@pytest.fixture(scope="module")
def simulation_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    """A served app of the module's own, with no default headers."""
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("simulation"))
    with served(settings) as client:
        client.headers.clear()
        yield client


@pytest.fixture(scope="module")
def simulation_keys(simulation_client: TestClient[Litestar]) -> dict[str, Headers]:
    """A viewer's and an engineer's key headers on :func:`simulation_client`'s app."""
    services = simulation_client.app.state.services
    return {role: {"X-API-Key": services.keys.create(f"sim-{role}", role)[1]} for role in ("viewer", "engineer")}


@pytest.fixture
def clean_simulation(simulation_client: TestClient[Litestar]) -> Iterator[None]:
    """After the test, every instance is powered off and deleted and the runtime is disconnected."""
    yield
    runtime = simulation_client.app.state.services.backend.plcsim
    runtime.disconnect()
    for cpu in list(runtime.instances.values()):
        cpu.power_off()
        runtime.delete(cpu.name)


def module_fixtures() -> tuple[Any, Any]:
    """The fixtures ``sim`` and ``keys`` of the calling module (``sim, keys = module_fixtures()``): its app and the
    keys ``viewer`` and ``engineer`` (tests/conftest.py) read, by the names its tests take. pytest finds a fixture by
    its name in the module, and a folder's ``keys`` (tests/api/conftest.py) would answer for another app."""

    @pytest.fixture(scope="module")
    def sim(simulation_client: TestClient[Litestar]) -> TestClient[Litestar]:
        return simulation_client

    @pytest.fixture(scope="module")
    def keys(simulation_keys: dict[str, Headers]) -> dict[str, Headers]:
        return simulation_keys

    return sim, keys


def create(client: TestClient[Any], headers: Headers, name: str, **extra: Any) -> dict[str, Any]:
    return data(client.post(f"{SIM}/instances/create", json={"name": name, **extra}, headers=headers))


def act(client: TestClient[Any], headers: Headers, name: str, verb: str, **kwargs: Any) -> Any:
    return client.post(f"{SIM}/instances/{name}/{verb}", headers=headers, **kwargs)
