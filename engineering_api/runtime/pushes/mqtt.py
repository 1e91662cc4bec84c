"""Push targets on MQTT brokers: ``mqtt://host:port/topic`` and ``mqtts://host:port/topic`` (TLS), QoS 1.

The seeds name "IoT hubs or AWS/Azure endpoints": a plant's broker (Mosquitto, HiveMQ, EMQX) takes a user name and
password (``basic`` auth); AWS IoT Core takes MQTT over TLS on port 8883 with an X.509 client certificate
(``certificate`` auth; AWS IoT Core Developer Guide, "Device communication protocols" and "X.509 client
certificates"). A payload is published once per attempt with QoS 1 (MQTT 3.1.1 section 4.3.2: delivered at least
once, confirmed by PUBACK); the outbox retries an attempt that got no PUBACK. The push's ``Idempotency-Key`` cannot
travel as a header in MQTT 3.1.1: a receiver that must book a shift once reads ``${idempotencyKey}`` from the
payload template.

paho-mqtt is the client (the Eclipse project's, the field's reference client).
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import ssl
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.runtime.outbound.endpoints import check_ca_certificate
from engineering_api.runtime.outbound.tls import trust_context
from engineering_api.runtime.pushes.transport import Attempt, PushTransport

if TYPE_CHECKING:
    from engineering_api.runtime.pushes.definitions import PushTarget, StoredPush

__all__ = ("MQTT_SCHEMES", "Mqtt", "Published", "mqtt_topic", "publish", "run_loop")

MQTT_SCHEMES = ("mqtt", "mqtts")
_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}  # IANA's registered MQTT ports
_FINAL_CONNACK = frozenset({"Bad user name or password", "Not authorized", "Client identifier not valid",
                            "Unsupported protocol version"})


def mqtt_topic(url: str) -> str:
    """The topic an MQTT target's URL names: its path, without the leading slash."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


@dataclass(frozen=True, slots=True)
class Published:
    """An attempt's outcome: acknowledged by the broker, or why not and whether a retry may help."""

    acknowledged: bool
    retry: bool = False
    error: str | None = None



class Mqtt(PushTransport):
    """MQTT 3.1.1 publish with QoS 1 to ``mqtt://`` or ``mqtts://`` (TLS); delivered on the broker's PUBACK."""

    name: ClassVar[str] = "mqtt"
    schemes: ClassVar[tuple[str, ...]] = MQTT_SCHEMES

    def check(self, target: PushTarget) -> None:
        """A topic without wildcards, auth the broker can take, no headers."""
        parts = urllib.parse.urlsplit(target.url)
        topic = mqtt_topic(target.url)
        if not topic or "+" in topic or "#" in topic or "\x00" in topic or len(topic.encode()) > 65535:
            raise ValidationError(f"An MQTT target names its topic as the URL's path, without wildcards (+ #): "
                                  f"mqtt://broker:1883/plant/line1/shift, not {target.url!r}.",
                                  code=codes.PUSH_TARGET_INVALID)
        if parts.query or parts.fragment:
            raise ValidationError("An MQTT target has no query or fragment.", code=codes.PUSH_TARGET_INVALID)
        auth = target.auth.type
        if auth in ("bearer", "header"):
            raise ValidationError("MQTT takes basic (the broker's user name and password), certificate (TLS client "
                                  "certificate) or none.", code=codes.PUSH_TARGET_INVALID)
        secure = parts.scheme.lower() == "mqtts"
        if auth == "certificate" and not secure:
            raise ValidationError("A client certificate needs mqtts:// (TLS).", code=codes.PUSH_TARGET_INVALID)
        if auth == "certificate" and not target.auth.certificate:
            raise ValidationError("certificate auth needs the client certificate (PEM) each time it is saved.",
                                  code=codes.PUSH_TARGET_INVALID)
        check_ca_certificate(target.ca_certificate, target.url, codes.PUSH_TARGET_INVALID)
        if target.headers:
            raise ValidationError("An MQTT 3.1.1 message has no headers: put what the receiver needs in the "
                                  "payload.", code=codes.PUSH_TARGET_INVALID)

    def deliver(self, push: StoredPush, payload: str, period_end_ms: int) -> Attempt:
        target = push.view.target
        basic, certificate = target.auth_type == "basic", target.auth_type == "certificate"
        outcome = publish(
            target.url, payload.encode("utf-8"), username=target.username if basic else None,
            password=push.secret if basic else None, certificate=target.client_certificate if certificate else None,
            private_key=push.secret if certificate else None, ca_certificate=target.ca_certificate,
            client_id=f"engineering-api-push-{push.push_id}", timeout=target.timeout_seconds,
        )
        return Attempt(outcome.acknowledged, outcome.retry, None if outcome.acknowledged else
                       outcome.error or "not published", "PUBLISH", 200 if outcome.acknowledged else 502)

def _tls_context(ca_certificate: str | None, certificate: str | None, private_key: str | None,
                 scratch: str) -> ssl.SSLContext:
    context = trust_context(ca_certificate)
    if certificate and private_key:
        # ssl loads a client certificate from files only: a private folder of this attempt, removed after it
        cert_file, key_file = os.path.join(scratch, "client.pem"), os.path.join(scratch, "client.key")
        for path, text in ((cert_file, certificate), (key_file, private_key)):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as out:
                out.write(text)
        context.load_cert_chain(cert_file, key_file)
    return context


