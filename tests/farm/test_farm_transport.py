"""The broker transport the farm configures: one Redis client per channel, and kombu's own where it must stay."""

from __future__ import annotations

from engineering_api.farm.celery_app import CALL_TASK, FarmConfig, celery_app
from engineering_api.farm.redis_transport import Transport
from tests.farm.farmlib import redis_client


def test_redis_broker_publishes_through_one_client(redis_server) -> None:
    """kombu built a redis.Redis object per message (a third of the API node's CPU per call); the farm's
    transport keeps one per channel, and the messages still arrive."""
    app = celery_app(FarmConfig(redis_server.url))
    queue = "engineering-api.test-transport"
    try:
        with app.connection_for_write() as connection:
            assert isinstance(connection.transport, Transport)
            with app.producer_or_acquire() as producer:
                for i in range(3):
                    app.send_task(CALL_TASK, args=["m", {}, f"t{i}"], queue=queue, task_id=f"t{i}", producer=producer)
                clients = {id(producer.channel._publishing_client)}
                app.send_task(CALL_TASK, args=["m", {}, "t3"], queue=queue, task_id="t3", producer=producer)
                clients.add(id(producer.channel._publishing_client))
            assert len(clients) == 1 and id(None) not in clients
        assert redis_client(redis_server.url).llen(queue) == 4
    finally:
        redis_client(redis_server.url).delete(queue)
        app.close()


def test_other_brokers_keep_their_transport() -> None:
    """rediss:// (TLS set up by kombu from the scheme) and amqp:// are not replaced."""
    assert celery_app(FarmConfig("amqp://guest@127.0.0.1//", "redis://x")).conf.broker_transport is None
    assert celery_app(FarmConfig("rediss://127.0.0.1:1/0")).conf.broker_transport is None
    assert celery_app(FarmConfig("redis://127.0.0.1:1/0")).conf.broker_transport.endswith("redis_transport:Transport")
