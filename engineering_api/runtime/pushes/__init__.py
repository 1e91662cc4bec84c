"""Scheduled pushes to an ERP: definitions (:mod:`.definitions`), schedule (:mod:`.schedule`), payload templates
(:mod:`.template`), the outbox that queues and retries deliveries (:mod:`.outbox`), and one module per transport
(webhook over HTTP(S), :mod:`.webhook`; MQTT, :mod:`.mqtt`) over ``PushTransport`` (:mod:`.transport`), registered
in ``TRANSPORTS`` (:mod:`.transports`). ``docs/add-a-push-transport.md`` says how to add a transport.
"""
