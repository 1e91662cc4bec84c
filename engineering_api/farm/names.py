"""An agent's name is taken, not shared (issue 91): its heartbeat record is its lease on the name.

The name defaults to the host name, so two VMs cloned from one template start two agents under one name. Before,
the second deleted the live agent's claim at its start, both beat one record and both consumed one queue: the live
agent's session was told "restarted" and "Redis lost your hold", both false, and its unsaved work was closed. Now a
starting agent takes its name with its first heartbeat, which writes nothing while another instance's record is
there (:meth:`~engineering_api.farm.registry.AgentRegistry.heartbeat`). It waits one lease for that record to
lapse (a killed instance's does, within its lease; a service wrapper's restart gets the name then) and, while the
other instance keeps renewing it, refuses to start, naming that instance's host and pid. Only with the name does it
void the claims of earlier instances. An instance that finds its name taken later (its lease lapsed while it was
cut off, and another took it) stops: it must not consume the queue the new one serves (:func:`stop_on_name_lost`).
"""

from __future__ import annotations

import logging
import signal
import time

from engineering_api.backend.errors import ConflictError
from engineering_api.errors import codes
from engineering_api.farm.registry import HEARTBEAT_SECONDS, NAME_HELD, AgentRecord, AgentRegistry

__all__ = ("AgentNameTakenError", "stop_on_name_lost", "take_name")

logger = logging.getLogger(__name__)

LOOK_SECONDS = HEARTBEAT_SECONDS / 4
"""How often a starting agent looks again whether the name's record lapsed (a quarter of the other's beat)."""


class AgentNameTakenError(ConflictError):
    """Another live instance holds this agent's name: this one does not start."""

    default_code = codes.AGENT_NAME_TAKEN


def take_name(registry: AgentRegistry, record: AgentRecord) -> None:
    """Take ``record``'s name (its first heartbeat) and void the claims of its earlier instances.

    Raises:
        AgentNameTakenError: another instance kept the name's record alive for a whole lease (and a beat).
        RedisError: Redis is unreachable.
    """
    deadline = time.monotonic() + record.lease_seconds + HEARTBEAT_SECONDS  # a killed one's record lapses by then
    holder: AgentRecord | None = None
    while registry.heartbeat(record) == NAME_HELD:
        seen, holder = holder, registry.agent(record.name) or holder  # gone meanwhile: the next beat takes it
        if holder is not None and seen is None:
            logger.warning("the agent name %r is held by instance %s (host %s, pid %s); waiting up to a lease for "
                           "it to lapse", record.name, holder.instance, holder.host, holder.pid)
        if time.monotonic() >= deadline:
            where = f"host {holder.host}, pid {holder.pid}" if holder is not None else "another process"
            raise AgentNameTakenError(
                f"The agent name {record.name!r} is held by a live agent ({where}, instance "
                f"{holder.instance if holder else '?'}), which renewed it for a whole lease "
                f"({record.lease_seconds:g} s): this agent does not start. Give each agent its own --name (two "
                "hosts cloned from one template share a host name, the default).",
                details={"agent": record.name, "host": holder.host if holder else None,
                         "pid": holder.pid if holder else None, "cause": "AGENT_NAME_TAKEN"})
        time.sleep(LOOK_SECONDS)
    registry.void_earlier_claims(record)


def stop_on_name_lost(record: AgentRecord) -> None:
    """Called by the heartbeat when another instance took this one's name (its lease had lapsed: a partition or a
    pause longer than the lease): stop as at SIGTERM, after the running call, so that the two never consume one
    queue. The farm took this instance as lost when its lease lapsed; the new one serves the name now."""
    logger.error("agent %r (instance %s): another instance took the name while this one's lease had lapsed; "
                 "stopping", record.name, record.instance)
    signal.raise_signal(signal.SIGTERM)
