"""A farm session with devices and a stepped clock, for the unscheduled work tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.conftest import data
from tests.farm.conftest import OwnFarm
from tests.farm.farm_calls import until

__all__ = ("ADD", "device_names", "session_headers", "step_clock")

ADD = "/api/projects/devices/actions/add-sync"


def session_headers(node: TestClient[Any], name: str) -> dict[str, str]:
    secret = node.app.state.services.settings.secret_path.read_text().strip()
    return {"X-API-Key": secret, "X-Engineering-Session": name}


def step_clock(farm: OwnFarm, offset: float) -> None:
    """Step every agent's wall clock to real time + ``offset`` and wait until it has."""
    (farm.root / "clock").write_text(f"{offset:g}")
    applied = Path(f"{farm.root / 'clock'}.applied")
    until(lambda: applied.exists() and applied.read_text() == f"{offset:g}", f"the clock stepped by {offset:g} s")


def device_names(node: TestClient[Any], session: dict[str, str]) -> list[str]:
    return [d["name"] for d in data(node.get("/api/projects/devices", headers=session))]
