"""Pushes to MQTT brokers, against a real Mosquitto the test starts on loopback with two listeners: one with user
names and passwords, one with TLS that requires a client certificate (AWS IoT Core's way: X.509 client certificate,
port 8883, TLS 1.2). A subscriber on the broker receives each shift report once it is acknowledged (QoS 1); a wrong
password fails the delivery for good, an unreachable broker is retried; the private key and password never show."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
import time_machine

from engineering_api.config import Settings
from engineering_api.runtime.pushes.mqtt import publish, run_loop
from tests.api.plant_ca import certificate, pem
from tests.api.runtime_pushes import PUSHES, admin_key, list_deliveries, log_shift, push_body, resend_shift
from tools.bounds import HANG_GUARD_S, until
from tests.conftest import assert_error, data, served
from tools.ports import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
USER, PASSWORD = "line1", "broker-pass-7731"
TOPIC = "plant/line1/shift"


class Broker:
    """Mosquitto on two loopback ports (passwords; TLS with client certificates) and a subscriber to the topic."""

    def __init__(self, folder: Path) -> None:
        self.ca = certificate("plant test CA", None)
        self.client = certificate("line1-device", self.ca)
        server = certificate("127.0.0.1", self.ca, server=True)
        for name, text in (("ca.pem", pem(self.ca[0])), ("server.pem", pem(server[0])),
                           ("server.key", pem(server[1]))):
            (folder / name).write_text(text)
        subprocess.run(["mosquitto_passwd", "-b", "-c", str(folder / "passwd"), USER, PASSWORD], check=True,
                       capture_output=True)
        self.received: list[dict[str, Any]] = []
        # free_port() only says a port was free a moment ago: another process of the suite may take it before
        # Mosquitto binds it (then the subscriber meets a stranger), so a start that does not end subscribed is
        # tried again on new ports
        for _ in range(3):
            if self._start(folder) and self._subscribe():
                return
            self.stop()
        raise AssertionError(f"Mosquitto did not start with a subscriber in 3 tries:\n{self.log.read_text()}")

    def _start(self, folder: Path) -> bool:
        self.plain, self.tls, self.tls13 = free_port(), free_port(), free_port()
        (folder / "mosquitto.conf").write_text(
            # as root Mosquitto drops to the user "mosquitto", who cannot read this test's private folder
            f"user {getpass.getuser()}\nper_listener_settings true\n"
            f"listener {self.plain} 127.0.0.1\nallow_anonymous false\npassword_file {folder / 'passwd'}\n"
            f"listener {self.tls} 127.0.0.1\ncafile {folder / 'ca.pem'}\ncertfile {folder / 'server.pem'}\n"
            f"keyfile {folder / 'server.key'}\nrequire_certificate true\nuse_identity_as_username true\n"
            "tls_version tlsv1.2\n"
            # TLS 1.3: the broker judges the client's certificate after the handshake has ended for the client
            f"listener {self.tls13} 127.0.0.1\ncafile {folder / 'ca.pem'}\ncertfile {folder / 'server.pem'}\n"
            f"keyfile {folder / 'server.key'}\nrequire_certificate true\nuse_identity_as_username true\n"
            "tls_version tlsv1.3\n")
        assert MOSQUITTO is not None
        self.log = folder / "mosquitto.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([MOSQUITTO, "-c", str(folder / "mosquitto.conf")], stdout=out,
                                            stderr=subprocess.STDOUT)
        self.subscriber: Any = None
        for port in (self.plain, self.tls, self.tls13):
            until(functools.partial(self._up, port), f"mosquitto on {port}")
        return self.process.poll() is None

    def _up(self, port: int) -> bool:
        """Listening on ``port``, or ended (then the caller shows its log)."""
        return self.process.poll() is not None or self._listening(port)

    @staticmethod
    def _listening(port: int) -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    def _subscribe(self) -> bool:
        import paho.mqtt.client as mqtt

        subscribed = threading.Event()
        subscriber = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-subscriber")
        subscriber.username_pw_set(USER, PASSWORD)
        subscriber.on_connect = lambda c, *_: c.subscribe(TOPIC, qos=1)
        subscriber.on_subscribe = lambda *_: subscribed.set()
        subscriber.on_message = lambda _c, _d, m: self.received.append(json.loads(m.payload))
        self.subscriber = subscriber
        try:
            subscriber.connect("127.0.0.1", self.plain)
        except OSError:
            return False
        # the product's loop (epoll), not paho's select(): the suite's worker holds more than 1024 files by now
        self._stopped = threading.Event()
        threading.Thread(target=run_loop, args=(subscriber, self._stopped.is_set, time.monotonic() + 3600),
                         daemon=True).start()
        return subscribed.wait(HANG_GUARD_S / 4) and self.process.poll() is None

    def stop(self) -> None:
        if self.subscriber is not None:
            self._stopped.set()
        self.process.terminate()
        self.process.wait(HANG_GUARD_S)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    if MOSQUITTO is None or shutil.which("mosquitto_passwd") is None:
        reason = "mosquitto is not installed (Debian package mosquitto; make system-deps installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    running = Broker(tmp_path)
    yield running
    running.stop()


def _delivered(client: Any, headers: dict[str, str], push_id: str) -> dict[str, Any]:
    found: dict[str, Any] = until(lambda: [d for d in list_deliveries(client, headers, push_id)
                                           if d["status"] != "pending" or d["lastError"]], "a delivery outcome")[0]
    return found


def test_shift_reports_reach_a_broker_by_password_and_by_client_certificate(tmp_path: Path, broker: Broker) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True):
        with served(Settings.from_env(data_dir=tmp_path / "data")) as client:
            headers = admin_key(tmp_path / "data")
            log_shift(client, headers)
            by_password = push_body("", name="To broker", target={
                "url": f"mqtt://127.0.0.1:{broker.plain}/{TOPIC}",
                "auth": {"type": "basic", "username": USER, "password": PASSWORD}})
            push = data(client.post(PUSHES, json=by_password, headers=headers), 201)
            assert PASSWORD not in json.dumps(push) and push["target"]["secretSet"] is True
            resend_shift(client, headers, push["pushId"])
            done = _delivered(client, headers, push["pushId"])
            assert done["status"] == "delivered" and done["responseCode"] is None, done
            until(lambda: broker.received, "the report at the subscriber")
            assert broker.received[0]["produced"] == 420 and broker.received[0]["note"] == "line 1 (To broker)"

            # AWS IoT Core's way: TLS and an X.509 client certificate, the broker's CA given
            by_certificate = push_body("", name="To IoT core", target={
                "url": f"mqtts://127.0.0.1:{broker.tls}/{TOPIC}", "caCertificate": pem(broker.ca[0]),
                "auth": {"type": "certificate", "certificate": pem(broker.client[0]),
                         "privateKey": pem(broker.client[1])}})
            push = data(client.post(PUSHES, json=by_certificate, headers=headers), 201)
            shown = client.get(f"{PUSHES}/{push['pushId']}", headers=headers).text
            assert "PRIVATE KEY" not in shown and '"secretSet":true' in shown
            resend_shift(client, headers, push["pushId"])
            assert _delivered(client, headers, push["pushId"])["status"] == "delivered"
            until(lambda: len(broker.received) == 2, "the TLS report at the subscriber")
            assert broker.received[1]["note"] == "line 1 (To IoT core)"


def test_a_refused_login_fails_and_an_unreachable_broker_is_retried(tmp_path: Path, broker: Broker) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True):
        with served(Settings.from_env(data_dir=tmp_path / "data")) as client:
            headers = admin_key(tmp_path / "data")
            log_shift(client, headers)
            wrong = push_body("", name="Wrong password", target={
                "url": f"mqtt://127.0.0.1:{broker.plain}/{TOPIC}",
                "auth": {"type": "basic", "username": USER, "password": "not-the-password"}})
            push = data(client.post(PUSHES, json=wrong, headers=headers), 201)
            resend_shift(client, headers, push["pushId"])
            failed = _delivered(client, headers, push["pushId"])
            assert failed["status"] == "failed" and failed["attempts"] == 1, failed
            assert "refused the connection" in failed["lastError"] and "not-the-password" not in failed["lastError"]

            closed = free_port()
            away = push_body("", name="Broker away", target={"url": f"mqtt://127.0.0.1:{closed}/{TOPIC}"})
            push = data(client.post(PUSHES, json=away, headers=headers), 201)
            resend_shift(client, headers, push["pushId"])
            retried = _delivered(client, headers, push["pushId"])
            assert retried["status"] == "pending" and "could not be reached" in retried["lastError"], retried
            assert broker.received == []


@pytest.mark.parametrize(("target", "words"), [
    ({"url": "mqtt://127.0.0.1:1883/plant/+/shift"}, "without wildcards"),
    ({"url": "mqtt://127.0.0.1:1883/"}, "without wildcards"),
    ({"url": "mqtt://127.0.0.1:1883/t", "auth": {"type": "bearer", "token": "x"}}, "MQTT takes basic"),
    ({"url": "mqtt://127.0.0.1:1883/t", "auth": {"type": "certificate", "certificate": "-----BEGIN CERTIFICATE-----",
                                                 "privateKey": "-----BEGIN PRIVATE KEY-----"}}, "needs mqtts://"),
    ({"url": "mqtts://127.0.0.1:8883/t", "auth": {"type": "certificate",
                                                  "certificate": "-----BEGIN CERTIFICATE-----"}}, "privateKey"),
    ({"url": "mqtt://127.0.0.1:1883/t", "headers": {"X-Plant": "P1"}}, "no headers"),
    ({"url": "http://erp.local/x", "caCertificate": "-----BEGIN CERTIFICATE-----"}, "for https:// and mqtts://"),
    ({"url": "https://erp.local/x", "caCertificate": "-----BEGIN CERTIFICATE-----\nnot one\n"}, "OpenSSL reads"),
])
def test_mqtt_targets_that_cannot_work_are_refused(client: Any, admin_headers: dict[str, str], target: dict[str, Any],
                                                  words: str) -> None:
    body = push_body("", target=target, template='{"end": "${periodEnd}"}')  # no history needed
    refused = client.post(PUSHES, json=body, headers=admin_headers)
    assert_error(refused, 422, "PUSH_TARGET_INVALID")
    assert words in refused.json()["message"], refused.json()
    assert data(client.get(PUSHES, headers=admin_headers)) == []


def test_a_publish_from_a_process_holding_many_files(broker: Broker) -> None:
    """A server holds many files and connections: its MQTT socket's descriptor is then 1024 or more, where paho's
    own loop (select.select) fails. The publish waits on the system's selector instead."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"this process may open only {hard} files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        outcome = publish(f"mqtt://127.0.0.1:{broker.plain}/{TOPIC}", b'{"note": "many files"}', username=USER,
                          password=PASSWORD, certificate=None, private_key=None, ca_certificate=None,
                          client_id="engineering-api-many-files", timeout=HANG_GUARD_S)
    finally:
        for descriptor in held:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert outcome.acknowledged, outcome
    until(lambda: {"note": "many files"} in broker.received, "the message at the subscriber")


