"""``engineering-api serve`` speaks HTTPS itself: a certificate the test makes (its own CA, a leaf for 127.0.0.1),
checked by a real TLS client (httpx with that CA as its only trust); the port answers no plain HTTP; HSTS is sent
when asked; ``curl -I`` over HTTP/2 gets each kind of GET route's status without content; a renewed certificate
is served after ``kill -HUP``, a broken or mismatched renewal is refused with the old certificate still served; a
missing key, a file that is not PEM, a broken certificate or a key that does not match stops the start with its
one-line reason (exit 2)."""

from __future__ import annotations

import contextlib
import datetime
from functools import partial
import ipaddress
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tools.bounds import HANG_GUARD_S, until
from tests.realclient.conftest import Served, serve

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey

_NOW = datetime.datetime.now(datetime.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca() -> tuple[x509.Certificate, EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("test plant CA")).issuer_name(_name("test plant CA"))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(_NOW - datetime.timedelta(days=1)).not_valid_after(_NOW + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def _leaf(ca: tuple[x509.Certificate, EllipticCurvePrivateKey], cert_file: Path, key_file: Path) -> int:
    """A server certificate for 127.0.0.1 signed by ``ca``, written as PEM; returns its serial number."""
    key = ec.generate_private_key(ec.SECP256R1())
    serial = x509.random_serial_number()
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca[0].subject)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(_NOW - datetime.timedelta(days=1)).not_valid_after(_NOW + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca[1], hashes.SHA256()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_file, 0o600)
    return serial


def _served(port: int, ca_file: Path) -> x509.Certificate:
    context = ssl.create_default_context(cafile=str(ca_file))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def _served_serial(port: int, ca_file: Path) -> int:
    return _served(port, ca_file).serial_number


def test_serve_speaks_https_with_hsts_and_reads_a_renewed_certificate(tmp_path: Path) -> None:
    ca = _ca()
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca[0].public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = tmp_path / "server.pem", tmp_path / "server.key"
    first_serial = _leaf(ca, cert_file, key_file)
    options = ("--tls-cert", str(cert_file), "--tls-key", str(key_file), "--hsts-seconds", "31536000")
    appdata = {"APPDATA": str(tmp_path / "appdata")}
    trust = ssl.create_default_context(cafile=str(ca_file))
    with contextlib.contextmanager(serve)(tmp_path / "data", *options, ca=ca_file, env=appdata) as served:
        port = int(served.base.rsplit(":", 1)[1])
        health = httpx.get(f"{served.base}/api/health", verify=trust, timeout=HANG_GUARD_S)
        assert health.status_code == 200 and health.headers["strict-transport-security"] == "max-age=31536000"
        assert "engineering-api on https://127.0.0.1" in served.output()
        # an authenticated call over TLS, as an ERP would make it
        keys = httpx.get(f"{served.base}/api/projects", headers={"X-API-Key": served.admin_key}, verify=trust,
                         timeout=HANG_GUARD_S)
        assert keys.status_code == 200, keys.text
        # a client that does not trust the CA is refused by TLS, and plain HTTP gets no HTTP answer at all
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{served.base}/api/health", timeout=HANG_GUARD_S)
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=HANG_GUARD_S)
        assert _served_serial(port, ca_file) == first_serial
        _head_answers_as_get(served, ca_file)

        # renewal: new files in place, SIGHUP to the serving process, the new certificate is served
        renewed = _leaf(ca, cert_file, key_file)
        served.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            try:
                if _served_serial(port, ca_file) == renewed:
                    break
            except OSError:
                pass  # the worker is being replaced
            assert time.monotonic() < deadline, f"the renewed certificate was not served:\n{served.output()}"
            time.sleep(0.2)
        assert httpx.get(f"{served.base}/api/health", verify=trust, timeout=HANG_GUARD_S).status_code == 200


_READS = ("/api/health", "/api/projects", "/api/jobs", "/swagger", "/metrics", "/api/projects/none-such",
          "/no/such/route")
"""GET routes of each kind: a read, a listing called directly, a page, the metrics, a 404 and an unrouted path."""


