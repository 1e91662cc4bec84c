"""A farm job whose worker gives up on its thread names the last call the operation sent and has the job's end
filled in from that call's real end, whatever the thread does next: it may still wait on the agent, or have just
heard the reply and gone on (a journal write, the next call's set-up), in the operation's own token or a pipeline
step's child token (seen: a reply that beat the thread's own give-up left a job OUTCOME_UNKNOWN for good)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from engineering_api.farm.dispatch import FarmWorker
from engineering_api.farm.outcomes import OutcomeUnknownError, note_change, note_sent
from simatic_xml.cancel import current, installed
from tools.bounds import HANG_GUARD_S

__all__ = ()

CALL = {"callId": "call-a", "agent": "agent1", "instance": "i-1", "method": "create_project", "completedCalls": []}


@pytest.mark.parametrize("token", ["the operation's", "a pipeline step's child"])
@pytest.mark.parametrize("then", ["still waits on the agent", "heard the reply and goes on"])
def test_a_worker_that_gives_up_on_a_thread_names_its_call_and_has_the_job_watched(token: str, then: str) -> None:
    watched: list[tuple[str, dict[str, Any]]] = []
    release = threading.Event()

    def operation() -> None:
        own = current()
        assert own is not None, "the worker installs the call's token"
        with installed(own.child() if token.startswith("a pipeline") else own):
            note_sent("job-1", dict(CALL))
            if then.startswith("heard"):
                note_change("create_project")  # its reply: a change completed; the journal write follows
            release.wait(HANG_GUARD_S)  # ignores its cancel, as TIA in a C call

    worker = FarmWorker(None, lambda job, call: watched.append((job, call)))
    try:
        with pytest.raises(OutcomeUnknownError) as unknown:
            asyncio.run(worker.call(operation, timeout=0.2, description="projects.create"))
    finally:
        release.set()
        worker.stop()
    assert unknown.value.details["callId"] == "call-a", unknown.value.details
    assert watched == [("job-1", CALL)], "one watch, for the job and the call it sent"


def test_a_worker_that_gives_up_before_any_call_was_sent_asks_for_no_watch() -> None:
    watched: list[Any] = []
    release = threading.Event()
    worker = FarmWorker(None, lambda job, call: watched.append((job, call)))
    try:
        with pytest.raises(OutcomeUnknownError) as unknown:
            asyncio.run(worker.call(lambda: release.wait(HANG_GUARD_S), timeout=0.2, description="projects.create"))
    finally:
        release.set()
        worker.stop()
    assert "callId" not in unknown.value.details and watched == []


def test_a_call_whose_send_failed_with_the_broker_away_for_good_has_its_job_watched(farm: Any, monkeypatch) -> None:
    """A publish that failed while Redis stayed away may have reached the broker: the job answers OUTCOME_UNKNOWN
    naming the call, and its end is filled in once the call's end is known (its journal was noted before the send)."""
    from engineering_api.backend.errors import PortalUnavailableError
    from engineering_api.farm.registry import Claim
    from engineering_api.lib.caller import current_job

    watched: list[tuple[str, dict[str, Any]]] = []
    farm.on_outcome_unknown = lambda job, call: watched.append((job, call))

    def away(step: Any) -> Any:
        raise PortalUnavailableError("the farm's broker stayed away", code="FARM_BROKER_UNREACHABLE")

    monkeypatch.setattr(farm, "_through_outage", away)
    job = current_job.set("job-u")
    try:
        with pytest.raises(OutcomeUnknownError) as unknown:
            farm._unsent("call-u", Claim("agent1", "i-1", 3), "create_project", "job-u", ConnectionError("reset"))
    finally:
        current_job.reset(job)
    assert unknown.value.details["callId"] == "call-u"
    assert [(j, c["callId"], c["agent"], c["instance"]) for j, c in watched] == [("job-u", "call-u", "agent1", "i-1")]
