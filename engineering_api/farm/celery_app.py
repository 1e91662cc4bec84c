"""The Celery application both sides of a farm share: the settings for long, stateful TIA work.

The settings follow Celery's guidance for tasks that must not run twice or be lost:

* ``task_acks_late`` with ``task_reject_on_worker_lost``: a message is acknowledged only when its call ended, so
  a broker restart loses no accepted call; a call whose agent died is not silently run again (the agent refuses
  a redelivered call it had already started, see :meth:`AgentRegistry.start_call`).
* ``worker_prefetch_multiplier = 1``: an agent takes the next call only when it is free, as TIA runs one at a time.
* JSON only (``accept_content``): no pickle from the broker (:mod:`engineering_api.farm.codec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ("CALL_TASK", "FarmConfig", "celery_app")

CALL_TASK = "engineering_api.farm.call"
"""The one task: run a port method on the agent's backend."""


@dataclass(frozen=True)
class FarmConfig:
    """Where the farm's broker and state live."""

    broker_url: str
    """``redis://…`` or ``amqp://…`` (RabbitMQ): where calls are queued."""
    state_url: str | None = None
    """Redis for call results, agents' heartbeats and claims; defaults to the broker when that is Redis."""
    prefix: str = "engineering-api:farm"
    """Key prefix in Redis, so several farms can share one server."""

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


def celery_app(config: FarmConfig) -> Any:
    """A Celery app for ``config`` with the farm's settings."""
    from celery import Celery

    # Outcomes and progress go through the registry's reply lists (BLPOP), not a Celery result backend: a
    # waiting caller wakes at once without a pub/sub thread that outlives the app.
    app = Celery("engineering-api", broker=config.broker_url)
    if config.broker_url.startswith("redis://"):
        # kombu's transport with one client per channel (engineering_api/farm/redis_transport.py); the URL still
        # says where Redis is. rediss:// keeps kombu's own, whose TLS set-up keys on the scheme's name.
        app.conf.broker_transport = "engineering_api.farm.redis_transport:Transport"
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_send_task_events=False, task_send_sent_event=False,
        # Redis redelivers an unacknowledged message after this; a TIA call can run for an hour (an import).
        broker_transport_options={"visibility_timeout": 4 * 3600},
        task_default_queue="engineering-api.default",
        # A call sent while the broker restarts waits for it (about a minute) instead of failing at once.
        task_publish_retry_policy={"max_retries": 40, "interval_start": 0, "interval_step": 0.5, "interval_max": 2},
    )
    return app
