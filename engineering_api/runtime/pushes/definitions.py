"""Scheduled pushes to an ERP (an "end of shift" report): push definitions and where they are kept.

A push has a schedule (cron, or shift boundaries in an IANA time zone; :mod:`.schedule`), a payload template
(JSON or XML filled with tag values and history aggregates over the period; :mod:`.template`) and an HTTP(S)
target with headers and auth. Deliveries go through the outbox (:mod:`.outbox`). Definitions are kept in the
service database (``kv`` rows under ``runtime.pushes.``); the target's bearer token or basic password is stored
encrypted (Fernet, :mod:`engineering_api.lib.secret_box`, its own key file), never returned (``secretSet``) and
never logged.
"""

from __future__ import annotations

import ssl
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.secret_box import SecretBox
from engineering_api.runtime.kv_records import SecretRecordStore
from engineering_api.runtime.oauth import check_issuer_url
from engineering_api.runtime.outbound.tls import trust_context
from engineering_api.runtime.pushes.mqtt import MQTT_SCHEMES, is_mqtt, mqtt_topic

if TYPE_CHECKING:
    from engineering_api.services import Services

__all__ = ("CaCertificate", "DefinitionName", "EndpointHeaders", "EndpointView", "PushAuth", "PushDefinition",
           "PushInput", "PushSchedule", "PushStore", "PushTarget", "StoredPush", "check_ca_certificate", "kept_secret",
           "shown_endpoint")

KEY_FILE = "runtime-push-secret.key"
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


class PushSchedule(CamelStruct):
    """When a push runs: a five-field ``cron`` expression or ``shifts`` (``HH:MM`` boundaries), in ``timezone``."""

    cron: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    shifts: Annotated[list[Annotated[str, msgspec.Meta(pattern=r"^\d{2}:\d{2}$")]],
                      msgspec.Meta(min_length=1, max_length=24)] | None = None
    """Shift boundaries such as ``["06:00", "14:00", "22:00"]``: the push at each covers the shift that ended."""
    timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] = "UTC"
    """IANA name (``Europe/Berlin``): boundaries follow its daylight-saving changes."""


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


class PushTarget(CamelStruct):
    """The ERP endpoint: an http(s) URL (on-site addresses are fine), extra headers and auth."""

    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    method: Literal["POST", "PUT"] = "POST"
    headers: EndpointHeaders = msgspec.field(default_factory=dict)
    auth: PushAuth = msgspec.field(default_factory=PushAuth)
    timeout_seconds: Annotated[float, msgspec.Meta(ge=0.5, le=120)] = 10.0
    ca_certificate: CaCertificate | None = None
    """``https://`` or ``mqtts://``: CA certificate(s) the server's certificate may chain to, PEM, besides the
    system's trust store (a plant's own ERP or broker; AWS IoT Core's Amazon Root CA 1 where the system lacks it)."""


class PushInput(CamelStruct):
    """A push definition as created or replaced."""

    name: DefinitionName
    schedule: PushSchedule
    format: Literal["json", "xml"]
    template: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    """The payload with placeholders: ``${delta("Line_DB".Count)}``, ``${avg(...)}``, ``${value(...)}``,
    ``${periodStart}`` ... (see :mod:`engineering_api.runtime.pushes.template`)."""
    target: PushTarget
    enabled: bool = True


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


class TargetView(EndpointView):
    """The target as shown: the secret only as ``secretSet``."""

    method: str
    client_certificate: str | None = None
    """The client certificate (PEM; public), for ``certificate`` auth."""
    ca_certificate: str | None = None
    access_key_id: str | None = None
    region: str | None = None
    service: str | None = None
    """``awsSigV4``: the access key id, region and service name (the secret access key only as ``secretSet``)."""


class PushDefinition(CamelStruct):
    """A push definition as shown (never its secret)."""

    push_id: str
    name: str
    schedule: PushSchedule
    format: str
    template: str
    target: TargetView
    enabled: bool
    created_at: str
    updated_at: str
    next_run_at: str | None = None


@dataclass(frozen=True)
class StoredPush:
    """A definition with its decrypted secret, for rendering and delivery; ``repr`` leaves the secret out."""

    view: PushDefinition
    secret: str | None = field(default=None, repr=False)

    @property
    def push_id(self) -> str:
        return self.view.push_id


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
        raise ValidationError(f"The target URL {url!r} is not a valid URL.", code="PUSH_TARGET_INVALID") from None
    if parts.scheme.lower() not in schemes or not host:
        shown = " or ".join(f"{s}://" for s in schemes)
        raise ValidationError(f"The target URL must be {shown} with a host, not {url!r}.",
                              code="PUSH_TARGET_INVALID")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("Put credentials in target.auth, not in the URL (a URL is shown and logged).",
                              code="PUSH_TARGET_INVALID")


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


def _check_target(target: PushTarget) -> None:
    check_url(target.url, ("http", "https", *MQTT_SCHEMES))
    if is_mqtt(target.url):
        _check_mqtt_target(target)
        return
    if target.auth.type == "certificate":
        raise ValidationError("Client certificates are for mqtts:// targets.", code="PUSH_TARGET_INVALID")
    check_ca_certificate(target.ca_certificate, target.url, "PUSH_TARGET_INVALID")
    if target.auth.type == "awsSigV4":
        _check_aws(target)
    reserved = sorted(h for h in target.headers if h.lower() in RESERVED_HEADERS)
    if reserved:
        raise ValidationError(f"The push sets {', '.join(reserved)} itself; leave it out of target.headers.",
                              code="PUSH_TARGET_INVALID")
    auth = target.auth
    if auth.type == "basic" and not auth.username:
        raise ValidationError("Basic auth needs a username.", code="PUSH_TARGET_INVALID")
    if auth.type == "header":
        name = (auth.header_name or "").lower()
        # Authorization is the push's own only for bearer and basic: header auth may set it, as an Azure IoT Hub
        # needs ("Authorization: SharedAccessSignature sr=...&sig=...&se=...").
        if not name or name in RESERVED_HEADERS - {"authorization"} or name in {h.lower() for h in target.headers}:
            raise ValidationError("Header auth needs a headerName that is neither set by the push (Authorization "
                                  "aside) nor in target.headers.", code="PUSH_TARGET_INVALID")


