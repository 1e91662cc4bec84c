"""A call's start mark lost with Redis' data (issue 91, fault schedule seed 4014512580).

The API node tells a call that did not run from one that did by the start mark the agent writes in Redis before it
runs it. Redis restarted without its data after the call was published loses the mark, and a missing mark said
"not started": a call the agent was running (or had run) was answered "did not run" (``FARM_BROKER_UNREACHABLE``
after the node's look for calls the broker lost, ``CANCELED`` at a cancel) while its change was made. The agent's
own record names the calls it started; the node believes it when Redis restarted (or its data began) since the
call was sent.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from engineering_api.backend.errors import EngineeringError, OperationCanceledError
from engineering_api.farm import FarmBackend, FarmConfig
from engineering_api.farm.celery_app import CALL_TASK
from engineering_api.farm.codec import encode
from engineering_api.farm.registry import agent_queue
from simatic_xml.cancel import CancelToken, installed
from tests.farm.farm_calls import WAIT, until

pytestmark = pytest.mark.xdist_group("farm-1")

CREATE = "simulation.create_instance"


def _restart_empty(farm: Any) -> None:
    """Redis restarted without its data (this farm's Redis keeps none)."""
    farm.redis.stop()
    farm.redis.start()


def test_a_call_whose_start_mark_went_with_redis_data_is_judged_by_its_agents_record(own_farm):
    """One farm, two calls: one the agent runs while Redis loses its data is waited for and answered its result;
    one it ran before, whose reply went with the data, is ``OUTCOME_UNKNOWN`` at a cancel, not ``CANCELED``."""
    farm = own_farm(1, f"{WAIT * 10:g}:{CREATE}")  # the change is made, then its floor holds the call running
    backend = FarmBackend(FarmConfig(farm.redis.url))
    try:
        claim = until(backend.registry.free_agent, "the agent is up")
        _running_call_is_waited_for(farm, backend, claim)
        _canceled_call_that_ran_is_outcome_unknown(farm, backend, claim)  # the gate is open: no floor now
    finally:
        backend.close()


def _running_call_is_waited_for(farm: Any, backend: Any, claim: Any) -> None:
    answers: list[Any] = []

    def send() -> None:
        try:
            answers.append(backend._send(claim, CREATE, ("Ran",), {}, None))
        except EngineeringError as exc:
            answers.append(exc)

    sending = threading.Thread(target=send, daemon=True)
    sending.start()
    record = until(lambda: (r := backend.registry.agent(claim.agent)) is not None and r.current_call and r,
                   "the agent runs the call")
    call_id = record.started_calls[-1]
    _restart_empty(farm)
    # The node's look for a call the broker lost (neither started nor queued) sets its cancel flag as it judges
    until(lambda: backend.registry.cancel_requested(call_id), "the node judged the call after the restart")
    (farm.root / "gate").touch()  # the call ends (its floor ignored the cancel, as TIA in a C call does)
    sending.join(WAIT)
    assert answers and not isinstance(answers[0], EngineeringError), answers
    names = [i.name for i in backend._send(claim, "simulation.list_instances", (), {}, None)]
    assert "Ran" in names


def _canceled_call_that_ran_is_outcome_unknown(farm: Any, backend: Any, claim: Any) -> None:
    call_id = uuid.uuid4().hex
    backend.app.send_task(CALL_TASK, args=[CREATE, {"args": encode(["RanToo"]), "kwargs": {}}, call_id, "",
                                           {"instance": claim.instance, "token": None}],
                          queue=agent_queue(claim.agent), task_id=call_id)
    published_at = time.monotonic()
    until(lambda: backend.registry.call_started(call_id) and backend.registry.next_message(call_id, 0.1),
          "the agent ran the call")  # its reply taken here: as a Redis that lost it with its data leaves it
    _restart_empty(farm)
    until(lambda: (r := backend.registry.agent(claim.agent)) is not None and call_id in (r.started_calls or ()),
          "the agent's heartbeat is back and names the call")
    token = CancelToken()
    token.cancel(OperationCanceledError("the job was canceled"))
    with installed(token), pytest.raises(EngineeringError) as answer:
        backend._await(call_id, claim, CREATE, None, published_at)
    assert answer.value.code == "OUTCOME_UNKNOWN", answer.value
    assert answer.value.details["cause"] == "FARM_STATE_LOST"
    assert answer.value.details["callId"] == call_id
