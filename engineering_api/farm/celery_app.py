"""The Celery application both sides of a farm share: the settings for long, stateful TIA work.

The settings follow Celery's guidance for tasks that must not run twice or be lost:

* ``task_acks_late`` with ``task_reject_on_worker_lost``: a message is acknowledged only when its call ended, so
  a broker restart loses no accepted call; a call whose agent died is not silently run again: it was addressed to
  that agent's instance, which a restarted agent is not (see :mod:`engineering_api.farm.agent`), and a call id
  seen before is never run twice (:meth:`AgentRegistry.start_call`). With the solo pool the worker *is* the
  agent process, so ``reject_on_worker_lost`` only matters for a pool with children; a killed solo agent's
  message stays unacknowledged until Redis's visibility timeout and is then refused by the new instance.
* ``worker_cancel_long_running_tasks_on_connection_loss = False``, on purpose: a TIA call running when the broker
  connection drops goes on and its outcome is delivered when Redis is back (its caller is still waiting). Its
  message may be delivered again after the reconnect; the call id keeps it from running twice.
* The result backend is Redis: each call's outcome is kept under its task id (its call id) for a day, so an API
  node that restarted can still learn how its calls ended. A waiting caller wakes on the agent's reply list
  (one BLPOP, no pub/sub thread per call), which also carries progress.
* No ``expires`` (issue 91): Celery sends it as a point in time of the sender's wall clock and the worker judges
  it by its own, so a node and an agent whose clocks differ by more than it (an unsynchronised Windows host on a
  plant network, a VM resumed hours late) dropped every call unrun, and nobody told the node. A call nobody waits
  for any more is made never to run by the node that stops waiting (its cancel flag, read before the call starts,
  and Celery's revoke by id), on that node's monotonic clock: a job's timeout or cancel, a lost agent, a lost
  node's jobs finished by another (:mod:`engineering_api.farm.reattach`). A message that still carries one (a node
  older than this) and is dropped as expired is answered to its node at once, with the cause
  (``CALL_EXPIRED``, :func:`engineering_api.farm.agent.answer_dropped`).
* ``worker_prefetch_multiplier = 1``: an agent takes the next call only when it is free, as TIA runs one at a time.
* ``task_track_started``: a call an agent has begun is ``STARTED`` in the result backend before its body runs.
  Celery's revoke (sent on a cancel or timeout, to every worker) lets a worker that is not running the task mark
  it ``REVOKED`` only while its state is ``PENDING``; a ``STARTED`` call is left to the worker running it
  (``celery.worker.control._revoke``). Without it an idle agent marked a running call ``REVOKED``, and a job
  re-attached after an API node restart was told "the call never ran" for a save that was on disk.
* JSON only (``accept_content``): no pickle from the broker (:mod:`engineering_api.farm.codec`).
* Task events on (``worker_send_task_events``, ``task_send_sent_event``): Flower and ``celery events`` show every
  call (sent, received, started, succeeded or failed, with its runtime) for the farm's operator. A call's
  ``argsrepr`` names its method and call id only, never its payload (project paths, block sources).
* Each call's message carries the id of the request that caused it in the header :data:`REQUEST_ID_HEADER`.
* A call that ended in an error is a Celery ``FAILURE`` (:class:`FarmCallFailed`, naming the error's code; an
  expected exception of the task, so the agent logs no traceback): Flower, ``celery events`` and the result
  backend tell failures as failures, and the outcome the API node needs is in the exception's arguments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ("CALL_TASK", "REQUEST_ID_HEADER", "UNSETTLED_STATES", "FarmCallFailed",
           "FarmConfig", "celery_app", "stored_outcome")

CALL_TASK = "engineering_api.farm.call"
"""The one task: run a port method on the agent's backend."""
REQUEST_ID_HEADER = "requestId"
"""The message header with the id of the request a call serves (the agent logs it)."""
UNSETTLED_STATES = frozenset({"PENDING", "RECEIVED", "STARTED", "RETRY"})
"""Celery task states of a call that has not ended (queued, taken, or running on its agent)."""
RESULT_EXPIRES_SECONDS = 24 * 3600
"""How long the result backend keeps a call's outcome."""


