"""Whether an agent started a call, when the API node must know (to answer a call it stops waiting for).

An agent marks a call started in Redis (:meth:`~engineering_api.farm.registry.AgentRegistry.start_call`) before it
looks at the call's cancel flag, and the node sets the flag before it looks at the mark, so one of the two sees the
other: a call whose mark is missing once its flag is set never runs. That holds while Redis keeps its data. A Redis
that lost its data after the call was published (restarted without its append-only file, or from an older copy
of its data, which carries its old epoch: any restart since the call was sent is suspected) lost the mark with it,
and a missing mark then says nothing: the agent may have started the call before, and may still run it or have
run it. The agent's own word decides then: its record (rewritten by its heartbeat within a second of the loss)
names its last started calls (:attr:`~engineering_api.farm.registry.AgentRecord.started_calls`). Fault schedule
seed 4014512580 raised it: a cancel concluded "not started" from a missing mark.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from engineering_api.farm.registry import AgentRegistry, Claim

__all__ = ("StartSeen", "start_seen")

StartSeen = Literal["started", "not started", "running", "ended", "unknown"]
"""``started``: its mark is there. ``not started``: no mark, and either Redis neither restarted nor lost its data
since the call was published, or its agent's record (of the instance it was sent to) does not name it: with its
flag set, it never runs. Otherwise, by the agent's record: ``running`` (its current call), ``ended`` (it ran; its
reply went with Redis' data, unless the agent posted it after), ``unknown`` (no record of that instance yet, or
an agent that does not name its calls)."""


def start_seen(registry: AgentRegistry, call_id: str, target: Claim | None, published_at: float | None
               ) -> StartSeen:
    """How ``call_id``, published to ``target`` at ``published_at`` (``time.monotonic()``; either None: judge by
    the mark alone), stands; ask after its cancel flag is set (see the module)."""
    if registry.call_started(call_id):
        return "started"
    if target is None or published_at is None:
        return "not started"
    elapsed = time.monotonic() - published_at
    if registry.uptime() > elapsed and registry.data_age() > elapsed:
        return "not started"  # the same Redis server and data as when the call was sent: its mark would be there
    record = registry.agent(target.agent)
    if record is None or record.instance != target.instance or record.started_calls is None:
        return "unknown"
    if call_id not in record.started_calls:
        return "not started"
    return "running" if record.current_call is not None and record.started_calls[-1] == call_id else "ended"
