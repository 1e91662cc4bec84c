"""Staging folders on a workspace several farm nodes and agents share (docs/farm.md): a starting node removes
only the folders whose owner is gone. Owners on this host are judged by their process, owners on other hosts by
their farm lease in Redis (an API node's ``node:<id>``, an agent's record and instance); an owner nobody can
judge keeps its folder."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.farm.failover import NodeLease, staging_lease_alive
from engineering_api.farm.proxy import FarmBackendBase
from engineering_api.farm.registry import AgentRecord, AgentRegistry
from engineering_api.lib import staging
from engineering_api.lib.staging import SCRATCH_FOLDER, remove_stale_staging, staging_folder
from tools.farm_harness import RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm-2")

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
    config = SimpleNamespace(prefix=f"staging-{uuid.uuid4().hex}", lease_seconds=2.0, outage_grace_seconds=0.0,
                             redis=lambda: redis_client(redis_server.url))
    farm = SimpleNamespace(node_id=uuid.uuid4().hex, config=config, jobs_unswept=False, _unreachable_until=0.0,
                           registry=AgentRegistry(redis_client(redis_server.url), config.prefix))
    # the farm backend's own judgement of a Redis outage, over this test's Redis (it reads these only)
    farm.in_outage_grace = lambda: FarmBackendBase.in_outage_grace(farm)  # type: ignore[arg-type]
    return farm


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
    legacy = _left(tmp_path, None)  # a version before the marks, killed long ago: removed
    _age(legacy)
    legacy_working = _left(tmp_path, None, kind="archive")  # a version before the marks, still writing: kept
    user = tmp_path.parent / f"{tmp_path.name}-elsewhere"  # a folder outside, changing all the time
    user.mkdir()
    (user / "busy.txt").write_text("x", encoding="utf-8")
    linked = tmp_path / f".retrieve-{uuid.uuid4().hex}"  # an old link named like a staging folder: judged itself
    linked.symlink_to(user, target_is_directory=True)
    past = time.time() - staging.TEMPORARY_FILE_GRACE_SECONDS - 1
    os.utime(linked, (past, past), follow_symlinks=False)
    orphan_mark = tmp_path / f".archive-{uuid.uuid4().hex}.owner"  # killed between the mark and its folder
    orphan_mark.write_text(json.dumps({"host": socket.gethostname(), "pid": _dead_pid()}), encoding="utf-8")
    live_mark = tmp_path / f".archive-{uuid.uuid4().hex}.owner"  # the folder is made the next instant
    live_mark.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "run": staging._run}),
                         encoding="utf-8")
    torn = _left(tmp_path, None, kind="export")
    torn.with_name(torn.name + ".owner").write_text('{"host": ', encoding="utf-8")  # being written: kept
    scratch = tmp_path / SCRATCH_FOLDER
    scratch.mkdir()
    old_file, new_file = scratch / "leftover.xml", scratch / "being-read.xml"
    old_file.write_text("x", encoding="utf-8")
    new_file.write_text("x", encoding="utf-8")
    os.utime(old_file, (past, past))

    removed = remove_stale_staging([tmp_path])
    assert sorted(removed) == sorted([legacy, orphan_mark, old_file, linked])
    assert live_mark.is_file() and torn.is_dir() and new_file.is_file() and legacy_working.is_dir()
    assert (user / "busy.txt").is_file()
    os.utime(torn.with_name(torn.name + ".owner"), (past, past))  # torn by a kill long ago
    assert torn in remove_stale_staging([tmp_path])


def _age(folder: Path) -> None:
    """Make a folder and everything in it look unchanged for longer than the grace."""
    past = time.time() - staging.TEMPORARY_FILE_GRACE_SECONDS - 1
    for path in (folder, *folder.rglob("*")):
        os.utime(path, (past, past))


def _mark(folder: Path) -> Path:
    return folder.with_name(folder.name + ".owner")


def test_a_killed_run_under_this_process_pid_is_gone(tmp_path: Path) -> None:
    """The documented container runs the service as pid 1 at every start, under the host's name: a killed run's
    mark names this host and this pid. It is this process' only when it names this run."""
    here = {"host": socket.gethostname(), "pid": os.getpid()}
    if (namespace := staging._PID_NAMESPACE) is not None:
        here["pidns"] = namespace
    earlier_run = _left(tmp_path, {**here, "run": uuid.uuid4().hex})
    with staging_folder(tmp_path, "archive") as working:
        assert json.loads(_mark(working).read_text())["run"] == staging._run
        assert remove_stale_staging([tmp_path]) == [earlier_run, _mark(earlier_run)]
        assert working.is_dir() and _mark(working).is_file()


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="process start times are read from /proc")
def test_a_reused_pid_is_told_by_its_start_time(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = staging.process_start(live.pid)
        assert isinstance(started, int) and started > 0
        here = {"host": socket.gethostname(), "pid": live.pid}
        if (namespace := staging._PID_NAMESPACE) is not None:
            here["pidns"] = namespace
        its_own = _left(tmp_path, {**here, "run": "r", "started": started})
        reused = _left(tmp_path, {**here, "run": "r", "started": started - 1}, kind="archive")  # an earlier holder
        assert remove_stale_staging([tmp_path]) == [reused, _mark(reused)]
        assert its_own.is_dir()
    finally:
        live.kill()
        live.wait()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_worker_is_a_run_of_its_own() -> None:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        os.write(write, staging._run.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read, "rb") as pipe:
        assert pipe.read().decode() not in ("", staging._run)


def test_another_pid_namespace_under_this_hosts_name_is_judged_by_its_lease(farm: Any, tmp_path: Path) -> None:
    """Containers with ``--network host`` share the host's name but not their pids: this process' pid in a mark
    from another pid namespace is another container's process, alive while its lease is."""
    other = {"host": socket.gethostname(), "pid": os.getpid(), "run": "theirs", "pidns": "pid:[1]"}
    no_lease = _left(tmp_path, other)
    lapsed = _left(tmp_path, {**other, "lease": f"{farm.config.prefix}:node:lapsed"}, kind="archive")
    assert remove_stale_staging([tmp_path], staging_lease_alive(farm)) == [lapsed, _mark(lapsed)]
    assert no_lease.is_dir()


def test_a_restarted_redis_forgets_leases_so_a_missing_one_keeps_the_folder(farm: Any, redis_server: RedisServer,
                                                                            tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """After a Redis restart the leases are missing until their holders beat again: within the farm's outage grace
    (Redis' uptime below it) a missing lease says nothing, and the folders are kept; the grace is read once."""
    folders = [_left(tmp_path, {"host": OTHER_HOST, "pid": 1, "lease": f"{farm.config.prefix}:node:{n}"})
               for n in range(3)]
    uptime = farm.registry.uptime()
    farm.config.outage_grace_seconds = uptime + 3600.0  # Redis started within the grace: as just restarted
    asked: list[float] = []

    def counted_uptime() -> float:
        asked.append(uptime)
        return uptime

    monkeypatch.setattr(farm.registry, "uptime", counted_uptime)
    assert remove_stale_staging([tmp_path], staging_lease_alive(farm)) == []
    assert all(folder.is_dir() for folder in folders) and len(asked) == 1
    farm.config.outage_grace_seconds = 0.0  # the grace is over: the holders would have beaten by now
    assert len(remove_stale_staging([tmp_path], staging_lease_alive(farm))) == 2 * len(folders)


def _hostile_marks(tmp_path: Path) -> list[Path]:
    """Staging folders whose mark is a FIFO, a link to ``/dev/zero``, a link to a regular mark and a huge file."""
    marks = []
    for kind in ("retrieve", "archive", "export", "retrieve"):
        folder = _left(tmp_path, None, kind)
        marks.append(_mark(folder))
    os.mkfifo(marks[0])
    marks[1].symlink_to("/dev/zero")
    real = tmp_path / "elsewhere.json"
    real.write_text(json.dumps({"host": socket.gethostname(), "pid": _dead_pid()}), encoding="utf-8")
    marks[2].symlink_to(real)
    marks[3].write_bytes(b" " * (staging.MARK_MAX_BYTES + 1))
    return marks


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="FIFOs and /dev/zero")
def test_a_mark_that_is_no_regular_file_cannot_hang_the_start(tmp_path: Path) -> None:
    """Marks are read without following links or waiting: each hostile one counts as torn (kept within the grace,
    then removed with its folder), and the cleanup ends."""
    marks = _hostile_marks(tmp_path)
    outcome: list[list[Path]] = []
    cleanup = threading.Thread(target=lambda: outcome.append(remove_stale_staging([tmp_path])), daemon=True)
    cleanup.start()
    cleanup.join(60)  # a bound for a busy machine; the read that hangs never returns
    assert not cleanup.is_alive() and outcome == [[]]
    past = time.time() - staging.TEMPORARY_FILE_GRACE_SECONDS - 1
    for mark in marks:
        os.utime(mark, (past, past), follow_symlinks=False)
    removed = remove_stale_staging([tmp_path])
    assert sorted(removed) == sorted([m.with_name(m.name.removesuffix(".owner")) for m in marks] + marks)
    assert stat.S_ISREG((tmp_path / "elsewhere.json").stat().st_mode)  # a link's target is never touched
