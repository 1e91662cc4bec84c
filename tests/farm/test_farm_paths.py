"""--farm-path-map: agents that mount the shared storage elsewhere get paths in their own view, and the API node's
answers keep the node's view (here the agents' view is a symlink to the node's workspace)."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.farm.paths import PathMap
from tests.conftest import data

pytestmark = pytest.mark.xdist_group("farm-2")


def test_paths_are_rewritten_both_ways(tmp_path: Path, agents) -> None:
    from tests.farm.conftest import give_back

    settings = Settings.from_env(data_dir=tmp_path / "node", farm_url=agents.redis_url)
    workspace = settings.roots[0] if settings.roots else settings.data_dir / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    agent_view = tmp_path / "agents-see"
    agent_view.symlink_to(workspace, target_is_directory=True)
    settings = Settings.from_env(data_dir=tmp_path / "node", farm_url=agents.redis_url,
                                 farm_path_map=(f"{workspace}={agent_view}",))
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            _, key = app.state.services.keys.create("mapped", "engineer")
            headers = {"X-API-Key": key, "X-Engineering-Session": "mapped"}
            created = data(client.post("/api/projects/actions/create-sync",
                                       json={"name": "Mapped", "path": str(workspace)}, headers=headers))
            assert created["path"] == str(workspace / "Mapped" / "Mapped.ap19"), "the node's view in its answer"
            agents_view = [a["openProject"] for a in data(client.get("/api/farm/agents", headers=headers))["agents"]
                           if a["heldByYou"]]
            assert agents_view == [str(agent_view / "Mapped" / "Mapped.ap19")], "the agent opened it in its view"
            listed = data(client.get("/api/projects", headers=headers))
            assert listed[0]["path"] == created["path"]
    finally:
        give_back(agents.redis_url)


def test_windows_agents_get_unc_paths_with_backslashes() -> None:
    mapping = PathMap.parse(["/mnt/tia=\\\\filer\\tia"])
    assert mapping.to_agent({"$p": "/mnt/tia/Line1/Line1.ap19"}) == {"$p": "\\\\filer\\tia\\Line1\\Line1.ap19"}
    assert mapping.to_node({"path": "\\\\FILER\\tia\\Line1\\Line1.ap19"}) == {"path": "/mnt/tia/Line1/Line1.ap19"}
    assert mapping.to_agent("/mnt/tiara/x") == "/mnt/tiara/x", "only whole path segments match"
    with pytest.raises(ValueError):
        PathMap.parse(["/mnt/tia"])
