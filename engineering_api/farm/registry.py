"""Which agents are alive, what each holds, and which caller a busy agent belongs to: small records in Redis.

Liveness is a lease, kept home-made on purpose: Celery's worker heartbeats and ``inspect`` are broadcast over the
broker and answered by whoever is listening, too slow and too coarse to tell, within a second, that the process
holding a caller's portal is not the one that was there a moment ago. An agent writes its record every
:data:`HEARTBEAT_SECONDS` with an expiry of :data:`AGENT_TTL_SECONDS`, so a killed agent disappears on its own, and
each record carries the agent's *instance* id, fresh at every start: a restarted agent is a new instance at once,
even when a service wrapper brought it back before its old record expired.

A caller's project lives on one agent instance (TIA runs one project per portal). The API node *claims* a free
agent for the caller (``SET NX``) before opening a project there; the claim names the agent's instance and carries
a **fencing token**, a number from one counter that only grows. Every call the caller sends carries that token and
the instance; the agent refuses a call whose token is not the one of the project it holds (``STALE_FENCING_TOKEN``)
or that was addressed to another instance of it (``STALE_AGENT_INSTANCE``). A claim whose caller gave up on a call
(a timeout, a cancel the agent did not act on) is marked *closing*: the agent is sent a close with the claim's
token, and only when it has closed does it delete the claim itself, so no other caller gets that portal before.
An agent also locks the project file it has open (:meth:`AgentRegistry.lock_project`), so no other agent's caller
opens the same project while it is open anywhere.

The agents' names are kept in one set (``agents``), written with every heartbeat: listing the agents and their
claims reads that set and each name's two keys in one round trip, whatever else Redis holds. (A ``SCAN`` of the
keyspace did it before; every call leaves keys for a day, so on a busy farm a claim walked millions of keys.) An
agent older than this set is not listed, so no new caller claims it, until it is upgraded; its holders keep it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, NamedTuple

__all__ = ("AGENT_TTL_SECONDS", "HEARTBEAT_SECONDS", "NAME_HELD", "RECENT_STARTS", "AgentRecord", "AgentRegistry",
           "CallStart", "Claim", "Holding")

HEARTBEAT_SECONDS = 1.0
"""How often an agent rewrites its record."""
AGENT_TTL_SECONDS = 5.0
"""The default lease: an agent whose record is older than its lease is gone (killed, its host lost, or cut off
from Redis). An agent's lease is a setting (``--farm-lease-seconds``, ``ENGINEERING_API_FARM_LEASE_SECONDS``);
each record carries its own (:attr:`AgentRecord.lease_seconds`)."""
NAME_HELD = -2
"""What :meth:`AgentRegistry.heartbeat` returns while another instance's record holds the agent's name."""
REBUILD_LEASES = 3
"""For how many leases after Redis' data began (it lost them) an agent's heartbeat rebuilds the claim it holds:
every live agent beats once a second, so all have by then."""
LOST_NOTE_SECONDS = 24 * 3600
"""How long a session whose project an agent closed after Redis lost its claim is told so at its next call."""
KOMBU_UNACKED_KEY = "unacked"
"""Where kombu's Redis transport keeps messages taken and not yet acknowledged (its ``unacked_key`` default)."""
LOST_MESSAGE_SECONDS = 2.0
"""How long a call may be neither started nor held by the broker before it is taken as lost (an agent takes well
under that from popping a message to marking it started)."""
RECENT_STARTS = 16
"""How many of its last started calls an agent names in its record (:attr:`AgentRecord.started_calls`): a call
whose start mark Redis lost is one the node still waits on, among an agent's last few."""
DROPPED_MESSAGE_SECONDS = 10.0
"""How long a call an agent has taken (kombu's hash of unacknowledged messages) may stay not started before it is
taken as dropped by a worker whose broker connection broke (a started call is marked within milliseconds)."""


