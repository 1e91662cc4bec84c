"""Seeded fault schedules for the node's dependencies: each seed picks a fault and the moments it starts and ends
among a client's requests, and every answer the client got is then checked against what is stored.

The faults: PostgreSQL stopped fast, stopped immediately (crash recovery), its backend killed, or silent (a
proxy in between stops passing bytes on); SQLite's disk
full; SQLite's file overwritten; a checked folder given a FIFO, a link to a device or a link out of it; a push
target down, answering errors, silent or answering a byte at a time before its final answer. The rule
checked for the database: an answer 201 is stored; an answer that says nothing was written (503
``DATABASE_UNAVAILABLE``, 507) is not; a 503 that says a write was cut off may be either; nothing else (a 500)
is ever answered. For the folder: the check finishes, reads only the folder's regular files and says what it left
out.

``make test`` runs :data:`SEEDS` seeds of each; ``FAULT_SEEDS=50`` runs more (a seed that fails is a schedule to
replay: its faults are in the test's id).
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from engineering_api.config import Settings
from tools.bounds import HANG_GUARD_S, until
from tests.conftest import data, served
from tests.full_disk import disk_full
from tests.pgserver import PostgresServer
from tests.silent_proxy import SilentProxy

SEEDS = int(os.environ.get("FAULT_SEEDS", "2"))
STEPS = 12
"""Requests per schedule: enough for a fault to start and end among them."""
RT = "/api/runtime/users"
NOTHING_WRITTEN = "nothing was read or written"


def _schedule(seed: int) -> tuple[int, int]:
    """(the request before which the fault starts, the one before which it ends)."""
    rng = random.Random(seed)
    start = rng.randrange(1, STEPS - 2)
    return start, rng.randrange(start + 1, STEPS)


def _admin(data_dir: Path) -> dict[str, str]:
    return {"X-API-Key": (data_dir / "api.secret").read_text().strip()}


def _requests(client: Any, headers: dict[str, str], seed: int, on_step: Any) -> list[tuple[str, int, str]]:
    """Create one runtime user per step, calling ``on_step(i)`` first; (name, status, code or message) each."""
    answers = []
    for step in range(STEPS):
        on_step(step)
        name = f"user{seed}x{step}"
        answer = client.post(RT, json={"username": name, "password": "correct horse battery", "roles": ["read"]},
                             headers=headers)
        body = answer.json()
        answers.append((name, answer.status_code, f"{body.get('code', '')} {body.get('message', '')}"))
    return answers


def _check(client: Any, headers: dict[str, str], answers: list[tuple[str, int, str]], *, felt: bool) -> None:
    """The rule of the module's description; ``felt``: the fault must have refused at least one request (a
    schedule whose fault nobody noticed checks nothing)."""
    assert not felt or any(status != 201 for _, status, _ in answers), answers
    until(lambda: client.get("/api/health").json()["data"]["status"] == "Healthy", "the node to be healthy again")
    stored = {u["username"] for u in data(client.get(RT, headers=headers))}
    for name, status, said in answers:
        if status == 201:
            assert name in stored, f"{name} was answered 201 and is not stored"
        elif status == 507 or (status == 503 and "DATABASE_UNAVAILABLE" in said and NOTHING_WRITTEN in said):
            assert name not in stored, f"{name} was answered {status} ({said}) and is stored"
        else:
            assert status == 503 and "DATABASE_UNAVAILABLE" in said, (name, status, said)


_POSTGRES_FAULTS = ("fast stop", "immediate stop", "backend killed")


@pytest.mark.parametrize("seed", range(SEEDS))
@pytest.mark.parametrize("fault", _POSTGRES_FAULTS)
def test_postgres_faults_on_a_seeded_schedule(fresh_db: str, postgres: PostgresServer,
                                              tmp_path: Path, fault: str, seed: int) -> None:
    start, end = _schedule(seed * 31 + _POSTGRES_FAULTS.index(fault))
    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        headers = _admin(tmp_path)
        node = client.app.state.services.db

        def on_step(step: int) -> None:
            if step == start:
                if fault == "backend killed":
                    os.kill(node.one("SELECT pg_backend_pid() AS pid")["pid"], signal.SIGKILL)
                else:
                    postgres.stop(signal.SIGINT if fault == "fast stop" else signal.SIGQUIT)
            elif step == end and postgres.process is None:
                postgres.start()

        try:
            answers = _requests(client, headers, seed, on_step)
        finally:
            if postgres.process is None:
                postgres.start()
        _check(client, headers, answers, felt=fault != "backend killed")  # a read is retried: it may pass unseen


@pytest.mark.parametrize("seed", range(SEEDS))
def test_a_silent_postgres_on_a_seeded_schedule(silent_proxy: tuple[SilentProxy, str], tmp_path: Path,
                                                seed: int) -> None:
    """PostgreSQL goes silent (a proxy in between stops passing bytes on: a paused host, a partition) and comes
    back: every answer within the bounds (engineering_api.lib.db_watch, shortened here), and checked as above."""
    proxy, url = silent_proxy
    start, end = _schedule(seed * 13 + 7)
    with served(Settings.from_env(data_dir=tmp_path, db=url)) as client:
        headers = _admin(tmp_path)

        def on_step(step: int) -> None:
            if step == start:
                proxy.pause()
            elif step == end:
                proxy.resume()

        try:
            answers = _requests(client, headers, seed, on_step)
        finally:
            proxy.resume()
        _check(client, headers, answers, felt=True)


@pytest.mark.parametrize("seed", range(SEEDS))
@pytest.mark.parametrize("fault", ["disk full", "file overwritten"])
def test_sqlite_faults_on_a_seeded_schedule(tmp_path: Path, fault: str, seed: int) -> None:
    start, end = _schedule(seed * 17 + len(fault))
    with served(Settings.from_env(data_dir=tmp_path)) as client, ExitStack() as window:
        headers = _admin(tmp_path)
        node = client.app.state.services.db
        file = node.file
        assert file is not None
        header = file.read_bytes()[:100]

        def on_step(step: int) -> None:
            if step == start:
                if fault == "disk full":
                    window.enter_context(disk_full(node))
                else:
                    with file.open("r+b") as handle:
                        handle.write(b"\0" * 100)
                    client.get("/api/health")  # a load balancer's check finds it
            elif step == end:
                if fault == "disk full":
                    window.close()
                else:
                    with file.open("r+b") as handle:
                        handle.write(header)

        answers = _requests(client, headers, seed, on_step)
        window.close()
        _check(client, headers, answers, felt=True)


def _limited() -> None:
    limit = 2 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("seed", range(SEEDS))
def test_hostile_folder_entries_on_a_seeded_schedule(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    repo = tmp_path / "repo"
    outside = tmp_path / "outside.scl"
    outside.write_text("SECRET_SEEDED := ;\n", encoding="utf-8")
    folders = [repo / "/".join(f"d{rng.randrange(3)}" for _ in range(depth)) for depth in range(1, 4)]
    good = []
    for index, folder in enumerate(folders):
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"F{index}.scl"
        source.write_text(f'FUNCTION "F{index}" : Int\nVERSION : 0.1\nBEGIN\n  #F{index} := {index};\nEND_FUNCTION\n',
                          encoding="utf-8")
        good.append(source)
    hostile = []
    for index in range(rng.randint(1, 4)):
        entry = rng.choice(folders) / f"H{index}.scl"
        kind = rng.choice(["fifo", "device", "outside"])
        if kind == "fifo":
            os.mkfifo(entry)
        else:
            entry.symlink_to("/dev/zero" if kind == "device" else outside)
        hostile.append(entry)
    done = subprocess.run([str(Path(sys.executable).with_name("engineering-api")), "scl", "check", str(repo),
                           "--format", "json"], capture_output=True, text=True, timeout=HANG_GUARD_S,
                          preexec_fn=_limited, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == len(good) and "SECRET_SEEDED" not in done.stdout + done.stderr
    for entry in hostile:
        assert f"{entry}: not read:" in done.stderr, (entry, done.stderr)


@pytest.mark.parametrize("seed", range(SEEDS))
def test_a_push_target_failing_on_a_seeded_schedule(tmp_path: Path, seed: int) -> None:
    """The target is down or answers an error at each attempt the seed picks, until a final answer (200 delivers,
    400 refuses); every attempt the outbox records was made, the target got each request it records, and a
    delivery is recorded delivered exactly when the target answered 200, once."""
    import datetime as dt

    import time_machine

    from engineering_api.runtime.pushes.outbox import outbox_of
    from tests.api.runtime_pushes import PUSHES, Receiver, list_deliveries, log_shift, push_body, resend_shift

    rng = random.Random(seed)
    failures: list[int | str] = ["down", 500, 503, 429]
    script = [rng.choice(failures) for _ in range(rng.randint(0, 4))]
    script.append(rng.choice([200, 400]))
    receiver = Receiver()
    try:
        with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True) as clock, \
                served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = _admin(tmp_path)
            log_shift(client, headers)
            push_id = data(client.post(PUSHES, json=push_body(receiver.url), headers=headers), 201)["pushId"]
            for attempt, answer in enumerate(script, start=1):
                if answer == "down":
                    receiver.stop()
                else:
                    if receiver._server is None:
                        receiver.start()
                    receiver.script = [int(answer)]
                if attempt == 1:
                    resend_shift(client, headers, push_id)
                else:  # the retry's time comes
                    [waiting] = list_deliveries(client, headers, push_id)
                    due = dt.datetime.fromisoformat(waiting["nextAttemptAt"].replace("Z", "+00:00"))
                    clock.move_to(due + dt.timedelta(seconds=1))
                    outbox_of(client.app.state.services).wake()  # its thread sleeps by the wall clock
                def made(n: int = attempt) -> list[dict[str, Any]]:
                    return [d for d in list_deliveries(client, headers, push_id) if d["attempts"] == n]

                until(made, f"attempt {attempt}")
            [delivery] = list_deliveries(client, headers, push_id)
    finally:
        receiver.stop()
    final = script[-1]
    assert delivery["attempts"] == len(script), (script, delivery)
    assert delivery["status"] == ("delivered" if final == 200 else "failed"), (script, delivery)
    assert delivery["responseCode"] == final
    assert [r["status"] for r in receiver.requests] == [a for a in script if a != "down"], (script, receiver.requests)


class _HangingTarget:
    """An HTTP target whose answer to each request is the next of its script: ``silent`` (reads the request, never
    answers), ``dribble <status>`` (a status line, then a body a byte at a time that never ends) or a status."""

    def __init__(self, script: list[str]) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.script = list(script)
        self.requests: list[str] = []
        self.release = threading.Event()
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = target.script.pop(0) if target.script else "200"
                target.requests.append(answer)
                if answer == "silent":
                    target.release.wait(HANG_GUARD_S)
                    return
                status = int(answer.split()[-1])
                self.send_response(status)
                if answer.startswith("dribble"):
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    try:
                        while not target.release.wait(0.05):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                    except OSError:  # the client gave up: as it should
                        pass
                    return
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/erp/shift"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("seed", range(SEEDS))
def test_a_hanging_push_target_on_a_seeded_schedule(tmp_path: Path, seed: int) -> None:
    """A target that accepts and never answers, or answers a byte at a time, costs an attempt at most the push's
    timeout (each read, and the answer as a whole): the attempt is recorded as failed and retried, the final
    answer decides, and the target got each attempt the outbox recorded. Before, a refusal dribbled a byte at a
    time held the delivery thread (and every other push behind it) for as long as the target kept sending."""
    import datetime as dt

    import time_machine

    from engineering_api.runtime.pushes.outbox import outbox_of
    from tests.api.runtime_pushes import PUSHES, list_deliveries, log_shift, push_body, resend_shift

    rng = random.Random(1000 + seed)
    script = [rng.choice(["silent", "dribble 500", "503"]) for _ in range(rng.randint(1, 3))]
    script[rng.randrange(len(script))] = rng.choice(["silent", "dribble 500"])  # at least one hang
    script.append(rng.choice(["200", "dribble 200", "400"]))
    target = _HangingTarget(script)
    try:
        with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True) as clock, \
                served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = _admin(tmp_path)
            log_shift(client, headers)
            body = push_body(target.url)
            body["target"]["timeoutSeconds"] = 1
            push_id = data(client.post(PUSHES, json=body, headers=headers), 201)["pushId"]
            for attempt in range(1, len(script) + 1):
                if attempt == 1:
                    resend_shift(client, headers, push_id)
                else:
                    [waiting] = list_deliveries(client, headers, push_id)
                    due = dt.datetime.fromisoformat(waiting["nextAttemptAt"].replace("Z", "+00:00"))
                    clock.move_to(due + dt.timedelta(seconds=1))
                    outbox_of(client.app.state.services).wake()

                def made(n: int = attempt) -> list[dict[str, Any]]:
                    return [d for d in list_deliveries(client, headers, push_id) if d["attempts"] == n]

                [recorded] = until(made, f"attempt {attempt} ({script[attempt - 1]}) to be recorded")
                answer = script[attempt - 1]
                if attempt < len(script):
                    assert recorded["status"] == "pending", (script, recorded)
                    assert recorded["responseCode"] == (None if answer == "silent" else int(answer.split()[-1]))
                    if answer == "dribble 500":
                        assert "cut" in recorded["lastError"], recorded
            [delivery] = list_deliveries(client, headers, push_id)
    finally:
        target.close()
    final = script[-1]
    assert delivery["status"] == ("failed" if final == "400" else "delivered"), (script, delivery)
    assert delivery["attempts"] == len(script) == len(target.requests), (script, target.requests)
    assert delivery["responseCode"] == int(final.split()[-1])
