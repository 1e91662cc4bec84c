"""Scheduled pushes to an ERP: definitions (:mod:`.definitions`), schedule (:mod:`.schedule`), payload templates
(:mod:`.template`), the outbox that queues and retries deliveries (:mod:`.outbox`), and one module per transport
over :class:`~.transport.PushTransport`, registered in :data:`~.transports.TRANSPORTS` (webhook over HTTP(S),
MQTT). ``docs/add-a-push-transport.md`` says how to add a transport.
"""
