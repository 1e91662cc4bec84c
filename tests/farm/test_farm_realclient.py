"""T-IA Connect's VS Code client, unmodified, against a farm's API node (``serve --farm``) with fake agents:
every call it makes passes as against an embedded server, since a client that names no session works in the
default session, one portal on one agent, as embedded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.farm.conftest import give_back
from tests.realclient.conftest import Served, serve
from tests.realclient.vendor_client import run_vendor_client

pytestmark = pytest.mark.xdist_group("farm-2")


@pytest.fixture
def farm_served(tmp_path: Path, node_ready: str, agents) -> Iterator[Served]:
    yield from serve(tmp_path / "data", "--farm", agents.redis_url)
    give_back(agents.redis_url)


def test_the_vendor_client_passes_every_call_on_a_farm(farm_served: Served, node_ready: str, tmp_path: Path) -> None:
    run_vendor_client(farm_served, node_ready, tmp_path)