@dataclass
class AgentRecord:
    """What an agent says about itself in each heartbeat."""

    name: str
    backend: str
    tia_versions: list[str]
    instance: str = field(default_factory=lambda: uuid.uuid4().hex)
    """This run of the agent process: fresh at every start, so a restart is never mistaken for the same agent."""
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    started_at: float = field(default_factory=time.time)
    heartbeat_at: float = 0.0
    open_project: str | None = None
    """Path of the project open in the agent's portal."""
    fence: int | None = None
    """The fencing token of the ownership under which that project is open (None: no project)."""
    current_call: str | None = None
    """The port method it is running, with the job it belongs to when known."""
    calls_done: int = 0
    calls_failed: int = 0
    """Calls that ended in an error (the port method raised, or the call was canceled)."""
    call_seconds: float = 0.0
    """The time its calls ran, summed (with :attr:`calls_done`: the mean call duration)."""
    last_call: dict[str, Any] | None = None
    """The last call that ended: ``method``, ``endedAt`` (epoch seconds), ``seconds``, ``ok``, ``requestId``."""
    lease_seconds: float = AGENT_TTL_SECONDS
    """How long this record lives in Redis after each heartbeat (its lease)."""
    holder: str | None = None
    """The caller of the ownership :attr:`fence` (from the call that opened the project): with the instance, the
    project and the token, what a Redis that lost its data needs to rebuild the claim
    (:meth:`AgentRegistry.heartbeat`)."""
    top_token: int = 0
    """The newest fencing token this instance has seen (it refuses older ones): a new claim's token is above it."""
    seq: int = 0
    """How many times this instance's record was written out, this one included: a heartbeat serialised before a
    call's end and written after it must not put the older record back (``_BEAT`` writes only a newer one)."""
    started_calls: list[str] | None = None
    """The ids of the last :data:`RECENT_STARTS` calls this instance started, oldest first (the last one runs while
    :attr:`current_call` is set): the agent's own word that a call started, when Redis lost the call's start mark
    with its data (:mod:`engineering_api.farm.call_start`). None: an agent older than this field, which does not
    say."""

    @property
    def queue(self) -> str:
        """The agent's own queue: every call for a project it holds goes there."""
        return agent_queue(self.name)


@dataclass(frozen=True)
class Claim:
    """A caller's hold on one agent instance, with the fencing token its calls carry."""

    agent: str
    instance: str
    token: int | None
    """None for a call to a free agent that no caller holds (a catalog search): only allowed while it holds nothing."""


class CallStart(NamedTuple):
    """What an agent learns as it marks a call started (:meth:`AgentRegistry.start_call`)."""

    first: bool
    """Not started before (a redelivered message is not run twice)."""
    canceled: bool
    """Canceled while it was queued: it never starts."""
    taken_over_by: str | None
    """The API node that took the call's job over (None: none did): the call's node was taken for lost."""


@dataclass(frozen=True)
class Holding:
    """What a caller's claim is worth now."""

    claim: Claim | None
    state: str
    """``none`` (no claim), ``alive``, ``closing`` (being closed after a call given up on), ``gone`` (the agent's
    record expired), ``restarted`` (the agent runs as another instance), ``lost`` (no claim: the project of the
    claim Redis lost was closed by its agent, :attr:`lost`)."""
    data_age: float = field(default=3600.0, compare=False)
    """Seconds since this Redis's data began (its epoch key was missing: a first start, or a restart or failover
    that lost its data) or its server started (a restart, also from an older copy of its data), whichever is less,
    by Redis' clock: younger than a lease, some agents may not have brought back the claims they hold yet."""
    lost: dict[str, Any] | None = field(default=None, compare=False)
    """State ``lost``: what the agent that closed the caller's project after Redis lost its claim noted
    (``agent``, ``project``, ``token``; :meth:`AgentRegistry.note_orphan`)."""


_RECORD_FIELDS = frozenset(f.name for f in fields(AgentRecord))


def _record(raw: Any) -> AgentRecord:
    """A record as an agent published it; fields a newer agent adds are left out (a farm is upgraded host by
    host, so this node may read agents newer than itself)."""
    values = json.loads(raw)
    return AgentRecord(**{k: v for k, v in values.items() if k in _RECORD_FIELDS})


def agent_queue(name: str) -> str:
    """The Celery queue of one agent."""
    return f"engineering-api.agent.{name}"


# KEYS[1] the caller's key, KEYS[2] the epoch (when this Redis's data began, its TIME in ms, set where missing),
# KEYS[3] the caller's lost-project note (:meth:`AgentRegistry.note_orphan`); ARGV prefix, caller. One round trip
# for what the API node asks before every call. Returns {agent, state, claim json, -1}, or without a claim {false,
# 'none', false, age}, or {false, 'lost', note json, age} when an agent closed the project of this caller's claim
# that Redis had lost (only then are the epoch and the note read: a caller holding its agent costs Redis no more
# commands than before). The age is the ms since the epoch or since the server started, whichever is less: a Redis
# back from an older copy of its data (a restored snapshot, issue 91) carries its old epoch, and its agents write
# back what it is behind them in within a heartbeat.
_HOLDING = """
local function none()
  local now = redis.call('TIME')
  local ms = now[1] * 1000 + math.floor(now[2] / 1000)
  local epoch = tonumber(redis.call('GET', KEYS[2]) or '-1')
  if epoch < 0 then
    redis.call('SET', KEYS[2], ms)
    epoch = ms
  end
  local age = ms - epoch
  local up = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)') or '-1')
  if up >= 0 and up * 1000 < age then age = up * 1000 end
  local lost = redis.call('GET', KEYS[3])
  if lost then return {false, 'lost', lost, age} end
  return {false, 'none', false, age}
end
local agent = redis.call('GET', KEYS[1])
if not agent then return none() end
local raw = redis.call('GET', ARGV[1] .. ':claim:' .. agent)
if not raw then return none() end
local claim = cjson.decode(raw)
if claim.caller ~= ARGV[2] then return none() end
if claim.closing then return {agent, 'closing', raw, -1} end
local record = redis.call('GET', ARGV[1] .. ':agent:' .. agent)
if not record then return {agent, 'gone', raw, -1} end
if cjson.decode(record).instance ~= claim.instance then return {agent, 'restarted', raw, -1} end
return {agent, 'alive', raw, -1}
"""

