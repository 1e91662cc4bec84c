"""A fault schedule against a whole farm (issue 32): sessions work while agents, Redis and the API nodes die.

Three agents, a persistent Redis and two API nodes (processes of their own, ``serve --farm`` on one PostgreSQL and
one shared workspace) run; two sessions each create, import, compile and save their own project over HTTP and
record every answer, sending their requests to both nodes in turn (as a load balancer would; a request a node did
not answer is retried on the other). A schedule drawn from a seed kills an agent (SIGKILL, back after a while or at
once, as a service wrapper does), stops Redis for a few seconds, crashes an API node while an agent runs a call and
starts it again (an import whose answer was lost is retried with its Idempotency-Key), or times a running job out
(its revoke reaches the idle third agent too); since issue 69 also steps the agents' wall clocks back or forward
for a while (since issue 91 also hours off, up to a day, mid-call), starts a second agent under a live agent's name
(it must refuse, leaving the live one alone), restarts Redis **without its data**, cuts one agent off (SIGSTOP: a
partition, a paused VM) for up to a few seconds past its lease, and, once in every run at a seeded step, **kills an
API node for good** while it serves an import an agent runs: that node stays dead until each import whose answer it
took with it has been answered, through the surviving node, by a retry with the same Idempotency-Key (the survivor
takes the dead node's job over; bounded by the hang guard, a violation past it), and only then starts again. Each
agent is a TIA host of its own (its project locks name ``host-<name>``), so a killed agent is a dead host. The run
lasts ``--farm-fault-seconds`` (60 s by default); the seed is printed, and ``--farm-fault-seed`` replays it.
Afterwards, with every participant back, these must hold:

* no project was ever open in two portals, nor in the portal a session other than its own held (sampled
  from the farm's registry all along);
* every change answered 200 and then saved (a save answered 200) is in the project as saved;
* no change answered "did not run" (``AGENT_LOST``, stale fence, no agent, broker unreachable, canceled,
  ``INTERRUPTED``) is in it: a failure was reported only for work that did not run;
* an import whose answer a killed API node took with it was answered through the survivor within the bound;
* no answer was a 500.

The checks are exact; the waits are bounded waits on events. The pauses of the schedule are its parameters.
"""

from __future__ import annotations

import collections
import random
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tools.farm_harness import Agents, ApiNode, RedisServer, persistent_farm, redis_client
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.xdist_group("farm-2")

SESSIONS = 2
CPU = "6ES7 516-3AN02-0AB0"
NOT_RUN = frozenset({"AGENT_LOST", "STALE_FENCING_TOKEN", "STALE_AGENT_INSTANCE", "NO_FREE_AGENT",
                     "FARM_BROKER_UNREACHABLE", "CANCELED", "PROJECT_CLOSING", "PROJECT_HELD", "INTERRUPTED",
                     "CALL_EXPIRED"})
"""Codes that say the call did not run (and will not). ``INTERRUPTED`` is a job whose node stopped before any of
its changing calls ran (docs/farm.md, *API node crashed or restarted*): nothing changed."""
OWNERSHIP_ENDS = (NOT_RUN - {"INTERRUPTED"}) | {"OUTCOME_UNKNOWN", "NO_PROJECT_OPEN", "PROJECT_LOCKED"}
"""Answers after which a session no longer has its project open (it opens it again)."""
NODES = 2
"""API nodes on the one database; a session's requests go to each in turn."""
MID_OPERATION_WAIT_SECONDS = 10.0
"""How long a fault that needs a running call waits for one (then it acts as it is, or not at all)."""
SETTLE_SECONDS = 240.0
"""Bound for the farm to serve a session again once the faults stop (a slow machine, a closing agent)."""


