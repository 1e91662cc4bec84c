"""The endpoint a push sends to or a pull fetches from: its URL, extra headers and auth, how it is shown (the
secret only as ``secretSet``), checked, and the secret kept for it.

A push's target (:class:`~engineering_api.runtime.pushes.definitions.PushTarget`) and a pull's source
(:class:`~engineering_api.runtime.pulls.definitions.PullSource`) take the same auth (:class:`PushAuth`, its wire name
kept from when only pushes had it) and the same headers; a secret entered for one URL is never sent to another
(:func:`kept_secret`).
"""

from __future__ import annotations

import base64
import ssl
import urllib.parse
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.outbound.tls import trust_context

if TYPE_CHECKING:
    from engineering_api.lib.secret_box import SecretBox

__all__ = ("RESERVED_HEADERS", "CaCertificate", "DefinitionName", "EndpointHeaders", "EndpointView",
           "PushAuth", "auth_header", "check_ca_certificate", "check_url", "kept_secret", "shown_endpoint")

RESERVED_HEADERS = frozenset({"authorization", "idempotency-key", "content-type", "content-length", "host",
                              "transfer-encoding", "connection"})
"""Headers the push sets itself; a definition may not name them."""
DefinitionName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
"""The name of a push or pull definition."""
_HeaderName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
_HeaderValue = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^[\x20-\x7e]*$")]
"""Printable ASCII: what an HTTP header carries as is (no line breaks to inject another header)."""
EndpointHeaders = Annotated[dict[_HeaderName, _HeaderValue], msgspec.Meta(max_length=50)]
"""The extra headers a push sends to its target, a pull to its source."""


_Pem = Annotated[str, msgspec.Meta(max_length=20_000, pattern=r"^-----BEGIN [A-Z0-9 ]+-----")]
CaCertificate = Annotated[str, msgspec.Meta(max_length=100_000, pattern=r"^-----BEGIN CERTIFICATE-----")]
"""An endpoint's own CA certificate(s), PEM (:mod:`engineering_api.runtime.outbound.tls`)."""


class PushAuth(CamelStruct):
    """How the push authenticates: ``bearer`` (``token``), ``basic`` (``username``, ``password``; on MQTT the
    broker's user name and password), ``header`` (``token`` in the header ``headerName``, such as an ``APIKey``
    header, or ``Authorization`` with a whole value such as ``SharedAccessSignature sr=...`` for an Azure IoT Hub)
    or ``certificate`` (MQTT over TLS with a client certificate, as AWS IoT Core needs: ``certificate`` and
    ``privateKey`` in PEM)."""

    type: Literal["none", "bearer", "basic", "header", "certificate", "awsSigV4"] = "none"
    token: Annotated[str, msgspec.Meta(max_length=4000, pattern=r"^[\x20-\x7e]*$")] | None = None
    header_name: _HeaderName | None = None
    username: Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^:\x00-\x1f]*$")] | None = None
    password: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    """``token``/``password``/``privateKey``: write-only, stored encrypted. Omit (null) on an update to keep the
    stored one."""
    certificate: _Pem | None = None
    """The client certificate (chain), PEM; shown back as ``clientCertificateSet``."""
    private_key: _Pem | None = None
    """The client certificate's private key, PEM, unencrypted."""
    access_key_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{16,128}$")] | None = None
    """``awsSigV4``: the IAM access key id (shown back)."""
    secret_access_key: Annotated[str, msgspec.Meta(min_length=16, max_length=128, pattern=r"^[\x21-\x7e]+$")] | None = (
        None)
    """``awsSigV4``: the secret access key (write-only, stored encrypted)."""
    region: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9-]{1,32}$")] | None = None
    """``awsSigV4``: the AWS region of the endpoint (``eu-central-1``)."""
    service: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9-]{1,64}$")] | None = None
    """``awsSigV4``: the signing name of the service (``execute-api`` for API Gateway, ``iotdevicegateway``...)."""


class EndpointView(CamelStruct):
    """An endpoint (a push's target, a pull's source) as shown: the secret only as ``secretSet``
    (:func:`shown_endpoint` writes it)."""

    url: str
    headers: dict[str, str]
    auth_type: str
    username: str | None
    header_name: str | None
    secret_set: bool
    timeout_seconds: float


