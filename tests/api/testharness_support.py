"""The test harness routes and a fake simulation behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from litestar.testing import TestClient

from tests.api.fake_sim import FakeSim
from tests.conftest import Headers

if TYPE_CHECKING:
    from engineering_api.services import Services

__all__ = ("TESTS", "create", "fake_simulation")

TESTS = "/api/testharness/tests"


def fake_simulation(services: Services, monkeypatch: pytest.MonkeyPatch) -> FakeSim:
    """A fake simulation on the app's backend (instance attributes shadow the port methods)."""
    fake = FakeSim()
    for name in ("instance_state", "run", "step", "memory_reset", "clear_forces"):
        monkeypatch.setattr(services.backend.simulation, name, getattr(fake, name), raising=False)
    for name in ("refresh_tags", "read_tag", "write_tag"):
        monkeypatch.setattr(services.backend.sim_tags, name, getattr(fake, name), raising=False)
    return fake


def create(client: TestClient[Any], headers: Headers, body: dict[str, Any]) -> Any:
    return client.post(TESTS, json=body, headers=headers)
