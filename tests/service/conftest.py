"""Fixtures for the service-level tests (security, jobs, worker, restart)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.conftest import served
from tests.silent_proxy import SilentProxy

SILENCE_BOUND_S = 1.0
"""The statement bound in the silent-database tests (10 s in service): the rule, not the figure, is under test."""

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.pgserver import PostgresServer


def make_client(data_dir: Path, **overrides: Any) -> TestClient:
    """A test client over a fresh app on ``data_dir`` (use as a context manager)."""
    return TestClient(create_app(Settings.from_env(data_dir=data_dir, **overrides)))


@pytest.fixture(name="data_dir")
def fx_data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture(name="client")
def fx_client(data_dir: Path) -> Iterator[TestClient]:
    with served(Settings.from_env(data_dir=data_dir)) as client:
        yield client


@pytest.fixture(name="admin")
def fx_admin(client: TestClient, data_dir: Path) -> dict[str, str]:
    return {"X-API-Key": (data_dir / "api.secret").read_text().strip()}


def key_for(client: TestClient, role: str) -> dict[str, str]:
    """Headers with a new key of ``role``."""
    _, secret = client.app.state.services.keys.create(f"test {role}", role)
    return {"X-API-Key": secret}


@pytest.fixture
def silent_proxy(fresh_db: str, postgres: PostgresServer,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SilentProxy, str]]:
    from engineering_api.lib import db_watch

    monkeypatch.setattr(db_watch, "STATEMENT_BOUND_S", SILENCE_BOUND_S)
    proxy = SilentProxy(postgres.port)
    try:
        yield proxy, f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres?connect_timeout=1"
    finally:
        proxy.resume()
        proxy.close()