# KEYS[1] the claim; ARGV field, value: delete the claim only when that field has that value (compare-and-delete).
_DELETE_IF = """
local raw = redis.call('GET', KEYS[1])
if raw and tostring(cjson.decode(raw)[ARGV[1]]) == ARGV[2] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Whether agent ``name``'s instance ``instance`` still holds what it holds: its lease is live, or it lapsed and its
# session's claim (not closing) still names that instance: it may come back within the node's grace, with the
# project and its unsaved work. A closing claim, no claim, or another instance: it holds nothing any more.
_HOLDS = """
local function holds(prefix, name, instance)
  local record = redis.call('GET', prefix .. ':agent:' .. name)
  if record then return cjson.decode(record).instance == instance end
  local claim = redis.call('GET', prefix .. ':claim:' .. name)
  if not claim then return false end
  local c = cjson.decode(claim)
  return c.instance == instance and not c.closing
end
"""

# KEYS[1] the project's lock; ARGV lock json, prefix. Take it unless another instance that still holds it has it.
_LOCK = _HOLDS + """
local raw = redis.call('GET', KEYS[1])
if raw then
  local held = cjson.decode(raw)
  local mine = cjson.decode(ARGV[1])
  if held.instance ~= mine.instance and holds(ARGV[2], held.agent, held.instance) then return raw end
end
redis.call('SET', KEYS[1], ARGV[1])
return false
"""


# Whether a record as stored (false: none) is the instance ARGV's: the name is this instance's to write. The record
# is the agent's name as much as its lease (issue 91): a second process started under a live agent's name (two VMs
# cloned from one template, whose names default to the host name) must not overwrite it and share its queue.
_MINE = """
local function mine(raw, instance)
  return not raw or cjson.decode(raw).instance == instance
end
"""

# KEYS the record, the set of agent names, the fence counter, the agent's claim, its holder's caller key (or the
# record's again), the project's lock (or the record's again), the epoch (see _HOLDING); ARGV the record json, its
# lease (ms), the agent's name, the claim json ('': no ownership), the lock json, the top token, how long (ms) after
# Redis' data began a lost claim is rebuilt, the instance, the record's seq, the ownership's token. A record of
# another instance: -2, nothing written (its name is taken: :meth:`AgentRegistry.heartbeat`). A record of this
# instance written out after this one (a call's start or end published while this heartbeat was on its way: a
# higher seq) is kept, its lease as fresh as this one's would be, and nothing else is done (0): the next heartbeat
# does it with what is now.
#
# Otherwise Redis is judged against the agent's own truth (issue 91). It is *behind* the agent when it has no record
# of this instance (the agent's start, its lease lapsed, or Redis lost its data or came back from an older copy,
# whose leases had lapsed) or an older one than this instance wrote lately (a copy younger than a lease; a margin of
# two for writes still on their way): the name goes back in the set of agents (a roster read drops a name only
# while neither its record nor its claim is there), the fence counter above every token the agent has seen (no new
# claim gets an old number) and the epoch is set where missing. An agent holding a project whose claim is missing
# rebuilds the claim, its holder's caller key and the project's lock while Redis is behind it or its data is young
# (restarted without its append-only file; an epoch missing is set now), unless its holder claimed another agent
# meanwhile or another instance holds the project's lock; a claim of this instance with an older token (an
# ownership that has ended, back with an older copy) is replaced by the agent's, whose token is higher, on the same
# terms. Otherwise a missing claim leaves the project held under no claim (an administrator's release of a live
# agent; a claim Redis lost while the agent's record lived on), an orphan: -1, at every heartbeat while it lasts.
_BEAT = _MINE + """
local prior = redis.call('GET', KEYS[1])
if not mine(prior, ARGV[8]) then return -2 end
local seq = tonumber(ARGV[9])
local prior_seq = prior and (tonumber(cjson.decode(prior).seq) or 0) or -1
if prior and prior_seq >= seq then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local behind = not prior or prior_seq + 2 < seq
local now = redis.call('TIME')
local ms = now[1] * 1000 + math.floor(now[2] / 1000)
if behind then
  redis.call('SET', KEYS[7], ms, 'NX')
  redis.call('SADD', KEYS[2], ARGV[3])
  local top = tonumber(ARGV[6])
  if top > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], top) end
