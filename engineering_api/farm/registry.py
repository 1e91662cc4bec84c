"""Which agents are alive, what each holds, and which caller a busy agent belongs to: small records in Redis.

An agent writes its record every :data:`HEARTBEAT_SECONDS` with an expiry of :data:`AGENT_TTL_SECONDS`, so a
killed agent disappears on its own. A caller's project lives on one agent (TIA runs one project per portal):
the API node *claims* a free agent for the caller with ``SET NX`` before opening a project there, so two callers
racing for the last free agent never share it, and releases the claim when the project is closed. Claims are
kept in Redis, not in the API node, so an API node that restarts finds its callers' agents again.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ("AGENT_TTL_SECONDS", "HEARTBEAT_SECONDS", "AgentRecord", "AgentRegistry")

HEARTBEAT_SECONDS = 1.0
"""How often an agent rewrites its record."""
AGENT_TTL_SECONDS = 5.0
"""An agent whose record is older than this is gone (killed, or its host lost)."""


@dataclass
class AgentRecord:
    """What an agent says about itself in each heartbeat."""

    name: str
    backend: str
    tia_versions: list[str]
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    started_at: float = field(default_factory=time.time)
    heartbeat_at: float = 0.0
    open_project: str | None = None
    """Path of the project open in the agent's portal."""
    current_call: str | None = None
    """The port method it is running, with the job it belongs to when known."""
    calls_done: int = 0

    @property
    def queue(self) -> str:
        """The agent's own queue: every call for a project it holds goes there."""
        return agent_queue(self.name)


def agent_queue(name: str) -> str:
    """The Celery queue of one agent."""
    return f"engineering-api.agent.{name}"


# KEYS[1] the caller's key; ARGV prefix, caller. Returns {agent, 1 if its record is alive} or {nil, 0}.
# redis-py's Script reloads it by EVALSHA-miss after a Redis restart.
_HOLDING = """
local agent = redis.call('GET', KEYS[1])
if not agent or redis.call('GET', ARGV[1] .. ':claim:' .. agent) ~= ARGV[2] then return {false, 0} end
return {agent, redis.call('EXISTS', ARGV[1] .. ':agent:' .. agent)}
"""


class AgentRegistry:
    """Agents' records and callers' claims in Redis (``prefix`` keeps several farms apart on one Redis)."""

    def __init__(self, redis: Any, prefix: str = "engineering-api:farm") -> None:
        self._redis = redis
        self._prefix = prefix
        self._holding = redis.register_script(_HOLDING)

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    # ----- agents ----------------------------------------------------------------------------
    def heartbeat(self, record: AgentRecord) -> None:
        """Publish ``record`` as alive for the next :data:`AGENT_TTL_SECONDS`."""
        self._publish(self._redis, record)

    def _publish(self, target: Any, record: AgentRecord) -> None:
        record.heartbeat_at = time.time()
        target.set(self._key("agent", record.name), json.dumps(asdict(record)), px=int(AGENT_TTL_SECONDS * 1000))

    def withdraw(self, name: str) -> None:
        """An agent that stops cleanly removes its record at once."""
        self._redis.delete(self._key("agent", name))

    def agents(self) -> list[AgentRecord]:
        """Every live agent, by name."""
        keys = sorted(self._redis.scan_iter(match=self._key("agent", "*"), count=200))
        records = []
        for raw in self._redis.mget(keys) if keys else []:
            if raw is not None:
                records.append(AgentRecord(**json.loads(raw)))
        return sorted(records, key=lambda r: r.name)

    def agent(self, name: str) -> AgentRecord | None:
        """One agent's record, or None when it is not alive."""
        raw = self._redis.get(self._key("agent", name))
        return AgentRecord(**json.loads(raw)) if raw is not None else None

    # ----- claims ----------------------------------------------------------------------------
    def claimed_by(self, agent: str) -> str | None:
        """The caller holding ``agent``, if any."""
        raw = self._redis.get(self._key("claim", agent))
        return raw.decode() if isinstance(raw, bytes) else raw

    def claim_of(self, caller: str) -> str | None:
        """The agent ``caller`` holds, if any."""
        raw = self._redis.get(self._key("caller", caller))
        return raw.decode() if isinstance(raw, bytes) else raw

    def claim(self, caller: str, version: str | None = None) -> str | None:
        """Claim a free live agent for ``caller`` (one that runs ``version`` when given); None when none is free."""
        held = self.claim_of(caller)
        if held is not None and self.claimed_by(held) == caller and self.agent(held) is not None:
            return held
        for record in self.agents():
            if version is not None and version not in record.tia_versions:
                continue
            if self._redis.set(self._key("claim", record.name), caller, nx=True) or self.claimed_by(record.name) == caller:
                self._redis.set(self._key("caller", caller), record.name)
                return record.name
        return None

    def holds(self, caller: str) -> str | None:
        """The agent ``caller`` holds while that claim is still valid (the agent alive and not restarted since)."""
        held = self.claim_of(caller)
        if held is not None and self.claimed_by(held) == caller:
            return held
        return None

    def holding(self, caller: str) -> tuple[str | None, bool]:
        """``(agent, alive)``: what :meth:`holds` answers, and whether that agent's record is alive, in one round
        trip (the API node asks before every call it forwards; three GETs were a tenth of its CPU)."""
        agent, alive = self._holding(keys=[self._key("caller", caller)], args=[self._prefix, caller])
        return (agent.decode() if isinstance(agent, bytes) else agent), bool(alive)

    def reset(self, agent: str) -> None:
        """An agent that (re)starts holds no project: whatever claim named it is void."""
        self._redis.delete(self._key("claim", agent))

    def release(self, caller: str) -> None:
        """Give back ``caller``'s agent (its project was closed, or the agent is gone)."""
        agent = self.claim_of(caller)
        if agent is not None and self.claimed_by(agent) == caller:
            self._redis.delete(self._key("claim", agent))
        self._redis.delete(self._key("caller", caller))

    def free_agent(self, version: str | None = None, exclude: frozenset[str] = frozenset()) -> str | None:
        """A live agent nobody holds (for a caller without a project), or None; never one in ``exclude``."""
        for record in self.agents():
            if record.name in exclude:
                continue
            if (version is None or version in record.tia_versions) and self.claimed_by(record.name) is None:
                return record.name
        return None

    # ----- calls -----------------------------------------------------------------------------
    def start_call(self, call_id: str, record: AgentRecord | None = None) -> tuple[bool, bool]:
        """Mark a call as started (and publish ``record``, in the same round trip). Returns whether it was not
        started before (a redelivered message must not run twice) and whether it was canceled while queued."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(self._key("call", call_id), "started", nx=True, ex=24 * 3600)
        pipe.exists(self._key("cancel", call_id))
        if record is not None:
            self._publish(pipe, record)
        first, canceled, *_ = pipe.execute()
        return bool(first), bool(canceled)

    def call_started(self, call_id: str) -> bool:
        """Whether an agent has started ``call_id`` (see :meth:`start_call`)."""
        return bool(self._redis.exists(self._key("call", call_id)))

    def request_cancel(self, call_id: str) -> None:
        """Ask the agent running ``call_id`` to stop at its next checkpoint."""
        self._redis.set(self._key("cancel", call_id), "1", ex=3600)

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

    def cancel_requested(self, call_id: str) -> bool:
        """Whether the API node asked to stop ``call_id``."""
        return bool(self._redis.exists(self._key("cancel", call_id)))