@dataclass
class Session:
    """One client session: its own project, and what it was told."""

    name: str
    answers: list[tuple[str, int, str | None]] = field(default_factory=list)
    committed: set[str] = field(default_factory=set)
    unsaved: set[str] = field(default_factory=set)
    not_run: dict[str, str] = field(default_factory=dict)
    """Changes answered 'did not run', with the code and message of that answer (which path said so)."""
    sending: str | None = None
    """The request the session waits on now, and since when (``time.monotonic()``): a hang's diagnosis."""
    is_open: bool = False
    count: int = 0
    turn: int = 0
    """How many requests the session sent: the next goes to node ``turn % NODES``."""
    awaiting: str | None = None
    """The Idempotency-Key of the import the session waits to be answered (retried until it is)."""

    @property
    def project_file(self) -> str:
        return f"{self.name}/{self.name}.ap19"


def _code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _cause(response: httpx.Response) -> str | None:
    """``details.cause`` of a problem answer: which fault it tells (docs/farm.md, "one shape")."""
    try:
        body = response.json()
    except ValueError:
        return None
    details = body.get("details") if isinstance(body, dict) else None
    return details.get("cause") if isinstance(details, dict) else None


class Run:
    """The farm, the sessions and the sampler of one schedule."""

    def __init__(self, nodes: list[ApiNode], agents: Agents, redis: RedisServer, workspace: Path) -> None:
        self.nodes, self.agents, self.redis, self.workspace = nodes, agents, redis, workspace
        self.admin_key = nodes[0].admin_key  # the first node wrote it; the nodes share the key table
        self.sessions = [Session(f"S{i}") for i in range(SESSIONS)]
        self.stop = threading.Event()
        self.violations: list[str] = []
        self.node_lock = threading.Lock()
        self.in_flight: list[set[str]] = [set() for _ in nodes]
        """The sessions each node is serving a request of now (guarded by ``node_lock``)."""
        self.failovers: list[float] = []
        """Seconds from a node's kill until every import it took the answer of was answered through the other."""
        self.http = httpx.Client()
        """One client for every request (httpx's pool is thread-safe): a client per request built an SSL context
        each time, tens of milliseconds of CPU per call. A connection the crashed node left is dropped by the pool
        (or fails as a refused one would: no answer)."""

    # ----- a session -------------------------------------------------------------------------
    def call(self, session: Session, method: str, path: str, body: Any = None, *, what: str,
             key: str | None = None) -> httpx.Response | None:
        index = session.turn % len(self.nodes)
        session.turn += 1
        node = self.nodes[index]
        headers = {"X-API-Key": self.admin_key, "X-Engineering-Session": session.name,
                   **({"Idempotency-Key": key} if key else {})}
        with self.node_lock:
            self.in_flight[index].add(session.name)
        session.sending = f"{what} to node {index} since {time.monotonic():.1f}"
        try:
            response = self.http.request(method, f"{node.url}{path}", json=body, headers=headers, timeout=300)
        except httpx.HTTPError:  # the API node is down: no answer, so nothing to judge
            session.answers.append((what, 0, None))
            return None
        finally:
            session.sending = None
            with self.node_lock:
                self.in_flight[index].discard(session.name)
        code = _code(response)
        session.answers.append((what, response.status_code, code))
        if response.status_code == 503 and not _cause(response):  # one shape per fault, as a client reads it
            self.violations.append(f"{session.name} {what}: 503 {code} without details.cause: {response.text[:300]}")
        if response.status_code == 500:  # with the node's last traceback: a failure must be diagnosable
            log = (node.data_dir / "serve.log").read_text(errors="replace")
            self.violations.append(f"{session.name} {what}: 500 {response.text[:300]}\n"
                                   f"{log[log.rfind('Traceback'):][:4000]}")
        return response

    def step(self, session: Session, rng: random.Random) -> None:
        if not session.is_open:
            self.open(session)
            return
        choice = rng.random()
        if choice < 0.6:
            session.count += 1
            name = f"F{session.name}_{session.count}"
            session.awaiting = name
            source = f'FUNCTION "{name}" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n  #{name} := #a;\nEND_FUNCTION\n'
            response = self.call(session, "POST", "/api/devices/PLC_1/external-sources/import-and-generate",
                                 {"SclContent": source, "SourceName": name}, what=f"import {name}", key=name)
            while response is None and not self.stop.is_set():
                # the node went away with the answer: the client retries with the same key, and is answered
                # by that request's job (re-attached after the node's restart) or a new one (issue 48)
                self.stop.wait(0.5)  # pacing of the retry
                response = self.call(session, "POST", "/api/devices/PLC_1/external-sources/import-and-generate",
                                     {"SclContent": source, "SourceName": name}, what=f"retry import {name}", key=name)
            session.awaiting = None
            self.judge(session, response, name)
        elif choice < 0.8:
            self.judge(session, self.call(session, "POST", "/api/devices/PLC_1/actions/compile-sync", {},
                                          what="compile"))
        else:
            response = self.call(session, "POST", "/api/projects/actions/save-sync", what="save")
            if response is not None and response.status_code == 200:
                saved = response.json()["data"]["name"]
                if saved != session.name:
                    self.violations.append(f"{session.name} saved the project {saved!r} of another session")
                session.committed |= session.unsaved
                session.unsaved.clear()
            self.judge(session, response)

    def judge(self, session: Session, response: httpx.Response | None, change: str | None = None) -> None:
        if response is None:
            return
        code = _code(response)
        if response.status_code == 200:
            if change is not None:
                session.unsaved.add(change)
            return
        if change is not None and code in NOT_RUN:
            session.not_run[change] = f"{code}: {response.json().get('message', '')[:300]}"
        if code in OWNERSHIP_ENDS or response.status_code == 409:
            session.is_open = False
            session.unsaved.clear()  # lost with the portal, as TIA loses unsaved changes

    def open(self, session: Session) -> None:
        if (self.workspace / session.project_file).exists():
            response = self.call(session, "POST", "/api/projects/actions/open-sync", {"path": session.project_file},
                                 what="open")
        else:
            response = self.call(session, "POST", "/api/projects/actions/create-sync",
                                 {"name": session.name, "path": "."}, what="create")
        if response is None or response.status_code != 200:
            return
        name = response.json()["data"]["name"]
        if name != session.name:
            self.violations.append(f"{session.name} opened {name!r}")
        devices = self.call(session, "GET", "/api/projects/devices", what="devices")
        if devices is None or devices.status_code != 200:
            return
        if not any(d["name"] == "PLC_1" for d in devices.json()["data"]):
            added = self.call(session, "POST", "/api/projects/devices/actions/add-sync",
                              {"orderNumber": CPU, "name": "PLC_1"}, what="add device")
            if added is None or added.status_code != 200:
                self.judge(session, added)
                return
            saved = self.call(session, "POST", "/api/projects/actions/save-sync", what="save")
            if saved is None or saved.status_code != 200:
                self.judge(session, saved)
                return
        session.is_open = True

    def work(self, session: Session, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            self.step(session, rng)
            if not session.is_open:
                self.stop.wait(0.5)  # pacing before the next open, not a check

    # ----- faults that need the node -----------------------------------------------------------
    def mid_operation(self, serving: Callable[[], list[int]] = lambda: [0]) -> list[int]:
        """Return once an agent runs a call while ``serving()`` names nodes (bounded: a schedule that finds none
        goes on); returns those nodes (none after the bound)."""
        from engineering_api.farm.registry import AgentRegistry

        registry = AgentRegistry(redis_client(self.redis.url))
        deadline = time.monotonic() + MID_OPERATION_WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                nodes = serving()
                if nodes and any(a.current_call for a in registry.agents()):
                    return nodes
            except Exception:  # Redis down: look again
                pass
            time.sleep(0.02)
        return []

    def importing_nodes(self) -> list[int]:
        """The nodes serving an import request now."""
        with self.node_lock:
            return [index for index, names in enumerate(self.in_flight)
                    if any(s.awaiting for s in self.sessions if s.name in names)]

    def kill_a_node(self, rng: random.Random) -> None:
        """SIGKILL an API node that serves an import an agent runs (else a seeded one), keep it dead until every
        import whose answer it took with it was answered through the other node (a retry with the same
        Idempotency-Key; bounded by the hang guard: a violation past it), then start it again."""
        victim = rng.choice(self.mid_operation(self.importing_nodes) or range(len(self.nodes)))
        with self.node_lock:
            lost = {s.name: s.awaiting for s in self.sessions if s.name in self.in_flight[victim] and s.awaiting}
        self.nodes[victim].crash()
        killed = time.monotonic()
        pending = dict(lost)
        while pending and time.monotonic() < killed + HANG_GUARD_S:
            time.sleep(0.05)
            pending = {s.name: s.awaiting for s in self.sessions
                       if s.name in pending and pending[s.name] == s.awaiting}
        if pending:
            last = {s.name: s.answers[-4:] for s in self.sessions if s.name in pending}
            self.violations.append(f"imports {pending} whose answer the killed node {victim} took were not answered "
                                   f"through the surviving node in {HANG_GUARD_S:g} s: {last}")
        elif lost:
            self.failovers.append(round(time.monotonic() - killed, 1))
        time.sleep(rng.uniform(1.0, 5.0))  # how much longer it stays dead: a schedule parameter
        self.nodes[victim].start()

    def time_out_a_job(self) -> None:
        """What a job's timeout does, with the third agent idle: its call is revoked on every agent and flagged
        for its own (a cancel takes the same path as a timeout: the job's token, then ``_never_run``)."""
        headers = {"X-API-Key": self.admin_key}
        node = self.nodes[0]  # every node is up between two faults, and they share the jobs
        deadline = time.monotonic() + MID_OPERATION_WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                running = self.http.get(f"{node.url}/api/jobs", params={"status": "Running"}, headers=headers,
                                        timeout=30).json()["data"]["jobs"]
                if running:
                    self.http.post(f"{node.url}/api/jobs/{running[0]['jobId']}/actions/cancel",
                                   headers=headers, timeout=30)
                    return
            except (httpx.HTTPError, KeyError, ValueError):  # the node restarting: no job to time out now
                return
            time.sleep(0.02)

    def twin(self, name: str) -> None:
        """A second agent under live agent ``name``'s name: it must refuse to start, naming the live one, and
        leave its instance (and so its session's claim) alone."""
        from engineering_api.farm.registry import AgentRegistry

        registry = AgentRegistry(redis_client(self.redis.url))
        before = registry.agent(name)
        code, said = self.agents.twin(name)
        after = registry.agent(name)
        if code in (0, -9) or "is held by a live agent" not in said:
            self.violations.append(f"a second agent {name} was not refused (exit {code}): {said[-300:]}")
        if before is not None and (after is None or after.instance != before.instance):
            self.violations.append(f"a second agent {name} displaced the live instance {before.instance}")

    # ----- the sampler -----------------------------------------------------------------------
    def sample(self) -> None:
        from engineering_api.farm.registry import AgentRegistry

        registry = AgentRegistry(redis_client(self.redis.url))
        while not self.stop.wait(0.2):
            try:
                records = registry.agents()
                claims = {r.name: registry.claim_record(r.name) for r in records}
            except Exception:  # Redis down: nothing to sample
                continue
            seen: dict[str, str] = {}
            for record in records:
                if record.open_project is None:
                    continue
                if record.open_project in seen:
                    self.violations.append(f"{record.open_project} open on {seen[record.open_project]} and "
                                           f"{record.name}")
                seen[record.open_project] = record.name
                claim = claims.get(record.name)
                session = claim["caller"].rsplit("/", 1)[-1] if claim else None
                project = Path(record.open_project).stem
                if (
                    claim is not None
                    and session is not None
                    and claim["instance"] == record.instance
                    and session != project
                    and not session.startswith("V")
                ):
                    self.violations.append(f"{record.open_project} open in the portal session {session} holds")


FAULTS = ("kill", "fast restart", "redis", "api node", "timeout", "clock", "redis empty", "partition", "node killed",
          "skew", "twin")
NODE_KILLED_BY_STEP = 4
"""The step (drawn below this) by which every run has killed an API node for good at least once."""
ROOT = Path(__file__).resolve().parents[2]


def _fault_schedule(run: Run, rng: random.Random, seconds: float) -> list[str]:
    """Inject faults until ``seconds`` have passed; returns what was done."""
    done: list[str] = []
    end = time.monotonic() + seconds
    node_killed_at = rng.randrange(NODE_KILLED_BY_STEP)
    while time.monotonic() < end:
        run.stop.wait(rng.uniform(2.0, 5.0))
        fault = "node killed" if len(done) == node_killed_at and "node killed" not in done else rng.choice(FAULTS)
        names = sorted(run.agents.processes)
        if fault == "kill" and names:
            name = rng.choice(names)
            run.agents.kill(name)
            time.sleep(rng.uniform(1.0, 6.0))  # how long it stays dead: a schedule parameter
            run.agents.start(1, names=[name])
        elif fault == "fast restart" and names:
            name = rng.choice(names)
            run.agents.restart(name)
        elif fault == "redis":
            run.redis.stop()
            time.sleep(rng.uniform(1.0, 8.0))
            run.redis.start(persistent=True)
        elif fault == "api node":
            run.mid_operation()  # a restart mid-operation: a job re-attached to its call (issue 48)
            node = rng.choice(run.nodes)
            node.crash()
            node.start()
        elif fault == "node killed":  # the other node finishes its jobs; back only once they are answered
            run.kill_a_node(rng)
        elif fault == "timeout":
            run.time_out_a_job()
        elif fault in ("clock", "skew"):  # every agent host's wall clock stepped back or forward, then set right
            # again; a skew is hours off the nodes' clocks, up to a day, stepped while a call runs (issue 91)
            if fault == "skew":
                run.mid_operation()
            clock = run.agents.root / "clock"
            step = rng.uniform(300.0, 900.0) if fault == "clock" else rng.uniform(3600.0, 86400.0)
            clock.write_text(f"{rng.choice((-1, 1)) * step:.0f}")
            time.sleep(rng.uniform(1.0, 8.0))
            clock.write_text("0")
        elif fault == "twin" and names:  # a host cloned from a live agent's template: its name (issue 91)
            run.twin(rng.choice(names))
        elif fault == "redis empty":  # restarted without its append-only file: claims, fences, queues gone
            run.redis.stop()
            for kept in run.redis.workdir.glob("appendonly*"):
                shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
            run.redis.start(persistent=True)
        elif fault == "partition" and names:  # no heartbeat, no call for a while; back as the same instance
            process = run.agents.processes[rng.choice(names)]
            process.send_signal(signal.SIGSTOP)
            time.sleep(rng.uniform(1.0, 8.0))
            process.send_signal(signal.SIGCONT)
        done.append(fault)
    return done


def _final_check(run: Run) -> None:
    """Save what each session has open, close it, and read every project as saved in a fresh session."""
    for session in run.sessions:
        deadline = time.monotonic() + SETTLE_SECONDS
        if not session.is_open:  # it may still hold an agent whose project it was told it lost: give it back
            run.call(session, "POST", "/api/projects/actions/close-sync", what="final close")
        while session.is_open:
            response = run.call(session, "POST", "/api/projects/actions/save-sync", what="final save")
            if response is not None and response.status_code == 200:
                session.committed |= session.unsaved
                session.unsaved.clear()
                run.call(session, "POST", "/api/projects/actions/close-sync", what="final close")
                break
            run.judge(session, response)
            assert time.monotonic() < deadline, f"{session.name} could not save: {session.answers[-5:]}"
            time.sleep(0.5)  # pacing of the retry
    for session in run.sessions:
        verifier = Session(f"V{session.name}")
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            response = run.call(verifier, "POST", "/api/projects/actions/open-sync", {"path": session.project_file},
                                what="verify open")
            if response is not None and response.status_code == 200:
                break
            assert time.monotonic() < deadline, f"{session.project_file} never opened: {verifier.answers[-5:]}"
            time.sleep(0.5)
        blocks = run.call(verifier, "GET", "/api/devices/PLC_1/blocks", what="verify blocks")
        assert blocks is not None and blocks.status_code == 200, blocks and blocks.text
        saved = {b["name"] for b in blocks.json()["data"]}
        missing = session.committed - saved
        assert not missing, f"{session.name}: changes answered 200 and saved are missing: {sorted(missing)}"
        ran = {name: code for name, code in session.not_run.items() if name in saved}
        assert not ran, f"{session.name}: answered 'did not run' but in the project: {ran}"
        run.call(verifier, "POST", "/api/projects/actions/close-sync", what="verify close")


@pytest.fixture
def farm_under_faults(tmp_path: Path, fresh_db: str) -> Iterator[Run]:
    from tests.farm.conftest import require_redis

    require_redis()
    redis, agents = persistent_farm(tmp_path)
    # agents whose wall clock the schedule steps, each a host of its own (tests/farm/stepped_clock_agent.py)
    agents.command = [sys.executable, str(ROOT / "tests" / "farm" / "stepped_clock_agent.py"), "0"]
    agents.env = {"STEPPED_CLOCK_FILE": str(agents.root / "clock"), "HOST_PER_AGENT": "1"}
    workspace = tmp_path / "workspace"  # the share every node and agent reaches at one path
    workspace.mkdir()
    nodes = [ApiNode(tmp_path / f"node-{index}", redis.url, ("--db", fresh_db),
                     {"ENGINEERING_API_FILE_ROOTS": str(workspace)}) for index in range(NODES)]
    run: Run | None = None
    try:
        agents.start(3)
        for node in nodes:  # one after the other: the first writes the admin key of the shared key table
            node.start()
        run = Run(nodes, agents, redis, workspace)
        yield run
    finally:
        if run is not None:
            run.http.close()
        for node in nodes:
            node.crash()
        agents.stop_all()
        redis.stop()


def test_the_farm_keeps_its_invariants_under_a_fault_schedule(farm_under_faults, request):
    run = farm_under_faults
    seconds = float(request.config.getoption("--farm-fault-seconds"))
    seed = request.config.getoption("--farm-fault-seed")
    seed = random.SystemRandom().randrange(2**32) if seed is None else int(seed)
    print(f"farm fault schedule seed {seed} ({seconds:g} s): replay with --farm-fault-seed {seed}")
    rng = random.Random(seed)
    workers = [threading.Thread(target=run.work, args=(s, rng.randrange(2**32)), daemon=True) for s in run.sessions]
    sampler = threading.Thread(target=run.sample, daemon=True)
    for thread in (*workers, sampler):
        thread.start()
    try:
        faults = _fault_schedule(run, rng, seconds)
    finally:
        run.stop.set()
        for thread in workers:
            thread.join(SETTLE_SECONDS)
        sampler.join(HANG_GUARD_S)
    unavailable = collections.Counter(code for s in run.sessions for _, status, code in s.answers if status == 503)
    print(f"seed {seed}: faults {faults}; answers per session "
          f"{[len(s.answers) for s in run.sessions]}; committed {[len(s.committed) for s in run.sessions]}; "
          f"answered through the surviving node in {run.failovers} s; fault answers (503, each with its cause) "
          f"{sorted(unavailable.items())}")
    hung = {s.name: (s.sending, s.answers[-3:]) for s, t in zip(run.sessions, workers) if t.is_alive()}
    assert not hung, f"every session got its last answer (now {time.monotonic():.1f}): {hung}"
    _final_check(run)
    assert not run.violations, f"seed {seed}: {run.violations[:10]}"