end
if ARGV[4] == '' then return 0 end
local claim = redis.call('GET', KEYS[4])
if claim then
  local held = cjson.decode(claim)
  if held.instance ~= ARGV[8] or held.closing or tonumber(held.token) >= tonumber(ARGV[10]) then return 0 end
elseif not behind then
  local epoch = tonumber(redis.call('GET', KEYS[7]) or '-1')
  if epoch < 0 then
    redis.call('SET', KEYS[7], ms)
    epoch = ms
  end
  if ms - epoch >= tonumber(ARGV[7]) then return -1 end
end
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[3] then return -1 end
local lock = redis.call('GET', KEYS[6])
if lock and cjson.decode(lock).instance ~= ARGV[8] then return -1 end
redis.call('SET', KEYS[4], ARGV[4])
redis.call('SET', KEYS[5], ARGV[3])
if not lock then redis.call('SET', KEYS[6], ARGV[5]) end
return 1
"""

# KEYS[1] the agent's claim; ARGV[1] the instance that took the agent's name. A claim of any other instance is void:
# that instance's lease lapsed before the name could be taken, so it holds nothing any more.
_VOID_EARLIER = """
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).instance ~= ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS[1] the holder's caller key, KEYS[2] its lost-project note; ARGV the note json, its lifetime (s). An agent
# holding a project under no claim notes it for the holder, unless the holder claimed another agent meanwhile (it
# started afresh, and was answered there): the holder's next call is told its project was lost, not served by a
# free agent that never had it.
_NOTE_ORPHAN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
return 1
"""

# KEYS[1] the fence counter; ARGV[1] the highest token a live agent has seen. The next token, above it.
_NEXT_TOKEN = """
local floor = tonumber(ARGV[1])
if floor > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], floor) end
return redis.call('INCR', KEYS[1])
"""

# KEYS[1] the set of agent names; ARGV[1] prefix. For each name, flat: the name, its record and its claim (false
# when none) and what is left of its lease in ms (Redis' own clock: PTTL, negative without a record). A name with
# neither (an agent stopped for good, its claim ended) leaves the set.
_ROSTER = """
local out = {}
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local record = redis.call('GET', ARGV[1] .. ':agent:' .. name)
  local claim = redis.call('GET', ARGV[1] .. ':claim:' .. name)
  if record or claim then
    table.insert(out, name)
    table.insert(out, record)
    table.insert(out, claim)
    table.insert(out, redis.call('PTTL', ARGV[1] .. ':agent:' .. name))
  else
    redis.call('SREM', KEYS[1], name)
  end
