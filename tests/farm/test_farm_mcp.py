"""MCP in farm mode: a tool call runs as its key's caller, so it reaches the same agent (and project) as the
key's REST calls, not a portal of its own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from engineering_api.config import Settings
from tests.mcp.conftest import Live, live_server, structured
from tests.mcp.transports import http_session
from tools.bounds import HANG_GUARD_S

pytestmark = [pytest.mark.xdist_group("farm-2"), pytest.mark.anyio]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def farm_live(tmp_path, agents) -> Iterator[Live]:
    from tests.farm.conftest import give_back

    with live_server(Settings.from_env(data_dir=tmp_path, farm_url=agents.redis_url)) as server:
        yield server
    give_back(agents.redis_url)


async def test_a_tool_call_works_on_the_keys_own_project(farm_live: Live) -> None:
    async with http_session(farm_live) as session:
        created = await session.call_tool("projects_create", {"name": "ByTool"})
        assert not created.is_error, created
        assert structured(created)["name"] == "ByTool"
    listed = httpx.get(f"{farm_live.base}/api/projects", headers=farm_live.headers(), timeout=HANG_GUARD_S)
    assert [p["name"] for p in listed.json()["data"]] == ["ByTool"]
    agents = httpx.get(f"{farm_live.base}/api/farm/agents", headers=farm_live.headers(),
                       timeout=HANG_GUARD_S).json()["data"]
    assert [a["heldByYou"] for a in agents["agents"]].count(True) == 1