class FarmCallFailed(Exception):
    """A farm call that ended in an error, as Celery's task failure: ``args`` are a summary (``CODE: message``,
    what Flower and ``celery events`` show) and the outcome as JSON (what the API node reads back)."""

    @classmethod
    def of(cls, outcome: dict[str, Any]) -> FarmCallFailed:
        error = outcome.get("error") or {}
        summary = f"{error.get('code') or error.get('type') or 'ERROR'}: {error.get('message', '')}".strip()
        return cls(summary, json.dumps(outcome))

    @staticmethod
    def outcome_of(failure: Any) -> dict[str, Any] | None:
        """The outcome a stored failure carries (None: a failure of another kind, an agent's crash)."""
        args = getattr(failure, "args", None)
        if not isinstance(args, tuple) or len(args) != 2 or not isinstance(args[1], str):
            return None
        try:
            outcome = json.loads(args[1])
        except ValueError:
            return None
        return outcome if isinstance(outcome, dict) and "error" in outcome else None


@dataclass(frozen=True)
class FarmConfig:
    """Where the farm's broker and state live."""

    broker_url: str
    """``redis://…`` or ``amqp://…`` (RabbitMQ): where calls are queued."""
    state_url: str | None = None
    """Redis for call results, agents' heartbeats and claims; defaults to the broker when that is Redis."""
    prefix: str = "engineering-api:farm"
    """Key prefix in Redis, so several farms can share one server."""
    outage_grace_seconds: float = 30.0
    """After Redis was unreachable (or restarted), how long agents have to report again before their callers are
    told they are lost, and how long a new call waits for Redis before ``FARM_BROKER_UNREACHABLE``."""
    lease_seconds: float = 5.0
    """Agent side: how long its heartbeat record lives in Redis (written every second); gone that long, it is
    taken as lost. API node side: how long after Redis restarted a caller that holds no agent waits for the
    agents' heartbeats to bring back the claims a Redis that lost its data forgot."""
    lease_grace_seconds: float = 5.0
    """API node side: how long an agent whose lease lapsed may come back as the same instance (a short
    partition, a connection reset, a paused VM) before its callers are told ``AGENT_LOST`` and their project is
    closed: a reconnect within it keeps the session's unsaved work."""

    @property
    def redis_url(self) -> str:
        """The Redis that keeps results and the agent registry."""
        if self.state_url:
            return self.state_url
        if self.broker_url.startswith(("redis://", "rediss://", "unix://")):
            return self.broker_url
        raise ValueError(
            f"The farm broker {self.broker_url!r} is not Redis; give --farm-state redis://… for results and heartbeats."
        )

    def redis(self) -> Any:
        """A client of :attr:`redis_url`."""
        import redis

        return redis.Redis.from_url(self.redis_url)


def celery_app(config: FarmConfig, *, results: bool = True) -> Any:
    """A Celery app for ``config`` with the farm's settings.

    ``results=False`` for the API node's sending app: with a Redis result backend, Celery subscribes the sender to
    every sent task's result channel; the node waits on the reply list instead and reads stored outcomes through
    an app with results (:func:`stored_outcome`).
    """
    from celery import Celery

    app = Celery("engineering-api", broker=config.broker_url, backend=config.redis_url if results else None)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"], result_accept_content=["json"],
        result_expires=RESULT_EXPIRES_SECONDS,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1, task_track_started=True,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_send_task_events=True, task_send_sent_event=True,
        # Redis redelivers an unacknowledged message after this; a TIA call can run for an hour (an import).
        broker_transport_options={"visibility_timeout": 4 * 3600},
        task_default_queue="engineering-api.default",
        # A call sent while the broker restarts waits for it (about a minute) instead of failing at once.
        task_publish_retry_policy={"max_retries": 40, "interval_start": 0, "interval_step": 0.5, "interval_max": 2},
    )
    return app


def stored_outcome(app: Any, call_id: str) -> tuple[str, dict[str, Any] | None]:
    """``(state, outcome)`` of a call from the result backend: ``PENDING`` (unknown: queued or never sent),
    ``STARTED`` (its agent runs it), ``SUCCESS`` with the agent's outcome (None when it was a duplicate delivery),
    ``FAILURE`` with the agent's outcome (an ``error``; None when the agent itself failed), or ``REVOKED``
    (expired or revoked before it started: it never ran)."""
    meta = app.backend.get_task_meta(call_id)
    state = str(meta.get("status", "PENDING"))
    result = meta.get("result")
    if state == "FAILURE":
        return state, FarmCallFailed.outcome_of(result)
    return state, result if state == "SUCCESS" and isinstance(result, dict) else None