end
return out
"""


def _text(raw: Any) -> str | None:
    return raw.decode() if isinstance(raw, bytes) else raw


class AgentRegistry:
    """Agents' records and callers' claims in Redis (``prefix`` keeps several farms apart on one Redis)."""

    def __init__(self, redis: Any, prefix: str = "engineering-api:farm") -> None:
        self._redis = redis
        self._prefix = prefix
        self._writing_out = threading.Lock()
        """Held while a record is serialised with its next seq (:meth:`_written_out`)."""
        # redis-py's Script reloads a script by EVALSHA-miss after a Redis restart.
        self._holding = redis.register_script(_HOLDING)
        self._delete_if = redis.register_script(_DELETE_IF)
        self._lock = redis.register_script(_LOCK)
        self._roster_script = redis.register_script(_ROSTER)
        self._beat = redis.register_script(_BEAT)
        self._next_token = redis.register_script(_NEXT_TOKEN)
        self._note_orphan = redis.register_script(_NOTE_ORPHAN)
        self._void_earlier = redis.register_script(_VOID_EARLIER)
        self._data_age = redis.register_script(
            "local t = redis.call('TIME') local ms = t[1] * 1000 + math.floor(t[2] / 1000) "
            "redis.call('SET', KEYS[1], ms, 'NX') return ms - tonumber(redis.call('GET', KEYS[1]))")
        self._instance_holds = redis.register_script(_HOLDS + "return holds(ARGV[1], ARGV[2], ARGV[3]) and 1 or 0")

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def record_key(self, name: str) -> str:
        """The Redis key of agent ``name``'s record: its lease (gone when the lease lapses)."""
        return self._key("agent", name)

    def uptime(self) -> float:
        """Seconds since the Redis server started (a restart forgot nothing, but leases expired meanwhile)."""
        return float(self._redis.info("server").get("uptime_in_seconds", 0))

    # ----- agents ----------------------------------------------------------------------------
    def heartbeat(self, record: AgentRecord) -> int:
        """Publish ``record`` as alive for its lease, in one round trip that also restores what a Redis that lost
        its data forgot of this agent's ownership (see ``_BEAT``). Returns 1 when the claim was rebuilt, -1 while
        the project is held under no claim (an orphan), 0 otherwise, and :data:`NAME_HELD` (nothing written)
        while another instance's record holds the name: the first heartbeat takes the name, the later ones keep
        it."""
        serialised, seq = self._written_out(record)
        agent_key = self.record_key(record.name)
        owned = record.fence is not None and record.holder is not None and record.open_project is not None
        claim = json.dumps({"caller": record.holder, "instance": record.instance, "token": record.fence,
                            "closing": False, "at": time.time(), "rebuilt": True}) if owned else ""
        lock = json.dumps({"agent": record.name, "instance": record.instance, "token": record.fence})
        keys = [agent_key, self._key("agents"), self._key("fence"), self._key("claim", record.name),
                self._key("caller", record.holder) if owned and record.holder else agent_key,
                self._key("project", record.open_project) if owned and record.open_project else agent_key,
                self._key("epoch")]
        args = [serialised, int(record.lease_seconds * 1000), record.name, claim, lock,
                record.top_token, int(REBUILD_LEASES * record.lease_seconds * 1000), record.instance, seq,
                record.fence if owned else 0]
        return int(self._beat(keys=keys, args=args))

    def _written_out(self, record: AgentRecord) -> tuple[str, int]:
        """``record`` as it is now, with the next :attr:`AgentRecord.seq`: the heartbeat thread and the call's
        thread write it out in turn, so a higher seq always holds every change of a lower one."""
        with self._writing_out:
            record.seq += 1
            record.heartbeat_at = time.time()  # for display: every duration is on Redis' clock or a monotonic one
            return json.dumps(asdict(record)), record.seq

    def _publish(self, target: Any, record: AgentRecord) -> None:
        """The record, with a call's start or end (its name is kept in the set of agents by the heartbeat, every
        second: a roster read drops a name only while neither its record nor its claim is there)."""
        # Unconditional (a SET, as before issue 91): judging the name here too would cost two Redis commands a
        # call (tests/farm/test_farm_redis_budget.py); the heartbeat judges it, and an instance that lost its name
        # publishes nothing more (``AgentRunner``). Its seq orders it with the heartbeat's writes: a heartbeat
        # written out before it and arriving after it leaves it (``_BEAT``); one written out after it holds what it
        # holds, so this SET arriving last puts back nothing older.
        serialised, _ = self._written_out(record)
        target.set(self.record_key(record.name), serialised, px=int(record.lease_seconds * 1000))

    def withdraw(self, record: AgentRecord) -> None:
        """An agent that stops cleanly removes its record at once (only its own instance's)."""
        current = self.agent(record.name)
        if current is not None and current.instance == record.instance:
            self._redis.delete(self.record_key(record.name))

    def _roster(self) -> list[tuple[AgentRecord | None, str, dict[str, Any] | None]]:
        """Every known agent by name: its record (None: not alive) and its claim as stored, in one round trip."""
        return [(record, name, claim) for record, name, claim, _ in self.roster()]

    def roster(self) -> list[tuple[AgentRecord | None, str, dict[str, Any] | None, float | None]]:
        """Every known agent by name: its record (None: not alive), its claim as stored, and the seconds left of
        its lease by Redis' own clock (``PTTL``; None without a record), in one round trip."""
        flat = self._roster_script(keys=[self._key("agents")], args=[self._prefix])
        roster = [(_record(raw) if raw is not None else None, _text(name) or "", json.loads(claim) if claim else None,
                   int(left) / 1000 if raw is not None and int(left) >= 0 else None)
                  for name, raw, claim, left in zip(flat[::4], flat[1::4], flat[2::4], flat[3::4])]
        return sorted(roster, key=lambda entry: entry[1])

    def agents(self) -> list[AgentRecord]:
        """Every live agent, by name."""
        return [record for record, _, _ in self._roster() if record is not None]

    def agent(self, name: str) -> AgentRecord | None:
        """One agent's record, or None when it is not alive."""
        raw = self._redis.get(self.record_key(name))
        return _record(raw) if raw is not None else None

    # ----- draining --------------------------------------------------------------------------
    def drain(self, agent: str) -> None:
        """Take ``agent`` out of service for maintenance: no new caller claims it and no free call goes to it; the
        caller holding it keeps it until it closes its project. Kept until :meth:`undrain` (an agent restarted
        for its maintenance stays drained)."""
        self._redis.sadd(self._key("drained"), agent)

    def undrain(self, agent: str) -> None:
        """Put a drained agent back in service."""
        self._redis.srem(self._key("drained"), agent)

    def drained(self) -> set[str]:
        """The agents taken out of service (names, live or not)."""
        return {_text(name) or "" for name in self._redis.smembers(self._key("drained"))}

    # ----- claims ----------------------------------------------------------------------------
    def claim_record(self, agent: str) -> dict[str, Any] | None:
        """The claim on ``agent`` as stored: ``caller``, ``instance``, ``token``, ``closing``."""
        raw = self._redis.get(self._key("claim", agent))
        return json.loads(raw) if raw is not None else None

    def claimed_by(self, agent: str) -> str | None:
        """The caller holding ``agent``, if any."""
        claim = self.claim_record(agent)
        return claim["caller"] if claim else None

    def claim_of(self, caller: str) -> str | None:
        """The agent ``caller`` holds, if any."""
        return _text(self._redis.get(self._key("caller", caller)))

    def holding(self, caller: str) -> Holding:
        """What ``caller``'s claim is worth now, in one round trip (asked before every call the node forwards)."""
        agent, state, raw, age = self._holding(
            keys=[self._key("caller", caller), self._key("epoch"), self._key("lost", caller)],
            args=[self._prefix, caller])
        if not agent:
            if _text(state) == "lost":
                return Holding(None, "lost", int(age) / 1000, lost=json.loads(raw))
            return Holding(None, "none", int(age) / 1000)
        claim = json.loads(raw)
        return Holding(Claim(_text(agent) or "", claim["instance"], claim["token"]), _text(state) or "none")

    def holds(self, caller: str) -> str | None:
        """The agent ``caller`` holds while that claim is valid (alive, same instance, not closing)."""
        held = self.holding(caller)
        return held.claim.agent if held.claim is not None and held.state == "alive" else None

    def claim(self, caller: str, version: str | None = None) -> Claim | None:
        """Claim a free live agent for ``caller`` (one that runs ``version`` when given), with a new fencing token;
        None when none is free. A free agent is unclaimed, not drained and has no project open."""
        held = self.holding(caller)
        if held.claim is not None and held.state == "alive":
            return held.claim
        drained = self.drained()
        roster = self._roster()
        # Above every token a live agent has seen: after Redis lost its data, its counter starts again below them.
        floor = max((max(r.top_token, r.fence or 0) for r, _, _ in roster if r is not None), default=0)
        for record, _, claimed in roster:
            if record is None or (version is not None and version not in record.tia_versions):
                continue
            if record.name in drained or record.open_project is not None or claimed is not None:
                continue
            token = int(self._next_token(keys=[self._key("fence")], args=[floor]))
            value = json.dumps({"caller": caller, "instance": record.instance, "token": token, "closing": False,
                                "at": time.time()})
            if self._redis.set(self._key("claim", record.name), value, nx=True):
                self._redis.set(self._key("caller", caller), record.name)
                return Claim(record.name, record.instance, token)
        return None

    def note_orphan(self, record: AgentRecord) -> bool:
        """Agent side: the project ``record`` holds has no claim any more (Redis lost it) and is closed without
        saving; its holder's next call is told so (:class:`Holding` ``lost``), unless the holder claimed another
        agent meanwhile. Returns whether the note was written."""
        if record.holder is None:
            return False
        note = json.dumps({"agent": record.name, "project": record.open_project, "token": record.fence})
        return bool(self._note_orphan(keys=[self._key("caller", record.holder), self._key("lost", record.holder)],
                                      args=[note, LOST_NOTE_SECONDS]))

    def told_lost(self, caller: str) -> None:
        """API node side: ``caller`` was told its project was lost (it is told once)."""
        self._redis.delete(self._key("lost", caller))

    def mark_closing(self, claim: Claim) -> bool:
        """The caller gave up on a call under ``claim``: nobody may use the agent until it has closed the project
        (it deletes the claim then, :meth:`confirm_closed`). Returns whether the claim was still that one."""
        current = self.claim_record(claim.agent)
        if current is None or current["token"] != claim.token:
            return False
        current["closing"] = True
        self._redis.set(self._key("claim", claim.agent), json.dumps(current), xx=True)
        return True

    def confirm_closed(self, agent: str, token: int) -> None:
        """Agent side: the project of the ownership ``token`` is closed; its claim (closing) ends."""
        self._delete_if(keys=[self._key("claim", agent)], args=["token", str(token)])

    def mark_epoch(self) -> None:
        """Note, by Redis' clock, that this Redis's data began by now when it has no note yet (an agent's start on a
        new Redis): the node's wait for the agents' heartbeats after a loss of data (:class:`Holding`) then ends a
        lease after the first agent started, not a lease after the first caller came."""
        self.data_age()

    def data_age(self) -> float:
        """Seconds since this Redis's data began, by Redis' clock (its epoch key, set now when missing: a Redis
        that lost its data, restarted without its append-only file, has just begun)."""
        return int(self._data_age(keys=[self._key("epoch")])) / 1000

    def reset(self, agent: str) -> None:
        """Whatever claim names ``agent`` ends (an administrator's release)."""
        self._redis.delete(self._key("claim", agent))

    def void_earlier_claims(self, record: AgentRecord) -> None:
        """Agent side: an agent that (re)started and took its name (:meth:`heartbeat`) holds no project, so a
        claim of an earlier instance is void (that one's lease lapsed before the name could be taken). Never
        before the name is taken: a claim whose instance is alive is not this process's to end."""
        self._void_earlier(keys=[self._key("claim", record.name)], args=[record.instance])

    def release(self, caller: str) -> None:
        """Give back ``caller``'s agent (its project was closed, or the agent is gone)."""
        agent = self.claim_of(caller)
        if agent is not None:
            self._delete_if(keys=[self._key("claim", agent)], args=["caller", caller])
        self._redis.delete(self._key("caller", caller))

    def forget_caller(self, caller: str) -> None:
        """``caller`` holds no agent any more; its claim, if any, stays for the agent to end (closing)."""
        self._redis.delete(self._key("caller", caller))

    def claims(self) -> dict[str, dict[str, Any]]:
        """Every claim as stored, by agent name (see :meth:`claim_record`)."""
        return {name: claimed for _, name, claimed in self._roster() if claimed is not None}

    def free_agent(self, version: str | None = None, exclude: frozenset[str] = frozenset()) -> Claim | None:
        """A live agent nobody holds and with no project open (for a caller without a project), or None; never one
        in ``exclude`` or drained. Its calls carry no token: the agent runs them only while it holds no project."""
        drained = self.drained()
        for record, _, claimed in self._roster():
            if record is None or record.name in exclude or record.name in drained or record.open_project is not None:
                continue
            if (version is None or version in record.tia_versions) and claimed is None:
                return Claim(record.name, record.instance, None)
        return None

    # ----- projects --------------------------------------------------------------------------
    def lock_project(self, path: str, record: AgentRecord, token: int | None) -> dict[str, Any] | None:
        """Agent side: hold ``path`` for this instance. Returns the other live holder's lock when it is taken."""
        value = json.dumps({"agent": record.name, "instance": record.instance, "token": token})
        held = self._lock(keys=[self._key("project", path)], args=[value, self._prefix])
        return json.loads(held) if held else None

    def instance_holds(self, agent: str, instance: str) -> bool:
        """Whether ``agent``'s instance ``instance`` still holds its project (``_HOLDS``): a lock file it wrote on
        any host is honoured while it does, and stale once it does not."""
        return bool(self._instance_holds(keys=[], args=[self._prefix, agent, instance]))

    def unlock_project(self, path: str, record: AgentRecord) -> None:
        """Agent side: ``path`` is closed here."""
        self._delete_if(keys=[self._key("project", path)], args=["instance", record.instance])

    # ----- calls -----------------------------------------------------------------------------
    def start_call(self, call_id: str, record: AgentRecord | None = None, *, mark: str | None = None,
                   job: str | None = None) -> CallStart:
        """Mark a call as started (and publish ``record``, in the same round trip): whether it was not started before
        (a redelivered message must not run twice), whether it was canceled while queued, and which API node took
        its job (``job``) over, if one did (then only that node answers the job, by its journal, and the call must
        not run: the mark is taken before the journal is read, and the call's journal is written before it is sent,
        so either that node reads this call in the journal or this read sees the mark).

        ``mark`` names this start (one per delivery, kept over retries): a retry after Redis went away with the
        reply (the mark set, its answer lost) finds its own mark and is still the first start."""
        key = self._key("call", call_id)
        mark = mark or f"started {uuid.uuid4().hex}"
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(key, mark, nx=True, ex=24 * 3600, get=True)  # the mark before: none, or this delivery's own
        # one command for both: the cancel flag, and the job's take-over mark (what the flag's EXISTS cost alone)
        pipe.mget([self._key("cancel", call_id), *([self.taken_over_key(job)] if job is not None else [])])
        if record is not None:
            self._publish(pipe, record)
        before, (canceled, *taken), *_ = pipe.execute()
        return CallStart(before is None or _text(before) == mark, canceled is not None,
                         _text(taken[0]) if taken and taken[0] is not None else None)

    def taken_over_key(self, job_id: str) -> str:
        """The key of ``job_id``'s take-over mark: the API node that finishes the job for a node taken for lost
        (:func:`engineering_api.farm.failover.take_job`)."""
        return self._key("taken-over", job_id)

    def call_held(self, call_id: str, queue: str) -> Literal["queued", "taken"] | None:
        """Where the broker holds the message of ``call_id`` (Celery's task id is in it) for an agent: ``queued``
        in the list ``queue``, or ``taken``: in kombu's hash of messages an agent has taken and not yet
        acknowledged (kombu writes it right after its BRPOP, then hands the message to the worker). A message
        kombu took out of the list before Redis went away, and could not record as taken, is in neither (None):
        it is lost. A taken one that never starts was dropped by its worker with a lost connection (it comes
        back only after the visibility timeout, 4 h)."""
        needle = call_id.encode()
        pipe = self._redis.pipeline(transaction=False)
        pipe.lrange(queue, 0, -1)
        pipe.hvals(KOMBU_UNACKED_KEY)
        queued, taken = pipe.execute()
        if any(needle in _bytes(item) for item in queued):
            return "queued"
        return "taken" if any(needle in _bytes(item) for item in taken) else None

    def stranded_after(self, call_id: str, queue: str) -> float | None:
        """How many seconds ``call_id`` may stay as it is now before it is taken as stranded by a broken broker
        connection (then it is made never to run and answered as not run): None while it has started or waits
        in ``queue``, :data:`DROPPED_MESSAGE_SECONDS` when an agent took it (a worker that lost its connection
        before starting it dropped it), :data:`LOST_MESSAGE_SECONDS` when the broker holds it nowhere."""
        if self.call_started(call_id):
            return None
        held = self.call_held(call_id, queue)
        if held == "queued":
            return None
        return DROPPED_MESSAGE_SECONDS if held == "taken" else LOST_MESSAGE_SECONDS

    def call_started(self, call_id: str) -> bool:
        """Whether an agent has started ``call_id`` (see :meth:`start_call`)."""
        return bool(self._redis.exists(self._key("call", call_id)))

    def request_cancel(self, call_id: str) -> None:
        """Ask the agent running ``call_id`` to stop at its next checkpoint, or never to start it: the flag (kept
        for a day, read before a call starts) and a wake-up for the agent waiting on that call
        (:meth:`wait_for_cancel`)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(self._key("cancel", call_id), "1", ex=24 * 3600)
        pipe.rpush(self._key("cancel-wake", call_id), "1")
        pipe.expire(self._key("cancel-wake", call_id), 3600)
        pipe.execute()

    def wait_for_cancel(self, call_id: str, timeout: float, *, flag: bool = False) -> bool:
        """Agent side: whether the API node asked to stop ``call_id``, waiting up to ``timeout`` seconds for it to
        ask (one command: every cancel pushes the wake-up beside its flag, :meth:`request_cancel`). ``flag``: also
        read the flag, which a node older than the wake-up sets alone (in the same round trip)."""
        wake = [self._key("cancel-wake", call_id)]
        if not flag:
            return bool(self._redis.blpop(wake, timeout=max(timeout, 0.01)))
        pipe = self._redis.pipeline(transaction=False)
        pipe.blpop(wake, timeout=max(timeout, 0.01))
        pipe.exists(self._key("cancel", call_id))
        woken, flagged = pipe.execute()
        return bool(woken) or bool(flagged)

    def post(self, call_id: str, message: dict[str, Any], record: AgentRecord | None = None) -> None:
        """Agent side: a progress report or the outcome of ``call_id``, for the API node waiting on it (and
        ``record`` published with it, in one round trip)."""
        key = self._key("reply", call_id)
        pipe = self._redis.pipeline(transaction=False)
        if record is not None:
            self._publish(pipe, record)
        pipe.rpush(key, json.dumps(message))
        pipe.expire(key, 24 * 3600)
        pipe.execute()

    def next_message(self, call_id: str, timeout: float) -> dict[str, Any] | None:
        """API node side: the next message about ``call_id``, or None after ``timeout`` seconds."""
        popped = self._redis.blpop([self._key("reply", call_id)], timeout=timeout)
        return json.loads(popped[1]) if popped else None

    def forget(self, call_id: str) -> None:
        """Drop the replies of a finished or abandoned call (a cancel flag stays until it expires: a call abandoned
        while queued must still find it when an agent reaches it)."""
        self._redis.delete(self._key("reply", call_id))

    def note_job_call(self, job_id: str, call: dict[str, Any] | None) -> None:
        """API node side: the call ``job_id`` waits on now (None: none), for a restarted node to re-attach."""
        if call is None:
            self._redis.delete(self._key("job", job_id))
        else:
            self._redis.set(self._key("job", job_id), json.dumps(call), ex=24 * 3600)

    def job_call(self, job_id: str) -> dict[str, Any] | None:
        """The call ``job_id`` was waiting on when its API node stopped: ``callId``, ``agent``, ``instance``,
        ``method``."""
        raw = self._redis.get(self._key("job", job_id))
        return json.loads(raw) if raw is not None else None

    def job_calls(self, job_ids: list[str]) -> list[dict[str, Any] | None]:
        """:meth:`job_call` of each of ``job_ids``, in one round trip."""
        if not job_ids:
            return []
        return [json.loads(raw) if raw is not None else None
                for raw in self._redis.mget([self._key("job", job_id) for job_id in job_ids])]

    def cancel_requested(self, call_id: str) -> bool:
        """Whether the API node asked to stop ``call_id``."""
        return bool(self._redis.exists(self._key("cancel", call_id)))


def _bytes(item: bytes | str) -> bytes:
    return item if isinstance(item, bytes) else item.encode()
