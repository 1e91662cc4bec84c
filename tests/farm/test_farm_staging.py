"""Staging folders on a workspace several farm nodes and agents share (docs/farm.md): a starting node removes
only the folders whose owner is gone. Owners on this host are judged by their process, owners on other hosts by
their farm lease in Redis (an API node's ``node:<id>``, an agent's record and instance); an owner nobody can
judge keeps its folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.farm.failover import NodeLease, staging_lease_alive
from engineering_api.farm.registry import AgentRecord, AgentRegistry
from engineering_api.lib import staging
from engineering_api.lib.staging import SCRATCH_FOLDER, remove_stale_staging, staging_folder
from tools.farm_harness import RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm")

OTHER_HOST = f"not-{socket.gethostname()}"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _left(workspace: Path, owner: dict[str, Any] | None, kind: str = "retrieve") -> Path:
    """A staging folder as a killed (or still working) owner leaves it: the folder and, unless None, its mark."""
    folder = workspace / f".{kind}-{uuid.uuid4().hex}"
    folder.mkdir()
    (folder / "Project1").mkdir()
    if owner is not None:
        folder.with_name(folder.name + ".owner").write_text(json.dumps(owner), encoding="utf-8")
    return folder


@pytest.fixture
def farm(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(staging, "_lease", None)  # a NodeLease names this process' lease: not beyond the test
    config = SimpleNamespace(prefix=f"staging-{uuid.uuid4().hex}", lease_seconds=2.0,
                             redis=lambda: redis_client(redis_server.url))
    return SimpleNamespace(node_id=uuid.uuid4().hex, config=config, jobs_unswept=False)


def test_same_host_owners_are_judged_by_their_process(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = _left(tmp_path, {"host": socket.gethostname(), "pid": live.pid})
        dead = _left(tmp_path, {"host": socket.gethostname(), "pid": _dead_pid()}, kind="archive")
        with staging_folder(tmp_path, "export") as working:  # in use by this process while another node starts
            removed = remove_stale_staging([tmp_path])
            assert working.is_dir()
        assert removed == [dead, dead.with_name(dead.name + ".owner")]
        assert alive.is_dir() and (alive / "Project1").is_dir() and not dead.exists()
    finally:
        live.kill()
        live.wait()
    assert remove_stale_staging([tmp_path]) == [alive, alive.with_name(alive.name + ".owner")]  # now it is gone
    assert list(tmp_path.iterdir()) == []


def test_other_host_owners_are_judged_by_their_farm_lease(farm: Any, redis_server: RedisServer,
                                                          tmp_path: Path) -> None:
    jobs = SimpleNamespace(supervised=lambda: [])
    node = NodeLease(jobs, farm, lambda *_: None)  # type: ignore[arg-type]  # the lease reads these only
    node.beat()
    live_node_key = f"{farm.config.prefix}:node:{farm.node_id}"
    assert staging._lease == (live_node_key, None)  # the marks this node makes name its lease
    with staging_folder(tmp_path, "archive") as own:
        assert json.loads(own.with_name(own.name + ".owner").read_text())["lease"] == live_node_key
    registry = AgentRegistry(redis_client(redis_server.url), farm.config.prefix)
    record = AgentRecord(name="agent-1", backend="fake", tia_versions=["V19"], lease_seconds=30.0)
    registry.heartbeat(record)
    agent_key = registry.record_key("agent-1")

    node_alive = _left(tmp_path, {"host": OTHER_HOST, "pid": 1, "lease": live_node_key})
    node_gone = _left(tmp_path, {"host": OTHER_HOST, "pid": 1, "lease": f"{farm.config.prefix}:node:lapsed"})
    agent_alive = _left(tmp_path, {"host": OTHER_HOST, "pid": 1, "lease": agent_key, "instance": record.instance})
    agent_restarted = _left(tmp_path, {"host": OTHER_HOST, "pid": 1, "lease": agent_key, "instance": "before"})
    no_lease = _left(tmp_path, {"host": OTHER_HOST, "pid": 1})

    removed = remove_stale_staging([tmp_path], staging_lease_alive(farm))
    assert sorted(removed) == sorted([node_gone, node_gone.with_name(node_gone.name + ".owner"),
                                      agent_restarted, agent_restarted.with_name(agent_restarted.name + ".owner")])
    assert all(folder.is_dir() for folder in (node_alive, agent_alive, no_lease))
    # outside a farm no lease can be read: every other host's folder is kept
    assert remove_stale_staging([tmp_path]) == []

    redis_client(redis_server.url).delete(live_node_key)  # the node's lease lapsed
    removed = remove_stale_staging([tmp_path], staging_lease_alive(farm))
    assert removed == [node_alive, node_alive.with_name(node_alive.name + ".owner")]


def test_redis_away_keeps_other_hosts_folders(tmp_path: Path) -> None:
    config = SimpleNamespace(redis=lambda: redis_client("redis://127.0.0.1:1"))
    folder = _left(tmp_path, {"host": OTHER_HOST, "pid": 1, "lease": "x:node:y"})
    lease_alive = staging_lease_alive(SimpleNamespace(config=config))  # type: ignore[arg-type]  # reads config only
    assert remove_stale_staging([tmp_path], lease_alive) == []
    assert folder.is_dir()


def test_marks_without_folders_folders_without_marks_and_torn_marks(tmp_path: Path) -> None:
    legacy = _left(tmp_path, None)  # a version before the marks: removed as before
    orphan_mark = tmp_path / f".archive-{uuid.uuid4().hex}.owner"  # killed between the mark and its folder
    orphan_mark.write_text(json.dumps({"host": socket.gethostname(), "pid": _dead_pid()}), encoding="utf-8")
    live_mark = tmp_path / f".archive-{uuid.uuid4().hex}.owner"  # the folder is made the next instant
    live_mark.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}), encoding="utf-8")
    torn = _left(tmp_path, None, kind="export")
    torn.with_name(torn.name + ".owner").write_text('{"host": ', encoding="utf-8")  # being written: kept
    scratch = tmp_path / SCRATCH_FOLDER
    scratch.mkdir()
    old_file, new_file = scratch / "leftover.xml", scratch / "being-read.xml"
    old_file.write_text("x", encoding="utf-8")
    new_file.write_text("x", encoding="utf-8")
    past = time.time() - staging.TEMPORARY_FILE_GRACE_SECONDS - 1
    os.utime(old_file, (past, past))

    removed = remove_stale_staging([tmp_path])
    assert sorted(removed) == sorted([legacy, orphan_mark, old_file])
    assert live_mark.is_file() and torn.is_dir() and new_file.is_file()
    os.utime(torn.with_name(torn.name + ".owner"), (past, past))  # torn by a kill long ago
    assert torn in remove_stale_staging([tmp_path])
