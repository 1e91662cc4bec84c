"""One trust setting for every outbound TLS connection: a push to an ERP whose certificate comes from the plant's
own CA (a local HTTPS server signed by a test CA) is refused with the reason and the next step while nothing trusts
that CA, and delivered once the target names it (``caCertificate``) or the server's trust store holds it
(``SSL_CERT_FILE``); a pull from the same server trusts the same way."""

from __future__ import annotations

import datetime as dt
import ssl
from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import pytest
import time_machine

from engineering_api.config import Settings
from engineering_api.runtime.outbound.tls import untrusted_reason
from engineering_api.runtime.pulls.definitions import SourceView
from engineering_api.runtime.pulls.http_get import get as fetch
from tests.api.plant_ca import certificate, pem
from tests.api.runtime_pushes import PUSHES, Receiver, admin_key, list_deliveries, log_shift, push_body, resend_shift
from tests.conftest import data, served
from tools.bounds import until

if TYPE_CHECKING:
    from pathlib import Path


def _outcome(client: Any, headers: dict[str, str], push_id: str) -> dict[str, Any]:
    found: dict[str, Any] = until(lambda: [d for d in list_deliveries(client, headers, push_id)
                                           if d["status"] != "pending" or d["lastError"]], "a delivery outcome")[0]
    return found


def test_a_push_to_an_erp_signed_by_the_plant_ca(tmp_path: Path, receiver: Receiver,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ca = certificate("plant test CA", None)
    server = certificate("127.0.0.1", ca, server=True)
    (tmp_path / "server.pem").write_text(pem(server[0]))
    (tmp_path / "server.key").write_text(pem(server[1]))
    (tmp_path / "ca.pem").write_text(pem(ca[0]))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    receiver.start(tls)
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC), tick=True):
        with served(Settings.from_env(data_dir=tmp_path / "data")) as client:
            headers = admin_key(tmp_path / "data")
            log_shift(client, headers)

            untrusted = data(client.post(PUSHES, json=push_body(receiver.url, name="Untrusted"), headers=headers),
                             201)
            resend_shift(client, headers, untrusted["pushId"])
            refused = _outcome(client, headers, untrusted["pushId"])
            assert "certificate is not trusted" in refused["lastError"], refused
            assert "caCertificate" in refused["lastError"] and "SSL_CERT_FILE" in refused["lastError"], refused
            assert receiver.requests == []

            named = push_body(receiver.url, name="CA named")
            named["target"]["caCertificate"] = pem(ca[0])
            push = data(client.post(PUSHES, json=named, headers=headers), 201)
            assert push["target"]["caCertificate"] == pem(ca[0])
            resend_shift(client, headers, push["pushId"])
            assert _outcome(client, headers, push["pushId"])["status"] == "delivered"

            monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
            trusted = data(client.post(PUSHES, json=push_body(receiver.url, name="Trusted by the server"),
                                       headers=headers), 201)
            resend_shift(client, headers, trusted["pushId"])
            assert _outcome(client, headers, trusted["pushId"])["status"] == "delivered"
            assert len(receiver.requests) == 2

            # a pull from the same server trusts the same way (the fetch itself: its mapping is the pulls' tests')
            monkeypatch.delenv("SSL_CERT_FILE")
            source: dict[str, Any] = {"url": receiver.url, "headers": {}, "authType": "none", "username": None,
                                      "headerName": None, "secretSet": False, "timeoutSeconds": 10.0}
            with pytest.raises(httpx.ConnectError) as refused_pull:
                fetch(msgspec.convert(source, SourceView), {}, 1)
            assert untrusted_reason(refused_pull.value) is not None
            named_source = msgspec.convert({**source, "caCertificate": pem(ca[0])}, SourceView)
            assert fetch(named_source, {}, 1)[:2] == (200, b'{"order": {"setpoint": 4.5}}')