def test_a_client_certificate_refused_after_a_tls13_handshake_fails_with_the_reason(broker: Broker) -> None:
    """Over TLS 1.3 the broker refuses an untrusted client certificate, or none, after the client's handshake has
    ended: with an alert, which the publish reports, or by closing (the CONNECT paho sent is unread there, so the
    close resets the connection and the alert is mostly lost). Either fails for good saying so, where it was retried
    as a broker that did not answer CONNECT."""
    other = certificate("other device", certificate("another CA", None))
    url = f"mqtts://127.0.0.1:{broker.tls13}/{TOPIC}"
    for client_id, device, alert in (("engineering-api-refused", other, "TLSV1_ALERT_UNKNOWN_CA"),
                                     ("engineering-api-anonymous", None, "TLSV13_ALERT_CERTIFICATE_REQUIRED")):
        refused = publish(url, b"{}", username=None, password=None, certificate=pem(device[0]) if device else None,
                          private_key=pem(device[1]) if device else None, ca_certificate=pem(broker.ca[0]),
                          client_id=client_id, timeout=HANG_GUARD_S)
        assert not refused.acknowledged and not refused.retry, refused
        assert refused.error in (f"TLS: the broker refused the TLS connection: {alert}",
                                 "TLS: the broker closed the connection after the handshake without answering "
                                 "CONNECT: it refuses this client's certificate (or its lack of one)"), refused
    assert broker.received == []