def _check_mqtt_target(target: PushTarget) -> None:
    """An MQTT target: a topic without wildcards, auth the broker can take. Raises ValidationError
    (``PUSH_TARGET_INVALID``)."""
    parts = urllib.parse.urlsplit(target.url)
    topic = mqtt_topic(target.url)
    if not topic or "+" in topic or "#" in topic or "\x00" in topic or len(topic.encode()) > 65535:
        raise ValidationError(f"An MQTT target names its topic as the URL's path, without wildcards (+ #): "
                              f"mqtt://broker:1883/plant/line1/shift, not {target.url!r}.", code="PUSH_TARGET_INVALID")
    if parts.query or parts.fragment:
        raise ValidationError("An MQTT target has no query or fragment.", code="PUSH_TARGET_INVALID")
    auth = target.auth.type
    if auth in ("bearer", "header"):
        raise ValidationError("MQTT takes basic (the broker's user name and password), certificate (TLS client "
                              "certificate) or none.", code="PUSH_TARGET_INVALID")
    secure = parts.scheme.lower() == "mqtts"
    if auth == "certificate" and not secure:
        raise ValidationError("A client certificate needs mqtts:// (TLS).", code="PUSH_TARGET_INVALID")
    if auth == "certificate" and not target.auth.certificate:
        raise ValidationError("certificate auth needs the client certificate (PEM) each time it is saved.",
                              code="PUSH_TARGET_INVALID")
    check_ca_certificate(target.ca_certificate, target.url, "PUSH_TARGET_INVALID")
    if target.headers:
        raise ValidationError("An MQTT 3.1.1 message has no headers: put what the receiver needs in the payload.",
                              code="PUSH_TARGET_INVALID")


def _check_aws(target: PushTarget) -> None:
    auth = target.auth
    if not (auth.access_key_id and auth.region and auth.service):
        raise ValidationError("awsSigV4 needs accessKeyId, region and service (and secretAccessKey when first set).",
                              code="PUSH_TARGET_INVALID")
    try:
        check_issuer_url(target.url, "An AWS-signed target")  # https, or loopback for a local test endpoint
    except ValueError as exc:
        raise ValidationError(str(exc), code="PUSH_TARGET_INVALID") from None


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


def _view(raw: dict[str, object]) -> PushDefinition:
    shown = {k: v for k, v in raw.items() if k not in ("secretToken", "targetRaw")}
    return msgspec.convert(shown, PushDefinition)


class PushStore(SecretRecordStore[PushDefinition]):
    """Push definitions in the service database; secrets encrypted with their own key file."""

    def __init__(self, services: Services) -> None:
        super().__init__(services, prefix="runtime.pushes.", key_file=KEY_FILE, noun="push definition",
                         not_found_code="PUSH_NOT_FOUND", view=_view)

    def open(self, push_id: str) -> StoredPush:
        """The definition with its secret, for rendering and sending (Raises NotFoundError ``PUSH_NOT_FOUND``)."""
        raw = self._records.one(push_id)
        return StoredPush(_view(raw), self._secret_of(raw))

    def save(self, given: PushInput, push_id: str | None = None) -> PushDefinition:
        """Create (no id) or replace a definition; an omitted token/password keeps the stored one for the same URL.

        The caller checks schedule and template first. Raises ValidationError (``PUSH_TARGET_INVALID``,
        ``PUSH_NAME_TAKEN``), NotFoundError (``PUSH_NOT_FOUND``).
        """
        _check_target(given.target)
        auth = given.target.auth
        with self._lock:
            every = self._records.all()
            old = self._records.one(push_id, every) if push_id else None
            if any(i != push_id and str(r["name"]).lower() == given.name.lower() for i, r in every.items()):
                raise ValidationError(f"A push is already named {given.name!r}.", code="PUSH_NAME_TAKEN")
            token = kept_secret(self._secrets, auth, given.target.url, old, "target")
            if auth.type == "certificate" and token is None:
                raise ValidationError("certificate auth needs the client certificate's privateKey (PEM).",
                                      code="PUSH_TARGET_INVALID")
            if auth.type == "awsSigV4" and token is None:
                raise ValidationError("awsSigV4 needs the secretAccessKey.", code="PUSH_TARGET_INVALID")
            pid = push_id or uuid.uuid4().hex[:12]
            now = utc_now()
            raw: dict[str, object] = {
                "pushId": pid, "name": given.name, "schedule": msgspec.to_builtins(given.schedule),
                "format": given.format, "template": given.template, "enabled": given.enabled,
                "target": {**shown_endpoint(given.target.url, given.target.headers, auth, token,
                                            given.target.timeout_seconds), "method": given.target.method,
                           "clientCertificate": auth.certificate if auth.type == "certificate" else None,
                           "caCertificate": given.target.ca_certificate,
                           **({"accessKeyId": auth.access_key_id, "region": auth.region, "service": auth.service}
                              if auth.type == "awsSigV4" else {})},
                "secretToken": token, "createdAt": (old or {}).get("createdAt") or now, "updatedAt": now,
            }
            every[pid] = raw
            self._records.write(every)
            return _view(raw)