def shown_endpoint(url: str, headers: dict[str, str], auth: PushAuth, secret: str | None,
                   timeout_seconds: float) -> dict[str, object]:
    """The stored form of an :class:`EndpointView` (wire names): auth's username or header name only where its type
    uses it, and whether a ``secret`` is kept, never the secret."""
    return {"url": url, "headers": dict(headers), "authType": auth.type,
            "username": auth.username if auth.type == "basic" else None,
            "headerName": auth.header_name if auth.type == "header" else None,
            "secretSet": secret is not None, "timeoutSeconds": timeout_seconds}


def check_url(url: str, schemes: tuple[str, ...] = ("http", "https")) -> None:
    """Only ``schemes``; no user info in the URL (use ``auth``). Raises ValidationError (``PUSH_TARGET_INVALID``)."""
    import httpx  # here, not at the top: the server's start does not load httpx (with its CLI's rich and pygments)

    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a port out of range
        if parts.scheme.lower() in ("http", "https"):
            httpx.URL(url)  # what will send it must take it too
    except (ValueError, httpx.InvalidURL):
        raise ValidationError(f"The target URL {url!r} is not a valid URL.", code=codes.PUSH_TARGET_INVALID) from None
    if parts.scheme.lower() not in schemes or not host:
        shown = " or ".join(f"{s}://" for s in schemes)
        raise ValidationError(f"The target URL must be {shown} with a host, not {url!r}.",
                              code=codes.PUSH_TARGET_INVALID)
    if parts.username is not None or parts.password is not None:
        raise ValidationError("Put credentials in target.auth, not in the URL (a URL is shown and logged).",
                              code=codes.PUSH_TARGET_INVALID)


def check_ca_certificate(ca_certificate: str | None, url: str, code: str) -> None:
    """A ``caCertificate`` only for a TLS URL, and one OpenSSL reads. Raises ValidationError (``code``)."""
    if not ca_certificate:
        return
    if urllib.parse.urlsplit(url).scheme.lower() not in ("https", "mqtts"):
        raise ValidationError("caCertificate is for https:// and mqtts:// URLs (TLS).", code=code)
    try:
        trust_context(ca_certificate)
    except ssl.SSLError as exc:
        raise ValidationError(f"caCertificate is not a PEM certificate OpenSSL reads ({exc.reason or exc}).",
                              code=code) from None


def kept_secret(secrets: SecretBox, auth: PushAuth, url: str, old: dict[str, Any] | None, place: str) -> str | None:
    """The encrypted secret to store for ``auth`` at ``url`` (a push's target or a pull's source): the one given
    (none for ``none``), else the stored one while ``url`` and the auth type are those it was entered for (``old``:
    the stored record, ``place``: the key of its target or source). A secret is for one endpoint: never send it to
    another it was not entered for."""
    given = {"none": "", "basic": auth.password, "certificate": auth.private_key,
             "awsSigV4": auth.secret_access_key}.get(auth.type, auth.token)
    if given is not None:
        return secrets.encrypt(given) if given else None
    stored = (old or {}).get(place)
    token = (old or {}).get("secretToken")
    same = isinstance(stored, dict) and stored.get("url") == url and stored.get("authType") == auth.type
    return token if same and isinstance(token, str) else None




def auth_header(auth_type: str, username: str | None, header_name: str | None,
                secret: str | None) -> tuple[str, str, str] | None:
    """(header, value, value with the secret redacted) that an endpoint's ``bearer``, ``basic`` or ``header`` auth
    sends, or None (no auth, no secret, or an auth that is not a header: ``certificate``, ``awsSigV4``)."""
    if auth_type == "bearer" and secret:
        return "Authorization", f"Bearer {secret}", "Bearer ***"
    if auth_type == "basic":
        raw = f"{username or ''}:{secret or ''}".encode()
        return "Authorization", "Basic " + base64.b64encode(raw).decode("ascii"), "Basic ***"
    if auth_type == "header" and header_name and secret:
        return header_name, secret, "***"
    return None