def _curl_status(served: Served, ca_file: Path, path: str, *options: str) -> tuple[int, dict[str, str]]:
    """curl's exit code over HTTP/2 and the answer's status line and headers (lower-case names)."""
    done = subprocess.run(["curl", "-sS", "--http2", "--cacert", str(ca_file), "-H", f"X-API-Key: {served.admin_key}",
                           "-o", os.devnull, "-D", "-", *options, f"{served.base}{path}"],
                          capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    status, *fields = done.stdout.splitlines() or [""]
    headers = {name.strip().lower(): value.strip() for name, _, value in (field.partition(":") for field in fields)}
    return done.returncode, {"status": status.strip(), **headers}


def _head_answers_as_get(served: Served, ca_file: Path) -> None:
    """``curl -I`` over HTTPS with HTTP/2 (curl's ALPN choice here): HEAD answered with the GET's status and no
    content. It answered 405 with a body on every GET route, which HTTP/2 forbids for HEAD: curl exited 92."""
    for path in _READS:
        code, head = _curl_status(served, ca_file, path, "--head")
        assert code == 0, (path, code, head)
        got, get = _curl_status(served, ca_file, path)
        assert got == 0 and get["status"].startswith("HTTP/2 "), (path, get)
        assert head["status"] == get["status"], (path, head, get)
        assert head.get("content-type") == get.get("content-type"), path
        if path == "/swagger":  # a fixed page: the same length as its GET's, though no content follows
            assert head["content-length"] == get["content-length"]


_BROKEN_PEM = b"-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"


def _fingerprint(port: int, ca_file: Path) -> bytes:
    return _served(port, ca_file).fingerprint(hashes.SHA256())


def _refused_or_ended(served: Served, count: int) -> bool:
    return served.output().count("certificate reload refused") == count or served.process.poll() is not None


def test_a_broken_or_mismatched_renewal_keeps_the_old_certificate_served(tmp_path: Path) -> None:
    ca = _ca()
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca[0].public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = tmp_path / "server.pem", tmp_path / "server.key"
    _leaf(ca, cert_file, key_file)
    trust = ssl.create_default_context(cafile=str(ca_file))
    options = ("--tls-cert", str(cert_file), "--tls-key", str(key_file))
    with contextlib.contextmanager(serve)(tmp_path / "data", *options, ca=ca_file,
                                          env={"APPDATA": str(tmp_path / "appdata")}) as served:
        port = int(served.base.rsplit(":", 1)[1])
        first = _fingerprint(port, ca_file)
        good_key = key_file.read_bytes()
        # a renewal whose certificate is broken, then one whose key is not the certificate's
        for count, (cert, key, reason) in enumerate((
                (_BROKEN_PEM, good_key, "holds no readable certificate"),
                (None, good_key, "the key does not match the certificate")), start=1):
            if cert is None:
                _leaf(ca, cert_file, key_file)  # a new certificate, but the key file gets the old key back
            else:
                cert_file.write_bytes(cert)
            key_file.write_bytes(key)
            served.process.send_signal(signal.SIGHUP)
            until(partial(_refused_or_ended, served, count), f"refusal {count} in the server's log")
            assert served.process.poll() is None, served.output()
            assert reason in served.output()
            assert _fingerprint(port, ca_file) == first
            health = httpx.get(f"{served.base}/api/health", verify=trust, timeout=HANG_GUARD_S).json()["data"]
            assert health["status"] == "Healthy" and reason in health["warnings"][0], health
        scraped = httpx.get(f"{served.base}/metrics", verify=trust, timeout=HANG_GUARD_S).text
        assert "engineering_api_tls_reloads_refused_total 2.0" in scraped
        # a good pair is taken: the new certificate is served and health has nothing left to say
        _leaf(ca, cert_file, key_file)
        renewed = x509.load_pem_x509_certificate(cert_file.read_bytes()).fingerprint(hashes.SHA256())
        served.process.send_signal(signal.SIGHUP)

        def renewed_served() -> bool:
            try:
                return _fingerprint(port, ca_file) == renewed
            except OSError:  # the worker is being replaced
                return False

        until(renewed_served, "the renewed certificate served")
        health = httpx.get(f"{served.base}/api/health", verify=trust, timeout=HANG_GUARD_S).json()["data"]
        assert health["warnings"] == [], health


def test_tls_settings_that_cannot_work_stop_the_start(tmp_path: Path) -> None:
    cert_file, key_file = tmp_path / "server.pem", tmp_path / "server.key"
    _leaf(_ca(), cert_file, key_file)
    not_pem = tmp_path / "server.der"
    not_pem.write_bytes(b"\x30\x82\x01\x0a")
    broken = tmp_path / "broken.pem"
    broken.write_bytes(_BROKEN_PEM)
    other_key = tmp_path / "other.key"
    _leaf(_ca(), tmp_path / "other.pem", other_key)
    script = str(Path(sys.executable).with_name("engineering-api"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    for options, reason in (((("--tls-cert", str(cert_file)),), "needs both a certificate and its key"),
                            ((("--tls-cert", str(not_pem)), ("--tls-key", str(key_file))), "is not a PEM file"),
                            ((("--tls-cert", str(cert_file)), ("--tls-key", str(tmp_path / "none.key"))),
                             "cannot read"),
                            ((("--tls-cert", str(broken)), ("--tls-key", str(key_file))),
                             "holds no readable certificate"),
                            ((("--tls-cert", str(cert_file)), ("--tls-key", str(other_key))),
                             "the key does not match the certificate")):
        flat = [part for pair in options for part in pair]
        run = subprocess.run([script, "serve", "--data-dir", str(tmp_path / "data"), "--port", "0", *flat],
                             capture_output=True, text=True, timeout=HANG_GUARD_S, env=env, check=False)
        assert run.returncode == 2 and reason in run.stderr, (flat, run.stderr)
        assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr  # no traceback