class _SocketErrors(logging.Handler):
    """The errors paho met on the socket, read from what it logs (the exception is its log record's argument).

    paho's read of the socket turns any error into "connection lost"; over TLS 1.3 the broker refuses a client
    certificate with an alert that arrives after the handshake has ended for the client (RFC 8446, 4.4.2.4), so the
    refusal shows only as that error, read here. A logger of this publish alone: not registered, nothing propagated.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[BaseException] = []
        self.logger = logging.Logger("engineering_api.runtime.pushes.mqtt.paho", logging.ERROR)
        self.logger.propagate = False
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple):
            self.errors.extend(a for a in record.args if isinstance(a, BaseException))

    def tls_alert(self) -> ssl.SSLError | None:
        """The first TLS alert paho met (a broker refusing the client's certificate), if any."""
        return next((e for e in self.errors if isinstance(e, ssl.SSLError) and not isinstance(e, ssl.SSLEOFError)),
                    None)

    def tls_closed(self) -> bool:
        """Whether the broker ended the TLS connection without an alert (a refusal or a broker going away)."""
        return any(isinstance(e, ssl.SSLEOFError) for e in self.errors)


def publish(url: str, payload: bytes, *, username: str | None, password: str | None, certificate: str | None,
            private_key: str | None, ca_certificate: str | None, client_id: str, timeout: float) -> Published:
    """Publish ``payload`` to the URL's topic with QoS 1 and wait for the broker's PUBACK (at most ``timeout``)."""
    import paho.mqtt.client as mqtt

    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    connected = threading.Event()
    refusal: list[str] = []

    def on_connect(_client: object, _data: object, _flags: object, reason: object, _properties: object) -> None:
        if getattr(reason, "is_failure", False):
            refusal.append(str(reason))
        connected.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
    client.on_connect = on_connect
    socket_errors = _SocketErrors()
    client.enable_logger(socket_errors.logger)
    if username is not None:
        client.username_pw_set(username, password or None)
    with tempfile.TemporaryDirectory(prefix="engineering-api-mqtt-") as scratch:
        try:
            if scheme == "mqtts":
                client.tls_set_context(_tls_context(ca_certificate, certificate, private_key, scratch))
            client.connect(parts.hostname or "", parts.port or _DEFAULT_PORTS[scheme], keepalive=max(int(timeout), 5))
        except ssl.SSLError as exc:  # a certificate the broker refuses, or a broker this one cannot trust
            return Published(False, retry=False, error=f"TLS: {exc.reason or exc}")
        except (OSError, ValueError) as exc:
            return Published(False, retry=True, error=f"the broker could not be reached ({type(exc).__name__})")
        deadline = time.monotonic() + timeout
        try:
            run_loop(client, connected.is_set, deadline)
            if not connected.is_set():
                refused = socket_errors.tls_alert()
                if refused is not None:  # TLS 1.3: the broker judged the client's certificate after the handshake
                    return Published(False, retry=False, error=f"TLS: the broker refused the TLS connection: "
                                                              f"{refused.reason or refused}")
                if socket_errors.tls_closed():
                    # the alert lost: the broker closed with paho's CONNECT unread, which resets the connection
                    # (Mosquitto, 19 times in 20 for an unknown CA; always without a certificate)
                    return Published(False, retry=False, error="TLS: the broker closed the connection after the "
                                                               "handshake without answering CONNECT: it refuses this "
                                                               "client's certificate (or its lack of one)")
                return Published(False, retry=True, error="the broker did not answer CONNECT")
            if refusal:
                final = refusal[0] in _FINAL_CONNACK
                return Published(False, retry=not final, error=f"the broker refused the connection: {refusal[0]}")
            info = client.publish(mqtt_topic(url), payload, qos=1)
            run_loop(client, info.is_published, deadline)
            if not info.is_published():
                return Published(False, retry=True, error="no PUBACK from the broker in time")
            return Published(True)
        finally:
            client.disconnect()
            run_loop(client, lambda: client.socket() is None, time.monotonic() + 2)  # the DISCONNECT goes out


def run_loop(client: Any, done: Callable[[], bool], deadline: float) -> None:
    """paho's network loop until ``done()`` or ``deadline`` (``time.monotonic()``), on the system's selector (epoll).

    paho's own loop (``loop_start``, ``loop_forever``) waits in ``select.select``, which fails for a socket whose
    file descriptor is 1024 or more ("filedescriptor out of range in select()"); a server holding many files and
    connections gets such sockets. paho's external-loop calls (``loop_read``, ``loop_write``, ``loop_misc``) do the
    protocol; only the waiting is ours.
    """
    with selectors.DefaultSelector() as selector:
        watched: Any = None
        while not done() and time.monotonic() < deadline:
            sock = client.socket()
            if sock is None:
                return
            events = selectors.EVENT_READ | (selectors.EVENT_WRITE if client.want_write() else 0)
            if watched is not sock:
                if watched is not None:
                    with contextlib.suppress(KeyError, ValueError):
                        selector.unregister(watched)
                selector.register(sock, events)
                watched = sock
            else:
                selector.modify(sock, events)
            for _key, mask in selector.select(timeout=min(0.2, max(deadline - time.monotonic(), 0))):
                if mask & selectors.EVENT_READ:
                    client.loop_read()
                if mask & selectors.EVENT_WRITE and client.socket() is not None:
                    client.loop_write()
            if client.socket() is not None:
                client.loop_misc()
